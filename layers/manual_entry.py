"""What the manual incident entry page (``/kejadian-baru``) shows: its map with the chosen
place, the choices of its form, and the sentences about the place and the submission.

Pure: values in, figures and text out; the page reads and writes through
``geodata.operations.manual_entry``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from layers.city_map import LAND_COLOUR, OFFLINE_BASEMAP, MapView
from layers.words import Language, label, word

__all__ = [
    "PRIORITIES",
    "category_options",
    "entry_map_figure",
    "kelurahan_options",
    "place_marker",
    "priority_options",
    "problem_text",
]

PRIORITIES = (1, 2, 3, 4)
MARKER_COLOUR = "#d32f2f"


def entry_map_figure(
    view: MapView, background: Sequence[dict[str, Any]], *, basemap: str = OFFLINE_BASEMAP
) -> go.Figure:
    """The city over its basemap, with trace 0 the chosen place (empty until one is chosen:
    :func:`place_marker` fills it). A click anywhere on the map chooses a place (the page's
    script reads the click's coordinates from MapLibre)."""
    figure = go.Figure(
        go.Scattermap(
            lon=[],
            lat=[],
            mode="markers",
            name="place",
            hoverinfo="skip",
            marker={"size": 20, "color": MARKER_COLOUR, "opacity": 0.9},
        )
    )
    figure.update_layout(
        map={"style": "white-bg" if basemap == OFFLINE_BASEMAP else basemap,
             "center": {"lon": view.lon, "lat": view.lat}, "zoom": view.zoom,
             "layers": list(background)},
        margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False, uirevision="entry-map",
        paper_bgcolor=LAND_COLOUR if basemap == OFFLINE_BASEMAP else "white",
        clickmode="none", dragmode="pan",
    )  # fmt: skip
    return figure


def place_marker(lon: float | None, lat: float | None) -> dict[str, list[float]]:
    """The chosen place's trace data (lon, lat lists; empty for none)."""
    if lon is None or lat is None:
        return {"lon": [], "lat": []}
    return {"lon": [round(lon, 6)], "lat": [round(lat, 6)]}


def problem_text(problem: str, values: Mapping[str, object], language: Language) -> str:
    """The sentence of a form problem (``EntryError.problem`` and its values)."""
    return word(f"entry.problem_{problem}", language, **values)


def category_options(categories: Iterable[str], language: Language) -> list[dict[str, str]]:
    """Dropdown options of ``categories`` in the given order, labelled in ``language``."""
    return [{"label": label("category", code, language), "value": code} for code in categories]


def priority_options(language: Language) -> list[dict[str, object]]:
    """Radio options of the priorities 1 (critical) … 4 (low)."""
    return [{"label": word(f"entry.priority_{p}", language), "value": p} for p in PRIORITIES]


def kelurahan_options(
    rows: Iterable[Mapping[str, Any]], language: Language
) -> list[dict[str, str]]:
    """Searchable options "Name (Kec. X)" of kelurahan rows (code, name, kecamatan)."""
    return [
        {"label": word("entry.kelurahan_option", language, name=row["name"],
                       kecamatan=row["kecamatan"] or "–"), "value": str(row["code"])}
        for row in rows
    ]  # fmt: skip
