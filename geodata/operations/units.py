"""The city's units as integrations and pages list them: status, position, home posko."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

__all__ = ["list_units"]

_UNITS = text("""
SELECT u.id, u.call_sign, a.name AS agency, a.kind AS agency_kind, u.vehicle_profile, u.status,
       ST_Y(u.last_position) AS lat, ST_X(u.last_position) AS lon,
       u.last_position_at AS position_at, ST_Y(s.geom) AS home_lat, ST_X(s.geom) AS home_lon
FROM units u JOIN agencies a ON a.id = u.agency_id
LEFT JOIN stations s ON s.id = u.home_station_id
WHERE a.city_id = :city_id ORDER BY u.call_sign
""")


def list_units(conn: Connection, city_id: int) -> list[dict[str, Any]]:
    """Every unit of the city, by call sign (one statement)."""
    return [dict(row) for row in conn.execute(_UNITS, {"city_id": city_id}).mappings()]
