"""Reading incidents as an integration or a page sees them: one incident, its units.

No caller data but through :func:`view_caller`, which records every view in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from geodata.operations import audit

__all__ = [
    "incident_ids",
    "incident_in_city",
    "read_incident",
    "view_caller",
]

_ONE = text("""
SELECT i.id, i.source, i.external_id, i.category, i.priority, i.status,
       ST_Y(i.geom) AS lat, ST_X(i.geom) AS lon, kel.name AS kelurahan, i.received_at,
       i.dispatched_at, i.en_route_at, i.on_scene_at, i.cleared_at,
       ARRAY(SELECT u.call_sign FROM dispatches d JOIN units u ON u.id = d.unit_id
             WHERE d.incident_id = i.id AND d.cleared_at IS NULL ORDER BY u.call_sign) AS units
FROM incidents i LEFT JOIN admin_areas kel ON kel.id = i.area_id
WHERE i.id = :id AND i.city_id = :city_id
""")


def read_incident(conn: Connection, city_id: int, incident_id: int) -> dict[str, Any] | None:
    """The incident with its times and the call signs on it now; None if not in the city."""
    found = conn.execute(_ONE, {"id": incident_id, "city_id": city_id}).mappings().first()
    return None if found is None else dict(found)


def incident_in_city(conn: Connection, city_id: int, incident_id: int) -> bool:
    """Whether incident ``incident_id`` exists and belongs to city ``city_id``."""
    return (
        conn.execute(
            text("SELECT 1 FROM incidents WHERE id = :id AND city_id = :city_id"),
            {"id": incident_id, "city_id": city_id},
        ).first()
        is not None
    )


def incident_ids(
    conn: Connection, city_id: int, source: str, external_ids: Sequence[str]
) -> dict[str, int]:
    """Tanggap ids of a source's incidents in a city, by the source's own id (one statement)."""
    rows = conn.execute(
        text(
            "SELECT external_id, id FROM incidents WHERE city_id = :city_id AND source = :source "
            "AND external_id = ANY(:ids)"
        ),
        {"city_id": city_id, "source": source, "ids": list(external_ids)},
    ).all()
    return {str(external_id): int(id_) for external_id, id_ in rows}


def view_caller(
    conn: Connection, city_id: int, incident_id: int, *, actor: str
) -> tuple[str | None, str | None] | None:
    """The caller's (name, phone) of an incident of ``city_id``, recorded in the audit log as
    viewed by ``actor``; None when the incident is not in that city. Callers' data leaves the
    database only through here, and only for the roles that need it (the caller checks)."""
    row = conn.execute(
        text(
            "SELECT c.caller_name, c.caller_phone FROM incidents i "
            "LEFT JOIN incident_callers c ON c.incident_id = i.id "
            "WHERE i.id = :id AND i.city_id = :city_id"
        ),
        {"id": incident_id, "city_id": city_id},
    ).first()
    if row is None:
        return None
    audit.record(conn, actor=actor, action="caller.view", entity="incident", entity_id=incident_id)
    return row.caller_name, row.caller_phone
