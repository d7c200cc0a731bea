"""The call funnel against the generated log, counted again with pandas in local time."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from geodata import map_queries
from geodata.analytics import call_funnel
from tests.geodata.analytics.generated_log import T0, Log

END = T0 + timedelta(days=14)


@pytest.fixture
def counts(engine: Engine, log: Log) -> pd.DataFrame:
    with engine.connect() as conn:
        return call_funnel.call_counts(conn, log.city_id, T0, END)


def outcome(category: pd.Series) -> pd.Series:
    emergency = ["fire", "health", "traffic_accident", "crime", "flood"]
    return category.where(~category.isin(emergency), "emergency")


def test_outcome_totals_count_every_call_once(counts: pd.DataFrame, log: Log) -> None:
    totals = call_funnel.outcome_totals(counts).set_index("outcome")
    expected = outcome(log.incidents["category"]).value_counts()
    assert totals.index.tolist() == list(call_funnel.OUTCOMES)
    assert totals["calls"].to_dict() == {o: int(expected.get(o, 0)) for o in call_funnel.OUTCOMES}
    assert totals["share"].sum() == pytest.approx(1.0)


def test_calls_per_local_day_and_hour(counts: pd.DataFrame, log: Log) -> None:
    local = log.incidents["received_at"].dt.tz_convert("Asia/Jakarta")
    frame = pd.DataFrame(
        {
            "outcome": outcome(log.incidents["category"]),
            "day": local.dt.tz_localize(None).dt.normalize(),
            "hour": local.dt.hour,
        }
    )
    by_day = call_funnel.outcomes_by(counts, "day").set_index("day")
    expected = frame.groupby(["day", "outcome"]).size().unstack(fill_value=0)
    for outcome_name in expected.columns:
        np.testing.assert_array_equal(
            by_day.loc[expected.index, outcome_name], expected[outcome_name]
        )
    by_hour = call_funnel.outcomes_by(counts, "hour").set_index("hour")
    assert by_hour.index.tolist() == list(range(24))
    np.testing.assert_array_equal(
        by_hour["total"], frame.groupby("hour").size().reindex(range(24), fill_value=0)
    )
    nuisance = frame["outcome"].isin(["prank", "ghost"]).groupby(frame["hour"]).mean()
    np.testing.assert_allclose(by_hour.loc[nuisance.index, "nuisance_share"], nuisance)


def test_prank_hot_spots_by_kelurahan(engine: Engine, counts: pd.DataFrame, log: Log) -> None:
    with engine.connect() as conn:
        areas = map_queries.area_outlines(conn, log.city_id, "kelurahan")
    spots = call_funnel.prank_hotspots(counts, areas).set_index("name")
    west = log.incidents["lon"] < 105.1
    pranks = log.incidents["category"] == "prank"
    assert spots.loc["Barat", "prank"] == int((pranks & west).sum())
    assert spots.loc["Timur", "prank"] == int((pranks & ~west).sum())
    assert spots.loc["Barat", "calls"] == int(west.sum())
    assert spots.loc["Barat", "prank_per_10k"] == pytest.approx(
        (pranks & west).sum() / 600 * 10_000
    )
    assert np.isnan(spots.loc["Timur", "prank_per_10k"])  # population unknown
    assert spots["prank"].is_monotonic_decreasing


def test_handoffs_time_to_first_unit_of_each_agency(engine: Engine, log: Log) -> None:
    with engine.connect() as conn:
        times = call_funnel.handoff_times(conn, log.city_id, T0, END)
    table = call_funnel.handoffs_by_agency(times).set_index("agency_name", drop=False)
    incidents = log.incidents.set_index("external_id")
    sent = log.dispatches.assign(
        agency=log.dispatches["call_sign"]
        .str[:3]
        .map({"DMK": "Damkar Kota Uji", "AMB": "PSC 119 Kota Uji", "POL": "Polres Kota Uji"}),
    )
    first = sent.groupby(["agency", "external_id"])["assigned_at"].min().reset_index()
    received = first["external_id"].map(incidents["received_at"])
    first["ack"] = (first["assigned_at"] - received).dt.total_seconds()
    for agency, group in first.groupby("agency"):
        row = table.loc[agency]
        assert row["handoffs"] == len(group)
        assert row["median_s"] == pytest.approx(np.median(group["ack"]))
        assert row["p90_s"] == pytest.approx(np.percentile(group["ack"], 90))
    emergencies = incidents["category"].isin(
        ["fire", "health", "traffic_accident", "crime", "flood"]
    )
    unassigned = emergencies.sum() - sent["external_id"].nunique()
    last = call_funnel.handoffs_by_agency(times).iloc[-1]
    assert pd.isna(last["agency_name"]) and last["handoffs"] == unassigned
