"""The city's units as integrations and pages list them: status, position, home posko."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

__all__ = ["IN_SERVICE", "list_units"]

#: The one rule of a unit in service (SQL, units aliased ``u``): not retired. A retired
#: unit is never recommended nor shown live, but its dispatches stay in the history.
IN_SERVICE = "u.retired_at IS NULL"

_UNITS = """
SELECT u.id, u.call_sign, a.code AS agency_code, a.name AS agency, a.kind AS agency_kind,
       u.vehicle_profile, u.status, u.crew_size, u.retired_at,
       s.code AS home_station_code, s.name AS home_station,
       ST_Y(u.last_position) AS lat, ST_X(u.last_position) AS lon,
       u.last_position_at AS position_at, ST_Y(s.geom) AS home_lat, ST_X(s.geom) AS home_lon
FROM units u JOIN agencies a ON a.id = u.agency_id
LEFT JOIN stations s ON s.id = u.home_station_id
WHERE a.city_id = :city_id AND {which} ORDER BY u.call_sign, a.code
"""


def list_units(
    conn: Connection, city_id: int, *, with_retired: bool = False
) -> list[dict[str, Any]]:
    """The city's units in service (and the retired ones, ``with_retired``), by call sign,
    in one statement."""
    which = "TRUE" if with_retired else IN_SERVICE
    rows = conn.execute(text(_UNITS.format(which=which)), {"city_id": city_id}).mappings()
    return [dict(row) for row in rows]
