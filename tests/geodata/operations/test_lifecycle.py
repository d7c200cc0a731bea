"""Unit and incident lifecycles: allowed steps pass, others are refused with a message."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata.operations.lifecycle import (
    INCIDENT_TRANSITIONS,
    UNIT_TRANSITIONS,
    InvalidTransitionError,
    check_incident_transition,
    check_unit_transition,
)
from geodata.vocabulary import IncidentStatus, UnitStatus


def test_a_unit_goes_through_a_whole_duty_cycle() -> None:
    status = UnitStatus.AVAILABLE
    for step in ("dispatched", "en_route", "on_scene", "transporting", "available"):
        status = check_unit_transition(status, step)
    assert status is UnitStatus.AVAILABLE


def test_an_available_unit_cannot_jump_on_scene() -> None:
    with pytest.raises(InvalidTransitionError, match=r"AMB-01 cannot go from 'available' to "
                       r"'on_scene'; allowed next: dispatched, out_of_service"):  # fmt: skip
        check_unit_transition("available", "on_scene", call_sign="AMB-01")


def test_unknown_status_is_named() -> None:
    with pytest.raises(InvalidTransitionError, match="unknown status"):
        check_unit_transition("available", "lunch")


def test_a_cleared_incident_is_final() -> None:
    with pytest.raises(InvalidTransitionError, match=r"none \(final\)"):
        check_incident_transition("cleared", "received")


def test_a_prank_call_closes_without_dispatch() -> None:
    assert check_incident_transition("received", "cleared") is IncidentStatus.CLEARED


@given(st.sampled_from(list(UnitStatus)), st.sampled_from(list(UnitStatus)))
def test_unit_check_agrees_with_the_rule_table(current: UnitStatus, new: UnitStatus) -> None:
    if new in UNIT_TRANSITIONS[current]:
        assert check_unit_transition(current, new) is new
    else:
        with pytest.raises(InvalidTransitionError):
            check_unit_transition(current, new)


def test_every_status_can_return_to_service_or_is_final() -> None:
    for status, allowed in UNIT_TRANSITIONS.items():
        if status is not UnitStatus.AVAILABLE:
            assert UnitStatus.AVAILABLE in allowed
    for status, allowed in INCIDENT_TRANSITIONS.items():
        assert (IncidentStatus.CLEARED in allowed) != (status is IncidentStatus.CLEARED)
