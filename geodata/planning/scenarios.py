"""Saved plans: stored under a name with who made them and when, listed, reopened and
compared (three at once).

A save is one transaction (the caller's ``conn``, from ``engine.begin()``): the scenario,
its sites, its kelurahan and the audit entry land together or not at all, so a database
that goes away mid-save leaves nothing half-written. Sites and kelurahan go in one
statement each (arrays through ``unnest``), whatever their number.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Connection, text

from geodata.operations.audit import record
from geodata.planning.errors import PlanningInputError
from geodata.planning.results import AREA_FIELDS

__all__ = [
    "MAX_COMPARED",
    "compare_scenarios",
    "list_scenarios",
    "load_scenario",
    "save_scenario",
]

#: Scenarios compared side by side at once.
MAX_COMPARED = 3

_INSERT = text("""
INSERT INTO planning_scenarios (city_id, name, agency_kind, model, created_by, request,
                                summary, replay, candidates)
VALUES (:city_id, :name, :agency_kind, :model, :actor, CAST(:request AS jsonb),
        CAST(:summary AS jsonb), CAST(:replay AS jsonb), CAST(:candidates AS jsonb))
ON CONFLICT (city_id, name) DO NOTHING
RETURNING id, created_at
""")
_SITES = text("""
INSERT INTO planning_scenario_sites (scenario_id, position, candidate_id, name, source,
    existing, open_after, reaches_demand, node_id, snap_m, station_id, geom)
SELECT :sid, s.position, s.candidate_id, s.name, s.source, s.existing, s.open_after,
       s.reaches_demand, s.node_id, s.snap_m, s.station_id,
       ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)
FROM unnest(CAST(:position AS int[]), CAST(:candidate_id AS text[]), CAST(:name AS text[]),
            CAST(:source AS text[]), CAST(:existing AS boolean[]), CAST(:open_after AS boolean[]),
            CAST(:reaches_demand AS boolean[]), CAST(:node_id AS bigint[]),
            CAST(:snap_m AS float8[]), CAST(:station_id AS int[]), CAST(:lon AS float8[]),
            CAST(:lat AS float8[]))
     AS s(position, candidate_id, name, source, existing, open_after, reaches_demand, node_id,
          snap_m, station_id, lon, lat)
""")
_AREAS = text("""
INSERT INTO planning_scenario_areas (scenario_id, area_code, name, population, people_before,
    people_after, share_before, share_after, incidents, incidents_before, incidents_after)
SELECT :sid, a.* FROM unnest(CAST(:area_code AS text[]), CAST(:name AS text[]),
    CAST(:population AS float8[]), CAST(:people_before AS float8[]),
    CAST(:people_after AS float8[]), CAST(:share_before AS float8[]),
    CAST(:share_after AS float8[]), CAST(:incidents AS int[]), CAST(:incidents_before AS int[]),
    CAST(:incidents_after AS int[])) AS a
""")
_SITE_COLUMNS = (
    "position",
    "candidate_id",
    "name",
    "source",
    "existing",
    "open_after",
    "reaches_demand",
    "node_id",
    "snap_m",
    "station_id",
    "lon",
    "lat",
)


def _columns(rows: list[dict[str, Any]], names: Sequence[str]) -> dict[str, list[Any]]:
    return {name: [row.get(name) for row in rows] for name in names}


def save_scenario(
    conn: Connection, city_id: int, *, name: str, actor: str, payload: dict[str, Any]
) -> int:
    """Store ``payload`` (:func:`geodata.planning.payload.outcome_payload`) as scenario
    ``name``; returns its id. Refused (field ``name``) when blank or already taken."""
    clean = " ".join(str(name or "").split())
    if not clean:
        raise PlanningInputError("name", "a scenario needs a name")
    if len(clean) > 120:
        raise PlanningInputError("name", "at most 120 characters")
    summary = payload["summary"]
    request = summary["request"]
    row = conn.execute(
        _INSERT,
        {
            "city_id": city_id,
            "name": clean,
            "agency_kind": request["agency_kind"],
            "model": request["model"],
            "actor": actor,
            "request": json.dumps(request),
            "summary": json.dumps(summary),
            "replay": json.dumps(payload["replay"]),
            "candidates": json.dumps(payload["candidates"]),
        },
    ).one_or_none()
    if row is None:
        raise PlanningInputError("name", f"a scenario named {clean!r} exists already")
    scenario_id = int(row.id)
    if payload["sites"]:
        conn.execute(_SITES, {"sid": scenario_id, **_columns(payload["sites"], _SITE_COLUMNS)})
    if payload["areas"]:
        conn.execute(_AREAS, {"sid": scenario_id, **_columns(payload["areas"], AREA_FIELDS)})
    after = summary.get("after") or {}
    record(
        conn,
        actor=actor,
        action="planning.scenario.save",
        entity="planning_scenario",
        entity_id=scenario_id,
        details={
            "name": clean,
            "model": request["model"],
            "agency_kind": request["agency_kind"],
            "demand_share_after": after.get("demand_share"),
        },
    )
    return scenario_id


def list_scenarios(conn: Connection, city_id: int) -> pd.DataFrame:
    """The city's scenarios, newest first: id, name, agency_kind, model, created_by,
    created_at, k, demand_share_before/after, population_share_before/after."""
    return pd.read_sql_query(
        text("""
        SELECT id, name, agency_kind, model, created_by, created_at,
               (request->>'k')::int AS k,
               (summary->'before'->>'demand_share')::float8 AS demand_share_before,
               (summary->'after'->>'demand_share')::float8 AS demand_share_after,
               (summary->'before'->>'population_share')::float8 AS population_share_before,
               (summary->'after'->>'population_share')::float8 AS population_share_after
        FROM planning_scenarios WHERE city_id = :c ORDER BY created_at DESC, id DESC
        """),
        conn,
        params={"c": city_id},
    )


def load_scenario(conn: Connection, city_id: int, scenario_id: int) -> dict[str, Any] | None:
    """A scenario as saved (the payload, plus id, name, created_by, created_at)."""
    row = conn.execute(
        text(
            "SELECT id, name, created_by, created_at, summary, replay, candidates "
            "FROM planning_scenarios WHERE id = :id AND city_id = :c"
        ),
        {"id": scenario_id, "c": city_id},
    ).one_or_none()
    if row is None:
        return None
    sites = (
        conn.execute(
            text(
                "SELECT position, candidate_id, name, source, ST_X(geom) AS lon, "
                "ST_Y(geom) AS lat, node_id, snap_m, existing, open_after, reaches_demand, "
                "station_id FROM planning_scenario_sites WHERE scenario_id = :id ORDER BY position"
            ),
            {"id": scenario_id},
        )
        .mappings()
        .all()
    )
    areas = (
        conn.execute(
            text(
                f"SELECT {', '.join(AREA_FIELDS)} FROM planning_scenario_areas "
                "WHERE scenario_id = :id "
                "ORDER BY share_after NULLS LAST, share_before NULLS LAST, population DESC"
            ),
            {"id": scenario_id},
        )
        .mappings()
        .all()
    )
    return {
        "id": row.id,
        "name": row.name,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
        "summary": row.summary,
        "replay": row.replay,
        "candidates": row.candidates,
        "sites": [dict(s) for s in sites],
        "areas": [dict(a) for a in areas],
    }


_COMPARED = (
    ("model", lambda s: s["request"]["model"]),
    ("k", lambda s: s["request"]["k"]),
    ("existing", lambda s: s["request"]["existing"]),
    ("budget_s", lambda s: s["budget_s"]),
    ("demand_share_before", lambda s: s["before"]["demand_share"]),
    ("demand_share_after", lambda s: s["after"]["demand_share"]),
    ("population_share_before", lambda s: s["before"]["population_share"]),
    ("population_share_after", lambda s: s["after"]["population_share"]),
    ("incident_share_before", lambda s: s["before"]["incident_share"]),
    ("incident_share_after", lambda s: s["after"]["incident_share"]),
    ("mean_s_after", lambda s: s["after"]["mean_s"]),
    ("p90_s_after", lambda s: s["after"]["p90_s"]),
    ("worst_served", lambda s: (s.get("worst_served") or {}).get("name")),
    ("status", lambda s: s["exact"]["status"]),
    ("gap", lambda s: s["exact"]["gap"]),
)


def compare_scenarios(conn: Connection, city_id: int, ids: Sequence[int]) -> pd.DataFrame:
    """Up to three scenarios side by side: one row per figure, one column per scenario
    (its name), in the order asked."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not 1 <= len(wanted) <= MAX_COMPARED:
        raise PlanningInputError("ids", f"compare 1 to {MAX_COMPARED} scenarios, not {len(wanted)}")
    rows = conn.execute(
        text(
            "SELECT id, name, summary FROM planning_scenarios WHERE city_id = :c AND id = ANY(:ids)"
        ),
        {"c": city_id, "ids": wanted},
    ).all()
    found = {row.id: row for row in rows}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise PlanningInputError("ids", f"no scenario {missing[0]} in this city")
    table = pd.DataFrame({"figure": [name for name, _ in _COMPARED]})
    for scenario_id in wanted:
        summary = found[scenario_id].summary
        table[found[scenario_id].name] = [get(summary) for _, get in _COMPARED]
    return table
