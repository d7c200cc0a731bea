"""The modelled travel-time surface as isochrone bands on the map, and coverage curves.

Inputs are ``geodata.analytics.coverage`` frames: hexagons with ``band`` (0: ≤ 5 min,
1: 5-10, 2: 10-15, 3: 15-20, 4: beyond, −1: not reached) and the origins (posko or
units). Each band is one trace, so the legend reads as the isochrone key.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from layers.analytics._common import (
    chart_layout,
    empty_note,
    feature_collection,
    map_layout,
    static_area_figure,
)
from layers.city_map import OFFLINE_BASEMAP, MapView
from layers.words import (
    Language,
    minutes,
    number,
    word,
)

__all__ = [
    "BANDS_S",
    "BAND_COLOURS",
    "band_names",
    "coverage_curve_figure",
    "isochrone_figure",
    "isochrone_static",
]

#: Isochrone band edges (s); equal to ``geodata.analytics.coverage.BANDS_S`` (tested).
BANDS_S = (300.0, 600.0, 900.0, 1200.0)

#: Green (fast) to dark red (slow), then grey for places not reached.
BAND_COLOURS = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027", "#9e9e9e")


def band_names(bands_s: Sequence[float], language: Language) -> list[str]:
    """Legend names: "≤ 5 menit", "5–10 menit", …, "> 20 menit", "Tidak terjangkau"."""
    unit = word("analytics.minutes_unit", language)
    edges = [number(edge / 60.0, language) for edge in bands_s]
    names = [f"≤ {edges[0]} {unit}"]
    names += [f"{low}–{high} {unit}" for low, high in itertools.pairwise(edges)]
    names += [f"> {edges[-1]} {unit}", word("analytics.unreached", language)]
    return names


def isochrone_figure(
    cells: gpd.GeoDataFrame,
    origins: pd.DataFrame,
    view: MapView,
    *,
    budget_s: float,
    bands_s: Sequence[float] = BANDS_S,
    language: Language = "id",
    basemap: str = OFFLINE_BASEMAP,
    background: Sequence[dict[str, Any]] = (),
) -> go.Figure:
    """Hexagons coloured by isochrone band; hexagons beyond ``budget_s`` outlined in red
    (the gaps); the origins as dark rings (label = posko name or call sign)."""
    names = band_names(bands_s, language)
    band = cells["band"].to_numpy(dtype=int)
    geojson = feature_collection(cells, "cell_id")
    unit = word("analytics.minutes_unit", language)
    ids = cells["cell_id"].astype(str).to_numpy()
    hover = np.asarray(
        [f"<b>{name}</b><br>{minutes(travel, language)} {unit}"
         for name, travel in zip(cells["name"].fillna(""), cells["travel_s"], strict=True)],
        dtype=object,
    )  # fmt: skip
    gap = ~cells["covered"].to_numpy(dtype=bool)
    traces: list[Any] = []
    for index, (name, colour) in enumerate(zip(names, BAND_COLOURS, strict=True)):
        mask = band == (index if index < len(bands_s) + 1 else -1)
        if not mask.any():
            continue
        traces.append(
            go.Choroplethmap(
                geojson=geojson, locations=ids[mask], z=np.zeros(int(mask.sum())),
                featureidkey="id", colorscale=[[0, colour], [1, colour]], showscale=False,
                showlegend=True, name=name, legendgroup=f"band-{index}",
                marker={"opacity": 0.7, "line": {"width": np.where(gap[mask], 1.6, 0.3),
                                                 "color": np.where(gap[mask], "#b71c1c",
                                                                   "#ffffff")}},
                text=hover[mask], hovertemplate="%{text}<extra></extra>",
            )
        )  # fmt: skip
    if len(origins):
        lon, lat = origins["lon"].round(6), origins["lat"].round(6)
        traces.append(
            go.Scattermap(
                lon=lon,
                lat=lat,
                mode="markers",
                hoverinfo="skip",
                marker={"size": 15, "color": "#212121"},
                showlegend=False,
            )
        )
        traces.append(
            go.Scattermap(
                lon=lon, lat=lat, mode="markers", marker={"size": 9, "color": "#fdd835"},
                name="Posko / unit", text=origins["label"],
                hovertemplate="%{text}<extra></extra>",
            )
        )  # fmt: skip
    if not traces:  # an empty map, not bare cartesian axes
        traces.append(go.Choroplethmap(geojson=geojson, locations=[], z=[], showscale=False))
    figure = go.Figure(traces)
    figure.update_layout(**map_layout(view, basemap, background, "isochrones"))
    figure.update_layout(legend_title_text=word("analytics.travel_minutes", language))
    if cells.empty:
        figure.update_layout(annotations=[empty_note(word("analytics.empty_coverage", language))])
    return figure


def isochrone_static(
    cells: gpd.GeoDataFrame,
    origins: pd.DataFrame,
    *,
    bands_s: Sequence[float] = BANDS_S,
    language: Language = "id",
) -> go.Figure:
    """The isochrone bands on plain SVG axes, for the report (draws offline from disk)."""
    names = band_names(bands_s, language)
    classes = np.asarray(names, dtype=object)[cells["band"].to_numpy(dtype=int)]  # −1: last
    return static_area_figure(
        cells, classes.tolist(), dict(zip(names, BAND_COLOURS, strict=True)),
        legend_title=word("analytics.travel_minutes", language), points=origins,
    )  # fmt: skip


def coverage_curve_figure(
    curve: pd.DataFrame, *, budget_s: float, language: Language = "id"
) -> go.Figure:
    """Area, population and incident shares (%) against minutes of travel; the budget as
    a dashed vertical line. ``curve`` is ``geodata.analytics.coverage.coverage_curve``'s."""
    x = curve["budget_s"] / 60.0
    figure = go.Figure()
    for column, key, colour in (
        ("area_share", "coverage_area", "#546e7a"),
        ("population_share", "coverage_population", "#1e88e5"),
        ("incident_share", "coverage_incidents", "#d84315"),
    ):
        if curve[column].notna().any():
            figure.add_scatter(
                x=x, y=curve[column] * 100.0, mode="lines", name=word(f"analytics.{key}", language),
                line={"color": colour, "width": 2},
                hovertemplate="%{x:.0f} " + word("analytics.minutes_unit", language)
                + ": %{y:.1f} %<extra></extra>",
            )  # fmt: skip
    figure.add_vline(x=budget_s / 60.0, line={"dash": "dash", "color": "#2e7d32"})
    figure.update_layout(
        **chart_layout(word("analytics.curve_title", language)),
        xaxis={"title": word("analytics.travel_minutes", language), "gridcolor": "#eceff1"},
        yaxis={"title": "%", "range": [0, 101], "gridcolor": "#eceff1"},
        legend={"orientation": "h", "y": -0.22},
        height=340,
    )
    return figure
