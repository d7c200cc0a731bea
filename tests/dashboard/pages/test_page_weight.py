"""Page weight does not grow with the city: no page's HTML, layout or validation layout
carries figure data (points, geometry, typed arrays), and every map's basemap arrives as
vector tiles from ``/tiles`` (checked on the demo city, inside the app, no browser)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import dash
import plotly.utils
import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import URL

from dashboard.app import create_app
from geodata.settings import Settings
from tests.access import Person, sign_in
from tests.dash_client import components_of, page_layout, run_callback

PAGES = ("/", "/live", "/wall", "/dispatch", "/analytics", "/coverage")
MAX_HTML_BYTES = 150_000
#: What figure data looks like in JSON: coordinates, typed arrays, inline GeoJSON (an empty
#: placeholder trace, ``"lon": []``, is no data).
FIGURE_DATA = re.compile(
    r'"(lon|lat|x|y|z|locations|coordinates|bdata|features)"\s*:\s*'
    r'(\[\s*(-?\d|"|\[)|\{|"[A-Za-z0-9+/=]{8})'
)


@pytest.fixture(scope="module")
def app(live_demo_url: URL) -> Iterator[dash.Dash]:
    yield create_app(Settings(database_url=live_demo_url.render_as_string(hide_password=False)))


@pytest.fixture
def client(app: dash.Dash, people: dict[str, Person]) -> FlaskClient:
    """Signed in as an admin, who opens all six pages."""
    return sign_in(app.server.test_client(), people["admin"])


def as_json(value: Any) -> str:
    return json.dumps(value, cls=plotly.utils.PlotlyJSONEncoder)


def test_the_pattern_finds_figure_data() -> None:  # the check below can fail
    assert FIGURE_DATA.search(as_json({"data": [{"type": "scattermap", "lon": [105.1]}]}))
    assert FIGURE_DATA.search(as_json({"lon": {"dtype": "f8", "bdata": "AAAAAAAA8D8="}}))
    assert not FIGURE_DATA.search(as_json({"figure": {"data": [], "layout": {}}}))


@pytest.mark.parametrize("path", PAGES)
def test_no_page_html_carries_figure_data(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert len(html.encode()) <= MAX_HTML_BYTES
    assert not FIGURE_DATA.search(html)


@pytest.mark.parametrize("path", PAGES)
def test_no_page_layout_carries_figure_data(app: dash.Dash, client: FlaskClient, path: str) -> None:
    layout = page_layout(client, app, path)
    assert len(components_of(layout)) > 10  # the page itself, not a refusal
    found = FIGURE_DATA.search(as_json(layout))
    assert found is None, found
    validation = app.validation_layout
    assert validation is None or not FIGURE_DATA.search(as_json(validation))


def vector_layers(figure: dict[str, Any]) -> list[dict[str, Any]]:
    layers = figure["layout"]["map"]["layers"]
    assert layers and all(
        layer["sourcetype"] == "vector" or layer["name"] == "background" for layer in layers
    )
    return [layer for layer in layers if layer["sourcetype"] == "vector"]


def test_the_city_map_arrives_by_callback_over_vector_tiles(
    app: dash.Dash, client: FlaskClient
) -> None:
    layout = page_layout(client, app, "/")
    page = _store(layout, "city-page")
    status, out = run_callback(client, app, "city-map.figure", {"city-page.data": page})
    assert status == 200
    layers = vector_layers(out["city-map"]["figure"])
    assert {"land", "roads-arterial", "kelurahan", "kecamatan"} <= {x["name"] for x in layers}
    assert all(x["source"][0].endswith(f"/tiles/{x['name']}/{{z}}/{{x}}/{{y}}.mvt")
               for x in layers)  # fmt: skip


@pytest.mark.parametrize(
    ("path", "store", "context"),
    [("/live", "live", "live-page"), ("/wall", "wall", "wall-context")],
)
def test_the_live_maps_arrive_by_their_first_view(
    app: dash.Dash, client: FlaskClient, path: str, store: str, context: str
) -> None:
    page = _store(page_layout(client, app, path), context)
    status, out = run_callback(client, app, f"{store}-packed.data", {f"{context}.data": page})
    assert status == 200
    packed = out[f"{store}-packed"]["data"]
    assert packed["data"] and vector_layers(packed)
    assert out[f"{store}-viewer"]["data"]["version"] >= 1


def _store(layout: Any, store_id: str) -> Any:
    return next(c["props"]["data"] for c in components_of(layout)
                if c["props"].get("id") == store_id)  # fmt: skip


def test_tiles_are_served_with_caching_headers_and_bad_ones_refused(client: FlaskClient) -> None:
    good = client.get("/tiles/kecamatan/0/0/0.mvt")
    assert good.status_code == 200 and good.mimetype == "application/vnd.mapbox-vector-tile"
    assert good.headers["Cache-Control"].startswith("public, max-age=")
    again = client.get(
        "/tiles/kecamatan/0/0/0.mvt", headers={"If-None-Match": good.headers["ETag"]}
    )
    assert again.status_code == 304
    assert client.get("/tiles/roads-local/2/1/1.mvt").status_code == 204  # below its zoom
    for url, status, field in (("/tiles/kecamatan/0/1/0.mvt", 400, "x"),
                               ("/tiles/kecamatan/x/0/0.mvt", 400, "z"),
                               ("/tiles/kecamatan/30/0/0.mvt", 400, "z"),
                               ("/tiles/houses/0/0/0.mvt", 404, "layer")):  # fmt: skip
        refused = client.get(url)
        assert (refused.status_code, refused.json["field"]) == (status, field), url
