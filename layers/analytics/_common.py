"""What the analytics figures share: GeoJSON of polygons, map and chart layouts, the modebar."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import plotly.graph_objects as go
import shapely

from layers.city_map import LAND_COLOUR, OFFLINE_BASEMAP, MapView

COORDINATE_DECIMALS = 5  # ≈ 1 m: finer only inflates the page
TOO_FEW_COLOUR = "#cfd8dc"
LEGEND = {
    "x": 0.01, "y": 0.99, "xanchor": "left", "yanchor": "top",
    "bgcolor": "rgba(255,255,255,0.9)", "bordercolor": "#b0bec5", "borderwidth": 1,
    "font": {"size": 12},
}  # fmt: skip


def feature_collection(frame: gpd.GeoDataFrame, id_column: str) -> dict[str, Any]:
    """GeoJSON of ``frame``'s geometries, each feature's ``id`` from ``id_column``."""
    geometries = shapely.transform(
        np.asarray(frame.geometry, dtype=object), lambda xy: np.round(xy, COORDINATE_DECIMALS)
    )
    features = [
        {"type": "Feature", "id": str(key), "properties": {},
         "geometry": shapely.geometry.mapping(geometry)}
        for key, geometry in zip(frame[id_column], geometries, strict=True)
        if geometry is not None and not geometry.is_empty
    ]  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def static_area_figure(
    frame: gpd.GeoDataFrame,
    classes: Sequence[str],
    colours: dict[str, str],
    *,
    legend_title: str = "",
    points: Any = None,
) -> go.Figure:
    """Polygons filled by class on plain axes (lon/lat, true aspect at the mean latitude).

    For the report: pure SVG, no WebGL, worker, tiles or topojson, so the file draws
    offline from disk and prints. ``classes`` gives each row's class name; ``colours``
    maps the class names, in legend order, to colours. ``points``: lon, lat, label.
    """
    figure = go.Figure()
    rings = np.asarray(classes, dtype=object)
    for name, colour in colours.items():
        lon: list[float | None] = []
        lat: list[float | None] = []
        for geometry in frame.geometry[rings == name]:
            for polygon in getattr(geometry, "geoms", [geometry]):
                x, y = polygon.exterior.coords.xy
                lon += [*np.round(x, COORDINATE_DECIMALS).tolist(), None]
                lat += [*np.round(y, COORDINATE_DECIMALS).tolist(), None]
        if lon:
            figure.add_scatter(
                x=lon, y=lat, mode="lines", fill="toself", fillcolor=colour, name=name,
                line={"color": "#ffffff", "width": 0.6}, hoveron="fills",
                hovertemplate=f"{name}<extra></extra>",
            )  # fmt: skip
    if points is not None and len(points):
        figure.add_scatter(
            x=points["lon"], y=points["lat"], mode="markers", name="Posko / unit",
            marker={"size": 9, "color": "#ffffff", "line": {"color": "#212121", "width": 3}},
            text=points["label"], hovertemplate="%{text}<extra></extra>",
        )  # fmt: skip
    mid_lat = (frame.total_bounds[1] + frame.total_bounds[3]) / 2 if len(frame) else 0.0
    axis = {"visible": False, "showgrid": False, "zeroline": False}
    figure.update_layout(
        xaxis=axis,
        yaxis={**axis, "scaleanchor": "x", "scaleratio": 1 / np.cos(np.radians(mid_lat))},
        legend={**LEGEND, "title": {"text": legend_title}},
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    return figure


def map_layout(
    view: MapView,
    basemap: str,
    background: Sequence[dict[str, Any]],
    uirevision: str,
) -> dict[str, Any]:
    """Layout of a MapLibre map over ``background`` (layers.city_map.basemap_layers)."""
    offline = basemap == OFFLINE_BASEMAP
    return {
        "map": {
            "style": "white-bg" if offline else basemap,
            "center": {"lon": view.lon, "lat": view.lat},
            "zoom": view.zoom,
            "layers": list(background),
        },
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "uirevision": uirevision,
        "legend": LEGEND,
        "paper_bgcolor": LAND_COLOUR if offline else "white",
    }


def empty_note(reason: str, width_chars: int = 52) -> dict[str, Any]:
    """An annotation in the middle of a figure saying why it has nothing to show (wrapped
    at ``width_chars``, on white so it reads over a map too)."""
    return {"text": "<br>".join(textwrap.wrap(reason, width_chars)), "x": 0.5, "y": 0.5,
            "xref": "paper", "yref": "paper", "showarrow": False,
            "bgcolor": "rgba(255,255,255,0.9)", "font": {"size": 14, "color": "#455a64"},
            "borderpad": 8}  # fmt: skip


def explain_empty(figure: go.Figure, reason: str) -> go.Figure:
    """``figure`` with its axes hidden and ``reason`` (why it has nothing to show) in its
    middle: an empty panel says why, never bare axes."""
    figure.add_annotation(**empty_note(reason))
    figure.update_layout(xaxis={"visible": False}, yaxis={"visible": False},
                         yaxis2={"visible": False}, showlegend=False)  # fmt: skip
    return figure


FONT = {"family": "DejaVu Sans, sans-serif", "size": 13}


def chart_layout(title: str) -> dict[str, Any]:
    """Layout shared by the charts: title top left, white background, readable font."""
    return {
        "title": {"text": title, "x": 0.01, "font": {"size": 15}},
        "font": FONT,
        "margin": {"l": 70, "r": 20, "t": 50, "b": 50},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
    }
