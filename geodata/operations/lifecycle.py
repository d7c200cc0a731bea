"""Validated lifecycles of units and incidents: which status may follow which.

The rules are data (two mappings) so the dispatch flow, the API and the tests share one
source of truth. Refused transitions raise :class:`InvalidTransitionError` with a message
a supervisor can read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from geodata.vocabulary import IncidentStatus, UnitStatus

__all__ = [
    "INCIDENT_TIME_COLUMN",
    "INCIDENT_TRANSITIONS",
    "UNIT_TRANSITIONS",
    "InvalidTransitionError",
    "check_incident_transition",
    "check_unit_transition",
]

U = UnitStatus
UNIT_TRANSITIONS: Mapping[UnitStatus, frozenset[UnitStatus]] = {
    U.AVAILABLE: frozenset({U.DISPATCHED, U.OUT_OF_SERVICE}),
    U.DISPATCHED: frozenset({U.EN_ROUTE, U.AVAILABLE, U.OUT_OF_SERVICE}),  # stood down
    U.EN_ROUTE: frozenset({U.ON_SCENE, U.AVAILABLE, U.OUT_OF_SERVICE}),
    U.ON_SCENE: frozenset({U.TRANSPORTING, U.AVAILABLE, U.OUT_OF_SERVICE}),
    U.TRANSPORTING: frozenset({U.AVAILABLE, U.OUT_OF_SERVICE}),
    U.OUT_OF_SERVICE: frozenset({U.AVAILABLE}),
}

S = TypeVar("S", UnitStatus, IncidentStatus)

I = IncidentStatus  # noqa: E741
INCIDENT_TRANSITIONS: Mapping[IncidentStatus, frozenset[IncidentStatus]] = {
    # A call closed without sending anyone (prank, information…) goes straight to cleared.
    I.RECEIVED: frozenset({I.DISPATCHED, I.CLEARED}),
    I.DISPATCHED: frozenset({I.EN_ROUTE, I.CLEARED}),
    I.EN_ROUTE: frozenset({I.ON_SCENE, I.CLEARED}),
    I.ON_SCENE: frozenset({I.CLEARED}),
    I.CLEARED: frozenset(),
}

#: The incidents column that records when each status was reached.
INCIDENT_TIME_COLUMN: Mapping[IncidentStatus, str] = {
    I.RECEIVED: "received_at",
    I.DISPATCHED: "dispatched_at",
    I.EN_ROUTE: "en_route_at",
    I.ON_SCENE: "on_scene_at",
    I.CLEARED: "cleared_at",
}


class InvalidTransitionError(ValueError):
    """A status change the lifecycle does not allow."""


def check_unit_transition(current: str, new: str, *, call_sign: str = "unit") -> UnitStatus:
    """Return ``new`` as a :class:`UnitStatus` if a unit may go from ``current`` to it."""
    return _check(UNIT_TRANSITIONS, UnitStatus, current, new, f"Unit {call_sign}")


def check_incident_transition(
    current: str, new: str, *, incident: str = "incident"
) -> IncidentStatus:
    """Return ``new`` as an :class:`IncidentStatus` if an incident may go from ``current``."""
    return _check(INCIDENT_TRANSITIONS, IncidentStatus, current, new, f"Incident {incident}")


def _check(rules: Mapping[S, frozenset[S]], kind: type[S], current: str, new: str, who: str) -> S:
    try:
        old_status, new_status = kind(current), kind(new)
    except ValueError as error:
        known = ", ".join(status.value for status in kind)
        raise InvalidTransitionError(f"{who}: unknown status ({error}); known: {known}") from None
    allowed = rules[old_status]
    if new_status not in allowed:
        options = ", ".join(sorted(status.value for status in allowed)) or "none (final)"
        raise InvalidTransitionError(
            f"{who} cannot go from '{old_status}' to '{new_status}'; allowed next: {options}"
        )
    return new_status
