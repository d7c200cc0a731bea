"""The append-only audit log: who did what, to what, and when."""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy import Connection, text

__all__ = ["record"]


def record(
    conn: Connection,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: object,
    details: Mapping[str, object] | None = None,
) -> None:
    """Append one entry in ``conn``'s transaction (it lands only if the change lands)."""
    conn.execute(
        text(
            "INSERT INTO audit_log (actor, action, entity, entity_id, details) "
            "VALUES (:actor, :action, :entity, :entity_id, CAST(:details AS jsonb))"
        ),
        {
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": None if entity_id is None else str(entity_id),
            "details": None if details is None else json.dumps(details, default=str),
        },
    )
