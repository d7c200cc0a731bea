"""Intervals read back from PostGIS equal the differences of the times that were written."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from geodata.analytics.response_intervals import (
    IntervalQuery,
    dispatch_intervals,
    incident_intervals,
    interval_column,
)
from geodata.operations.incidents import IncidentReport, upsert_incidents
from tests.geodata.analytics.generated_log import T0, Log

WEEKS = IntervalQuery(T0, T0 + timedelta(days=14))
SECOND = timedelta(seconds=1)


def test_hand_built_incidents_give_exact_intervals(engine: Engine, responders: int) -> None:
    def at(seconds: int | None) -> object:
        return None if seconds is None else T0 + seconds * SECOND

    rows = [  # (id, category, dispatched, en route, on scene, cleared) in s after receipt
        ("A", "fire", 60, 150, 450, 2000),
        ("B", "health", 30, None, 500, 900),  # en route lost: turnout and travel missing
        ("C", "crime", 45, 100, None, None),  # still open, on scene not yet
        ("D", "prank", None, None, None, 40),  # not an emergency: not in the default query
    ]
    with engine.begin() as conn:
        upsert_incidents(
            conn,
            responders,
            [
                IncidentReport(
                    "t",
                    key,
                    category,
                    2,
                    T0,
                    lon=105.05,
                    lat=-5.1,
                    dispatched_at=at(d),
                    en_route_at=at(e),
                    on_scene_at=at(s),  # type: ignore[arg-type]
                    cleared_at=at(c),
                )  # type: ignore[arg-type]
                for key, category, d, e, s, c in rows
            ],
        )
        frame = incident_intervals(conn, responders, WEEKS)
    got = frame.set_index("category")[
        [interval_column(i) for i in ("call_processing", "turnout", "travel", "response")]
    ]
    expected = pd.DataFrame(
        {
            "call_processing_s": [60.0, 30.0, 45.0],
            "turnout_s": [90.0, np.nan, 55.0],
            "travel_s": [300.0, np.nan, np.nan],
            "response_s": [450.0, 500.0, np.nan],
        },
        index=pd.Index(["fire", "health", "crime"], name="category"),
    )
    pd.testing.assert_frame_equal(got.sort_index(), expected.sort_index())
    assert frame.set_index("category")["closed"].to_dict() == {
        "fire": True,
        "health": True,
        "crime": False,
    }
    assert set(frame["kelurahan"]) == {"Barat"} and set(frame["kecamatan"]) == {"Uji"}


def test_generated_log_incident_intervals_match_the_written_times(engine: Engine, log: Log) -> None:
    with engine.connect() as conn:
        frame = incident_intervals(conn, log.city_id, WEEKS).set_index("incident_id")
    written = log.incidents[
        log.incidents["category"].isin(["fire", "health", "crime", "flood", "traffic_accident"])
    ]
    assert len(frame) == len(written)
    mine = frame.sort_values("received_at").reset_index(drop=True)
    theirs = written.sort_values("received_at").reset_index(drop=True)

    def seconds(later: str, earlier: str) -> np.ndarray:
        return ((theirs[later] - theirs[earlier]).dt.total_seconds()).to_numpy(dtype=float)

    for interval, later, earlier in (
        ("call_processing", "dispatched_at", "received_at"),
        ("turnout", "en_route_at", "dispatched_at"),
        ("travel", "on_scene_at", "en_route_at"),
        ("response", "on_scene_at", "received_at"),
    ):
        np.testing.assert_array_equal(mine[interval_column(interval)], seconds(later, earlier))
    np.testing.assert_array_equal(mine["closed"], theirs["closed"])


def test_dispatch_intervals_are_per_unit_and_filter_by_agency(engine: Engine, log: Log) -> None:
    with engine.connect() as conn:
        police = dispatch_intervals(
            conn, log.city_id, IntervalQuery(T0, T0 + timedelta(days=14), agency_kind="police")
        )
        crash_incidents = incident_intervals(
            conn,
            log.city_id,
            IntervalQuery(
                T0, T0 + timedelta(days=14), categories=("traffic_accident",), agency_kind="police"
            ),
        )
    expected = log.dispatches[log.dispatches["call_sign"].str.startswith("POL")]
    assert len(police) == len(expected)
    assert set(police["agency_kind"]) == {"police"}
    second = police[police["call_sign"] == "POL-2"].sort_values("received_at")
    crashes = (
        log.incidents.set_index("external_id")
        .loc[log.dispatches.loc[log.dispatches["call_sign"] == "POL-2", "external_id"]]
        .sort_values("received_at")
    )
    np.testing.assert_array_equal(
        second["call_processing_s"],
        (crashes["dispatched_at"] - crashes["received_at"]).dt.total_seconds() + 60,
    )
    np.testing.assert_array_equal(second["travel_s"], np.full(len(second), 780.0))
    # Every crash with a unit has the police behind it; the lead agency is the ambulance.
    assert len(crash_incidents) == len(crashes)
    assert set(crash_incidents["agency_kind"]) == {"ambulance"}


def test_date_range_is_half_open_and_kecamatan_filters(engine: Engine, responders: int) -> None:
    reports = [
        IncidentReport("t", f"K{i}", "fire", 1, T0 + timedelta(hours=i), lon=105.05, lat=-5.1)
        for i in range(3)
    ]
    with engine.begin() as conn:
        upsert_incidents(conn, responders, reports)
        window = incident_intervals(conn, responders, IntervalQuery(T0, T0 + timedelta(hours=2)))
        elsewhere = incident_intervals(
            conn, responders, IntervalQuery(T0, T0 + timedelta(days=1), kecamatan_code="99")
        )
    assert len(window) == 2 and len(elsewhere) == 0


def test_a_naive_time_range_is_refused() -> None:
    with pytest.raises(ValueError, match="time-zone aware"):
        IntervalQuery(T0.replace(tzinfo=None), T0.replace(tzinfo=None)).params(1)
    with pytest.raises(ValueError, match="unknown interval"):
        interval_column("waiting")
