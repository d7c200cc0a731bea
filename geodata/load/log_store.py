"""Writing a call log's incidents and dispatches with the times the importer settled on.

Unlike :func:`geodata.operations.incidents.upsert_incidents` (live sources: a time, once
recorded, never moves), the log importer has already merged each incident's times with
what is stored (:mod:`geodata.importers.incident_logs`) and checked their order, so the
times given here are written as they are. Incidents are keyed on ``(city, source,
external_id)`` and dispatches on ``(incident, unit, assigned_at)``: writing the same
again changes nothing. Cost: one statement per call, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, text

from geodata.operations.incidents import LIFECYCLE_COLUMNS, STATUS_FROM_TIMES_SQL, IncidentReport

__all__ = [
    "DISPATCH_TIMES",
    "StoredDispatch",
    "StoredIncident",
    "stored_dispatches",
    "stored_incidents",
    "write_dispatches",
    "write_incidents",
]

#: A dispatch's times, in order (assigned_at is part of its key).
DISPATCH_TIMES = ("assigned_at", "en_route_at", "on_scene_at", "transporting_at", "cleared_at")
_SET_TIMES = ", ".join(f"{column} = EXCLUDED.{column}" for column in LIFECYCLE_COLUMNS)
_INPUT_COLUMNS = {
    "source": "text", "external_id": "text", "category": "text", "priority": "smallint",
    "lon": "double precision", "lat": "double precision", "address": "text",
    **{column: "timestamptz" for column in LIFECYCLE_COLUMNS},
}  # fmt: skip
_WRITE_INCIDENTS = text(f"""
INSERT INTO incidents AS incidents (
    city_id, source, external_id, category, priority, status, geom, address,
    {", ".join(LIFECYCLE_COLUMNS)}
)
SELECT :city_id, source, external_id, category, priority, {STATUS_FROM_TIMES_SQL},
       ST_SetSRID(ST_MakePoint(lon, lat), 4326), address, {", ".join(LIFECYCLE_COLUMNS)}
FROM unnest({", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in _INPUT_COLUMNS.items())})
     WITH ORDINALITY AS input({", ".join(_INPUT_COLUMNS)}, ord)
ORDER BY ord
ON CONFLICT (city_id, source, external_id) DO UPDATE SET
    category = EXCLUDED.category, priority = EXCLUDED.priority,
    geom = COALESCE(EXCLUDED.geom, incidents.geom),
    address = COALESCE(EXCLUDED.address, incidents.address),
    {_SET_TIMES}, status = EXCLUDED.status
WHERE (incidents.category, incidents.priority, incidents.geom, incidents.address,
       {", ".join(f"incidents.{column}" for column in LIFECYCLE_COLUMNS)})
    IS DISTINCT FROM
      (EXCLUDED.category, EXCLUDED.priority, COALESCE(EXCLUDED.geom, incidents.geom),
       COALESCE(EXCLUDED.address, incidents.address),
       {", ".join(f"EXCLUDED.{column}" for column in LIFECYCLE_COLUMNS)})
RETURNING external_id, id, (xmax = 0) AS inserted
""")
_WRITE_CALLERS = text("""
INSERT INTO incident_callers (incident_id, caller_name, caller_phone)
SELECT i.id, c.caller_name, c.caller_phone
FROM unnest(CAST(:external_id AS text[]), CAST(:caller_name AS text[]),
            CAST(:caller_phone AS text[])) AS c(external_id, caller_name, caller_phone)
JOIN incidents i ON i.city_id = :city_id AND i.source = :source AND i.external_id = c.external_id
ON CONFLICT (incident_id) DO UPDATE SET
    caller_name = COALESCE(EXCLUDED.caller_name, incident_callers.caller_name),
    caller_phone = COALESCE(EXCLUDED.caller_phone, incident_callers.caller_phone)
WHERE (incident_callers.caller_name, incident_callers.caller_phone) IS DISTINCT FROM
      (COALESCE(EXCLUDED.caller_name, incident_callers.caller_name),
       COALESCE(EXCLUDED.caller_phone, incident_callers.caller_phone))
""")


@dataclass(frozen=True)
class StoredIncident:
    """An incident already in the database: its id and lifecycle times."""

    id: int
    times: dict[str, datetime | None]


@dataclass(frozen=True)
class StoredDispatch:
    """A dispatch already in the database: its id and times (``DISPATCH_TIMES``)."""

    id: int
    times: dict[str, datetime | None]


def stored_incidents(
    conn: Connection, city_id: int, source: str, keys: Sequence[str]
) -> dict[str, StoredIncident]:
    """The stored incidents of ``source`` with these external ids, by id. One statement."""
    rows = conn.execute(
        text(
            f"SELECT id, external_id, {', '.join(LIFECYCLE_COLUMNS)} FROM incidents "
            "WHERE city_id = :c AND source = :s AND external_id = ANY(CAST(:k AS text[]))"
        ),
        {"c": city_id, "s": source, "k": list(keys)},
    ).mappings()
    return {
        str(row["external_id"]): StoredIncident(
            int(row["id"]), {column: row[column] for column in LIFECYCLE_COLUMNS}
        )
        for row in rows
    }


def write_incidents(
    conn: Connection, city_id: int, reports: Sequence[IncidentReport]
) -> tuple[dict[str, int], dict[str, bool]]:
    """Insert or update ``reports`` (checked already) with their times as given.

    Returns (id per external id of the rows written, whether each was new); a report
    identical to the stored incident is not written and is in neither.
    """
    if not reports:
        return {}, {}
    columns = {name: [getattr(r, name) for r in reports] for name in _INPUT_COLUMNS}
    rows = conn.execute(_WRITE_INCIDENTS, {"city_id": city_id, **columns}).all()
    callers = [r for r in reports if r.caller_name is not None or r.caller_phone is not None]
    if callers:
        conn.execute(
            _WRITE_CALLERS,
            {"city_id": city_id, "source": reports[0].source,
             **{name: [getattr(r, name) for r in callers]
                for name in ("external_id", "caller_name", "caller_phone")}},
        )  # fmt: skip
    ids = {str(row.external_id): int(row.id) for row in rows}
    return ids, {str(row.external_id): bool(row.inserted) for row in rows}


def stored_dispatches(
    conn: Connection, incident_ids: Sequence[int]
) -> dict[tuple[int, int, datetime], StoredDispatch]:
    """Stored dispatches of these incidents by (incident, unit, assigned_at). One statement."""
    rows = conn.execute(
        text(
            f"SELECT id, incident_id, unit_id, {', '.join(DISPATCH_TIMES)} FROM dispatches "
            "WHERE incident_id = ANY(CAST(:ids AS bigint[]))"
        ),
        {"ids": list(incident_ids)},
    ).mappings()
    return {
        (int(row["incident_id"]), int(row["unit_id"]), row["assigned_at"]): StoredDispatch(
            int(row["id"]), {column: row[column] for column in DISPATCH_TIMES}
        )
        for row in rows
    }


def write_dispatches(
    conn: Connection,
    new: Sequence[tuple[int, int, str, dict[str, datetime | None]]],
    changed: Sequence[tuple[int, dict[str, datetime | None]]],
) -> None:
    """Insert ``new`` (incident, unit, assigned_by, times) and update ``changed`` (id, times).

    Times as :data:`DISPATCH_TIMES`, already in order. Two statements at most.
    """
    if new:
        conn.execute(
            text(
                f"INSERT INTO dispatches (incident_id, unit_id, assigned_by, "
                f"{', '.join(DISPATCH_TIMES)}) VALUES (:incident, :unit, :by, "
                f"{', '.join(f':{column}' for column in DISPATCH_TIMES)})"
            ),
            [
                {"incident": incident, "unit": unit, "by": by, **times}
                for incident, unit, by, times in new
            ],
        )
    if changed:
        conn.execute(
            text(
                f"UPDATE dispatches SET "
                f"{', '.join(f'{column} = :{column}' for column in DISPATCH_TIMES[1:])} "
                "WHERE id = :id"
            ),
            [{"id": dispatch_id, **times} for dispatch_id, times in changed],
        )
