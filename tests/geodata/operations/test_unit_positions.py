"""Unit positions: one statement per batch, re-sends stored once, late fixes never move back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from geodata.coordinates import BoundingBox
from geodata.operations.incident_events import EventTimeError, record_incident_event
from geodata.operations.incidents import IncidentReport, upsert_incidents
from geodata.operations.lifecycle import InvalidTransitionError
from geodata.operations.unit_positions import (
    PositionReport,
    PositionValidationError,
    record_positions,
    resolve_units,
)

NOW = datetime(2026, 5, 1, 6, 0, tzinfo=UTC)
CITY = BoundingBox(104.9, -5.3, 105.3, -4.9)


@pytest.fixture
def units(engine: Engine, tiny_city: int) -> dict[str, int]:
    with engine.begin() as conn:
        agency = conn.execute(text(
            "INSERT INTO agencies (city_id, code, name, kind) VALUES (:c, 'P', 'PSC', 'ambulance') "
            "RETURNING id"), {"c": tiny_city}).scalar_one()  # fmt: skip
        insert = (
            "INSERT INTO units (agency_id, call_sign, vehicle_profile) VALUES (:a, :s, 'ambulance')"
        )
        for sign in ("AMB-01", "AMB-02"):
            conn.execute(text(insert), {"a": agency, "s": sign})
        found = resolve_units(conn, tiny_city, ["AMB-01", "AMB-02", "AMB-09"])
    return {unit.call_sign: unit.id for unit in found.values()}


def last_positions(engine: Engine) -> dict[str, tuple[float | None, datetime | None]]:
    with engine.connect() as conn:
        query = "SELECT call_sign, ST_X(last_position), last_position_at FROM units"
        rows = conn.execute(text(query)).all()
    return {sign: (x, at) for sign, x, at in rows}


def test_a_batch_stores_the_track_and_moves_each_unit_to_its_latest_fix(
    engine: Engine, units: dict[str, int]
) -> None:
    a, b = units["AMB-01"], units["AMB-02"]
    later = NOW + timedelta(seconds=5)
    fixes = [PositionReport(a, 105.01, -5.1, NOW), PositionReport(a, 105.02, -5.1, later),
             PositionReport(b, 105.11, -5.1, NOW)]  # fmt: skip
    with engine.begin() as conn:
        result = record_positions(conn, fixes, source="gps", area=CITY, now=NOW)
        earlier = PositionReport(a, 105.0, -5.1, NOW - timedelta(minutes=1))
        late = record_positions(conn, [earlier, fixes[0]], source="gps", area=CITY, now=NOW)
    assert (result.stored, result.duplicates, result.moved_unit_ids) == (3, 0, sorted([a, b]))
    assert (late.stored, late.duplicates, late.moved_unit_ids) == (1, 1, [])
    assert last_positions(engine)["AMB-01"] == (105.02, later)


@pytest.mark.parametrize(
    ("fix", "field"),
    [
        (dict(lon=-5.1, lat=105.1), "lat/lon"),
        (dict(reported_at=NOW + timedelta(hours=1)), "reported_at"),
        (dict(speed_kmh=900.0), "speed_kmh"),
        (dict(bearing_deg=400.0), "bearing_deg"),
    ],
)
def test_a_bad_fix_rejects_the_batch(
    engine: Engine, units: dict[str, int], fix: dict[str, object], field: str
) -> None:
    good = PositionReport(units["AMB-01"], 105.01, -5.1, NOW)
    bad = PositionReport(**{**good.__dict__, **fix})  # type: ignore[arg-type]
    with pytest.raises(PositionValidationError) as error, engine.begin() as conn:
        record_positions(conn, [good, bad], source="gps", area=CITY, now=NOW)
    assert error.value.field_name == field and error.value.index == 1
    assert last_positions(engine)["AMB-01"] == (None, None)


def test_incident_events_follow_the_lifecycle(engine: Engine, tiny_city: int) -> None:
    with engine.begin() as conn:
        incident_id = upsert_incidents(conn, tiny_city, [IncidentReport(
            "cad", "E-1", "health", 2, NOW, lon=105.05, lat=-5.05)]).inserted_ids[0]  # fmt: skip
        later = NOW + timedelta(minutes=10)
        first = record_incident_event(
            conn, incident_id, "dispatched", at=NOW + timedelta(minutes=1), actor="t", now=later
        )
        assert first.changed
        again = record_incident_event(conn, incident_id, "dispatched", at=NOW, actor="t", now=later)
        assert not again.changed
        with pytest.raises(InvalidTransitionError):
            record_incident_event(conn, incident_id, "on_scene", at=NOW, actor="t", now=NOW)
        with pytest.raises(EventTimeError):
            record_incident_event(conn, incident_id, "en_route", at=NOW, actor="t", now=NOW)
        cleared = record_incident_event(
            conn, incident_id, "cleared", at=NOW + timedelta(minutes=9), actor="t", now=later
        )
        status = conn.execute(text("SELECT status FROM incidents")).scalar()
    assert cleared.status == "cleared" and status == "cleared"
