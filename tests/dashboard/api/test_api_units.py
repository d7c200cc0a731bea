"""``POST /units`` and ``PATCH /units/{call_sign}``: the fleet through the API, per city."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from shapely import box
from sqlalchemy import Engine, text

from geodata.load.city_load import ewkt
from geodata.operations.api_tokens import create_token
from tests.dashboard.api.test_api import city, client, count, post, token

__all__ = ["city", "client", "token"]  # fixtures used here


def patch(client: FlaskClient, path: str, token: str, body: Any) -> Any:
    return client.patch(f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {token}"})


def unit_row(engine: Engine, call_sign: str) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(text(
            "SELECT a.code, s.code, u.vehicle_profile, u.crew_size, u.status, "
            "u.retired_at IS NOT NULL FROM units u JOIN agencies a ON a.id = u.agency_id "
            "LEFT JOIN stations s ON s.id = u.home_station_id WHERE u.call_sign = :s"),
            {"s": call_sign}).one())  # fmt: skip


def test_one_unit_then_a_batch_are_created_and_audited(
    client: FlaskClient, token: str, engine: Engine
) -> None:
    one = post(client, "/units", token, {"call_sign": "AMB-04", "agency": "ambulance",
                                          "home_posko": "Posko", "crew_size": 3})  # fmt: skip
    assert one.status_code == 201, one.json
    assert one.json["call_signs"] == ["AMB-04"]
    assert unit_row(engine, "AMB-04") == ("PSC", "S1", "ambulance", 3, "available", False)
    batch = post(client, "/units", token, {"units": [
        {"call_sign": "MTR-01", "agency": "PSC", "vehicle_profile": "sepeda motor"},
        {"call_sign": "AMB-05", "agency": "PSC 119", "status": "out_of_service"},
    ]})  # fmt: skip
    assert batch.status_code == 201 and batch.json["call_signs"] == ["MTR-01", "AMB-05"]
    assert unit_row(engine, "MTR-01")[2] == "motorbike"
    with engine.connect() as conn:
        audited = conn.execute(text("SELECT actor, details->>'call_sign' FROM audit_log "
                                    "WHERE action = 'unit.create' ORDER BY id")).all()  # fmt: skip
    assert [tuple(r) for r in audited] == [("api:cad-uji", s) for s in ("AMB-04", "MTR-01",
                                                                          "AMB-05")]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"call_sign": "AMB-01", "agency": "PSC"}, 409, "call_sign"),
        ({"units": [{"call_sign": "X", "agency": "PSC"}, {"call_sign": "X", "agency": "PSC"}]},
         409, "units.1.call_sign"),
        ({"call_sign": "X", "agency": "Damkar"}, 422, "agency"),
        ({"call_sign": "X", "agency": "PSC", "vehicle_profile": "kapal"}, 422, "vehicle_profile"),
        ({"call_sign": "X", "agency": "PSC", "home_posko": "Tidak Ada"}, 422, "home_posko"),
        ({"call_sign": "X", "agency": "PSC", "crew_size": 0}, 422, "crew_size"),
        ({"call_sign": "X", "agency": "PSC", "status": "on_scene"}, 422, "status"),
        ({"call_sign": "", "agency": "PSC"}, 422, "call_sign"),
        ({"call_sign": "X", "agency": "PSC", "colour": "red"}, 422, "colour"),
    ],
)  # fmt: skip
def test_a_bad_unit_is_refused_naming_its_field_and_nothing_is_stored(
    client: FlaskClient, token: str, engine: Engine, body: dict, status: int, field: str
) -> None:
    answer = post(client, "/units", token, body)
    assert (answer.status_code, answer.json["field"]) == (status, field), answer.json
    assert count(engine, "units") == 3


def test_a_unit_is_changed_retired_and_brought_back(
    client: FlaskClient, token: str, engine: Engine
) -> None:
    changed = patch(client, "/units/AMB-02", token, {"vehicle_profile": "car", "crew_size": 2})
    assert changed.status_code == 200
    assert changed.json["changed"] == ["crew_size", "vehicle_profile"]
    same = patch(client, "/units/AMB-02", token, {"vehicle_profile": "car"})
    assert same.json["changed"] == []
    cleared = patch(client, "/units/AMB-02", token, {"crew_size": None, "home_posko": None})
    assert unit_row(engine, "AMB-02") == ("PSC", None, "car", None, "available", False)
    assert cleared.json["changed"] == ["crew_size", "home_station_id"]
    retired = patch(client, "/units/AMB-02", token, {"retired": True})
    assert retired.status_code == 200
    assert unit_row(engine, "AMB-02")[4:] == ("out_of_service", True)
    listed = client.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"}).json
    assert [u["call_sign"] for u in listed["units"]] == ["AMB-01", "AMB-03"]
    back = patch(client, "/units/AMB-02", token, {"retired": False})
    assert back.status_code == 200 and unit_row(engine, "AMB-02")[4:] == ("available", False)
    with engine.connect() as conn:
        actions = conn.execute(text("SELECT action FROM audit_log WHERE entity = 'unit' "
                                    "ORDER BY id")).scalars().all()  # fmt: skip
    assert actions == ["unit.update", "unit.update", "unit.retire", "unit.unretire"]


def test_a_unit_on_a_call_cannot_be_retired(
    client: FlaskClient, token: str, engine: Engine
) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE units SET status = 'en_route' WHERE call_sign = 'AMB-03'"))
    answer = patch(client, "/units/AMB-03", token, {"retired": True})
    assert (answer.status_code, answer.json["field"]) == (409, "retired")
    assert unit_row(engine, "AMB-03")[5] is False


def test_another_citys_token_and_no_token_are_refused(
    client: FlaskClient, token: str, engine: Engine, city: int
) -> None:
    with engine.begin() as conn:
        other = conn.execute(
            text("INSERT INTO cities (code, name, timezone, boundary) VALUES ('00.02', 'Lain', "
                 "'Asia/Jakarta', ST_Multi(ST_GeomFromEWKT(:b))) RETURNING id"),
            {"b": ewkt(box(106.0, -6.2, 106.2, -6.0))},
        ).scalar_one()  # fmt: skip
        conn.execute(text("INSERT INTO agencies (city_id, code, name, kind) VALUES "
                          "(:c, 'PSC', 'PSC Lain', 'ambulance')"), {"c": other})  # fmt: skip
        stranger = create_token(conn, "cad-lain", other).token
    refused = patch(client, "/units/AMB-01", stranger, {"retired": True})
    assert (refused.status_code, refused.json["field"]) == (404, "call_sign")
    # the same call sign in another city is another unit: no conflict
    again = post(client, "/units", stranger, {"call_sign": "AMB-01", "agency": "PSC"})
    assert again.status_code == 201
    for answer in (
        client.post("/api/v1/units", json={"call_sign": "Z", "agency": "PSC"}),
        client.patch("/api/v1/units/AMB-01", json={"retired": True}),
    ):
        assert answer.status_code == 401
    with engine.connect() as conn:
        in_service = conn.execute(
            text("SELECT count(*) FROM units u JOIN agencies a ON a.id = u.agency_id "
                 "WHERE a.city_id = :c AND u.retired_at IS NULL"), {"c": city},
        ).scalar_one()  # fmt: skip
    assert in_service == 3
