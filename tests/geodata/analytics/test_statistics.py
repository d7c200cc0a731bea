"""Statistics against independent computations: numpy per group, zoneinfo per row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from geodata.analytics import statistics
from geodata.analytics.response_intervals import INTERVALS, IntervalQuery, incident_intervals
from geodata.analytics.standards import AnalyticsConfig
from tests.geodata.analytics.generated_log import T0, Log

JAKARTA = ZoneInfo("Asia/Jakarta")


def frame_of(
    values: list[float | None], closed: list[bool] | None = None, **extra: object
) -> pd.DataFrame:
    """An interval frame whose four intervals all hold ``values``."""
    data: dict[str, object] = {f"{i}_s": np.array(values, dtype=float) for i in INTERVALS}
    data["closed"] = closed if closed is not None else [True] * len(values)
    data["received_at"] = pd.Timestamp(T0)
    return pd.DataFrame({**data, **extra})


def reference(values: np.ndarray, target: float | None = None) -> dict[str, float]:
    """What every statistic should be, from numpy directly."""
    used = values[~np.isnan(values) & (values >= 0)]
    return {
        "n": len(used),
        "median_s": float(np.percentile(used, 50)) if len(used) else np.nan,
        "p90_s": float(np.percentile(used, 90)) if len(used) else np.nan,
        "mean_s": float(np.mean(used)) if len(used) else np.nan,
        "compliance": float(np.mean(used <= target)) if len(used) and target else np.nan,
    }


def test_summary_counts_exclusions_per_reason() -> None:
    frame = frame_of([60, None, None, -5, 600, 120], closed=[True, True, False, True, True, True])
    row = (
        statistics.interval_summary(frame, {"response": 300}).set_index("interval").loc["response"]
    )
    assert (row["rows"], row["n"], row["missing"], row["open"], row["inconsistent"]) == (
        6,
        3,
        1,
        1,
        1,
    )
    assert row["median_s"] == 120 and row["p90_s"] == pytest.approx(504.0)  # 120 + 0.8 × 480
    assert row["compliance"] == pytest.approx(2 / 3) and row["target_s"] == 300


def test_generated_log_summary_matches_numpy(engine: Engine, log: Log) -> None:
    with engine.connect() as conn:
        frame = incident_intervals(conn, log.city_id, IntervalQuery(T0, T0 + timedelta(days=14)))
    summary = statistics.interval_summary(frame, {"response": 900.0}).set_index("interval")
    written = log.incidents[
        log.incidents["category"].isin(["fire", "health", "crime", "flood", "traffic_accident"])
    ]
    steps = {
        "call_processing": ("dispatched_at", "received_at"),
        "turnout": ("en_route_at", "dispatched_at"),
        "travel": ("on_scene_at", "en_route_at"),
        "response": ("on_scene_at", "received_at"),
    }
    for interval, (later, earlier) in steps.items():
        values = (written[later] - written[earlier]).dt.total_seconds().to_numpy(dtype=float)
        expected = reference(values, 900.0 if interval == "response" else None)
        row = summary.loc[interval]
        for key, value in expected.items():
            np.testing.assert_allclose(
                row[key], value, rtol=0, atol=1e-9, err_msg=f"{interval} {key}"
            )
        missing = np.isnan(values)
        assert row["missing"] == int((missing & written["closed"]).sum())
        assert row["open"] == int((missing & ~written["closed"]).sum())
        assert row["missing"] + row["open"] + row["n"] == len(written)


def test_grouped_statistics_equal_a_loop_over_groups(engine: Engine, log: Log) -> None:
    with engine.connect() as conn:
        frame = incident_intervals(conn, log.city_id, IntervalQuery(T0, T0 + timedelta(days=14)))
    stats = statistics.grouped_statistics(frame, "category", target_s=600, min_count=40)
    for row in stats.itertuples(index=False):
        values = frame.loc[frame["category"] == row.category, "response_s"].to_numpy(dtype=float)
        expected = reference(values, 600)
        assert row.rows == len(values) and row.excluded == len(values) - expected["n"]
        for key, value in expected.items():
            np.testing.assert_allclose(getattr(row, key), value, atol=1e-9)
        assert row.too_few == (expected["n"] < 40)


def test_per_row_targets_use_each_agency_standard() -> None:
    frame = frame_of([800, 800, 1000], agency_kind=["fire", "ambulance", "fire"],
                     category=["fire", "health", "fire"])  # fmt: skip
    config = AnalyticsConfig().with_target("ambulance", 10, None)  # 600 s for PSC 119
    targets = config.targets_for(frame)
    summary = statistics.interval_summary(frame, {"response": targets}).set_index("interval")
    assert summary.loc["response", "compliance"] == pytest.approx(1 / 3)  # only the 800 s fire
    stats = statistics.grouped_statistics(frame, "agency_kind", target_s=targets)
    assert stats.set_index("agency_kind")["compliance"].to_dict() == {"ambulance": 0.0, "fire": 0.5}


def test_hour_and_weekday_are_local() -> None:
    received = [
        datetime(2026, 5, 3, 17, 30, tzinfo=UTC),  # Sunday UTC = Monday 00:30 WIB
        datetime(2026, 5, 4, 16, 59, tzinfo=UTC),
    ]  # Monday 23:59 WIB
    frame = frame_of([100, 200]).assign(received_at=pd.to_datetime(received, utc=True))
    grid = statistics.hour_weekday_grid(frame, "Asia/Jakarta", min_count=1)
    filled = grid[grid["rows"] > 0][["weekday", "hour", "median_s"]].to_numpy().tolist()
    expected = [
        [t.astimezone(JAKARTA).weekday(), t.astimezone(JAKARTA).hour, v]
        for t, v in zip(received, (100, 200), strict=True)
    ]
    assert filled == expected
    assert len(grid) == 7 * 24 and grid["too_few"].sum() == 7 * 24 - 2
    blocks = statistics.hour_weekday_grid(frame, "Asia/Jakarta", min_count=1, hours_per_bin=6)
    assert len(blocks) == 28 and blocks.loc[blocks["rows"] > 0, "hour"].tolist() == [0, 18]


def test_trend_weeks_start_on_monday_local() -> None:
    received = pd.to_datetime(
        [
            datetime(2026, 5, 10, 16, 59, tzinfo=UTC),  # Sun 23:59 WIB
            datetime(2026, 5, 10, 17, 0, tzinfo=UTC),
        ],
        utc=True,
    )  # Mon 00:00
    frame = frame_of([100, 300]).assign(received_at=received)
    weekly = statistics.trend(frame, "Asia/Jakarta", period="week", min_count=1)
    assert weekly["period_start"].dt.strftime("%Y-%m-%d").tolist() == ["2026-05-04", "2026-05-11"]
    monthly = statistics.trend(frame, "Asia/Jakarta", period="month", min_count=1)
    assert monthly["rows"].tolist() == [2]


def test_worst_areas_rank_only_areas_with_enough_values() -> None:
    frame = frame_of(
        [100] * 10 + [900] * 10 + [5000] * 3,
        kelurahan_code=["A"] * 10 + ["B"] * 10 + ["C"] * 3,
        kelurahan=["Aman"] * 10 + ["Bahaya"] * 10 + ["Cuma sedikit"] * 3,
    )
    worst = statistics.worst_areas(frame, min_count=10)
    assert worst["name"].tolist() == ["Bahaya", "Aman"]


def test_hour_blocks_are_as_fine_as_the_data_allows() -> None:
    assert statistics.hours_per_bin_for(7 * 24 * 20, 10) == 1
    assert statistics.hours_per_bin_for(7 * 12 * 20, 10) == 2
    assert statistics.hours_per_bin_for(10, 10) == 6


values_lists = st.lists(st.floats(0, 7200, allow_nan=False) | st.none(), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(values=values_lists, target=st.floats(0, 7200), more=st.floats(0, 3600))
def test_p90_is_never_below_the_median_and_compliance_grows_with_the_target(
    values: list[float | None], target: float, more: float
) -> None:
    frame = frame_of(values)
    low = statistics.interval_summary(frame, {"response": target}).set_index("interval")
    high = statistics.interval_summary(frame, {"response": target + more}).set_index("interval")
    row = low.loc["response"]
    if row["n"]:
        assert row["p90_s"] >= row["median_s"] - 1e-9
        assert high.loc["response", "compliance"] >= row["compliance"]
        expected = reference(np.array(values, dtype=float), target or None)
        assert row["median_s"] == pytest.approx(expected["median_s"])


@settings(max_examples=40, deadline=None)
@given(values=values_lists, seed=st.integers(0, 1000))
def test_groups_partition_the_rows(values: list[float | None], seed: int) -> None:
    keys = np.random.default_rng(seed).choice(["a", "b", "c"], len(values))
    stats = statistics.grouped_statistics(frame_of(values, category=keys), "category")
    assert stats["rows"].sum() == len(values)
    assert stats["n"].sum() == sum(v is not None for v in values)
