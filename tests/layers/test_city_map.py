"""The city map figure, built from tiny hand-made layers and checked exactly."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import geopandas as gpd
import pytest
from shapely import LineString, Point, box

from layers.city_map import (
    OFFLINE_BASEMAP,
    PRIORITY_SIZE,
    CityMapLayers,
    MapView,
    basemap_layers,
    city_map_figure,
    zoom_for_bounds,
)

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def tiny_layers(incidents: gpd.GeoDataFrame | None = None) -> CityMapLayers:
    kecamatan = gpd.GeoDataFrame({"name": ["Uji"]}, geometry=[box(105.0, -5.2, 105.2, -5.0)])
    kelurahan = gpd.GeoDataFrame(
        {"name": ["Barat", "Timur"]},
        geometry=[box(105.0, -5.2, 105.1, -5.0), box(105.1, -5.2, 105.2, -5.0)],
    )
    roads = gpd.GeoDataFrame(
        {"road_class": ["arterial", "local"]},
        geometry=[
            LineString([(105.0, -5.1), (105.2, -5.1)]),
            LineString([(105.1, -5.2), (105.1, -5.0)]),
        ],
    )
    stations = gpd.GeoDataFrame(
        {"name": ["Posko Damkar 1", "PSC 119"], "agency_name": ["Damkar", "Dinkes"],
         "agency_kind": ["fire", "ambulance"], "units": [3, 2], "units_available": [2, 0]},
        geometry=[Point(105.05, -5.05), Point(105.15, -5.15)],
    )  # fmt: skip
    if incidents is None:
        incidents = gpd.GeoDataFrame(
            {
                "category": ["fire", "health", "fire"],
                "priority": [1, 2, 4],
                "status": ["received", "on_scene", "cleared"],
                "received_at": [NOW, NOW - timedelta(hours=12), NOW - timedelta(hours=23)],
                "kelurahan": ["Barat", "Timur", None],
            },
            geometry=[Point(105.01, -5.01), Point(105.12, -5.12), Point(105.19, -5.19)],
        )
    return CityMapLayers(kecamatan, kelurahan, roads, stations, incidents, "Asia/Jakarta")


def traces_by_name(figure: object) -> dict[str, object]:
    return {trace.name: trace for trace in figure.data if trace.name}  # type: ignore[attr-defined]


def test_incidents_are_one_trace_per_category_sized_by_priority_fading_with_age() -> None:
    figure = city_map_figure(tiny_layers(), MapView(105.1, -5.1, 12), now=NOW)
    traces = traces_by_name(figure)
    fire, health = traces["Kebakaran"], traces["Kegawatdaruratan medis"]
    assert list(fire.lon) == [105.01, 105.19] and list(fire.lat) == [-5.01, -5.19]
    assert list(fire.marker.size) == [PRIORITY_SIZE[1], PRIORITY_SIZE[4]]
    assert fire.marker.opacity[0] == 1.0 and fire.marker.opacity[1] == pytest.approx(0.3291666)
    assert "19:00 WIB" in fire.text[0]  # 12:00 UTC shown in the city's zone
    assert "Di lokasi" in health.text[0] and "Timur" in health.text[0]


def test_stations_are_ringed_markers_with_availability() -> None:
    traces = traces_by_name(city_map_figure(tiny_layers(), MapView(105.1, -5.1, 12), now=NOW))
    damkar = traces["Posko Damkar"]
    assert list(damkar.lon) == [105.05]
    assert "2/3 unit siaga" in damkar.text[0]


def test_english_legend() -> None:
    figure = city_map_figure(tiny_layers(), MapView(105.1, -5.1, 12), now=NOW, language="en")
    assert {"Fire", "Medical emergency", "Posko Fire brigade (Damkar)"} <= set(
        traces_by_name(figure)
    )


TILES = {name: f"http://h/tiles/{name}/{{z}}/{{x}}/{{y}}.mvt" for name in
         ("land", "roads-arterial", "roads-local", "kelurahan", "kecamatan")}  # fmt: skip


def test_offline_basemap_draws_our_own_land_roads_and_boundaries_from_vector_tiles() -> None:
    background = basemap_layers(TILES, OFFLINE_BASEMAP, min_zoom={"roads-local": 13})
    figure = city_map_figure(tiny_layers(), MapView(105.1, -5.1, 12), now=NOW,
                             background=background)  # fmt: skip
    assert figure.layout.map.style == "white-bg"
    layers = figure.layout.map.layers
    assert [(layer.name, layer.type, layer.color) for layer in layers] == [
        ("land", "fill", "#f3f1ec"), ("roads-local", "line", "#c4c4c4"),
        ("roads-arterial", "line", "#e07a1f"), ("kelurahan", "line", "#9e9e9e"),
        ("kecamatan", "line", "#455a64"),
    ]  # fmt: skip
    assert all(layer.sourcetype == "vector" and layer.sourcelayer == layer.name
               and list(layer.source) == [TILES[layer.name]] for layer in layers)  # fmt: skip
    assert layers[1].minzoom == 13 and layers[2].minzoom is None
    assert figure.layout.uirevision == "city-map"


def test_online_basemap_leaves_roads_to_the_tiles() -> None:
    background = basemap_layers(TILES, "open-street-map")
    figure = city_map_figure(tiny_layers(), MapView(105.1, -5.1, 12), now=NOW,
                             basemap="open-street-map", background=background)  # fmt: skip
    assert figure.layout.map.style == "open-street-map"
    assert [layer.name for layer in figure.layout.map.layers] == ["kelurahan", "kecamatan"]


def test_only_the_layers_given_are_drawn_and_no_geometry_is_inline() -> None:
    background = basemap_layers({"kecamatan": TILES["kecamatan"]}, OFFLINE_BASEMAP)
    assert [layer["name"] for layer in background] == ["kecamatan"]
    assert "coordinates" not in str(background)


def test_no_incidents_still_draws_the_city() -> None:
    empty = gpd.GeoDataFrame(
        {"category": [], "priority": [], "status": [], "received_at": [], "kelurahan": []},
        geometry=[],
    )
    figure = city_map_figure(tiny_layers(empty), MapView(105.1, -5.1, 12), now=NOW,
                             background=basemap_layers(TILES, OFFLINE_BASEMAP))  # fmt: skip
    # The posko, each a dark ring beneath an agency-coloured centre, with availability.
    rings, centres = figure.data[0::2], figure.data[1::2]
    assert len(rings) == len(centres) == 2
    assert all(ring.marker.color == "#212121" and ring.hoverinfo == "skip" for ring in rings)
    assert [c.name for c in centres] == ["Posko Ambulans (PSC 119)", "Posko Damkar"]
    assert all("unit siaga" in text for c in centres for text in c.text)
    # The city beneath: land, roads, kelurahan and kecamatan outlines, from our own layers.
    names = [layer.name for layer in figure.layout.map.layers]
    assert names[0] == "land" and {"kelurahan", "kecamatan"} <= set(names)
    assert any(name.startswith("roads-") for name in names)
    assert figure.layout.map.style == "white-bg"  # offline: no tiles needed


def test_zoom_fits_the_bounds() -> None:
    city = (105.25, -5.17, 105.37, -5.05)  # 0.12° square: taller than wide in pixels
    zoom = zoom_for_bounds(city, 1100, 720)
    world_px = 512 * 2**zoom  # MapLibre tiles
    mercator = [math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) for lat in (-5.17, -5.05)]
    height_px = world_px * (mercator[1] - mercator[0]) / (2 * math.pi)
    width_px = world_px * 0.12 / 360
    assert 0.99 * 720 < height_px <= 720 and width_px <= 1100
    assert zoom_for_bounds(city, 2200, 1440) == pytest.approx(zoom + 1, abs=0.01)
