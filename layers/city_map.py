"""The city map: boundaries and roads as a basemap, posko and recent incidents on top.

Pure: takes GeoDataFrames (EPSG:4326), returns a Plotly figure on a MapLibre map that needs
no access token. With ``basemap="offline"`` the background is our own vector layers on a
plain style, so the map works with no internet at all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from layers.palette import AGENCY_KIND_COLOURS, CATEGORY_COLOURS
from layers.words import (
    Language,
    codes,
    label,
    word,
    zone_abbreviation,
)

__all__ = [
    "LIGHT_BASEMAP",
    "OFFLINE_BASEMAP",
    "BasemapPalette",
    "CityMapLayers",
    "MapView",
    "basemap_layers",
    "city_map_figure",
    "station_traces",
    "zoom_for_bounds",
]

OFFLINE_BASEMAP = "offline"
LAND_COLOUR = "#f3f1ec"
#: Road styling by class: (colour, width in px), drawn from minor to major.
ROAD_STYLE: dict[str, tuple[str, float]] = {
    "service": ("#dedede", 0.6),
    "residential": ("#d2d2d2", 0.8),
    "local": ("#c4c4c4", 1.0),
    "collector": ("#e9c46a", 2.0),
    "arterial": ("#e07a1f", 3.2),
}
#: Marker diameter in px by priority (1 critical … 4 low).
PRIORITY_SIZE = {1: 17, 2: 13, 3: 10, 4: 7}
TILE_PX = 512.0  # MapLibre's world width at zoom 0
COORDINATE_DECIMALS = 5  # ≈ 1 m at the equator: finer only inflates the page


@dataclass(frozen=True)
class BasemapPalette:
    """Colours of the offline basemap: land, roads by class (colour, width px), boundaries.

    ``background``, when set, paints the world outside the city (the offline style's
    background is white, too bright beside a dark palette).
    """

    land: str
    roads: dict[str, tuple[str, float]]
    kelurahan: str
    kecamatan: str
    background: str | None = None


LIGHT_BASEMAP = BasemapPalette(LAND_COLOUR, ROAD_STYLE, kelurahan="#9e9e9e", kecamatan="#455a64")


@dataclass(frozen=True)
class MapView:
    """Where the map looks: centre (lon, lat in degrees) and web-map zoom level."""

    lon: float
    lat: float
    zoom: float


@dataclass(frozen=True)
class CityMapLayers:
    """What the city map shows; every frame in EPSG:4326.

    kecamatan/kelurahan: name, geometry. roads: road_class, geometry. stations: name,
    agency_name, agency_kind, units, units_available, geometry. incidents: category,
    priority, status, received_at (UTC), kelurahan, geometry.
    """

    kecamatan: gpd.GeoDataFrame
    kelurahan: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    timezone: str


def zoom_for_bounds(
    bounds: tuple[float, float, float, float], width_px: int = 1000, height_px: int = 620
) -> float:
    """Largest MapLibre zoom at which ``bounds`` (min_lon, min_lat, max_lon, max_lat) fits.

    MapLibre's zoom 0 shows the world in one 512 px tile (not 256 px as raster maps do).
    """
    min_lon, min_lat, max_lon, max_lat = bounds

    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_fraction = max(max_lon - min_lon, 1e-6) / 360.0
    lat_fraction = max(mercator_y(max_lat) - mercator_y(min_lat), 1e-6) / (2 * math.pi)
    zoom_x = math.log2(width_px / TILE_PX / lon_fraction)
    zoom_y = math.log2(height_px / TILE_PX / lat_fraction)
    return math.floor(min(zoom_x, zoom_y, 18.0) * 100) / 100  # floor: never overflow


def basemap_layers(
    tiles: Mapping[str, str],
    basemap: str,
    palette: BasemapPalette = LIGHT_BASEMAP,
    min_zoom: Mapping[str, int] | None = None,
) -> list[dict[str, Any]]:
    """MapLibre layers drawn beneath the traces: land, roads (offline only), boundaries.

    ``tiles`` maps a basemap layer's name (``land``, ``roads-<class>``, ``kelurahan``,
    ``kecamatan``) to the URL template of its vector tiles (``…/{z}/{x}/{y}.mvt``, one
    source layer of the same name); only the names given are drawn, each from ``min_zoom``
    (where it has features, so the browser asks for no empty tiles). Each layer keeps its
    name so that a page can switch it on and off by name. Nothing of the city's geometry is
    in the figure: the browser fetches the tiles in view and caches them.
    """
    zooms = min_zoom or {}

    def vector(name: str, kind: str, colour: str, line: dict[str, Any] | None = None) -> Any:
        layer: dict[str, Any] = {
            "name": name, "sourcetype": "vector", "source": [tiles[name]], "sourcelayer": name,
            "type": kind, "color": colour, "below": "traces",
        }  # fmt: skip
        if line is not None:
            layer["line"] = line
        if zooms.get(name, 0) > 0:
            layer["minzoom"] = zooms[name]
        return layer

    drawn: list[dict[str, Any]] = []
    offline = basemap == OFFLINE_BASEMAP
    if offline and palette.background:
        world = shapely.box(-180.0, -85.0, 180.0, 85.0)
        drawn.append(
            {"name": "background", "sourcetype": "geojson", "type": "fill",
             "source": {"type": "Feature", "properties": {},
                        "geometry": shapely.geometry.mapping(world)},
             "color": palette.background, "below": "traces"}
        )  # fmt: skip
    if offline and "land" in tiles:
        drawn.append(vector("land", "fill", palette.land))
    if offline:
        for road_class, (colour, width) in palette.roads.items():
            if f"roads-{road_class}" in tiles:
                drawn.append(vector(f"roads-{road_class}", "line", colour, {"width": width}))
    for name, colour, width, dash in (
        ("kelurahan", palette.kelurahan, 0.8, [2, 2]),
        ("kecamatan", palette.kecamatan, 2.0, None),
    ):
        if name in tiles:
            line: dict[str, Any] = {"width": width}
            if dash:
                line["dash"] = dash
            drawn.append(vector(name, "line", colour, line))
    return drawn


def station_traces(stations: gpd.GeoDataFrame, language: Language) -> list[go.Scattermap]:
    """One trace per agency kind: a dark ring (two stacked circles) marks a posko."""
    traces = []
    for kind, group in stations.groupby("agency_kind", sort=True):
        lon, lat = group.geometry.x.round(6), group.geometry.y.round(6)
        hover = [
            f"<b>{name}</b><br>{agency}<br>"
            + word("live.units_available", language, available=available, units=units)
            for name, agency, available, units in zip(
                group["name"], group["agency_name"], group["units_available"], group["units"],
                strict=True,
            )
        ]  # fmt: skip
        name = word("live.station_of", language, agency=label("agency_kind", str(kind), language))
        traces.append(
            go.Scattermap(
                lon=lon, lat=lat, mode="markers", hoverinfo="skip", showlegend=False,
                marker={"size": 16, "color": "#212121"}, legendgroup=f"station-{kind}",
            )
        )  # fmt: skip
        traces.append(
            go.Scattermap(
                lon=lon, lat=lat, mode="markers", name=name, legendgroup=f"station-{kind}",
                marker={"size": 10, "color": AGENCY_KIND_COLOURS.get(str(kind), "#424242")},
                text=hover, hovertemplate="%{text}<extra></extra>",
            )
        )  # fmt: skip
    return traces


def incident_traces(
    incidents: gpd.GeoDataFrame, now: datetime, timezone: str, language: Language
) -> list[go.Scattermap]:
    """One trace per category present, sized by priority and fading with age (24 h)."""
    if incidents.empty:
        return []
    zone = ZoneInfo(timezone)
    abbreviation = zone_abbreviation(timezone)
    received = pd.to_datetime(incidents["received_at"], utc=True)
    age_h = (pd.Timestamp(now) - received).dt.total_seconds().to_numpy() / 3600.0
    opacity = np.clip(1.0 - age_h / 24.0 * 0.7, 0.3, 1.0)
    traces = []
    order = list(codes("category"))
    present = sorted(
        incidents["category"].unique(), key=lambda c: order.index(c) if c in order else 99
    )
    for category in present:
        mask = (incidents["category"] == category).to_numpy()
        group = incidents[mask]
        local_times = received[mask].dt.tz_convert(zone).dt.strftime(f"%d-%m %H:%M {abbreviation}")
        hover = [
            f"<b>{label('category', category, language)}</b><br>{when}<br>"
            f"{label('incident_status', status, language)}<br>{kelurahan or ''}"
            for when, status, kelurahan in zip(
                local_times, group["status"], group["kelurahan"], strict=True
            )
        ]
        traces.append(
            go.Scattermap(
                lon=group.geometry.x.round(6),
                lat=group.geometry.y.round(6),
                mode="markers",
                name=label("category", category, language),
                legendgroup=f"incident-{category}",
                marker={
                    "size": group["priority"].map(PRIORITY_SIZE).fillna(8).to_numpy(),
                    "color": CATEGORY_COLOURS.get(category, "#616161"),
                    "opacity": opacity[mask],
                },
                text=hover,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    return traces


def city_map_figure(
    layers: CityMapLayers,
    view: MapView,
    *,
    now: datetime,
    language: Language = "id",
    basemap: str = OFFLINE_BASEMAP,
    background: Sequence[dict[str, Any]] = (),
) -> go.Figure:
    """The city map: posko and ``layers.incidents`` over ``background`` (the basemap layers,
    :func:`basemap_layers`). ``uirevision`` keeps the user's pan and zoom across updates."""
    traces = [
        *station_traces(layers.stations, language),
        *incident_traces(layers.incidents, now, layers.timezone, language),
    ]
    # with nothing to mark, an empty map trace keeps it a map (not bare cartesian axes)
    figure = go.Figure(traces or [go.Scattermap(lon=[], lat=[], hoverinfo="skip",
                                                showlegend=False)])  # fmt: skip
    figure.update_layout(
        map={
            "style": "white-bg" if basemap == OFFLINE_BASEMAP else basemap,
            "center": {"lon": view.lon, "lat": view.lat},
            "zoom": view.zoom,
            "layers": list(background),
        },
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        uirevision="city-map",
        legend={
            "x": 0.01,
            "y": 0.99,
            "xanchor": "left",
            "yanchor": "top",
            "bgcolor": "rgba(255,255,255,0.88)",
            "bordercolor": "#b0bec5",
            "borderwidth": 1,
            "font": {"size": 12},
        },
        paper_bgcolor=LAND_COLOUR if basemap == OFFLINE_BASEMAP else "white",
    )
    return figure
