"""The ingest API on a tiny city: idempotent writes, 4xx naming the field, nothing partial."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import geopandas as gpd
import pytest
from flask.testing import FlaskClient
from shapely import Point, box
from sqlalchemy import Engine, text

from geodata.load.city_load import ewkt, load_areas
from geodata.operations.api_tokens import create_token, revoke_tokens
from tests.dashboard.api.conftest import api_app

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def city(engine: Engine) -> int:
    """Kota Uji (105.0–105.2 E, 5.2–5.0 S): one kecamatan, two kelurahan, a posko, 3 units."""
    with engine.begin() as conn:
        city_id = conn.execute(
            text("INSERT INTO cities (code, name, timezone, boundary) VALUES ('00.01', 'Kota Uji', "
                 "'Asia/Jakarta', ST_Multi(ST_GeomFromEWKT(:b))) RETURNING id"),
            {"b": ewkt(box(105.0, -5.2, 105.2, -5.0))},
        ).scalar_one()  # fmt: skip
        load_areas(
            conn, city_id,
            gpd.GeoDataFrame({"code": ["K1"], "name": ["Uji"], "population": [1]},
                             geometry=[box(105.0, -5.2, 105.2, -5.0)], crs=4326),
            gpd.GeoDataFrame({"code": ["K1.1", "K1.2"], "name": ["Barat", "Timur"],
                              "kecamatan_code": ["K1", "K1"], "population": [1, 1]},
                             geometry=[box(105.0, -5.2, 105.1, -5.0),
                                       box(105.1, -5.2, 105.2, -5.0)], crs=4326),
        )  # fmt: skip
        agency = conn.execute(
            text("INSERT INTO agencies (city_id, code, name, kind) VALUES (:c, 'PSC', 'PSC 119', "
                 "'ambulance') RETURNING id"), {"c": city_id},
        ).scalar_one()  # fmt: skip
        station = conn.execute(
            text("INSERT INTO stations (agency_id, code, name, geom) VALUES (:a, 'S1', 'Posko', "
                 "ST_GeomFromEWKT(:g)) RETURNING id"), {"a": agency, "g": ewkt(Point(105.1, -5.1))},
        ).scalar_one()  # fmt: skip
        for sign in ("AMB-01", "AMB-02", "AMB-03"):
            conn.execute(
                text("INSERT INTO units (agency_id, call_sign, home_station_id, vehicle_profile) "
                     "VALUES (:a, :s, :st, 'ambulance')"), {"a": agency, "s": sign, "st": station},
            )  # fmt: skip
    return int(city_id)


@pytest.fixture
def token(engine: Engine, city: int) -> str:
    with engine.begin() as conn:
        return create_token(conn, "cad-uji", city).token


@pytest.fixture
def client(engine: Engine) -> Iterator[FlaskClient]:
    yield api_app(engine).test_client()


def incident(external_id: str = "C-1", **changes: Any) -> dict[str, Any]:
    body = {"external_id": external_id, "category": "fire", "priority": 1,
            "received_at": (NOW - timedelta(minutes=3)).isoformat(), "lat": -5.05, "lon": 105.05,
            "caller_name": "Siti Rahayu", "caller_phone": "+6281234567890"}  # fmt: skip
    return {**body, **changes}


def post(client: FlaskClient, path: str, token: str, body: Any) -> Any:
    return client.post(f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {token}"})


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_the_same_incident_twice_is_one_incident(client: FlaskClient, token: str,
                                                  engine: Engine) -> None:  # fmt: skip
    first = post(client, "/incidents", token, incident())
    retry = post(client, "/incidents", token, incident())
    assert first.status_code == 201 and first.json["created"] is True
    assert retry.status_code == 200 and retry.json == {**first.json, "created": False,
                                                       "changed": False}  # fmt: skip
    update = post(client, "/incidents", token, incident(priority=2))
    assert update.status_code == 200 and update.json["changed"] is True
    assert count(engine, "incidents") == 1 and count(engine, "incident_callers") == 1
    with engine.connect() as conn:
        row = conn.execute(text("SELECT source, priority FROM incidents")).one()
    assert tuple(row) == ("cad-uji", 2)


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (incident(lat=105.05, lon=-5.05), "lat", "look swapped"),
        (incident(category="kebakaran"), "category", "'fire'"),
        (incident(received_at="2026-13-01T08:00:00+07:00"), "received_at", "month"),
        (incident(received_at="2026-05-01T08:00:00"), "received_at", "timezone"),
        (incident(lat=-5.05, lon=None), "lon", "both"),
        (incident(lon=110.0), "lon", "outside"),
        (incident(priority=7), "priority", "less than or equal to 4"),
        (incident(latitude=-5.05), "latitude", "not permitted"),
        (incident(on_scene_at=(NOW - timedelta(hours=1)).isoformat()), "on_scene_at", "before"),
    ],
)
def test_a_bad_incident_gets_a_422_naming_its_field(
    client: FlaskClient, token: str, engine: Engine, body: Any, field: str, words: str
) -> None:
    answer = post(client, "/incidents", token, body)
    assert answer.status_code == 422, answer.json
    assert answer.json["field"] == field and words in answer.json["message"], answer.json
    assert count(engine, "incidents") == 0


def test_missing_bad_and_revoked_tokens_get_401(client: FlaskClient, token: str,
                                                engine: Engine) -> None:  # fmt: skip
    missing = client.post("/api/v1/incidents", json=incident())
    bad = post(client, "/incidents", "tgp_not-a-token", incident())
    with engine.begin() as conn:
        revoke_tokens(conn, "cad-uji")
    revoked = post(client, "/incidents", token, incident())
    for answer in (missing, bad, revoked):
        assert answer.status_code == 401 and answer.json["field"] == "Authorization"
    assert count(engine, "incidents") == 0


def test_a_batch_with_one_bad_row_stores_nothing(client: FlaskClient, token: str,
                                                 engine: Engine) -> None:  # fmt: skip
    rows = [incident(f"B-{i}") for i in range(5)]
    rows[3]["lat"], rows[3]["lon"] = 105.05, -5.05
    answer = post(client, "/incidents/batch", token, {"incidents": rows})
    assert answer.status_code == 422 and answer.json["field"] == "incidents.3.lat"
    assert count(engine, "incidents") == 0
    rows[3] = incident("B-3")
    good = post(client, "/incidents/batch", token, {"incidents": rows})
    assert good.status_code == 200 and good.json["inserted"] == 5
    again = post(client, "/incidents/batch", token, {"incidents": rows})
    assert again.json["ids"] == good.json["ids"] and again.json["unchanged"] == 5


def test_lifecycle_dispatch_and_clearance(client: FlaskClient, token: str, engine: Engine) -> None:
    incident_id = post(client, "/incidents", token, incident()).json["id"]
    sent = post(client, f"/incidents/{incident_id}/dispatches", token, {"unit": "AMB-01"})
    assert sent.status_code == 201
    taken = post(client, f"/incidents/{incident_id}/dispatches", token, {"unit": "AMB-01"})
    assert taken.status_code == 409 and taken.json["field"] == "unit"
    headers = {"Authorization": f"Bearer {token}"}
    en_route = client.put("/api/v1/units/AMB-01/status", json={"status": "en_route"},
                          headers=headers)  # fmt: skip
    assert en_route.status_code == 200
    wrong = client.put("/api/v1/units/AMB-01/status", json={"status": "transporting"},
                       headers=headers)  # fmt: skip
    assert wrong.status_code == 409 and wrong.json["field"] == "status"
    on_scene = post(client, f"/incidents/{incident_id}/events", token, {"status": "on_scene"})
    assert on_scene.json == {"id": incident_id, "status": "on_scene", "changed": True}
    resent = post(client, f"/incidents/{incident_id}/events", token, {"status": "on_scene"})
    assert resent.json["changed"] is False
    cleared = post(client, f"/incidents/{incident_id}/events", token, {"status": "cleared"})
    assert cleared.json["status"] == "cleared"
    view = client.get(f"/api/v1/incidents/{incident_id}", headers=headers).json
    assert view["status"] == "cleared" and view["units"] == []
    assert "caller_name" not in view and "Siti" not in str(view)
    with engine.connect() as conn:
        status = conn.execute(text("SELECT status FROM units WHERE call_sign = 'AMB-01'")).scalar()
    assert status == "available"


def test_positions_batch_and_osmand(client: FlaskClient, token: str, engine: Engine) -> None:
    fixes = [{"unit": "AMB-02", "lat": -5.1, "lon": 105.1 + i / 1000,
              "at": (NOW - timedelta(seconds=30 - i)).isoformat()} for i in range(3)]  # fmt: skip
    stored = post(client, "/units/positions", token, {"positions": fixes})
    assert stored.json == {"stored": 3, "duplicates": 0}
    resent = post(client, "/units/positions", token, {"positions": fixes})
    assert resent.json == {"stored": 0, "duplicates": 3}
    bad = post(client, "/units/positions", token,
               {"positions": [*fixes, {**fixes[0], "unit": "AMB-99"}]})  # fmt: skip
    assert bad.status_code == 422 and bad.json["field"] == "positions.3.unit"
    osmand = client.get("/api/v1/osmand", query_string={
        "token": token, "id": "AMB-03", "lat": -5.12, "lon": 105.13,
        "timestamp": int(NOW.timestamp()), "speed": 10, "bearing": 90, "accuracy": 8,
    })  # fmt: skip
    assert osmand.status_code == 200 and osmand.json["stored"] == 1
    swapped = client.get("/api/v1/osmand", query_string={
        "token": token, "id": "AMB-03", "lat": 105.13, "lon": -5.12})  # fmt: skip
    assert swapped.status_code == 422 and swapped.json["field"] == "lat"
    unknown = client.post("/api/v1/osmand", data={"id": "X-1", "lat": -5.1, "lon": 105.1},
                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert unknown.status_code == 422 and unknown.json["field"] == "id"
    with engine.connect() as conn:
        units = dict(conn.execute(text(
            "SELECT call_sign, round(ST_X(last_position)::numeric, 3)::float FROM units"
        )).all())  # fmt: skip
        osmand_row = conn.execute(text(
            "SELECT speed_kmh, bearing_deg, accuracy_m, source FROM unit_positions p "
            "JOIN units u ON u.id = p.unit_id WHERE u.call_sign = 'AMB-03'")).one()  # fmt: skip
    assert units == {"AMB-01": None, "AMB-02": 105.102, "AMB-03": 105.13}
    assert osmand_row.speed_kmh == pytest.approx(18.52)  # 10 knots
    assert (osmand_row.bearing_deg, osmand_row.accuracy_m, osmand_row.source) == (
        90.0, 8.0, "cad-uji")  # fmt: skip


def test_osmand_json_of_traccar_client_9(client: FlaskClient, token: str, engine: Engine) -> None:
    body = {"device_id": "AMB-01", "location": {
        "timestamp": NOW.isoformat().replace("+00:00", "Z"), "is_moving": True,
        "coords": {"latitude": -5.11, "longitude": 105.11, "speed": 5.0, "heading": 270,
                   "accuracy": 4}}}  # fmt: skip
    answer = client.post(f"/api/v1/osmand?token={token}", json=body)
    assert answer.status_code == 200 and answer.json["stored"] == 1
    with engine.connect() as conn:
        speed = conn.execute(text("SELECT speed_kmh FROM unit_positions")).scalar()
    assert speed == pytest.approx(18.0)  # 5 m/s
