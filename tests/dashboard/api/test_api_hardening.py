"""What an attacker (or a careless integration) tried, answered in words, never a 500, and
nothing stored half-way; each case failed or was a 500 before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, text

from geodata.db.database import make_engine
from geodata.operations.api_tokens import TokenNameTakenError, create_token, rotate_token
from tests.dashboard.api.conftest import api_app
from tests.dashboard.api.test_api import city, count, incident, post  # noqa: F401

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def token(engine: Engine, city: int) -> str:  # noqa: F811
    with engine.begin() as conn:
        return create_token(conn, "cad-uji", city).token


@pytest.fixture
def client(engine: Engine) -> Iterator[FlaskClient]:
    yield api_app(engine).test_client()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"address": "Jl. Merdeka\x00 5"}, "address", "control character"),
        ({"caller_name": "Siti\x07"}, "caller_name", "control character"),
        ({"external_id": "C\x001"}, "external_id", "control character"),
        ({"received_at": "2026-05-01T08:00:00+16:00"}, "received_at", "±14:00"),
        ({"received_at": "1999-12-31T23:00:00+07:00"}, "received_at", "before 2000"),
        ({"received_at": "3000-01-01T00:00:00+07:00"}, "received_at", "future"),
        ({"lat": float("nan")}, "lat", "finite"),
    ],
)
def test_text_and_times_a_database_would_refuse_are_422s(
    client: FlaskClient, token: str, engine: Engine, changes: dict[str, Any], field: str,
    words: str,
) -> None:  # fmt: skip
    answer = post(client, "/incidents", token, incident(**changes))
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert answer.json["field"] == field and words in answer.json["message"]
    assert count(engine, "incidents") == 0


def test_a_call_sign_with_a_nul_in_the_path_is_a_422(client: FlaskClient, token: str) -> None:
    answer = client.put("/api/v1/units/AMB%0001/status", json={"status": "en_route"},
                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 422 and answer.json["field"] == "call_sign"


def test_dispatch_and_status_times_out_of_order_are_422s_and_the_unit_stays_usable(
    client: FlaskClient, token: str, engine: Engine
) -> None:
    created = post(client, "/incidents", token, incident()).json["id"]
    early = (NOW - timedelta(hours=2)).isoformat()
    before_call = post(client, f"/incidents/{created}/dispatches", token,
                       {"unit": "AMB-01", "at": early})  # fmt: skip
    assert before_call.status_code == 422 and before_call.json["field"] == "at"
    year_3000 = post(client, f"/incidents/{created}/dispatches", token,
                     {"unit": "AMB-01", "at": "3000-01-01T00:00:00+07:00"})  # fmt: skip
    assert year_3000.status_code == 422 and "future" in year_3000.json["message"]
    assert (
        post(client, f"/incidents/{created}/dispatches", token, {"unit": "AMB-01"}).status_code
        == 201
    )
    status = client.put("/api/v1/units/AMB-01/status", json={"status": "en_route", "at": early},
                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert status.status_code == 422 and status.json["field"] == "at"
    later = client.put("/api/v1/units/AMB-01/status", json={"status": "en_route"},
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert later.status_code == 200 and later.json["status"] == "en_route"


def test_json_nested_deeply_is_a_400(client: FlaskClient, token: str) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    answer = client.post("/api/v1/incidents", data=deep, content_type="application/json",
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 400 and answer.json["field"] == "body"


def test_a_body_over_the_api_limit_is_a_413_unread(client: FlaskClient, token: str) -> None:
    huge = b'{"incidents": [' + b'{"x": 1},' * 300_000 + b"{}]}"
    answer = client.post("/api/v1/incidents/batch", data=huge, content_type="application/json",
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 413 and answer.json["error"] == "too_large"


def test_wrong_tokens_are_limited_per_address(client: FlaskClient) -> None:
    codes = [post(client, "/incidents", f"tgp_guess{i}", incident()).status_code
             for i in range(40)]  # fmt: skip
    assert codes[:20] == [401] * 20 and set(codes[20:]) == {429}


def test_each_city_has_its_own_incidents_whatever_the_integration_is_called(
    client: FlaskClient,
    engine: Engine,
    city: int,  # noqa: F811
) -> None:
    with engine.begin() as conn:
        other = conn.execute(text(
            "INSERT INTO cities (code, name, timezone, boundary) SELECT '00.02', 'Kota Dua', "
            "timezone, ST_Translate(boundary, 5, 0) FROM cities WHERE id = :c RETURNING id"
        ), {"c": city}).scalar_one()  # fmt: skip
        first = create_token(conn, "cad", city).token
        second = create_token(conn, "cad", other).token
    a = post(client, "/incidents", first, incident("X-1"))
    b = post(client, "/incidents", second, incident("X-1", lon=110.05, category="flood",
                                                     caller_name="Orang Lain"))  # fmt: skip
    assert a.status_code == b.status_code == 201 and a.json["id"] != b.json["id"]
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT i.city_id, i.category, c.caller_name FROM incidents i "
            "JOIN incident_callers c ON c.incident_id = i.id ORDER BY i.id")).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [(city, "fire", "Siti Rahayu"),
                                        (other, "flood", "Orang Lain")]  # fmt: skip


def test_one_current_token_per_integration_and_city_and_rotation_overlaps(
    client: FlaskClient,
    engine: Engine,
    city: int,  # noqa: F811
) -> None:
    with engine.begin() as conn:
        old = create_token(conn, "avl", city).token
        with pytest.raises(TokenNameTakenError, match="rotate"):
            create_token(conn, "avl", city)
        new = rotate_token(conn, "avl", city, grace_s=3600).token
    assert post(client, "/incidents", old, incident("R-1")).status_code == 201  # still in grace
    assert post(client, "/incidents", new, incident("R-2")).status_code == 201
    with engine.begin() as conn:
        rotate_token(conn, "avl", city, grace_s=0)
    assert post(client, "/incidents", new, incident("R-3")).status_code == 401


def test_a_failed_statement_never_shows_its_parameters(engine: Engine, city: int) -> None:  # noqa: F811
    app_engine = make_engine(engine.url)
    with pytest.raises(Exception) as failed, app_engine.begin() as conn:
        conn.execute(
            text("INSERT INTO incident_callers (incident_id, caller_name) VALUES (:i, :n)"),
            {"i": 999_999, "n": "Wahyuningsih Rahasia"},
        )
    app_engine.dispose()
    assert "Wahyuningsih" not in str(failed.value)
    assert "hidden due to hide_parameters" in str(failed.value)
