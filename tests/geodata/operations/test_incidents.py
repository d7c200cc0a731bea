"""Incident storage against PostGIS: idempotent upsert, validation, kelurahan by point."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from geodata.operations.incidents import IncidentReport, IncidentValidationError, upsert_incidents

T0 = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)


def report(external_id: str = "112-0001", **changes: object) -> IncidentReport:
    base = IncidentReport(
        source="cad",
        external_id=external_id,
        category="fire",
        priority=1,
        received_at=T0,
        lon=105.05,
        lat=-5.1,
        address="Jl. Uji 1",
        caller_name="Budi",
        caller_phone="081234567890",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def stored(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT i.external_id, i.status, i.dispatched_at, i.cleared_at, a.name AS kelurahan"
                " FROM incidents i LEFT JOIN admin_areas a ON a.id = i.area_id"
                " ORDER BY i.external_id"
            )
        ).mappings()
        return [dict(row) for row in rows]


def test_the_same_batch_twice_stores_each_incident_once(engine: Engine, tiny_city: int) -> None:
    batch = [report("A"), report("B", lon=105.15)]
    with engine.begin() as conn:
        first = upsert_incidents(conn, tiny_city, batch)
    with engine.begin() as conn:
        second = upsert_incidents(conn, tiny_city, batch)
    assert len(first.inserted_ids) == 2 and first.updated_ids == []
    assert second.inserted_ids == [] and second.updated_ids == [] and second.unchanged == 2
    assert [row["external_id"] for row in stored(engine)] == ["A", "B"]


def test_kelurahan_is_resolved_by_point_in_polygon(engine: Engine, tiny_city: int) -> None:
    with engine.begin() as conn:
        upsert_incidents(
            conn,
            tiny_city,
            [report("W", lon=105.05), report("E", lon=105.15), report("X", lon=105.3)],
        )
    kelurahan = {row["external_id"]: row["kelurahan"] for row in stored(engine)}
    assert kelurahan == {"E": "Timur", "W": "Barat", "X": None}


def test_moving_an_incident_moves_its_kelurahan(engine: Engine, tiny_city: int) -> None:
    with engine.begin() as conn:
        upsert_incidents(conn, tiny_city, [report("M", lon=105.05)])
    with engine.begin() as conn:
        result = upsert_incidents(conn, tiny_city, [report("M", lon=105.15)])
    assert len(result.updated_ids) == 1
    assert stored(engine)[0]["kelurahan"] == "Timur"


def test_lifecycle_moves_forward_and_an_old_snapshot_erases_nothing(
    engine: Engine, tiny_city: int
) -> None:
    dispatched = T0 + timedelta(minutes=2)
    with engine.begin() as conn:
        upsert_incidents(conn, tiny_city, [report("L", dispatched_at=dispatched)])
    with engine.begin() as conn:
        stale = upsert_incidents(conn, tiny_city, [report("L")])  # resent first snapshot
    assert stale.unchanged == 1
    row = stored(engine)[0]
    assert row["status"] == "dispatched" and row["dispatched_at"] == dispatched
    with engine.begin() as conn:
        upsert_incidents(conn, tiny_city, [report("L", cleared_at=T0 + timedelta(hours=1))])
    row = stored(engine)[0]
    assert row["status"] == "cleared" and row["dispatched_at"] == dispatched


def test_one_bad_row_rejects_the_batch_and_keeps_what_was_stored(
    engine: Engine, tiny_city: int
) -> None:
    with engine.begin() as conn:
        upsert_incidents(conn, tiny_city, [report("KEEP")])
    bad_batch = [report("NEW-1"), report("NEW-2", category="alien landing")]
    with (
        pytest.raises(IncidentValidationError, match=r"row 1, field 'category'.*alien landing"),
        engine.begin() as conn,
    ):
        upsert_incidents(conn, tiny_city, bad_batch)
    assert [row["external_id"] for row in stored(engine)] == ["KEEP"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lon": -5.1, "lat": 105.05}, "look swapped"),
        ({"priority": 7}, "field 'priority'"),
        ({"dispatched_at": T0 - timedelta(minutes=1)}, "is before received_at"),
        ({"cleared_at": datetime(2026, 3, 1, 3, 0)}, "has no time zone"),
        ({"lat": None}, "only one of lat/lon"),
        ({"external_id": " "}, "field 'external_id': is empty"),
    ],
)
def test_bad_reports_get_a_message_naming_the_field(
    engine: Engine, tiny_city: int, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(IncidentValidationError, match=message), engine.begin() as conn:
        upsert_incidents(conn, tiny_city, [report(**changes)])
    assert stored(engine) == []


def test_a_duplicate_inside_one_batch_is_refused(engine: Engine, tiny_city: int) -> None:
    with pytest.raises(IncidentValidationError, match="duplicate of row 0"), engine.begin() as c:
        upsert_incidents(c, tiny_city, [report("D"), report("D")])


def test_times_out_of_order_with_the_stored_ones_are_refused(
    engine: Engine, tiny_city: int
) -> None:
    with engine.begin() as conn:
        upsert_incidents(conn, tiny_city, [report("O", on_scene_at=T0 + timedelta(minutes=20))])
    late_dispatch = report("O", dispatched_at=T0 + timedelta(minutes=30))
    with pytest.raises(IncidentValidationError, match="lifecycle times"), engine.begin() as conn:
        upsert_incidents(conn, tiny_city, [late_dispatch])
    assert stored(engine)[0]["dispatched_at"] is None


def test_caller_data_is_kept_apart_from_the_incident(engine: Engine, tiny_city: int) -> None:
    with engine.begin() as conn:
        upsert_incidents(conn, tiny_city, [report("C")])
    with engine.connect() as conn:
        incident_columns = set(
            conn.execute(text("SELECT * FROM incidents LIMIT 1")).mappings().one().keys()
        )
        caller = conn.execute(text("SELECT caller_name, caller_phone FROM incident_callers")).one()
    assert not {"caller_name", "caller_phone"} & incident_columns
    assert tuple(caller) == ("Budi", "081234567890")


def test_the_database_refuses_lifecycle_times_out_of_order(engine: Engine, tiny_city: int) -> None:
    with pytest.raises(IntegrityError, match="ck_incidents_dispatched_order"), engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO incidents (city_id, source, external_id, category, priority, "
                "received_at, dispatched_at) VALUES (:c, 'raw', '1', 'fire', 1, :t, :d)"
            ),
            {"c": tiny_city, "t": T0, "d": T0 - timedelta(seconds=1)},
        )


def test_the_audit_log_is_append_only(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO audit_log (actor, action, entity) VALUES ('sup1', 'assign', 'unit')")
        )
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log",
                      "TRUNCATE audit_log"):  # fmt: skip
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_log")).scalars().all() == ["sup1"]
