"""Dispatching in one transaction, with the audit trail, and exactly one winner of a race."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import Engine, text

from geodata.operations.dispatching import (
    DispatchError,
    UnitUnavailableError,
    assign_unit,
    clear_incident,
    set_unit_status,
)
from geodata.operations.lifecycle import InvalidTransitionError
from tests.geodata.networks import grid_city, store_city, store_incident, store_units

T0 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def scene(engine: Engine) -> dict[str, int]:
    """A small city with two ambulances and one open health incident received at T0."""
    city = grid_city(np.random.default_rng(5), 4, oneway_share=0.0, drop_share=0.0)
    with engine.begin() as conn:
        city_id = store_city(conn, city)
        units = store_units(
            conn, city_id,
            [("AMB-1", "ambulance", "ambulance", 105.3005, -5.1195),
             ("AMB-2", "ambulance", "ambulance", 105.3015, -5.1185)],
        )  # fmt: skip
        incident = store_incident(conn, city_id, "health", 105.301, -5.119)
        conn.execute(text("UPDATE incidents SET received_at = :t"), {"t": T0})
    return {"incident": incident, **units}


def state(engine: Engine) -> dict[str, object]:
    with engine.connect() as conn:
        return dict(
            conn.execute(
                text(
                    "SELECT (SELECT status FROM incidents) AS incident, "
                    "(SELECT dispatched_at FROM incidents) AS dispatched_at, "
                    "(SELECT en_route_at FROM incidents) AS en_route_at, "
                    "(SELECT string_agg(call_sign || ':' || status, ',' ORDER BY call_sign) "
                    " FROM units) AS units, "
                    "(SELECT count(*) FROM dispatches WHERE cleared_at IS NULL) AS active, "
                    "(SELECT string_agg(action, ',' ORDER BY id) FROM audit_log) AS audit"
                )
            )
            .mappings()
            .one()
        )


def test_assign_updates_unit_dispatch_incident_and_audit_together(
    engine: Engine, scene: dict[str, int]
) -> None:
    at = T0 + timedelta(minutes=2)
    with engine.begin() as conn:
        assign_unit(conn, scene["incident"], scene["AMB-1"], actor="sup.rina", now=at)
    after = state(engine)
    assert after["incident"] == "dispatched" and after["dispatched_at"] == at
    assert after["units"] == "AMB-1:dispatched,AMB-2:available"
    assert after["active"] == 1 and after["audit"] == "dispatch.assign"
    with engine.connect() as conn:
        actor, details = conn.execute(text("SELECT actor, details FROM audit_log")).one()
    assert actor == "sup.rina" and details["call_sign"] == "AMB-1"


def test_the_duty_cycle_stamps_dispatch_and_incident(engine: Engine, scene: dict[str, int]) -> None:
    with engine.begin() as conn:
        assign_unit(
            conn, scene["incident"], scene["AMB-1"], actor="sup", now=T0 + timedelta(minutes=1)
        )
        set_unit_status(
            conn, scene["AMB-1"], "en_route", actor="crew", now=T0 + timedelta(minutes=2)
        )
        set_unit_status(
            conn, scene["AMB-1"], "on_scene", actor="crew", now=T0 + timedelta(minutes=9)
        )
    assert state(engine)["incident"] == "on_scene"
    with engine.begin() as conn:
        released = clear_incident(
            conn, scene["incident"], actor="sup", now=T0 + timedelta(minutes=40)
        )
    after = state(engine)
    assert released == [scene["AMB-1"]]
    assert after["incident"] == "cleared" and after["active"] == 0
    assert after["units"] == "AMB-1:available,AMB-2:available"
    with engine.connect() as conn:
        times = conn.execute(
            text("SELECT en_route_at, on_scene_at, cleared_at FROM dispatches")
        ).one()
    assert times == (
        T0 + timedelta(minutes=2),
        T0 + timedelta(minutes=9),
        T0 + timedelta(minutes=40),
    )


def test_an_invalid_transition_is_refused_and_changes_nothing(
    engine: Engine, scene: dict[str, int]
) -> None:
    before = state(engine)
    with (
        pytest.raises(
            InvalidTransitionError, match="AMB-1 cannot go from 'available' to 'on_scene'"
        ),
        engine.begin() as conn,
    ):
        set_unit_status(conn, scene["AMB-1"], "on_scene", actor="crew")
    assert state(engine) == before


def test_a_busy_unit_or_a_cleared_incident_cannot_be_assigned(
    engine: Engine, scene: dict[str, int]
) -> None:
    with engine.begin() as conn:
        assign_unit(conn, scene["incident"], scene["AMB-1"], actor="sup.rina")
    taken = r"sup\.rina assigned it to incident"
    with pytest.raises(UnitUnavailableError, match=taken), engine.begin() as conn:
        assign_unit(conn, scene["incident"], scene["AMB-1"], actor="sup.budi")
    with engine.begin() as conn:
        clear_incident(conn, scene["incident"], actor="sup.rina")
    with pytest.raises(DispatchError, match="already cleared"), engine.begin() as conn:
        assign_unit(conn, scene["incident"], scene["AMB-2"], actor="sup.budi")


def test_two_supervisors_assigning_one_unit_at_once_exactly_one_wins(
    engine: Engine, scene: dict[str, int]
) -> None:
    """Truly concurrent: the second transaction is seen waiting on the first one's lock."""
    outcomes: dict[str, str] = {}
    first_holds_lock = threading.Event()
    second_is_waiting = threading.Event()

    def supervisor(name: str) -> None:
        try:
            with engine.begin() as conn:
                if name == "second":
                    first_holds_lock.wait(10)
                assign_unit(conn, scene["incident"], scene["AMB-1"], actor=name)
                if name == "first":
                    first_holds_lock.set()
                    second_is_waiting.wait(10)  # commit only once the other is blocked on us
            outcomes[name] = "assigned"
        except UnitUnavailableError as error:
            outcomes[name] = str(error)

    threads = [threading.Thread(target=supervisor, args=(n,)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    with engine.connect() as watcher:
        while time.monotonic() < deadline and not second_is_waiting.is_set():
            waiting = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE 'SELECT u.id, u.call_sign, u.status%'"
                )
            ).scalar_one()
            watcher.rollback()  # pg_stat_activity is a snapshot per transaction
            if waiting:
                second_is_waiting.set()
            time.sleep(0.02)
    for thread in threads:
        thread.join(20)

    assert second_is_waiting.is_set(), "the two transactions did not overlap"
    assert outcomes["first"] == "assigned"
    assert "no longer available: first assigned it" in outcomes["second"]
    after = state(engine)
    assert after["active"] == 1 and after["audit"] == "dispatch.assign"


def test_overriding_the_recommendation_needs_a_reason_which_is_kept(
    engine: Engine, scene: dict[str, int]
) -> None:
    with pytest.raises(DispatchError, match="reason is needed"), engine.begin() as conn:
        assign_unit(conn, scene["incident"], scene["AMB-2"], actor="sup", recommended=False)
    assert state(engine)["active"] == 0
    with engine.begin() as conn:
        assign_unit(conn, scene["incident"], scene["AMB-2"], actor="sup", recommended=False,
                    override_reason="AMB-1 crew on break")  # fmt: skip
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT override_reason FROM dispatches")).scalar_one()
        logged = conn.execute(text("SELECT details FROM audit_log")).scalar_one()
    assert kept == "AMB-1 crew on break" == logged["override_reason"]
    assert logged["recommended"] is False
