"""The live map figure: compact typed arrays, stable trace indices, patches equal rebuilds."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from layers.city_map import OFFLINE_BASEMAP, MapView, basemap_layers
from layers.live_map import (
    AGE_ALPHA,
    CATEGORY_ORDER,
    LiveFrames,
    LiveMapStyle,
    incident_colour_codes,
    layer_visibility_changes,
    live_map_changes,
    live_map_figure,
    live_map_traces,
    trace_index,
)
from layers.live_queue import QueueFilter, age_text, incident_queue, legend_entries
from layers.wall import DARK_BASEMAP, busiest_kecamatan, new_alerts, rotation_views, wall_headline

STATIONS = pd.DataFrame(
    {"station_id": [1, 2], "name": ["Posko Damkar", "PSC 119"], "agency_name": ["Damkar", "PSC"],
     "agency_kind": ["fire", "ambulance"], "units": [3, 2], "units_available": [2, 0],
     "lon": [105.05, 105.15], "lat": [-5.05, -5.15]}
)  # fmt: skip
TILES = {name: f"http://h/tiles/{name}/{{z}}/{{x}}/{{y}}.mvt" for name in
         ("land", "roads-arterial", "kelurahan", "kecamatan")}  # fmt: skip
BASE = basemap_layers(TILES, OFFLINE_BASEMAP)
NOW_S = 1_780_000_000.0


def incidents(rows: list[tuple[int, str, int, int, float, int]]) -> pd.DataFrame:
    """(id or -1, category, priority, age class, lon, changed) per slot."""
    return pd.DataFrame(
        {"incident_id": [r[0] for r in rows], "category": [r[1] for r in rows],
         "priority": [r[2] for r in rows], "status": ["received"] * len(rows),
         "received_at_s": [int(NOW_S) - 60] * len(rows), "age_class": [r[3] for r in rows],
         "lon": [r[4] for r in rows], "lat": [np.nan if np.isnan(r[4]) else -5.1 for r in rows],
         "kecamatan": ["Uji"] * len(rows), "kelurahan": ["Barat"] * len(rows),
         "agencies": ["fire"] * len(rows), "changed": [r[5] for r in rows],
         "added": [r[5] for r in rows]}
    )  # fmt: skip


def units(rows: list[tuple[int, str, int, float, int]]) -> pd.DataFrame:
    """(id, status, stale minutes or -1, lon, changed) per slot."""
    return pd.DataFrame(
        {"unit_id": [r[0] for r in rows], "call_sign": [f"U{r[0]}" for r in rows],
         "agency_kind": ["ambulance"] * len(rows), "agency_name": ["PSC"] * len(rows),
         "status": [r[1] for r in rows], "stale": [int(r[2] >= 0) for r in rows],
         "position_at_s": [int(NOW_S)] * len(rows), "lon": [r[3] for r in rows],
         "lat": [-5.12] * len(rows), "changed": [r[4] for r in rows]}
    )  # fmt: skip


FRAMES = LiveFrames(
    incidents(
        [(7, "fire", 1, 0, 105.01, 3), (-1, "", 0, 0, np.nan, 4), (9, "prank", 4, 3, 105.1, 1)]
    ),
    units([(1, "available", -1, 105.11, 1), (2, "en_route", 12, 105.12, 5)]),
    STATIONS,
    stations_changed=1,
)  # fmt: skip


def test_points_travel_as_typed_arrays_in_slot_order() -> None:
    figure = live_map_figure(BASE, FRAMES, MapView(105.1, -5.1, 12))
    index = trace_index(STATIONS)
    assert (index.incidents, index.unit_halo, index.unit_body) == (4, 5, 6)
    document = figure.to_plotly_json()
    lon = document["data"][index.incidents]["lon"]
    assert lon["dtype"] == "f4"
    values = np.frombuffer(base64.b64decode(lon["bdata"]), dtype=np.float32)
    assert values[0] == np.float32(105.01) and np.isnan(values[1])
    codes = incident_colour_codes(FRAMES.incidents)
    assert codes[0] == CATEGORY_ORDER.index("fire") * len(AGE_ALPHA)
    assert codes[2] == CATEGORY_ORDER.index("prank") * len(AGE_ALPHA) + 3
    halo = document["data"][index.unit_halo]["marker"]["color"]
    assert np.frombuffer(base64.b64decode(halo["bdata"]), dtype=np.uint8).tolist() == [0, 6]
    assert document["layout"]["map"]["uirevision"] == "live-view"


def test_a_tick_sends_only_the_changed_slots() -> None:
    index = trace_index(STATIONS)
    changes = live_map_changes(FRAMES, 4, index)
    assert {location[:2] for location, _ in changes} == {("data", 5), ("data", 6)}
    assert (("data", 5, "lon", 1), 105.12) in changes
    assert (("data", 5, "marker", "color", 1), 6) in changes  # stale: grey ring
    freed = dict(live_map_changes(FRAMES, 3, index))
    assert freed[("data", 4, "lon", 1)] is None
    assert len(live_map_changes(FRAMES, 0, index)) == 3 * 4 + 2 * 6 + 2


def test_layers_switch_traces_and_named_basemap_layers() -> None:
    figure = live_map_figure(BASE, FRAMES, MapView(105.1, -5.1, 12), visible=frozenset({"units"}))
    names = [layer.name for layer in figure.layout.map.layers]
    assert names == ["land", "roads-arterial", "kelurahan", "kecamatan"]
    visible = {i: trace.visible for i, trace in enumerate(figure.data)}
    assert visible == {0: False, 1: False, 2: False, 3: False, 4: False, 5: True, 6: True}
    assert [layer.visible for layer in figure.layout.map.layers] == [None, False, False, False]
    changes = layer_visibility_changes(names, trace_index(STATIONS), frozenset({"roads"}))
    assert (("layout", "map", "layers", 1, "visible"), True) in changes


def test_the_wall_palette_paints_the_world_dark() -> None:
    style = LiveMapStyle(palette=DARK_BASEMAP, marker_scale=1.5, hover="skip")
    figure = live_map_figure(
        basemap_layers(TILES, OFFLINE_BASEMAP, DARK_BASEMAP),
        FRAMES,
        MapView(105.1, -5.1, 12),
        style=style,
    )
    assert figure.layout.map.layers[0].name == "background"
    assert figure.layout.map.layers[0].color == DARK_BASEMAP.background
    assert figure.data[trace_index(STATIONS).incidents].hoverinfo == "skip"


def apply(figure: dict[str, Any], changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    for location, value in changes:
        target = figure
        for key in location[:-1]:
            target = target[key]
        if isinstance(target, list) and location[-1] >= len(target):
            target.extend([None] * (location[-1] + 1 - len(target)))
        target[location[-1]] = value


def plain(figure_traces: list[Any]) -> dict[str, Any]:
    """Traces as the browser holds them after ``tanggap.unpack``: plain lists, NaN as None."""

    def unpack(value: Any) -> Any:
        if isinstance(value, dict) and "bdata" in value:
            value = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if isinstance(value, np.ndarray):
            return [None if np.isnan(v) else float(v) for v in value.astype(float)]
        if isinstance(value, dict):
            return {k: unpack(v) for k, v in value.items()}
        return value

    return {"data": [unpack(trace.to_plotly_json()) for trace in figure_traces]}


def incident_arrays(figure: dict[str, Any]) -> dict[str, np.ndarray]:
    trace = figure["data"][trace_index(STATIONS).incidents]
    values = {"lon": trace["lon"], "lat": trace["lat"], "color": trace["marker"]["color"],
              "size": trace["marker"]["size"]}  # fmt: skip
    return {
        k: np.array([np.nan if v is None else v for v in vs], float) for k, vs in values.items()
    }


slot = st.tuples(st.integers(1, 99), st.sampled_from(CATEGORY_ORDER), st.integers(1, 4),
                 st.integers(0, 3), st.floats(105.0, 105.2))  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.lists(slot, min_size=1, max_size=10), st.data())
def test_a_patched_figure_equals_the_one_rebuilt_from_scratch(
    before: list[tuple[int, str, int, int, float]], data: st.DataObject
) -> None:
    since = 5  # the viewer drew ``before`` at version 5; ``after`` is version 6
    after = []
    for row in before:
        action = data.draw(st.sampled_from(["same", "changed", "freed"]))
        if action == "same":
            after.append((*row, 5))
        elif action == "changed":
            after.append((*data.draw(slot), 6))
        else:
            after.append((-1, "", 0, 0, np.nan, 6))
    after += [(*new, 6) for new in data.draw(st.lists(slot, max_size=4))]
    old = LiveFrames(incidents([(*row, 5) for row in before]), units([]), STATIONS, 1)
    new = LiveFrames(incidents(after), units([]), STATIONS, 1)
    viewer = plain(live_map_traces(old))
    apply(viewer, live_map_changes(new, since, trace_index(STATIONS)))
    patched, rebuilt = incident_arrays(viewer), incident_arrays(plain(live_map_traces(new)))
    for name in ("lon", "lat", "color", "size"):
        free = np.isnan(rebuilt["lon"])  # a free slot's colour and size are never drawn
        np.testing.assert_allclose(patched[name][~free], rebuilt[name][~free], atol=1e-5)
    assert np.isnan(patched["lon"]).tolist() == np.isnan(rebuilt["lon"]).tolist()


def test_queue_is_most_urgent_first_and_filters() -> None:
    frame = incidents([(1, "prank", 4, 0, 105.0, 1), (2, "fire", 1, 0, 105.1, 1),
                       (3, "health", 1, 0, 105.1, 1), (-1, "", 0, 0, np.nan, 1)])  # fmt: skip
    frame.loc[2, "received_at_s"] = int(NOW_S) - 7200
    rows, total = incident_queue(frame, QueueFilter(), NOW_S, "id")
    assert [r.incident_id for r in rows] == [3, 2, 1] and total == 3
    assert rows[0].age == "2 j 00 mnt" and rows[1].age == "1 mnt"
    only_fire, _ = incident_queue(frame, QueueFilter(categories=frozenset({"fire"})), NOW_S, "en")
    assert [r.category for r in only_fire] == ["Fire"]
    none, total = incident_queue(frame, QueueFilter(agencies=frozenset({"police"})), NOW_S, "id")
    assert none == [] and total == 0
    assert age_text(3 * 86400, "en") == "3 days"
    legend = legend_entries(frame, "id")
    assert [(e.label, e.count) for e in legend["categories"]] == [
        ("Kegawatdaruratan medis", 1), ("Kebakaran", 1), ("Panggilan iseng", 1)]  # fmt: skip


def test_wall_headline_views_and_alerts() -> None:
    frame = incidents([(1, "prank", 4, 0, 105.0, 1), (2, "fire", 1, 0, 105.1, 5),
                       (3, "fire", 2, 0, 105.1, 5)])  # fmt: skip
    frame.loc[0, "kecamatan"] = "Lain"
    unit_frame = units([(1, "available", -1, 105.1, 1), (2, "on_scene", -1, 105.1, 1)])
    headline = wall_headline(frame, unit_frame, calls_today=40, prank_ghost_today=18,
                             responded_today=9, median_response_s=525.4, language="id")  # fmt: skip
    assert [(c.label, c.count) for c in headline.open_by_category] == [
        ("Kebakaran", 2), ("Panggilan iseng", 1)]  # fmt: skip
    assert [(a.label, a.available, a.total) for a in headline.units_by_agency] == [
        ("Ambulans", 1, 2)]  # fmt: skip
    assert (headline.median_response, headline.prank_ghost_share) == ("8:45", "45 %")
    assert busiest_kecamatan(frame) == "Uji"
    views = rotation_views((105.0, -5.2, 105.2, -5.0), {"Uji": (105.1, -5.2, 105.2, -5.1)}, "Uji")
    assert [name for name, _ in views] == [None, "Uji"] and views[1][1].zoom > views[0][1].zoom
    assert list(new_alerts(frame, 4, NOW_S)["incident_id"]) == [2]
    assert new_alerts(frame, 5, NOW_S).empty
