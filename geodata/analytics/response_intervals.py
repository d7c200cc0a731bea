"""Response intervals per incident and per dispatched unit, as the field defines them.

Per incident (what the caller lives through; the first unit counts)::

    call processing  received_at   → dispatched_at   (first unit assigned)
    turnout          dispatched_at → en_route_at     (first unit en route)
    travel           en_route_at   → on_scene_at     (first unit on scene)
    response         received_at   → on_scene_at

Per dispatch (what one unit of one agency did)::

    call processing  incident received_at → this unit assigned_at
    turnout          assigned_at → en_route_at
    travel           en_route_at → on_scene_at
    response         incident received_at → on_scene_at

An interval is NULL (NaN) when either of its times is missing; :mod:`.statistics`
excludes such rows per interval and counts them. Each function is one SQL statement
whatever the number of incidents; no caller data is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, text

from geodata.vocabulary import EMERGENCY_CATEGORIES

__all__ = [
    "INTERVALS",
    "IntervalQuery",
    "dispatch_intervals",
    "incident_intervals",
    "interval_column",
]

#: The four intervals, in the order they happen (response spans the other three).
INTERVALS = ("call_processing", "turnout", "travel", "response")


def interval_column(interval: str) -> str:
    """The frame column holding ``interval`` in seconds, e.g. ``response_s``."""
    if interval not in INTERVALS:
        raise ValueError(f"unknown interval '{interval}'; known: {', '.join(INTERVALS)}")
    return f"{interval}_s"


@dataclass(frozen=True)
class IntervalQuery:
    """Which incidents: received in [start, end) (tz-aware), of these categories, optionally
    only those an agency kind was dispatched to, and only in one kecamatan (by code)."""

    start: datetime
    end: datetime
    categories: tuple[str, ...] = field(
        default_factory=lambda: tuple(sorted(c.value for c in EMERGENCY_CATEGORIES))
    )
    agency_kind: str | None = None
    kecamatan_code: str | None = None

    def params(self, city_id: int) -> dict[str, Any]:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("IntervalQuery start and end must be time-zone aware")
        return {
            "city_id": city_id,
            "start": self.start,
            "end": self.end,
            "categories": list(self.categories),
            "agency_kind": self.agency_kind,
            "kecamatan": self.kecamatan_code,
        }


def _seconds(later: str, earlier: str, name: str) -> str:
    return f"EXTRACT(EPOCH FROM {later} - {earlier})::float8 AS {name}_s"


_PLACE = """
    kel.code AS kelurahan_code, kel.name AS kelurahan,
    kec.code AS kecamatan_code, kec.name AS kecamatan,
    ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat
"""
_AREAS = """
LEFT JOIN admin_areas kel ON kel.id = i.area_id
LEFT JOIN admin_areas kec ON kec.id = kel.parent_id
"""
_WHERE = """
i.city_id = :city_id AND i.received_at >= :start AND i.received_at < :end
AND i.category = ANY(CAST(:categories AS text[]))
AND (CAST(:kecamatan AS text) IS NULL OR kec.code = :kecamatan)
"""

_INCIDENTS = f"""
WITH chosen AS (
    SELECT i.id AS incident_id, i.category, i.priority, i.received_at,
           (i.status = 'cleared') AS closed, {_PLACE},
           {_seconds("i.dispatched_at", "i.received_at", "call_processing")},
           {_seconds("i.en_route_at", "i.dispatched_at", "turnout")},
           {_seconds("i.on_scene_at", "i.en_route_at", "travel")},
           {_seconds("i.on_scene_at", "i.received_at", "response")}
    FROM incidents i
    {_AREAS}
    WHERE {_WHERE}
),
sent AS (
    SELECT d.incident_id, d.assigned_at, d.id, a.kind
    FROM dispatches d
    JOIN chosen c USING (incident_id)
    JOIN units u ON u.id = d.unit_id
    JOIN agencies a ON a.id = u.agency_id
),
lead AS (
    SELECT DISTINCT ON (incident_id) incident_id, kind AS agency_kind
    FROM sent ORDER BY incident_id, assigned_at, id
)
SELECT chosen.*, lead.agency_kind
FROM chosen LEFT JOIN lead USING (incident_id)
WHERE CAST(:agency_kind AS text) IS NULL
   OR incident_id IN (SELECT incident_id FROM sent WHERE kind = :agency_kind)
ORDER BY received_at, incident_id
"""

_DISPATCHES = f"""
SELECT d.id AS dispatch_id, i.id AS incident_id, i.category, i.priority, i.received_at,
       (d.cleared_at IS NOT NULL) AS closed, a.kind AS agency_kind, a.name AS agency_name,
       u.call_sign, {_PLACE},
       {_seconds("d.assigned_at", "i.received_at", "call_processing")},
       {_seconds("d.en_route_at", "d.assigned_at", "turnout")},
       {_seconds("d.on_scene_at", "d.en_route_at", "travel")},
       {_seconds("d.on_scene_at", "i.received_at", "response")}
FROM dispatches d
JOIN incidents i ON i.id = d.incident_id
JOIN units u ON u.id = d.unit_id
JOIN agencies a ON a.id = u.agency_id
{_AREAS}
WHERE {_WHERE}
  AND (CAST(:agency_kind AS text) IS NULL OR a.kind = :agency_kind)
ORDER BY i.received_at, d.assigned_at, d.id
"""


def _read(conn: Connection, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    frame = pd.read_sql_query(text(sql), conn, params=params)
    frame["received_at"] = pd.to_datetime(frame["received_at"], utc=True)
    for interval in INTERVALS:
        frame[interval_column(interval)] = frame[interval_column(interval)].astype(float)
    frame["closed"] = frame["closed"].astype(bool)
    return frame


def incident_intervals(conn: Connection, city_id: int, query: IntervalQuery) -> pd.DataFrame:
    """One row per incident matching ``query``, with its four intervals in seconds.

    Columns: incident_id, category, priority, received_at (UTC), closed (the incident is
    cleared: a missing time will not come any more), agency_kind (of the first unit
    assigned; None if nobody was sent), kelurahan_code, kelurahan, kecamatan_code,
    kecamatan, lon, lat (EPSG:4326, NaN when not located), call_processing_s, turnout_s,
    travel_s, response_s (NaN where a time is missing). With ``query.agency_kind``, only
    incidents that agency kind was dispatched to. One statement.
    """
    return _read(conn, _INCIDENTS, query.params(city_id))


def dispatch_intervals(conn: Connection, city_id: int, query: IntervalQuery) -> pd.DataFrame:
    """One row per unit dispatched to an incident matching ``query``, intervals in seconds.

    Columns as :func:`incident_intervals` plus dispatch_id, agency_name and call_sign;
    agency_kind is the unit's, closed means this dispatch is cleared. With
    ``query.agency_kind``, only that kind's units. One statement.
    """
    return _read(conn, _DISPATCHES, query.params(city_id))
