"""The planner's API: a job queued and run, its what-if, a scenario saved, listed,
compared and exported; bad input answered 422 with the field; uploads of candidates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine

from geodata.analytics.standards import AnalyticsConfig
from geodata.operations.api_tokens import create_token
from geodata.planning import jobs
from tests.dashboard.api.conftest import api_app
from tests.geodata.planning.city import PlanningCity, build_planning_city

REQUEST = {
    "agency_kind": "fire",
    "model": "mclp",
    "k": 2,
    "target_min": 2.0,
    "allowance_min": 0.0,
    "category_weights": {"fire": 1.0},
    "population": True,
    "grid_spacing_m": 300,
    "time_limit_s": 10,
}


@pytest.fixture
def city(engine: Engine) -> PlanningCity:
    return build_planning_city(engine)


@pytest.fixture
def token(engine: Engine, city: PlanningCity) -> str:
    with engine.begin() as conn:
        return create_token(conn, "perencana-uji", city.city_id).token


@pytest.fixture
def client(engine: Engine) -> Iterator[FlaskClient]:
    yield api_app(engine).test_client()


def call(client: FlaskClient, method: str, path: str, token: str, body: Any = None) -> Any:
    return client.open(
        f"/api/v1/planning{path}",
        method=method,
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )


def finished_job(client: FlaskClient, engine: Engine, token: str, **changes: Any) -> int:
    queued = call(client, "POST", "/jobs", token, {"request": {**REQUEST, **changes}})
    assert queued.status_code == 202 and queued.json["status"] == "queued"
    assert jobs.run_next_job(engine, AnalyticsConfig(), "test") == "done"
    return int(queued.json["job_id"])


def test_a_run_from_job_to_exports(client: FlaskClient, engine: Engine, token: str) -> None:
    job_id = finished_job(client, engine, token)
    job = call(client, "GET", f"/jobs/{job_id}", token).json
    assert job["status"] == "done" and job["progress"] == 1.0
    result = job["result"]
    assert result["summary"]["exact"]["status"] == "optimal"
    existing = next(s["position"] for s in result["sites"] if s["existing"])
    closed = next(s["position"] for s in result["sites"] if not s["open_after"])
    moved = call(
        client, "POST", f"/jobs/{job_id}/whatif", token, {"add": closed, "remove": existing}
    ).json
    assert existing not in moved["sites_after"] and closed in moved["sites_after"]
    assert moved["before"]["demand_share"] == pytest.approx(
        result["summary"]["after"]["demand_share"]
    )
    dragged = call(
        client, "POST", f"/jobs/{job_id}/whatif", token, {"add_lon": 105.305, "add_lat": -5.115}
    ).json
    assert len(dragged["sites_after"]) == len(dragged["sites_before"]) + 1
    assert dragged["covered_weight_change"] >= 0
    saved = call(client, "POST", "/scenarios", token, {"job_id": job_id, "name": "Usulan A"})
    assert saved.status_code == 201
    scenario_id = saved.json["scenario_id"]
    second = finished_job(client, engine, token, k=1)
    other = call(client, "POST", "/scenarios", token, {"job_id": second, "name": "Usulan B"})
    listed = call(client, "GET", "/scenarios", token).json["scenarios"]
    assert [s["name"] for s in listed] == ["Usulan B", "Usulan A"]
    assert listed[0]["created_by"] == "perencana-uji"
    compared = call(
        client, "GET", f"/scenarios/compare?ids={scenario_id},{other.json['scenario_id']}", token
    ).json["figures"]
    by_figure = {row["figure"]: row for row in compared}
    assert by_figure["k"] == {"figure": "k", "Usulan A": 2, "Usulan B": 1}
    geojson = json.loads(call(client, "GET", f"/scenarios/{scenario_id}/sites.geojson", token).data)
    assert geojson["type"] == "FeatureCollection"
    assert sum(f["properties"]["open_after"] for f in geojson["features"]) == 3
    areas = call(client, "GET", f"/scenarios/{scenario_id}/areas.csv", token).data.decode()
    assert areas.splitlines()[0].startswith("area_code,name,population")
    page = call(client, "GET", f"/scenarios/{scenario_id}/summary.html", token).data.decode()
    assert "Usulan Lokasi Posko Baru: Usulan A" in page and "Kejadian lalu" in page
    english = call(client, "GET", f"/scenarios/{scenario_id}/summary.html?lang=en", token)
    assert "Proposed New Posko Sites" in english.data.decode()


def test_bad_input_is_422_naming_the_field(client: FlaskClient, engine: Engine, token: str) -> None:
    for change, field in (
        ({"k": -1}, "k"),
        ({"model": "magic"}, "model"),
        ({"colour": "red"}, "colour"),
        ({"since": "kemarin"}, "since"),
        ({"category_weights": {"fire": -2}}, "category_weights"),
    ):
        answer = call(client, "POST", "/jobs", token, {"request": {**REQUEST, **change}})
        assert answer.status_code == 422 and answer.json["field"] == field, change
    queued = call(client, "POST", "/jobs", token, {"request": REQUEST}).json["job_id"]
    early = call(client, "POST", "/scenarios", token, {"job_id": queued, "name": "Terlalu dini"})
    assert early.status_code == 422 and early.json["field"] == "job_id"
    assert call(client, "GET", "/jobs/999999", token).status_code == 404
    cancelled = call(client, "POST", f"/jobs/{queued}/cancel", token).json
    assert cancelled["status"] == "cancelled"
    assert call(client, "GET", "/scenarios/compare?ids=1,2,3,4", token).json["field"] == "ids"


def test_uploaded_candidates_are_snapped_or_refused(
    client: FlaskClient, token: str, city: PlanningCity, tmp_path: Path
) -> None:
    lon, lat = city.posko_lonlat

    def upload(name: str, content: str) -> Any:
        path = tmp_path / name
        path.write_text(content)
        with path.open("rb") as handle:
            return client.post(
                "/api/v1/planning/candidates/upload",
                data={"file": (handle, name)},
                headers={"Authorization": f"Bearer {token}"},
            )

    good = upload(
        "lahan.csv", f"nama;lintang;bujur\nLahan A;{lat};{lon}\nJauh;{lat};{lon + 0.03}\n"
    )
    assert good.status_code == 200
    rows = {row["name"]: row for row in good.json["candidates"]}
    assert rows["Lahan A"]["status"] == "ok" and rows["Lahan A"]["snap_m"] < 30
    assert rows["Jauh"]["status"] in ("outside_city", "off_network")
    no_coordinates = upload("daftar.csv", "nama,alamat\nLahan A,Jl. Uji\n")
    assert no_coordinates.status_code == 422 and no_coordinates.json["field"] == "file"
    assert "lintang" in no_coordinates.json["message"]
    elsewhere = upload("jakarta.csv", "name,lat,lon\nMonas,-6.1754,106.8272\n")
    assert elsewhere.status_code == 422 and elsewhere.json["field"] == "file"
    assert "outside the city" in elsewhere.json["message"]
    geojson = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": "Titik"},
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                }
            ],
        }
    )
    assert upload("titik.geojson", geojson).json["candidates"][0]["status"] == "ok"
