"""What the live picture is made of, read in four statements: open incidents, units, posko, today.

Like :mod:`geodata.map_queries`, nothing here touches ``incident_callers`` nor the free-text
address (a call taker may type a caller's name into it): what these queries return may be
shown on the wall.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from sqlalchemy import Connection, text

from geodata.live.state import LiveRows, TodayCounts
from geodata.operations.units import IN_SERVICE
from geodata.responders import ResponseAgencies

__all__ = ["read_live_rows"]

#: Degrees rounded to 6 decimals (about 0.1 m): what the map needs, and what the slots
#: compare, so that float noise never counts as a move.
_LON, _LAT = (
    "round(CAST(ST_X({g}) AS numeric), 6)::float8",
    "round(CAST(ST_Y({g}) AS numeric), 6)::float8",
)
_OPEN_INCIDENTS = f"""
WITH active AS (
    SELECT d.incident_id, string_agg(DISTINCT a.kind, ',' ORDER BY a.kind) AS kinds
    FROM dispatches d
    JOIN units u ON u.id = d.unit_id
    JOIN agencies a ON a.id = u.agency_id
    WHERE d.cleared_at IS NULL AND a.city_id = :city_id
    GROUP BY d.incident_id
)
SELECT i.id AS incident_id, i.category, i.priority, i.status,
       CAST(floor(extract(epoch FROM i.received_at)) AS bigint) AS received_at_s,
       {_LON.format(g="i.geom")} AS lon, {_LAT.format(g="i.geom")} AS lat,
       kec.name AS kecamatan, kel.name AS kelurahan,
       COALESCE(active.kinds, CAST(:responders AS jsonb) ->> i.category, '') AS agencies
FROM incidents i
LEFT JOIN admin_areas kel ON kel.id = i.area_id
LEFT JOIN admin_areas kec ON kec.id = kel.parent_id
LEFT JOIN active ON active.incident_id = i.id
WHERE i.city_id = :city_id AND {{which}}
ORDER BY i.id
"""
_ALL_OPEN = "i.status <> 'cleared'"
#: Incidents (units) touched lately, cleared or not (``updated_at`` is kept by a trigger).
_CHANGED = "i.updated_at >= to_timestamp(:since)"
_UNITS_CHANGED = "u.updated_at >= to_timestamp(:since)"

_UNITS = f"""
SELECT u.id AS unit_id, u.call_sign, a.kind AS agency_kind, a.name AS agency_name, u.status,
       {_LON.format(g="u.last_position")} AS lon, {_LAT.format(g="u.last_position")} AS lat,
       COALESCE(CAST(floor(extract(epoch FROM u.last_position_at)) AS bigint), -1)
           AS position_at_s
FROM units u JOIN agencies a ON a.id = u.agency_id
WHERE a.city_id = :city_id AND {IN_SERVICE} AND {{which}}
ORDER BY u.id
"""

#: Units retired since a partial read's moment: they leave the picture at once.
_RETIRED = f"""
SELECT u.id FROM units u JOIN agencies a ON a.id = u.agency_id
WHERE a.city_id = :city_id AND NOT ({IN_SERVICE}) AND {_UNITS_CHANGED}
"""

_STATIONS = f"""
SELECT s.id AS station_id, s.name, a.name AS agency_name, a.kind AS agency_kind,
       count(u.id) AS units,
       count(u.id) FILTER (WHERE u.status = 'available') AS units_available,
       {_LON.format(g="s.geom")} AS lon, {_LAT.format(g="s.geom")} AS lat
FROM stations s
JOIN agencies a ON a.id = s.agency_id
LEFT JOIN units u ON u.home_station_id = s.id AND {IN_SERVICE}
WHERE a.city_id = :city_id
GROUP BY s.id, a.id
ORDER BY s.id
"""

#: Calls since local midnight in the city's zone, and the clock everything is measured by.
_TODAY = """
WITH day AS (
    SELECT (date_trunc('day', now() AT TIME ZONE c.timezone) AT TIME ZONE c.timezone) AS start
    FROM cities c WHERE c.id = :city_id
)
SELECT count(i.id) AS calls,
       count(i.id) FILTER (WHERE i.category IN ('prank', 'ghost')) AS prank_ghost,
       count(i.on_scene_at) AS responded,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM i.on_scene_at - i.received_at)
       ) AS median_response_s,
       extract(epoch FROM now()) AS now_s
FROM day LEFT JOIN incidents i
    ON i.city_id = :city_id AND i.received_at >= day.start
"""


def read_live_rows(
    conn: Connection,
    city_id: int,
    responders: ResponseAgencies,
    changed_since_s: float | None = None,
) -> LiveRows:
    """Everything the live picture shows for ``city_id``, as the database has it now.

    An incident no unit is on yet is listed under the agency kinds ``responders`` gives its
    category (``Settings.response_agencies``); one with units, under theirs.

    With ``changed_since_s`` (epoch seconds), only the incidents and units changed since
    then are read (``complete`` is False): a few rows instead of every open incident and
    every unit. Times are epoch seconds by the database's clock (one clock for every
    worker). Cost: four statements (five for a partial read: the units retired lately).
    """
    listed = {category: ",".join(sorted(kinds)) for category, kinds in responders.items()}
    params: dict[str, Any] = {"city_id": city_id, "responders": json.dumps(listed)}
    which, units_which = _ALL_OPEN, "TRUE"
    if changed_since_s is not None:
        which, units_which, params["since"] = _CHANGED, _UNITS_CHANGED, changed_since_s
    incidents = pd.read_sql_query(text(_OPEN_INCIDENTS.format(which=which)), conn, params=params)
    units = pd.read_sql_query(text(_UNITS.format(which=units_which)), conn, params=params)
    params = {"city_id": city_id}  # the other statements take the city only
    stations = pd.read_sql_query(text(_STATIONS), conn, params=params)
    today = conn.execute(text(_TODAY), params).one()
    retired: tuple[int, ...] = ()
    if changed_since_s is not None:
        retired = tuple(int(i) for i in conn.execute(
            text(_RETIRED), {"city_id": city_id, "since": changed_since_s}).scalars())  # fmt: skip
    median = today.median_response_s
    return LiveRows(
        incidents=incidents,
        units=units,
        stations=stations,
        today=TodayCounts(
            calls=int(today.calls),
            prank_ghost=int(today.prank_ghost),
            responded=int(today.responded),
            median_response_s=None if median is None else round(float(median), 1),
        ),
        now_s=float(today.now_s),
        complete=changed_since_s is None,
        retired_unit_ids=retired,
    )
