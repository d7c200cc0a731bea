"""Every page opens for a city with little data, and says what is missing and which
command adds it: a city from its boundary alone, and one with roads but no posko or units.

Each page's layout is fetched as the browser's router asks for it, and every callback that
fires on load (whose inputs are all in that layout) is posted with the values the browser
would hold: none may answer with an error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL

from geodata.city_readiness import city_readiness, missing_for
from geodata.db.embedded import EmbeddedPostgres
from tests.access import Person, add_people, sign_in
from tests.conftest import TEMPLATE, drop_database, new_database
from tests.dash_client import app_on, components_of, page_layout, post_first_callbacks, text_of
from tests.dashboard.pages.sparse_city import (
    BOUNDARY_ONLY,
    OLD_LOG,
    ROADS_ONLY,
    add_boundary_only_city,
    add_old_log_city,
    add_roads_only_city,
)

PAGES = ("/", "/dispatch", "/live", "/wall", "/analytics", "/coverage", "/perencanaan",
         "/kejadian-baru")  # fmt: skip


@pytest.fixture(scope="module")
def sparse(
    pg_cluster: EmbeddedPostgres, template_url: URL
) -> Iterator[tuple[URL, dict[str, Person]]]:
    url = new_database(pg_cluster, TEMPLATE)
    engine = create_engine(url)
    with engine.begin() as conn:
        add_boundary_only_city(conn)
        add_roads_only_city(conn)
        add_old_log_city(conn)
        people = add_people(conn)
    engine.dispose()
    yield url, people
    drop_database(pg_cluster, url)


@pytest.fixture(scope="module")
def app(sparse: tuple[URL, dict[str, Person]]) -> Iterator[dash.Dash]:
    with app_on(sparse[0]) as application:
        yield application


@pytest.fixture
def admin(app: dash.Dash, sparse: tuple[URL, dict[str, Person]]) -> FlaskClient:
    return sign_in(app.server.test_client(), sparse[1]["admin"])


def test_readiness_counts_what_each_city_has(app: dash.Dash, sparse: tuple[URL, Any]) -> None:
    engine: Engine = create_engine(sparse[0])
    with engine.connect() as conn:
        ids = dict(conn.exec_driver_sql("SELECT code, id FROM cities").all())
        bare = city_readiness(conn, ids[BOUNDARY_ONLY])
        roads = city_readiness(conn, ids[ROADS_ONLY])
    engine.dispose()
    assert (bare.kelurahan, bare.road_edges, bare.stations, bare.units, bare.incidents) == (0,) * 5
    assert roads.road_edges == 60 and roads.stations == roads.units == 0
    assert missing_for(bare, "/dispatch") == ("roads", "units", "incidents")
    assert missing_for(roads, "/dispatch") == ("units", "incidents")
    assert missing_for(roads, "/coverage") == ("areas", "stations")  # in the order of PARTS


@pytest.mark.parametrize("code", [BOUNDARY_ONLY, ROADS_ONLY])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_and_says_what_is_missing(
    app: dash.Dash, admin: FlaskClient, code: str, path: str
) -> None:
    layout = page_layout(admin, app, path, f"?city={code}&lang=en")
    shown = text_of(layout)
    assert "not-permitted" not in json.dumps(layout), path
    notice = [c for c in components_of(layout) if c["props"].get("id") == "readiness"]
    assert notice, f"{path} has no readiness notice for {code}"
    said = text_of(notice[0])
    assert "is not complete yet" in said
    if path in ("/dispatch", "/live", "/wall"):
        assert "No units yet" in said and f"tanggap units import UNITS.csv --city {code}" in said
    if code == BOUNDARY_ONLY and path in ("/dispatch", "/coverage", "/perencanaan"):
        assert f"tanggap city import-roads ROADS.shp --city {code}" in said
    if code == ROADS_ONLY:
        assert "No road network" not in said
    if path == "/coverage":
        assert f"tanggap city import-stations POSKO.geojson --city {code}" in said
    assert shown
    post_first_callbacks(admin, app, layout)


def test_analytics_panels_say_why_they_are_empty(app: dash.Dash, admin: FlaskClient) -> None:
    layout = page_layout(admin, app, "/analytics", f"?city={BOUNDARY_ONLY}&lang=en")
    answers = post_first_callbacks(admin, app, layout)
    for graph in ("an-by-agency", "an-grid", "an-trend"):
        annotations = answers[graph]["figure"]["layout"].get("annotations", [])
        said = " ".join(a.get("text", "") for a in annotations)
        assert "No incidents match this selection" in said, graph
    assert "No incidents match" in text_of(answers["an-worst"]["children"])
    assert "No incidents match" in text_of(answers["an-by-category"]["children"])


def test_analytics_opens_on_the_data_and_offers_every_month_of_it(
    app: dash.Dash, admin: FlaskClient
) -> None:
    layout = page_layout(admin, app, "/analytics", f"?city={OLD_LOG}&lang=en")
    props = {c["props"]["id"]: c["props"] for c in components_of(layout)
             if isinstance(c["props"].get("id"), str)}  # fmt: skip
    # the last 90 days of the log (it ended 26 June 2025), not of the calendar
    assert (props["an-dates"]["start_date"], props["an-dates"]["end_date"]) == (
        "2025-03-29",
        "2025-06-26",
    )
    months = [option["value"] for option in props["an-report-month"]["options"]]
    assert months[0] == "2025-06" and months[-1] == "2024-01" and len(months) == 18
    notice = text_of({"props": props["readiness"]})
    assert "No units yet" in notice and "No incidents yet" not in notice
    answers = post_first_callbacks(admin, app, layout)
    note = answers["an-note"]["children"]
    assert note.startswith("30 incidents")  # 31 March … 26 June, every 3 days
    assert "Fire brigade (Damkar) 15 min (Permendagri 114/2018) for 30 from the category" in note
    summary = text_of(answers["an-summary"]["children"])
    assert "50 %" in summary  # half the fires took 20 minutes: over Damkar's 15, not "other"'s 30
    said = " ".join(a.get("text", "") for a in
                    answers["an-by-agency"]["figure"]["layout"].get("annotations", []))  # fmt: skip
    assert said.startswith("No unit was dispatched to these incidents")
