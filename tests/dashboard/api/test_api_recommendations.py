"""The recommendation API gives the same exact ranking as the supervisor's page."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine

from geodata.operations.api_tokens import create_token
from geodata.responders import DEFAULT_RESPONSE_AGENCIES
from geodata.routing.recommend import recommend_units
from tests.dashboard.api.conftest import api_app
from tests.geodata.networks import grid_city, store_city, store_incident, store_units


@pytest.fixture
def scene(engine: Engine) -> dict[str, object]:
    city = grid_city(np.random.default_rng(8), 5, oneway_share=0.2, drop_share=0.0)
    edge = city.edges.geometry
    with engine.begin() as conn:
        city_id = store_city(conn, city)
        middles = [edge.iloc[i * 5].interpolate(0.5, normalized=True) for i in range(4)]
        store_units(
            conn, city_id,
            [(f"AMB-{i}", "ambulance", "ambulance", p.x, p.y) for i, p in enumerate(middles)],
        )  # fmt: skip
        crash_at = edge.iloc[17].interpolate(0.4, normalized=True)
        incident = store_incident(conn, city_id, "health", crash_at.x, crash_at.y)
        token = create_token(conn, "cad", city_id).token
    return {"incident": incident, "token": token, "lon": crash_at.x, "lat": crash_at.y}


@pytest.fixture
def client(engine: Engine) -> Iterator[FlaskClient]:
    yield api_app(engine).test_client()


def get(client: FlaskClient, path: str, token: str | None) -> object:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(f"/api/v1{path}", headers=headers)


def test_recommendations_match_the_ranking(
    client: FlaskClient, engine: Engine, scene: dict[str, object]
) -> None:
    response = get(client, f"/incidents/{scene['incident']}/recommendations?k=2&routes=true",
                   str(scene["token"]))  # fmt: skip
    assert response.status_code == 200, response.json
    ambulances = response.json["agencies"]["ambulance"]
    with engine.connect() as conn:
        direct = recommend_units(conn, [scene["incident"]], DEFAULT_RESPONSE_AGENCIES, k=2)
    expected = direct[0].options["ambulance"]
    assert [o["call_sign"] for o in ambulances] == [o.call_sign for o in expected]
    assert [o["outcome"] for o in ambulances] == ["ranked", "ranked", "slower", "slower"]
    assert ambulances[0]["travel_time_s"] == pytest.approx(expected[0].travel_time_s)
    assert ambulances[0]["route_wkt"].startswith(("LINESTRING", "MULTILINESTRING"))


def test_bad_requests_name_their_field(client: FlaskClient, scene: dict[str, object]) -> None:
    token = str(scene["token"])
    too_many = get(client, f"/incidents/{scene['incident']}/recommendations?k=500", token)
    assert (too_many.status_code, too_many.json["field"]) == (422, "k")
    missing = get(client, "/incidents/999999/recommendations", token)
    assert (missing.status_code, missing.json["field"]) == (404, "incident_id")
    assert get(client, f"/incidents/{scene['incident']}/recommendations", None).status_code == 401
    swapped = get(client, f"/nearest-stations?lon={scene['lat']}&lat={scene['lon']}", token)
    assert swapped.status_code == 422 and "swapped" in swapped.json["message"]


def test_nearest_stations_answers_for_a_point(
    client: FlaskClient, scene: dict[str, object]
) -> None:
    response = get(client, f"/nearest-stations?lon={scene['lon']}&lat={scene['lat']}",
                   str(scene["token"]))  # fmt: skip
    assert response.status_code == 200
    assert response.json == {"stations": []}  # the grid city has units but no posko
