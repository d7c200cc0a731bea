"""Assigning units to incidents and moving them through their duty cycle.

Every function works inside the caller's transaction and changes the unit, its dispatch and
the incident together, with an audit entry, so they never disagree. The unit row is locked
(``SELECT … FOR UPDATE``) before it is checked: when two supervisors assign the same unit
at the same moment, the second waits for the first to commit, then sees the unit taken and
gets :class:`UnitUnavailableError`; nothing of its attempt is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, text

from geodata.operations import audit
from geodata.operations.incidents import STATUS_FROM_TIMES_SQL
from geodata.operations.lifecycle import check_unit_transition
from geodata.vocabulary import UnitStatus

__all__ = [
    "DispatchError",
    "UnitUnavailableError",
    "assign_unit",
    "clear_incident",
    "set_unit_status",
]


class DispatchError(ValueError):
    """An assignment or status change that cannot be made; the message says why and
    ``reason`` names the rule (``no_actor``, ``reason_needed``, ``no_incident``, ``cleared``,
    ``other_city``, ``unavailable``, ``too_early``, ``no_unit``) for a page to word it."""

    def __init__(self, message: str, reason: str = "refused") -> None:
        super().__init__(message)
        self.reason = reason


class UnitUnavailableError(DispatchError):
    """The unit was taken (or went off duty) before this assignment could be made."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "unavailable")


@dataclass(frozen=True)
class _LockedUnit:
    id: int
    call_sign: str
    status: str
    city_id: int
    status_changed_at: datetime
    retired: bool = False


#: Dispatch and incident columns stamped when a unit reaches a status.
_DISPATCH_TIME = {
    UnitStatus.EN_ROUTE: "en_route_at",
    UnitStatus.ON_SCENE: "on_scene_at",
    UnitStatus.TRANSPORTING: "transporting_at",
    UnitStatus.AVAILABLE: "cleared_at",
    UnitStatus.OUT_OF_SERVICE: "cleared_at",
}
_INCIDENT_TIME: Mapping[UnitStatus, str] = {
    UnitStatus.EN_ROUTE: "en_route_at",
    UnitStatus.ON_SCENE: "on_scene_at",
}


def _lock_unit(conn: Connection, unit_id: int) -> _LockedUnit:
    row = conn.execute(
        text(
            "SELECT u.id, u.call_sign, u.status, a.city_id, u.status_changed_at, "
            "u.retired_at IS NOT NULL AS retired FROM units u "
            "JOIN agencies a ON a.id = u.agency_id WHERE u.id = :id FOR UPDATE OF u"
        ),
        {"id": unit_id},
    ).first()
    if row is None:
        raise DispatchError(f"Unit {unit_id} does not exist.", "no_unit")
    return _LockedUnit(
        row.id, row.call_sign, row.status, row.city_id, row.status_changed_at, row.retired
    )


def _who_has(conn: Connection, unit: _LockedUnit) -> str:
    active = conn.execute(
        text(
            "SELECT incident_id, assigned_by, assigned_at FROM dispatches "
            "WHERE unit_id = :id AND cleared_at IS NULL"
        ),
        {"id": unit.id},
    ).first()
    if active is None:
        return f"Unit {unit.call_sign} is not available (status: {unit.status})."
    return (
        f"Unit {unit.call_sign} is no longer available: {active.assigned_by} assigned it to "
        f"incident {active.incident_id} at {active.assigned_at:%H:%M:%S} UTC."
    )


def assign_unit(
    conn: Connection,
    incident_id: int,
    unit_id: int,
    *,
    actor: str,
    recommended: bool = True,
    override_reason: str | None = None,
    now: datetime | None = None,
) -> int:
    """Assign an available unit to an open incident; returns the new dispatch id.

    Choosing a unit other than the recommended one (``recommended=False``) needs an
    ``override_reason``, kept with the dispatch and in the audit log. Raises
    :class:`UnitUnavailableError` if the unit is taken meanwhile.
    """
    if not actor.strip():
        raise DispatchError("Say who assigns the unit (supervisor name).", "no_actor")
    now = now or datetime.now(UTC)
    unit = _lock_unit(conn, unit_id)
    incident = conn.execute(
        text("SELECT id, status, city_id, received_at FROM incidents WHERE id = :id FOR UPDATE"),
        {"id": incident_id},
    ).first()
    if incident is None:
        raise DispatchError(f"Incident {incident_id} does not exist.", "no_incident")
    if incident.city_id != unit.city_id:
        raise DispatchError(
            f"Unit {unit.call_sign} belongs to another city than incident {incident_id}.",
            "other_city",
        )
    if incident.status == "cleared":
        raise DispatchError(f"Incident {incident_id} is already cleared.", "cleared")
    if now < incident.received_at:
        raise DispatchError(
            f"The dispatch time {now.isoformat()} is before the call was received "
            f"({incident.received_at.isoformat()}).",
            "too_early",
        )
    if unit.retired:
        raise UnitUnavailableError(f"Unit {unit.call_sign} is retired (out of the fleet).")
    if unit.status != UnitStatus.AVAILABLE:
        raise UnitUnavailableError(_who_has(conn, unit))
    if not recommended and not (override_reason or "").strip():
        raise DispatchError(
            "A reason is needed to assign a unit other than the fastest.", "reason_needed"
        )
    check_unit_transition(unit.status, UnitStatus.DISPATCHED, call_sign=unit.call_sign)
    conn.execute(
        text("UPDATE units SET status = 'dispatched', status_changed_at = :now WHERE id = :id"),
        {"id": unit.id, "now": now},
    )
    dispatch_id = conn.execute(
        text(
            "INSERT INTO dispatches (incident_id, unit_id, assigned_by, override_reason, "
            "assigned_at) VALUES (:incident, :unit, :actor, :reason, :now) RETURNING id"
        ),
        {"incident": incident_id, "unit": unit.id, "actor": actor, "reason": override_reason,
         "now": now},
    ).scalar_one()  # fmt: skip
    _advance_incident(conn, incident_id, "dispatched_at", now)
    audit.record(
        conn, actor=actor, action="dispatch.assign", entity="incident", entity_id=incident_id,
        details={"unit_id": unit.id, "call_sign": unit.call_sign, "dispatch_id": dispatch_id,
                 "recommended": recommended, "override_reason": override_reason},
    )  # fmt: skip
    return int(dispatch_id)


def set_unit_status(
    conn: Connection,
    unit_id: int,
    status: str,
    *,
    actor: str,
    now: datetime | None = None,
) -> UnitStatus:
    """Move a unit to ``status`` if its lifecycle allows; stamps its dispatch and incident.

    En route and on scene stamp the incident's first such time; available or out of
    service ends the unit's active dispatch. Raises ``InvalidTransitionError`` otherwise.
    """
    now = now or datetime.now(UTC)
    unit = _lock_unit(conn, unit_id)
    if unit.retired and status != UnitStatus.OUT_OF_SERVICE:
        raise DispatchError(f"Unit {unit.call_sign} is retired: bring it back first.", "retired")
    new_status = check_unit_transition(unit.status, status, call_sign=unit.call_sign)
    if now < unit.status_changed_at:
        raise DispatchError(
            f"The status time {now.isoformat()} is before unit {unit.call_sign}'s last change "
            f"({unit.status_changed_at.isoformat()}).",
            "too_early",
        )
    conn.execute(
        text("UPDATE units SET status = :status, status_changed_at = :now WHERE id = :id"),
        {"id": unit.id, "status": new_status.value, "now": now},
    )
    column = _DISPATCH_TIME.get(new_status)
    if column is not None:
        incident_id = conn.execute(
            text(
                f"UPDATE dispatches SET {column} = :now "
                "WHERE unit_id = :id AND cleared_at IS NULL RETURNING incident_id"
            ),
            {"id": unit.id, "now": now},
        ).scalar()
        if incident_id is not None and new_status in _INCIDENT_TIME:
            _advance_incident(conn, incident_id, _INCIDENT_TIME[new_status], now)
    audit.record(
        conn, actor=actor, action="unit.status", entity="unit", entity_id=unit.id,
        details={"call_sign": unit.call_sign, "from": unit.status, "to": new_status.value},
    )  # fmt: skip
    return new_status


def clear_incident(
    conn: Connection, incident_id: int, *, actor: str, now: datetime | None = None
) -> list[int]:
    """Close an incident and stand down every unit still on it; returns those unit ids."""
    now = now or datetime.now(UTC)
    released = list(
        conn.execute(
            text(
                "SELECT unit_id FROM dispatches WHERE incident_id = :id AND cleared_at IS NULL "
                "ORDER BY unit_id"
            ),
            {"id": incident_id},
        ).scalars()
    )
    for unit_id in released:
        set_unit_status(conn, unit_id, UnitStatus.AVAILABLE, actor=actor, now=now)
    _advance_incident(conn, incident_id, "cleared_at", now)
    audit.record(conn, actor=actor, action="incident.clear", entity="incident",
                 entity_id=incident_id, details={"released_units": released})  # fmt: skip
    return released


def _advance_incident(conn: Connection, incident_id: int, column: str, now: datetime) -> None:
    """Stamp a lifecycle time the first time it is reached and recompute the status."""
    conn.execute(
        text(f"UPDATE incidents SET {column} = COALESCE({column}, :now) WHERE id = :id"),
        {"id": incident_id, "now": now},
    )
    conn.execute(
        text(f"UPDATE incidents SET status = {STATUS_FROM_TIMES_SQL} WHERE id = :id"),
        {"id": incident_id},
    )
