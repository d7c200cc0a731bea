"""The live map: open incidents, units and posko over the city basemap, built whole or patched.

Pure. The live picture arrives as frames in *slot* order (see ``geodata.live.state``): point
``i`` of a trace is slot ``i``, so a change is an assignment at an index, and
:func:`live_map_changes` lists exactly those assignments for the slots changed since a
version. The whole figure carries its point arrays as numpy (float32 coordinates, uint8
colour and size codes), which Plotly sends as compact typed arrays; colours are codes into
discrete colour scales, so a point costs a few bytes, and fading with age is in the alpha.
Hover text is not sent per point: pages show details of the point under the pointer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from layers.city_map import (
    LIGHT_BASEMAP,
    OFFLINE_BASEMAP,
    PRIORITY_SIZE,
    BasemapPalette,
    MapView,
    station_traces,
)
from layers.palette import AGENCY_KIND_COLOURS, CATEGORY_COLOURS
from layers.words import (
    Language,
    codes,
)

__all__ = [
    "AGE_ALPHA",
    "CATEGORY_ORDER",
    "DEFAULT_STYLE",
    "LAYERS",
    "UNIT_STATUS_COLOURS",
    "LiveFrames",
    "LiveMapStyle",
    "TraceIndex",
    "basemap_names",
    "focus_changes",
    "incident_colour_codes",
    "layer_visibility_changes",
    "live_map_changes",
    "live_map_figure",
    "live_map_traces",
    "trace_index",
    "unit_colour_codes",
]

#: Layers a viewer can switch on and off, in the order of the toggles.
LAYERS = ("incidents", "units", "stations", "kecamatan", "kelurahan", "roads")
#: Opacity of an open incident by age class (under 10 min, 30 min, 2 h, older).
AGE_ALPHA = (1.0, 0.82, 0.6, 0.42)
CATEGORY_ORDER = codes("category")
AGENCY_ORDER = codes("agency_kind")
#: A unit's ring shows its status; grey when its position is stale.
UNIT_STATUS_COLOURS: dict[str, str] = {
    "available": "#2e7d32",
    "dispatched": "#f9a825",
    "en_route": "#ef6c00",
    "on_scene": "#c62828",
    "transporting": "#6a1b9a",
    "out_of_service": "#37474f",
}
STATUS_ORDER = tuple(UNIT_STATUS_COLOURS)
#: Small streets are drawn only from this zoom on: at the whole city's zoom they are a grey
#: wash that costs most of the map's drawing time and hides nothing an operator needs.
STALE_COLOUR = "#9e9e9e"
STALE_BODY_COLOUR = "#bdbdbd"
UNIT_HALO_PX, UNIT_BODY_PX = 21, 11
#: Posko: dark ring and agency-coloured centre, in px.
STATION_PX = (12, 7)


@dataclass(frozen=True)
class LiveFrames:
    """The live picture as the map draws it; incidents and units in slot order.

    incidents: incident_id (-1 for a free slot), category, priority, age_class, lon, lat,
    changed. units: unit_id (-1 free), agency_kind, status, stale (1: position stale), lon,
    lat, changed. stations: name, agency_name, agency_kind, units, units_available, lon, lat.
    """

    incidents: pd.DataFrame
    units: pd.DataFrame
    stations: pd.DataFrame
    stations_changed: int


@dataclass(frozen=True)
class LiveMapStyle:
    """How the live map looks: basemap, its palette, marker scale, and hover behaviour.

    ``hover="none"`` shows no tooltip yet still reports the point under the pointer to the
    page (which shows its details); ``"skip"`` reports nothing (the wall).
    """

    basemap: str = OFFLINE_BASEMAP
    palette: BasemapPalette = LIGHT_BASEMAP
    marker_scale: float = 1.0
    hover: str = "none"


DEFAULT_STYLE = LiveMapStyle()


@dataclass(frozen=True)
class TraceIndex:
    """Where each layer's traces are in the figure (stations first, drawn beneath)."""

    station_kinds: tuple[str, ...]
    incidents: int
    unit_halo: int
    unit_body: int

    @property
    def stations(self) -> tuple[int, ...]:
        return tuple(range(2 * len(self.station_kinds)))

    @property
    def key(self) -> str:
        """Identifies the trace layout: a viewer with another key needs the whole figure."""
        return ",".join(self.station_kinds)


def trace_index(stations: pd.DataFrame) -> TraceIndex:
    kinds = tuple(sorted(str(kind) for kind in stations["agency_kind"].unique()))
    first = 2 * len(kinds)
    return TraceIndex(kinds, first, first + 1, first + 2)


def _discrete_scale(colours: list[str]) -> dict[str, Any]:
    """A colour scale where integer ``i`` is ``colours[i]`` exactly."""
    n = len(colours)
    scale = [[step / n, colour] for i, colour in enumerate(colours) for step in (i, i + 1)]
    return {"colorscale": scale, "cmin": -0.5, "cmax": n - 0.5, "showscale": False}


def _rgba(hex_colour: str, alpha: float) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha:g})"


INCIDENT_SCALE = _discrete_scale(
    [_rgba(CATEGORY_COLOURS.get(c, "#616161"), a) for c in CATEGORY_ORDER for a in AGE_ALPHA]
)
HALO_SCALE = _discrete_scale([*UNIT_STATUS_COLOURS.values(), STALE_COLOUR])
BODY_SCALE = _discrete_scale(
    [*(AGENCY_KIND_COLOURS.get(kind, "#424242") for kind in AGENCY_ORDER), STALE_BODY_COLOUR]
)


def _codes(values: pd.Series, order: tuple[str, ...]) -> np.ndarray:
    lookup = {value: code for code, value in enumerate(order)}
    return values.map(lookup).fillna(len(order) - 1).to_numpy(dtype=np.int64)


def incident_colour_codes(incidents: pd.DataFrame) -> np.ndarray:
    """Colour code of each slot: category × 4 + age class (see ``INCIDENT_SCALE``)."""
    category = _codes(incidents["category"], CATEGORY_ORDER)
    age = incidents["age_class"].to_numpy(dtype=np.int64).clip(0, len(AGE_ALPHA) - 1)
    return (category * len(AGE_ALPHA) + age).astype(np.uint8)


def unit_colour_codes(units: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(ring code by status, body code by agency) of each slot; stale units are grey."""
    stale = units["stale"].to_numpy() > 0
    halo = np.where(stale, len(STATUS_ORDER), _codes(units["status"], STATUS_ORDER))
    body = np.where(stale, len(AGENCY_ORDER), _codes(units["agency_kind"], AGENCY_ORDER))
    return halo.astype(np.uint8), body.astype(np.uint8)


def _sizes(incidents: pd.DataFrame, scale: float) -> np.ndarray:
    size = incidents["priority"].map(PRIORITY_SIZE).fillna(PRIORITY_SIZE[4]).to_numpy()
    return np.round(size * scale).astype(np.uint8)


def _coordinates(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return frame["lon"].to_numpy(dtype=np.float32), frame["lat"].to_numpy(dtype=np.float32)


def _exact(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return frame["lon"].to_numpy(dtype=float), frame["lat"].to_numpy(dtype=float)


def _station_frame(stations: pd.DataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        stations, geometry=gpd.points_from_xy(stations["lon"], stations["lat"]), crs=4326
    )


def _point_traces(frames: LiveFrames, scale: float, hover: str) -> list[go.Scattermap]:
    incidents, units = frames.incidents, frames.units
    lon, lat = _coordinates(incidents)
    unit_lon, unit_lat = _coordinates(units)
    halo, body = unit_colour_codes(units)
    common = {"mode": "markers", "hoverinfo": hover, "showlegend": False}
    return [
        go.Scattermap(
            lon=lon, lat=lat, name="incidents", **common,
            marker={"color": incident_colour_codes(incidents), "size": _sizes(incidents, scale),
                    **INCIDENT_SCALE},
        ),
        go.Scattermap(
            lon=unit_lon, lat=unit_lat, name="unit-status", **common,
            marker={"color": halo, "size": round(UNIT_HALO_PX * scale), "opacity": 0.7,
                    **HALO_SCALE},
        ),
        go.Scattermap(
            lon=unit_lon, lat=unit_lat, name="units", **common,
            marker={"color": body, "size": round(UNIT_BODY_PX * scale), **BODY_SCALE},
        ),
    ]  # fmt: skip


def live_map_traces(
    frames: LiveFrames,
    *,
    language: Language = "id",
    visible: frozenset[str] = frozenset(LAYERS),
    style: LiveMapStyle = DEFAULT_STYLE,
) -> list[go.Scattermap]:
    """Every trace of the live map in :class:`TraceIndex` order: posko, incidents, units."""
    stations = station_traces(_station_frame(frames.stations), language)
    traces = [*stations, *_point_traces(frames, style.marker_scale, style.hover)]
    index = trace_index(frames.stations)
    for i in index.stations:
        traces[i].visible = "stations" in visible
        # Smaller than on the city map: here the incidents and units are what matters.
        traces[i].marker.size = round(STATION_PX[i % 2] * style.marker_scale)
    traces[index.incidents].visible = "incidents" in visible
    traces[index.unit_halo].visible = traces[index.unit_body].visible = "units" in visible
    return traces


def live_map_figure(
    background: Sequence[dict[str, Any]],
    frames: LiveFrames,
    view: MapView,
    *,
    language: Language = "id",
    visible: frozenset[str] = frozenset(LAYERS),
    style: LiveMapStyle = DEFAULT_STYLE,
) -> go.Figure:
    """The whole live map over ``background`` (basemap layers, ``city_map.basemap_layers``:
    vector tiles, nothing of the city inline, so a figure the browser hashes on every update
    stays small); posko keep their hover text."""
    figure = go.Figure(live_map_traces(frames, language=language, visible=visible, style=style))
    index = trace_index(frames.stations)
    offline = style.basemap == OFFLINE_BASEMAP
    figure.update_layout(
        map={
            "style": "white-bg" if offline else style.basemap,
            "center": {"lon": view.lon, "lat": view.lat},
            "zoom": view.zoom,
            "layers": list(background),
            "uirevision": "live-view",
        },
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        uirevision="live-map",
        showlegend=False,
        paper_bgcolor=style.palette.land if offline else "white",
        template="none",
    )
    for location, value in layer_visibility_changes(basemap_names(figure), index, visible):
        target: Any = figure
        for key in location[:-1]:
            target = target[key]
        target[location[-1]] = value
    return figure


def basemap_names(figure: go.Figure) -> list[str]:
    """Names of the figure's basemap layers, in order (see ``city_map.basemap_layers``)."""
    return [str(layer.name or "") for layer in figure.layout.map.layers or ()]


def layer_visibility_changes(
    basemap: Sequence[str], index: TraceIndex, visible: frozenset[str]
) -> list[tuple[tuple[str | int, ...], bool]]:
    """Assignments switching each layer's traces and named basemap layers on or off."""
    traces = {
        "incidents": [index.incidents],
        "units": [index.unit_halo, index.unit_body],
        "stations": list(index.stations),
    }
    changes: list[tuple[tuple[str | int, ...], bool]] = [
        (("data", i, "visible"), layer in visible) for layer, ids in traces.items() for i in ids
    ]
    for i, name in enumerate(basemap):
        group = "roads" if name.startswith("roads-") else name
        if group in ("roads", "kecamatan", "kelurahan"):
            changes.append((("layout", "map", "layers", i, "visible"), group in visible))
    return changes


def _slot_changes(
    trace: int, slots: np.ndarray, lon: np.ndarray, lat: np.ndarray, **arrays: np.ndarray
) -> list[tuple[tuple[str | int, ...], Any]]:
    changes: list[tuple[tuple[str | int, ...], Any]] = []
    for i, slot in enumerate(slots.tolist()):
        x, y = lon[i], lat[i]
        located = not (np.isnan(x) or np.isnan(y))
        changes.append((("data", trace, "lon", slot), round(float(x), 6) if located else None))
        changes.append((("data", trace, "lat", slot), round(float(y), 6) if located else None))
        for name, values in arrays.items():
            changes.append((("data", trace, "marker", name, slot), int(values[i])))
    return changes


def live_map_changes(
    frames: LiveFrames, since: int, index: TraceIndex, *, language: Language = "id",
    marker_scale: float = 1.0,
) -> list[tuple[tuple[str | int, ...], Any]]:  # fmt: skip
    """Assignments bringing a figure drawn at version ``since`` to ``frames``.

    Each changed slot costs its coordinates and codes (an incident: 4 assignments; a unit:
    6), so a tick in which one unit moved carries a few hundred bytes.
    """
    changes: list[tuple[tuple[str | int, ...], Any]] = []
    incidents = frames.incidents[frames.incidents["changed"] > since]
    if len(incidents):
        changes += _slot_changes(
            index.incidents, incidents.index.to_numpy(), *_exact(incidents),
            color=incident_colour_codes(incidents), size=_sizes(incidents, marker_scale),
        )  # fmt: skip
    units = frames.units[frames.units["changed"] > since]
    if len(units):
        halo, body = unit_colour_codes(units)
        slots = units.index.to_numpy()
        changes += _slot_changes(index.unit_halo, slots, *_exact(units), color=halo)
        changes += _slot_changes(index.unit_body, slots, *_exact(units), color=body)
    if frames.stations_changed > since:
        stations = station_traces(_station_frame(frames.stations), language)
        changes += [
            (("data", i, "text"), list(trace.text))
            for i, trace in enumerate(stations)
            if trace.text is not None
        ]
    return changes


#: Zoom the map takes when the operator picks an incident in the queue.
FOCUS_ZOOM = 15.5


def focus_changes(
    incidents: pd.DataFrame, incident_id: int, *, revision: int
) -> list[tuple[tuple[str | int, ...], Any]] | None:
    """Patch assignments centring the map on ``incident_id`` (None if it has no place).

    A new ``uirevision`` (``revision`` counts the clicks) makes the map move even where the
    user panned: ``uirevision`` otherwise keeps the user's view.
    """
    rows = incidents[incidents["incident_id"] == incident_id]
    if rows.empty or rows["lon"].isna().all():
        return None
    row = rows.iloc[0]
    return [
        (("layout", "map", "center"), {"lon": float(row["lon"]), "lat": float(row["lat"])}),
        (("layout", "map", "zoom"), FOCUS_ZOOM),
        (("layout", "map", "uirevision"), f"focus-{incident_id}-{revision}"),
    ]
