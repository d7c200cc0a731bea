"""The analytics and coverage pages inside the app, without a browser: the layout carries no
figure data, and the callbacks, posted as the browser posts them, fill what a planner reads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import URL

from dashboard.app import create_app
from geodata.settings import Settings
from tests.access import Person, sign_in
from tests.dash_client import components_of, initial_values, page_layout, run_callback, text_of

ANALYTICS_CONTROLS = ("an-dates.start_date", "an-dates.end_date", "an-categories.value",
                      "an-agency.value", "an-kecamatan.value", "an-interval.value",
                      "an-cells.value", "an-resolution.value", "an-target.value",
                      "an-measure.value", "an-context.data", "an-resolution-used.data")  # fmt: skip


@pytest.fixture(scope="module")
def app(demo_url: URL) -> Iterator[dash.Dash]:
    # no planning job threads: the demo database is read-only for the tests
    yield create_app(Settings(database_url=demo_url.render_as_string(hide_password=False),
                              planning_workers=0))  # fmt: skip


@pytest.fixture
def client(app: dash.Dash, people: dict[str, Person]) -> FlaskClient:
    """A planner's signed-in browser, as far as the server can tell."""
    return sign_in(app.server.test_client(), people["planner"])


def test_layouts_carry_no_figure_data(app: dash.Dash, client: FlaskClient) -> None:
    for path in ("/analytics", "/coverage"):
        layout = page_layout(client, app, path, "?lang=en")
        graphs = [c for c in components_of(layout) if c["type"] == "Graph"]
        assert graphs, path
        assert all(g["props"].get("figure") is None for g in graphs), path
        assert len(json.dumps(layout)) < 60_000, path


def test_analytics_opens_with_the_data_a_planner_reads(app: dash.Dash, client: FlaskClient) -> None:
    layout = page_layout(client, app, "/analytics", "?lang=id")
    values = initial_values(layout, ANALYTICS_CONTROLS)
    status, out = run_callback(client, app, "an-note.children", values)
    assert status == 200
    note = out["an-note"]["children"]
    assert "kejadian (unit pertama yang tiba)" in note and " s.d. " in note
    assert int(note.split(" ")[0].replace(".", "")) > 1000  # the demo city's incidents
    heat = out["an-heat"]["figure"]
    assert heat["data"][0]["type"] == "choroplethmap" and len(heat["data"][0]["locations"]) > 30
    assert heat["layout"]["map"]["layers"], "the first answer brings the basemap"
    grid = out["an-grid"]["figure"]["data"][0]
    assert grid["type"] == "heatmap" and len(grid["y"]) == 7  # one row per weekday
    summary = text_of(out["an-summary"]["children"])
    assert "Waktu tanggap" in summary and "Proses panggilan" in summary
    assert "Kebakaran" in text_of(out["an-by-category"]["children"])


def test_a_changed_control_patches_only_the_heat_data(app: dash.Dash, client: FlaskClient) -> None:
    layout = page_layout(client, app, "/analytics", "?lang=en")
    values = {**initial_values(layout, ANALYTICS_CONTROLS), "an-interval.value": "travel"}
    status, out = run_callback(client, app, "an-note.children", values,
                               triggered=["an-interval.value"])  # fmt: skip
    assert status == 200
    patch = out["an-heat"]["figure"]
    assert patch["__dash_patch_update"] == "__dash_patch_update"
    # the data, and the note an empty selection shows (none here): never the basemap or view
    assert [op["location"] for op in patch["operations"]] == [["data"], ["layout", "annotations"]]
    assert patch["operations"][1]["params"]["value"] == []
    assert "no target" in out["an-note"]["children"]


def test_a_zoom_redraws_the_heat_only_when_it_changes_an_auto_resolution(
    app: dash.Dash, client: FlaskClient
) -> None:
    layout = page_layout(client, app, "/analytics", "?lang=en")
    values = {**initial_values(layout, ANALYTICS_CONTROLS), "an-resolution.value": "auto"}
    used = values["an-resolution-used.data"]

    def zoom(level: float, resolution: Any = "auto") -> tuple[int, Any]:
        zoomed = {
            **values,
            "an-resolution.value": resolution,
            "an-heat.relayoutData": {"map.zoom": level},
        }
        relayout = "an-heat.relayoutData"
        return run_callback(client, app, "an-resolution-used.data", zoomed,
                            triggered=[relayout], via=relayout)  # fmt: skip

    status, out = zoom(15.0)
    assert status == 200 and out["an-resolution-used"]["data"] != used
    assert out["an-heat"]["figure"]["__dash_patch_update"] == "__dash_patch_update"
    assert set(out) == {"an-heat", "an-heat-title", "an-resolution-used"}  # the rest stays
    assert zoom(15.0, resolution=used)[0] == 204  # a fixed resolution: a zoom changes nothing


def test_a_bad_control_is_answered_in_words_not_a_500(app: dash.Dash, client: FlaskClient) -> None:
    layout = page_layout(client, app, "/analytics", "?lang=en")
    values = {**initial_values(layout, ANALYTICS_CONTROLS), "an-resolution.value": 15}
    status, out = run_callback(client, app, "an-note.children", values,
                               triggered=["an-resolution.value"])  # fmt: skip
    assert status == 200
    assert out["an-note"]["children"].startswith("resolution: H3 resolution must be one of")
    assert "an-heat" not in out  # nothing else was recomputed


def test_coverage_opens_with_the_fire_standard_and_its_gaps(
    app: dash.Dash, client: FlaskClient
) -> None:
    layout = page_layout(client, app, "/coverage", "?lang=id")
    names = ("cv-agency.value", "cv-mode.value", "cv-target.value", "cv-allowance.value",
             "cv-context.data")  # fmt: skip
    status, out = run_callback(client, app, "cv-gaps.children", initial_values(layout, names))
    assert status == 200
    standard = text_of(out["cv-standard"]["children"])
    assert "Permendagri 114/2018: 15 menit sejak laporan" in standard
    cards = text_of(out["cv-cards"]["children"])
    assert cards.count("%") == 3 and "Penduduk terjangkau" in cards
    assert out["cv-map"]["figure"]["data"], "isochrone bands"
    gaps = out["cv-gaps"]["children"]["props"]["children"][1]["props"]["children"]
    assert len(gaps) >= 5  # the least covered kelurahan, one row each
