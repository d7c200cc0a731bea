"""The 112 call funnel: calls by outcome, prank and ghost shares, hand-offs per agency.

Outcomes: ``emergency`` (every category of ``EMERGENCY_CATEGORIES``), ``information``,
``complaint``, ``prank``, ``ghost`` (silent) and ``dropped``. Days and hours are the
city's local ones. The nuisance share is (prank + ghost) / all calls.

Time to acknowledge a hand-off: the schema records no separate "agency acknowledged"
time, so it is measured as the first ``assigned_at`` of one of that agency's units on
the incident minus the call's ``received_at``: forwarding, acknowledgement by the OPD and
choosing a unit, together. Emergencies no agency was assigned to are counted apart.
"""

from __future__ import annotations

from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from geodata.vocabulary import EMERGENCY_CATEGORIES, IncidentCategory

__all__ = [
    "OUTCOMES",
    "call_counts",
    "handoff_times",
    "handoffs_by_agency",
    "outcome_of",
    "outcome_totals",
    "outcomes_by",
    "prank_hotspots",
]

C = IncidentCategory
#: Outcomes in funnel order.
OUTCOMES = ("emergency", C.INFORMATION.value, C.COMPLAINT.value, C.PRANK.value,
            C.GHOST.value, C.DROPPED.value)  # fmt: skip
_EMERGENCY = sorted(category.value for category in EMERGENCY_CATEGORIES)


def outcome_of(categories: pd.Series) -> pd.Series:
    """The outcome of each call category: 'emergency' or the category itself."""
    return categories.where(~categories.isin(_EMERGENCY), "emergency")


_COUNTS = """
SELECT date_trunc('hour', i.received_at AT TIME ZONE c.timezone) AS local_hour,
       i.category, kel.code AS kelurahan_code, kel.name AS kelurahan, count(*) AS calls
FROM incidents i
JOIN cities c ON c.id = i.city_id
LEFT JOIN admin_areas kel ON kel.id = i.area_id
WHERE i.city_id = :city_id AND i.received_at >= :start AND i.received_at < :end
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3
"""


def call_counts(conn: Connection, city_id: int, start: datetime, end: datetime) -> pd.DataFrame:
    """Calls received in [start, end) counted per local hour, category and kelurahan.

    Columns: local_hour (naive, city's zone), category, outcome, kelurahan_code,
    kelurahan (None where the call has no location), calls. One statement, grouped in
    the database, so a year of a big city's calls stays a small frame.
    """
    frame = pd.read_sql_query(
        text(_COUNTS), conn, params={"city_id": city_id, "start": start, "end": end}
    )
    frame["local_hour"] = pd.to_datetime(frame["local_hour"])
    frame["calls"] = frame["calls"].astype(int)
    frame.insert(2, "outcome", outcome_of(frame["category"]))
    return frame


def outcome_totals(counts: pd.DataFrame) -> pd.DataFrame:
    """Calls and share of all calls per outcome, in funnel order (zeros included)."""
    totals = counts.groupby("outcome")["calls"].sum().reindex(OUTCOMES, fill_value=0)
    all_calls = int(totals.sum())
    return pd.DataFrame(
        {
            "outcome": list(OUTCOMES),
            "calls": totals.to_numpy(dtype=int),
            "share": totals.to_numpy(dtype=float) / all_calls if all_calls else np.nan,
        }
    )


def outcomes_by(counts: pd.DataFrame, period: str = "day") -> pd.DataFrame:
    """Calls per outcome per local ``day`` (date) or ``hour`` of day (0-23), wide.

    Columns: the period key, one column per outcome, total and nuisance_share
    ((prank + ghost) / total; NaN where there were no calls). Days without calls are
    absent; all 24 hours are present.
    """
    if period == "day":
        key = counts["local_hour"].dt.normalize().rename("day")
    elif period == "hour":
        key = counts["local_hour"].dt.hour.rename("hour")
    else:
        raise ValueError("period is 'day' or 'hour'")
    wide = (
        counts.groupby([key, counts["outcome"]])["calls"]
        .sum()
        .unstack("outcome", fill_value=0)
        .reindex(columns=list(OUTCOMES), fill_value=0)
    )
    if period == "hour":
        wide = wide.reindex(range(24), fill_value=0)
    wide.columns.name = None
    wide["total"] = wide.sum(axis=1)
    nuisance = wide[C.PRANK.value] + wide[C.GHOST.value]
    wide["nuisance_share"] = (nuisance / wide["total"]).where(wide["total"] > 0)
    return wide.reset_index()


def prank_hotspots(counts: pd.DataFrame, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Prank and ghost calls per kelurahan of ``areas`` (code, name, population, geometry).

    Columns: code, name, calls, prank, ghost, prank_share (prank / calls), population,
    prank_per_10k (NaN where population is unknown or zero), geometry; most pranks first.
    """
    located = counts[counts["kelurahan_code"].notna()]
    wide = (
        located.pivot_table(
            index="kelurahan_code", columns="outcome", values="calls", aggfunc="sum"
        )
        .reindex(columns=list(OUTCOMES))
        .fillna(0)
    )
    frame = pd.DataFrame({"code": areas["code"].to_numpy(), "name": areas["name"].to_numpy()})
    frame["calls"] = frame["code"].map(wide.sum(axis=1)).fillna(0).astype(int)
    for outcome in (C.PRANK.value, C.GHOST.value):
        frame[outcome] = frame["code"].map(wide[outcome]).fillna(0).astype(int)
    frame["prank_share"] = (frame[C.PRANK.value] / frame["calls"]).where(frame["calls"] > 0)
    population = pd.to_numeric(areas["population"], errors="coerce").to_numpy(dtype=float)
    frame["population"] = population
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = frame[C.PRANK.value].to_numpy(dtype=float) / population * 10_000
    frame["prank_per_10k"] = np.where(population > 0, rate, np.nan)
    result = gpd.GeoDataFrame(frame, geometry=list(areas.geometry), crs=4326)
    return result.sort_values([C.PRANK.value, "name"], ascending=[False, True]).reset_index(
        drop=True
    )


_HANDOFFS = """
SELECT a.name AS agency_name, a.kind AS agency_kind, i.id AS incident_id,
       EXTRACT(EPOCH FROM min(d.assigned_at) - i.received_at)::float8 AS acknowledge_s
FROM incidents i
LEFT JOIN dispatches d ON d.incident_id = i.id
LEFT JOIN units u ON u.id = d.unit_id
LEFT JOIN agencies a ON a.id = u.agency_id
WHERE i.city_id = :city_id AND i.received_at >= :start AND i.received_at < :end
  AND i.category = ANY(CAST(:emergency AS text[]))
GROUP BY a.id, a.name, a.kind, i.id
ORDER BY a.name, i.id
"""


def handoff_times(conn: Connection, city_id: int, start: datetime, end: datetime) -> pd.DataFrame:
    """One row per (emergency, agency it was handed to): the time to acknowledge, seconds.

    Emergencies received in [start, end) that no agency was assigned to come as one row
    with agency_name None and acknowledge_s NaN. Columns: agency_name, agency_kind,
    incident_id, acknowledge_s. One statement.
    """
    frame = pd.read_sql_query(
        text(_HANDOFFS),
        conn,
        params={"city_id": city_id, "start": start, "end": end, "emergency": _EMERGENCY},
    )
    frame["acknowledge_s"] = frame["acknowledge_s"].astype(float)
    return frame


def handoffs_by_agency(times: pd.DataFrame) -> pd.DataFrame:
    """Per agency: hand-offs, median_s, p90_s and mean_s of the time to acknowledge.

    Percentiles are linear (numpy's default), over non-negative times. A last row with
    no agency_name (missing) counts the emergencies not handed to anyone (figures NaN).
    """
    handed = times[times["agency_name"].notna()]
    values = handed["acknowledge_s"].where(handed["acknowledge_s"] >= 0)
    grouped = values.groupby([handed["agency_name"], handed["agency_kind"]], sort=True)
    result = pd.DataFrame(
        {
            "handoffs": grouped.size(),
            "median_s": grouped.median(),
            "p90_s": grouped.quantile(0.9),
            "mean_s": grouped.mean(),
        }
    ).reset_index()
    unassigned = int(times["agency_name"].isna().sum())
    if unassigned:
        result.loc[len(result)] = [None, None, unassigned, np.nan, np.nan, np.nan]
    result["handoffs"] = result["handoffs"].astype(int)
    return result
