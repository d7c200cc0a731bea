"""Heat cells on the map: H3 hexagons or kelurahan coloured by a response measure.

Cells with too few measured incidents (``too_few``) are drawn in flat grey with their
own legend entry rather than on the colour scale, and so are kelurahan whose population
is unknown when the measure is a rate. Times are shown in minutes.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from layers.analytics._common import (
    TOO_FEW_COLOUR,
    empty_note,
    feature_collection,
    map_layout,
    static_area_figure,
)
from layers.city_map import OFFLINE_BASEMAP, MapView
from layers.words import (
    Language,
    label,
    minutes,
    number,
    percent,
    word,
)

__all__ = ["MEASURES", "heat_map_figure", "heat_map_static", "measure_title", "measure_values"]

#: Measures a heat cell can be coloured by, with their colour scale.
MEASURES: dict[str, str] = {
    "p90_s": "YlOrRd",
    "median_s": "YlOrRd",
    "rows": "Blues",
    "per_10k": "Purples",
    "compliance": "RdYlGn",
}
TIME_MEASURES = ("p90_s", "median_s", "mean_s")


def measure_title(measure: str, interval: str, language: Language) -> str:
    """E.g. "Persentil ke-90 Waktu tanggap (menit)"."""
    name = label("interval", interval, language)
    title = word(f"analytics.{measure}", language, interval=name.lower())
    if measure in TIME_MEASURES:
        title += f" ({word('analytics.minutes_unit', language)})"
    return title


def measure_values(cells: pd.DataFrame, measure: str) -> np.ndarray:
    """The numbers shown: minutes for times, percent for compliance, as is otherwise."""
    values = cells[measure].to_numpy(dtype=float)
    if measure in TIME_MEASURES:
        return values / 60.0
    if measure == "compliance":
        return values * 100.0
    return values


def _hover(cells: gpd.GeoDataFrame, language: Language, hexagons: bool) -> list[str]:
    kind = word("analytics.hexagons" if hexagons else "analytics.kelurahan", language)
    lines = []
    for row in cells.itertuples(index=False):
        name = row.name or f"{kind} {row.cell_id}"
        per_10k = "" if np.isnan(row.per_10k) else (
            f"<br>{word('analytics.per_10k', language)}: {number(row.per_10k, language, 1)}"
        )  # fmt: skip
        lines.append(
            f"<b>{name}</b><br>{word('analytics.rows', language)}: {number(row.rows, language)}"
            f" (n = {number(row.n, language)})"
            f"<br>Median: {minutes(row.median_s, language)} "
            f"{word('analytics.minutes_unit', language)}"
            f"<br>P90: {minutes(row.p90_s, language)} {word('analytics.minutes_unit', language)}"
            f"<br>{word('analytics.compliance', language)}: {percent(row.compliance, language)}"
            f"{per_10k}"
        )
    return lines


def class_edges(values: np.ndarray, count: int = 5) -> np.ndarray:
    """``count`` + 1 round edges spanning ``values`` (equal widths of 1, 2, 2.5 or 5 × 10^k)."""
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    raw = max((high - low) / count, 1e-9)
    magnitude = 10 ** np.floor(np.log10(raw))
    step = min(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = np.floor(low / step) * step
    return start + step * np.arange(count + 1)


def _greyed(cells: pd.DataFrame, measure: str, values: np.ndarray) -> np.ndarray:
    """Cells not to colour: too few values for a statistic, unknown population for a rate."""
    if measure == "rows":
        return np.zeros(len(cells), dtype=bool)
    if measure == "per_10k":
        return np.isnan(values)
    return cells["too_few"].to_numpy(dtype=bool) | np.isnan(values)


def heat_map_static(
    cells: gpd.GeoDataFrame,
    measure: str,
    *,
    interval: str = "response",
    language: Language = "id",
    min_count: int = 10,
) -> go.Figure:
    """The heat cells in five equal classes on plain SVG axes, grey for too few values or
    unknown population: for the report, which must draw offline from disk and print."""
    values = measure_values(cells, measure)
    grey = _greyed(cells, measure, values)
    title = measure_title(measure, interval, language)
    classes = np.full(len(cells), "", dtype=object)
    colours: dict[str, str] = {}
    if (~grey).any():
        edges = class_edges(values[~grey])
        palette = sample_colorscale(MEASURES[measure], np.linspace(0.1, 1.0, len(edges) - 1))
        if measure == "compliance":
            palette = palette[::-1]
        index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
        decimals = 0 if float(edges[1] - edges[0]).is_integer() else 1
        names = [f"{number(low, language, decimals)}–{number(high, language, decimals)}"
                 for low, high in itertools.pairwise(edges)]  # fmt: skip
        colours = dict(zip(names, palette, strict=True))
        classes[~grey] = np.asarray(names, dtype=object)[index[~grey]]
    reason = "population_unknown" if measure == "per_10k" else "too_few"
    grey_name = word(f"analytics.{reason}", language, min_count=min_count)
    classes[grey] = grey_name
    colours[grey_name] = TOO_FEW_COLOUR
    return static_area_figure(cells, classes.tolist(), colours, legend_title=title)


def heat_map_figure(
    cells: gpd.GeoDataFrame,
    measure: str,
    view: MapView,
    *,
    interval: str = "response",
    language: Language = "id",
    basemap: str = OFFLINE_BASEMAP,
    background: Sequence[dict[str, Any]] = (),
    min_count: int = 10,
) -> go.Figure:
    """The heat cells coloured by ``measure`` (a key of :data:`MEASURES`).

    ``cells`` has the columns of ``geodata.analytics.heat_cells.HEAT_COLUMNS`` and a
    geometry (EPSG:4326); ``background`` the basemap layers drawn beneath.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure '{measure}'; known: {', '.join(MEASURES)}")
    hexagons = not cells["name"].astype(bool).any() if len(cells) else True
    values = measure_values(cells, measure)
    grey = _greyed(cells, measure, values)
    title = measure_title(measure, interval, language)
    hover = np.asarray(_hover(cells, language, hexagons), dtype=object)
    geojson = feature_collection(cells, "cell_id")
    ids = cells["cell_id"].astype(str).to_numpy()
    traces: list[Any] = []
    if (~grey).any():
        traces.append(
            go.Choroplethmap(
                geojson=geojson, locations=ids[~grey], z=values[~grey], featureidkey="id",
                colorscale=MEASURES[measure], reversescale=measure == "compliance",
                marker={"opacity": 0.72, "line": {"width": 0.6, "color": "#ffffff"}},
                colorbar={"title": {"text": title, "side": "right"}, "thickness": 14},
                text=hover[~grey], hovertemplate="%{text}<extra></extra>", name=title,
            )
        )  # fmt: skip
    if grey.any():
        reason = "population_unknown" if measure == "per_10k" else "too_few"
        traces.append(
            go.Choroplethmap(
                geojson=geojson, locations=ids[grey], z=np.zeros(int(grey.sum())),
                featureidkey="id", colorscale=[[0, TOO_FEW_COLOUR], [1, TOO_FEW_COLOUR]],
                showscale=False, showlegend=True,
                name=word(f"analytics.{reason}", language, min_count=min_count),
                marker={"opacity": 0.55, "line": {"width": 0.6, "color": "#90a4ae"}},
                text=hover[grey], hovertemplate="%{text}<extra></extra>",
            )
        )  # fmt: skip
    if not traces:  # an empty map, not bare cartesian axes
        traces.append(go.Choroplethmap(geojson=geojson, locations=[], z=[], showscale=False))
    figure = go.Figure(traces)
    figure.update_layout(**map_layout(view, basemap, background, f"heat-{measure}"))
    if cells.empty:
        figure.update_layout(annotations=[empty_note(word("analytics.no_data", language))])
    return figure
