"""The planner page's edits through Dash's own endpoint: candidates read from an uploaded
file (each listed with its status, the usable ones kept for the run) and the one-click
what-if on a finished run, refused for a role that may not plan."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL

from geodata.analytics.standards import AnalyticsConfig
from geodata.db.embedded import EmbeddedPostgres
from geodata.planning import edits, jobs
from geodata.planning.request import PlanRequest
from layers.planning.plan_view import whatif_text
from tests.access import Person, add_people, sign_in
from tests.conftest import TEMPLATE, drop_database, new_database
from tests.dash_client import app_on, run_callback
from tests.geodata.planning.city import PlanningCity, build_planning_city


@pytest.fixture(scope="module")
def engine(pg_cluster: EmbeddedPostgres, template_url: URL) -> Iterator[Engine]:
    """One database (and one app) for the module's tests."""
    url = new_database(pg_cluster, TEMPLATE)
    engine = create_engine(url)
    yield engine
    engine.dispose()
    drop_database(pg_cluster, url)


@pytest.fixture(scope="module")
def city(engine: Engine) -> PlanningCity:
    return build_planning_city(engine)


@pytest.fixture(scope="module")
def code(engine: Engine, city: PlanningCity) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT code FROM cities WHERE id = :c"),
                                {"c": city.city_id}).scalar_one())  # fmt: skip


@pytest.fixture(scope="module")
def accounts(engine: Engine, city: PlanningCity) -> dict[str, Person]:
    with engine.begin() as conn:
        return add_people(conn, city.city_id)


@pytest.fixture(scope="module")
def app(engine: Engine, code: str) -> Iterator[dash.Dash]:
    with app_on(engine.url, default_city=code) as application:
        yield application


def context(code: str) -> dict[str, str]:
    return {"city": code, "language": "id"}


def upload(client: FlaskClient, app: dash.Dash, code: str, name: str, content: str) -> Any:
    encoded = base64.b64encode(content.encode()).decode()
    values = {
        "pl-upload.contents": f"data:text/csv;base64,{encoded}",
        "pl-upload.filename": name,
        "pl-agency.value": "fire",
        "pl-context.data": context(code),
    }
    return run_callback(client, app, "pl-points.data", values, ["pl-upload.contents"])


def finished_job(engine: Engine, city: PlanningCity, points: tuple = ()) -> dict[str, Any]:
    plan = PlanRequest(k=2, target_min=2.0, allowance_min=0.0, category_weights={"fire": 1.0},
                       grid_spacing_m=300, time_limit_s=10, points=points)  # fmt: skip
    with engine.begin() as conn:
        job_id = jobs.submit_job(conn, city.city_id, plan, actor="test")
    assert jobs.run_next_job(engine, AnalyticsConfig(), "test") == "done"
    with engine.connect() as conn:
        job = jobs.job_view(conn, city.city_id, job_id)
    assert job is not None
    return job


def test_an_uploaded_file_lists_every_site_and_keeps_the_usable_ones(
    app: dash.Dash, code: str, city: PlanningCity, accounts: dict[str, Person]
) -> None:
    client = sign_in(app.server.test_client(), accounts["planner"])
    lon, lat = city.posko_lonlat
    status, out = upload(client, app, code, "lahan.csv",
                         f"nama;lintang;bujur\nLahan Pemda;{lat};{lon}\n"
                         "Monas;-6.1754;106.8272\n")  # fmt: skip
    assert status == 200
    assert out["pl-points"]["data"] == [{"name": "Lahan Pemda", "lon": lon, "lat": lat}]
    listed = str(out["pl-upload-list"]["children"])
    assert "1 dari 2 lokasi dapat dipakai" in listed
    assert "Monas" in listed and "di luar kota" in listed  # listed, never silently dropped

    status, out = upload(client, app, code, "daftar.csv", "nama,alamat\nLahan,Jl. Uji\n")
    assert status == 200 and out["pl-points"]["data"] == []
    assert "lintang" in out["pl-upload-list"]["children"]
    status, out = upload(client, app, code, "program.exe", "MZ")
    assert status == 200 and "pakai CSV" in out["pl-upload-list"]["children"]


def test_a_click_on_the_result_map_answers_what_if_without_a_solver(
    engine: Engine, app: dash.Dash, code: str, city: PlanningCity, accounts: dict[str, Person]
) -> None:
    job = finished_job(engine, city)
    sites = job["result"]["sites"]
    new = next(s for s in sites if s["open_after"] and not s["existing"])
    candidate = next(s for s in sites if not s["open_after"] and not s["existing"])
    client = sign_in(app.server.test_client(), accounts["planner"])

    def click(site: dict[str, Any]) -> tuple[int, Any]:
        values = {
            "pl-map.clickData": {"points": [{"customdata": site["position"]}]},
            "pl-job.data": job["id"],
            "pl-context.data": context(code),
        }
        return run_callback(
            client, app, "pl-whatif.children", values, ["pl-map.clickData"], via="pl-map.clickData"
        )

    status, out = click(new)
    assert status == 200
    shown = str(out["pl-whatif"]["children"])
    assert f"Jika {new['name']} ditutup" in shown
    with engine.connect() as conn:
        closed = edits.job_whatif(conn, city.city_id, job, remove=new["position"])
    assert closed.after.demand_share <= closed.before.demand_share
    assert f"{closed.incidents_change}".replace("-", "−") in shown
    status, out = click(candidate)
    assert status == 200 and f"Jika {candidate['name']} dibuka" in str(out["pl-whatif"])

    for role in ("analyst", "call_taker"):
        other = sign_in(app.server.test_client(), accounts[role])
        values = {"pl-map.clickData": {"points": [{"customdata": new["position"]}]},
                  "pl-job.data": job["id"], "pl-context.data": context(code)}  # fmt: skip
        refused, _ = run_callback(other, app, "pl-whatif.children", values,
                                  ["pl-map.clickData"], via="pl-map.clickData")  # fmt: skip
        assert refused == 403


def test_uploaded_points_join_the_run_as_candidates(engine: Engine, city: PlanningCity) -> None:
    grid = next(s for s in finished_job(engine, city)["result"]["sites"] if s["name"] == "Grid 1-1")
    own = {"name": "Lahan Pemda", "lon": grid["lon"], "lat": grid["lat"]}
    names = {s["name"] for s in finished_job(engine, city, points=(own,))["result"]["sites"]}
    # the planner's own site wins over a generated one on the same road node
    assert "Lahan Pemda" in names and "Grid 1-1" not in names


def test_a_click_on_an_empty_place_is_a_posko_there_and_a_candidate_next(
    engine: Engine, app: dash.Dash, code: str, city: PlanningCity, accounts: dict[str, Person]
) -> None:
    job = finished_job(engine, city)
    place = next(s for s in job["result"]["sites"] if not s["open_after"])
    client = sign_in(app.server.test_client(), accounts["planner"])

    def click(lon: float, lat: float, points: list) -> tuple[int, Any]:
        values = {"pl-clicked.data": {"lon": lon, "lat": lat, "at": 1}, "pl-job.data": job["id"],
                  "pl-points.data": points, "pl-context.data": context(code)}  # fmt: skip
        return run_callback(client, app, "pl-points.data", values, ["pl-clicked.data"],
                            via="pl-clicked.data")  # fmt: skip

    earlier = {"name": "Lahan Pemda", "lon": place["lon"], "lat": place["lat"]}
    status, out = click(place["lon"], place["lat"], [earlier])
    assert status == 200
    assert out["pl-points"]["data"] == [
        earlier, {"name": "titik peta 2", "lon": place["lon"], "lat": place["lat"]}
    ]  # fmt: skip
    shown = str(out["pl-whatif"]["children"])
    assert "Jika posko baru di titik peta 2" in shown
    with engine.connect() as conn:
        opened = edits.job_whatif(conn, city.city_id, job, add=place["position"])
        # the snapped place is that candidate's road node: the same change as opening it
        placed = edits.job_whatif(conn, city.city_id, job, add_point=(place["lon"], place["lat"]))
    assert placed.covered_weight_change == pytest.approx(opened.covered_weight_change)
    assert whatif_text("add", {"name": "titik peta 2"}, opened.incidents_change, "id") in shown

    status, out = click(place["lon"] + 0.5, place["lat"], [])
    assert status == 200 and "pl-points" not in out  # nothing kept
    assert "no road within" in str(out["pl-whatif"]["children"])
