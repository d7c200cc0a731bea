"""Lifecycle events an external system reports for an incident: dispatched, en route, …

Events follow :mod:`geodata.operations.lifecycle`; a step already recorded is a re-send and changes
nothing (so a retrying client is safe); clearing goes through
:func:`geodata.operations.dispatching.clear_incident`, which stands down the units still on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, text

from geodata.operations import audit
from geodata.operations.dispatching import DispatchError, clear_incident
from geodata.operations.incidents import STATUS_FROM_TIMES_SQL
from geodata.operations.lifecycle import (
    INCIDENT_TIME_COLUMN,
    InvalidTransitionError,
    check_incident_transition,
)
from geodata.vocabulary import IncidentStatus

__all__ = ["EventResult", "EventTimeError", "record_incident_event"]

#: A reported time this far ahead of our clock is refused, not trusted.
MAX_CLOCK_AHEAD = timedelta(minutes=5)


class EventTimeError(ValueError):
    """The event's time cannot be right (before an earlier step, or in the future)."""


@dataclass(frozen=True)
class EventResult:
    """The incident's status after the event, and whether anything was written."""

    incident_id: int
    status: str
    changed: bool


def record_incident_event(
    conn: Connection,
    incident_id: int,
    status: str,
    *,
    at: datetime,
    actor: str,
    now: datetime | None = None,
) -> EventResult:
    """Record that incident ``incident_id`` reached ``status`` at ``at`` (tz-aware).

    Raises :class:`DispatchError` for an unknown incident, ``InvalidTransitionError`` for
    a step the lifecycle does not allow, :class:`EventTimeError` for an impossible time.
    The incident row is locked first, so concurrent events apply one after the other.
    """
    now = now or datetime.now(UTC)
    try:
        new = IncidentStatus(status)
    except ValueError:
        known = ", ".join(s.value for s in IncidentStatus if s != IncidentStatus.RECEIVED)
        raise InvalidTransitionError(f"unknown status '{status}'; known: {known}") from None
    columns = ", ".join(INCIDENT_TIME_COLUMN.values())
    row = (
        conn.execute(
            text(f"SELECT status, {columns} FROM incidents WHERE id = :id FOR UPDATE"),
            {"id": incident_id},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise DispatchError(f"Incident {incident_id} does not exist.")
    column = INCIDENT_TIME_COLUMN[new]
    if row[column] is not None:  # a re-send of a step already recorded
        return EventResult(incident_id, row["status"], changed=False)
    check_incident_transition(row["status"], new, incident=str(incident_id))
    _check_time(at, now, row)
    if new == IncidentStatus.CLEARED:
        clear_incident(conn, incident_id, actor=actor, now=at)
    else:
        conn.execute(
            text(f"UPDATE incidents SET {column} = :at WHERE id = :id"),
            {"id": incident_id, "at": at},
        )
        conn.execute(
            text(f"UPDATE incidents SET status = {STATUS_FROM_TIMES_SQL} WHERE id = :id"),
            {"id": incident_id},
        )
        audit.record(
            conn, actor=actor, action="incident.event", entity="incident",
            entity_id=incident_id, details={"status": new.value, "at": at.isoformat()},
        )  # fmt: skip
    return EventResult(incident_id, new.value, changed=True)


def _check_time(at: datetime, now: datetime, times: object) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise EventTimeError(f"{at.isoformat()} has no time zone")
    if at > now + MAX_CLOCK_AHEAD:
        raise EventTimeError(f"{at.isoformat()} is in the future")
    for column in INCIDENT_TIME_COLUMN.values():
        earlier = times[column]  # type: ignore[index]
        if earlier is not None and at < earlier:
            raise EventTimeError(f"{at.isoformat()} is before {column} {earlier.isoformat()}")
