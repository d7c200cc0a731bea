"""Manual incident entry through the page's callbacks, posted as the browser posts them:
placed by a click, typed coordinates or a kelurahan; stored once per form, audited with the
session's user, then in the dispatch queue and the live picture like one from the API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import dash
import geopandas as gpd
import numpy as np
import pytest
import shapely
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from geodata.db.embedded import EmbeddedPostgres
from geodata.live.queries import read_live_rows
from geodata.load.city_load import load_areas
from geodata.operations.manual_entry import MANUAL_SOURCE, new_token
from geodata.responders import DEFAULT_RESPONSE_AGENCIES
from tests.access import Person, add_people, sign_in
from tests.conftest import TEMPLATE, drop_database, new_database
from tests.dash_client import (
    app_on,
    callback_payload,
    components_of,
    initial_values,
    page_layout,
    run_callback,
    text_of,
)
from tests.geodata.networks import GridCity, grid_city, store_city

CODE = "00.21"
SAVE_STATES = ("ke-token.data", "ke-coordinates.value", "ke-category.value",
               "ke-priority.value", "ke-caller-name.value", "ke-caller-phone.value",
               "ke-address.value", "ke-description.value", "ke-context.data")  # fmt: skip


def add_entry_city(conn: Any) -> tuple[int, shapely.Polygon]:
    """A road grid with two kelurahan in one kecamatan; its hull is the city's boundary."""
    made = grid_city(np.random.default_rng(21), 8, oneway_share=0.0, drop_share=0.0)
    # moved east of the grid's usual place, clear of the Kota Metro outline other tests use
    grid = GridCity(made.nodes.set_geometry(made.nodes.translate(0.3, 0.0)),
                    made.edges.set_geometry(made.edges.translate(0.3, 0.0)))  # fmt: skip
    city_id = store_city(conn, grid, CODE)
    x0, y0, x1, y1 = shapely.box(*grid.nodes.total_bounds).buffer(0.01).bounds
    middle = (x0 + x1) / 2
    kecamatan = gpd.GeoDataFrame({"code": [f"{CODE}.01"], "name": ["Uji"], "population": [900]},
                                 geometry=[shapely.box(x0, y0, x1, y1)], crs=4326)  # fmt: skip
    kelurahan = gpd.GeoDataFrame(
        {"code": [f"{CODE}.01.1001", f"{CODE}.01.1002"], "name": ["Sukamaju", "Sukajaya"],
         "kecamatan_code": [f"{CODE}.01"] * 2, "population": [500, 400]},
        geometry=[shapely.box(x0, y0, middle, y1), shapely.box(middle, y0, x1, y1)], crs=4326,
    )  # fmt: skip
    load_areas(conn, city_id, kecamatan, kelurahan)
    return city_id, shapely.box(x0, y0, x1, y1)


@pytest.fixture(scope="module")
def entry_city(
    pg_cluster: EmbeddedPostgres, template_url: URL
) -> Iterator[tuple[URL, dict[str, Person], int, shapely.Polygon]]:
    url = new_database(pg_cluster, TEMPLATE)
    engine = create_engine(url)
    with engine.begin() as conn:
        city_id, boundary = add_entry_city(conn)
        people = add_people(conn)
    engine.dispose()
    yield url, people, city_id, boundary
    drop_database(pg_cluster, url)


@pytest.fixture(scope="module")
def app(entry_city: tuple[URL, Any, int, Any]) -> Iterator[dash.Dash]:
    with app_on(entry_city[0]) as application:
        yield application


def client_of(app: dash.Dash, people: dict[str, Person], role: str) -> FlaskClient:
    return sign_in(app.server.test_client(), people[role])


@pytest.fixture
def call_taker(app: dash.Dash, entry_city: tuple[URL, Any, int, Any]) -> FlaskClient:
    return client_of(app, entry_city[1], "call_taker")


def form(app: dash.Dash, client: FlaskClient, **changes: Any) -> dict[str, Any]:
    """What the browser holds right after loading the page, with ``changes`` typed in."""
    layout = page_layout(client, app, "/kejadian-baru", f"?city={CODE}&lang=en")
    values = initial_values(layout, SAVE_STATES)
    names = {"coordinates": "ke-coordinates.value", "category": "ke-category.value",
             "priority": "ke-priority.value", "caller_name": "ke-caller-name.value",
             "caller_phone": "ke-caller-phone.value", "address": "ke-address.value",
             "description": "ke-description.value", "token": "ke-token.data"}  # fmt: skip
    return {**values, **{names[key]: value for key, value in changes.items()},
            "ke-save.n_clicks": 1}  # fmt: skip


def save(app: dash.Dash, client: FlaskClient, values: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return run_callback(client, app, "ke-result.children", values, triggered=["ke-save.n_clicks"])


def manual_rows(url: URL) -> list[Any]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT i.id, i.external_id, i.category, i.priority, i.address, i.status, "
            "ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, kel.name AS kelurahan, c.caller_name, "
            "c.caller_phone FROM incidents i LEFT JOIN admin_areas kel ON kel.id = i.area_id "
            "LEFT JOIN incident_callers c ON c.incident_id = i.id "
            "WHERE i.source = :source ORDER BY i.id"), {"source": MANUAL_SOURCE}).all()  # fmt: skip
    engine.dispose()
    return list(rows)


def test_a_click_places_and_save_stores_once_audited_and_queued(
    app: dash.Dash, call_taker: FlaskClient, entry_city: tuple[URL, Any, int, Any]
) -> None:
    url, people, city_id, boundary = entry_city
    lon, lat = boundary.centroid.x + 0.001, boundary.centroid.y - 0.001
    layout = page_layout(call_taker, app, "/kejadian-baru", f"?city={CODE}&lang=en")
    assert {"ke-map", "ke-save", "ke-coordinates", "ke-kelurahan"} <= {
        c["props"].get("id") for c in components_of(layout)}  # fmt: skip
    status, out = run_callback(call_taker, app, "ke-map.figure",
                               {"ke-context.data": {"city": CODE, "language": "en"}})  # fmt: skip
    assert status == 200 and out["ke-map"]["figure"]["data"][0]["type"] == "scattermap"
    context = {"city": CODE, "language": "en"}
    clicked = {"ke-clicked.data": {"lon": lon, "lat": lat}, "ke-context.data": context}
    status, out = run_callback(call_taker, app, "ke-coordinates.value", clicked,
                               triggered=["ke-clicked.data"])  # fmt: skip
    typed = out["ke-coordinates"]["value"]
    assert status == 200 and typed == f"{lat:.6f}, {lon:.6f}"  # latitude first, as typed
    status, out = run_callback(call_taker, app, "ke-place.children",
                               {"ke-coordinates.value": typed, "ke-context.data": context},
                               triggered=["ke-coordinates.value"])  # fmt: skip
    assert status == 200 and out["ke-place"]["className"] == "ke-place ok"
    assert "inside Kota Grid" in out["ke-place"]["children"]
    values = form(app, call_taker, coordinates=typed, category="fire", priority=1,
                  caller_name="Ibu Sari", caller_phone="0812-3456-7890",
                  address="Jl. Uji 3, dekat masjid",
                  description="Asap dari atap rumah")  # fmt: skip
    status, out = save(app, call_taker, values)
    assert status == 200, out
    said = text_of(out["ke-result"]["children"])
    assert said.startswith("Incident #") and "dispatch queue" in said
    assert out["ke-token"]["data"] != values["ke-token.data"]  # a fresh form
    assert out["ke-coordinates"]["value"] == "" and out["ke-caller-name"]["value"] == ""
    again_status, again = save(app, call_taker, values)  # the double click, same form
    assert again_status == 200
    assert "already saved" in text_of(again["ke-result"]["children"])
    assert "ke-token" not in again  # nothing to clear: the form was already cleared
    rows = manual_rows(url)
    assert len(rows) == 1
    row = rows[0]
    assert (row.external_id, row.category, row.priority, row.status) == (
        values["ke-token.data"],
        "fire",
        1,
        "received",
    )
    assert (round(row.lon, 6), round(row.lat, 6)) == (round(lon, 6), round(lat, 6))
    assert (row.caller_name, row.caller_phone) == ("Ibu Sari", "0812-3456-7890")
    assert row.address == "Jl. Uji 3, dekat masjid" and row.kelurahan in ("Sukamaju", "Sukajaya")
    engine = create_engine(url)
    with engine.connect() as conn:
        audit = conn.execute(text("SELECT actor, details FROM audit_log WHERE action = "
                                  "'incident.create_manual'")).all()  # fmt: skip
        live = read_live_rows(conn, city_id, DEFAULT_RESPONSE_AGENCIES)
    engine.dispose()
    assert [a.actor for a in audit] == [people["call_taker"].username]
    assert audit[0].details["description"] == "Asap dari atap rumah"
    assert "Ibu Sari" not in json.dumps(audit[0].details)  # caller data stays in its table
    assert row.id in set(live.incidents["incident_id"])
    supervisor = client_of(app, people, "supervisor")
    status, out = run_callback(supervisor, app, "dispatch-queue.children",
                               {"dispatch-context.data": {"city": CODE, "language": "en"},
                                "dispatch-page.data": 0})  # fmt: skip
    assert status == 200 and f"#{row.id} Fire" in text_of(out["dispatch-queue"]["children"])


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("{lon}, {lat}", "look swapped"),
        ("{lat}, {far}", "far outside this city"),
        ("{lat}, {beside}", "outside the city's boundary"),
        ("dekat pasar", "is not a pair of coordinates"),
        ("", "No place yet"),
    ],
)
def test_a_place_that_cannot_be_is_refused_with_the_reason(
    app: dash.Dash, call_taker: FlaskClient, entry_city: tuple[URL, Any, int, Any],
    typed: str, said: str,
) -> None:  # fmt: skip
    url, _, _, boundary = entry_city
    x1 = boundary.bounds[2]
    lon, lat = boundary.centroid.x, boundary.centroid.y
    place = typed.format(lon=f"{lon:.5f}", lat=f"{lat:.5f}", far=f"{lon + 3:.5f}",
                         beside=f"{x1 + 0.05:.5f}")  # fmt: skip
    before = len(manual_rows(url))
    status, out = save(app, call_taker, form(app, call_taker, coordinates=place, category="fire"))
    assert status == 200
    assert said in text_of(out["ke-result"]["children"]), text_of(out["ke-result"]["children"])
    assert "ke-token" not in out  # the form stays as it was, to be corrected
    assert len(manual_rows(url)) == before
    if typed:
        status, out = run_callback(call_taker, app, "ke-place.children",
                                   {"ke-coordinates.value": place,
                                    "ke-context.data": {"city": CODE, "language": "id"}},
                                   triggered=["ke-coordinates.value"])  # fmt: skip
        assert status == 200 and out["ke-place"]["className"] == "ke-place bad"


def test_missing_category_and_a_forged_token_are_refused(
    app: dash.Dash, call_taker: FlaskClient, entry_city: tuple[URL, Any, int, Any]
) -> None:
    boundary = entry_city[3]
    place = f"{boundary.centroid.y:.5f}, {boundary.centroid.x:.5f}"
    status, out = save(app, call_taker, form(app, call_taker, coordinates=place))
    assert status == 200
    assert "Choose the incident's category" in text_of(out["ke-result"]["children"])
    _, out = save(app, call_taker, form(app, call_taker, coordinates=place, category="fire",
                                             token="'; DROP TABLE incidents; --"))  # fmt: skip
    assert "reload the page" in text_of(out["ke-result"]["children"])


def test_a_picked_kelurahan_is_placed_on_its_road(
    app: dash.Dash, call_taker: FlaskClient, entry_city: tuple[URL, Any, int, Any]
) -> None:
    context = {"city": CODE, "language": "en"}
    picked = {"ke-kelurahan.value": f"{CODE}.01.1002", "ke-context.data": context}
    status, out = run_callback(call_taker, app, "ke-coordinates.value", picked,
                               triggered=["ke-kelurahan.value"])  # fmt: skip
    assert status == 200
    typed = out["ke-coordinates"]["value"]
    status, out = run_callback(call_taker, app, "ke-place.children",
                               {**picked, "ke-coordinates.value": typed},
                               triggered=["ke-coordinates.value"])  # fmt: skip
    assert out["ke-place"]["children"].startswith("Place: Kel. Sukajaya, on the road nearest")
    lat, lon = (float(part) for part in typed.split(","))
    engine = create_engine(entry_city[0])
    with engine.connect() as conn:
        metres = conn.execute(text(
            "SELECT min(ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"
            "::geography)) FROM road_edges"), {"lon": lon, "lat": lat}).scalar_one()  # fmt: skip
    engine.dispose()
    assert metres < 0.5  # on a road, not in a block


@pytest.mark.parametrize("role", ["planner", "analyst"])
def test_planners_and_analysts_cannot_enter_incidents(
    app: dash.Dash, entry_city: tuple[URL, Any, int, Any], role: str
) -> None:
    client = client_of(app, entry_city[1], role)
    layout = page_layout(client, app, "/kejadian-baru", f"?city={CODE}&lang=en")
    assert any(c["props"].get("id") == "not-permitted" for c in components_of(layout))
    boundary = entry_city[3]
    values = {"ke-token.data": new_token(), "ke-coordinates.value":
              f"{boundary.centroid.y:.5f}, {boundary.centroid.x:.5f}", "ke-category.value": "fire",
              "ke-priority.value": 2, "ke-context.data": {"city": CODE, "language": "en"},
              "ke-save.n_clicks": 1}  # fmt: skip
    before = len(manual_rows(entry_city[0]))
    status, _ = save(app, client, values)
    assert status == 403
    assert len(manual_rows(entry_city[0])) == before


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12,
)  # fmt: skip
#: A context naming the real city, or anything at all.
CONTEXT = st.just({"city": CODE, "language": "en"}) | JSON


#: A well-formed token (so the other fields are reached), or anything at all.
TOKEN = st.builds(new_token) | JSON


@pytest.mark.fuzz
@given(values=st.fixed_dictionaries({name: TOKEN if name == "ke-token.data" else JSON
                                     for name in SAVE_STATES[:-1]}),
       context=CONTEXT, clicked=JSON, kelurahan=JSON, real_place=st.booleans())  # fmt: skip
@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_the_entry_callbacks_survive_any_payload(
    app: dash.Dash, fuzz_client: FlaskClient, entry_city: tuple[URL, Any, int, Any],
    values: dict[str, Any], context: Any, clicked: Any, kelurahan: Any, real_place: bool,
) -> None:  # fmt: skip
    if real_place:  # a place in the city, so that the checks after it are reached too
        middle = entry_city[3].centroid
        values = {**values, "ke-coordinates.value": f"{middle.y:.5f}, {middle.x:.5f}"}
    before = len(manual_rows(entry_city[0]))
    posts = [
        ("ke-result.children", {**values, "ke-context.data": context, "ke-save.n_clicks": 1},
         ["ke-save.n_clicks"]),
        ("ke-coordinates.value", {"ke-clicked.data": clicked, "ke-kelurahan.value": kelurahan,
                                  "ke-context.data": context}, ["ke-clicked.data"]),
        ("ke-coordinates.value", {"ke-kelurahan.value": kelurahan, "ke-context.data": context},
         ["ke-kelurahan.value"]),
        ("ke-place.children", {"ke-coordinates.value": values["ke-coordinates.value"],
                               "ke-kelurahan.value": kelurahan, "ke-context.data": context},
         ["ke-coordinates.value"]),
    ]  # fmt: skip
    for output, payload, triggered in posts:
        body = callback_payload(app, output, payload, triggered, via=triggered[0])
        answer = fuzz_client.post("/_dash-update-component", json=body)
        assert answer.status_code in (200, 204, 400, 403), answer.get_data(as_text=True)[:400]
    assert len(manual_rows(entry_city[0])) == before  # no generated place is in the city


@pytest.fixture(scope="module")
def fuzz_client(app: dash.Dash, entry_city: tuple[URL, Any, int, Any]) -> FlaskClient:
    """One signed-in call taker for every generated request (signing in is the slow part)."""
    return client_of(app, entry_city[1], "call_taker")
