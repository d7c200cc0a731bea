"""Pieces the operators' page and the wall build alike: the city, its basemap, figures, patches.

The map's figure reaches the browser in two ways, never in the page's layout. Whole (the
first tick after load, a new epoch), a callback puts it into a ``dcc.Store`` with its point
arrays as compact typed arrays (its basemap as vector-tile layers), and the clientside
function ``tanggap.unpack`` (``assets/live.js``) turns them into plain arrays for the
graph. Changes go straight to the graph as a :class:`dash.Patch` of assignments at
indices, which plain arrays take and typed arrays would not.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import dash
from dash import Input, Output, State, dcc, html
from sqlalchemy.exc import OperationalError

from dashboard.access.guards import reachable_city
from dashboard.app import current_engine, current_settings
from dashboard.live_feed import LiveFeed, LiveOptions, reachable_basemap
from geodata import map_queries
from geodata.city_readiness import CityReadiness, city_readiness
from geodata.map_queries import CitySummary
from layers.city_map import MapView, zoom_for_bounds
from layers.words import Language, choose_language, word

__all__ = [
    "CityContext",
    "fresh_mark",
    "open_city",
    "packed_figure",
    "patch_of",
    "placeholder_figure",
    "stale_notice",
    "staleness_context",
    "watch_staleness",
]


@dataclass(frozen=True)
class CityContext:
    """The city a live page shows, its kecamatan's extents, the basemap to use and what
    of the city's data is there (``readiness``)."""

    city: CitySummary
    kecamatan_bounds: dict[str, tuple[float, float, float, float]]
    basemap: str
    language: Language
    readiness: CityReadiness


def open_city(feed: LiveFeed, lang: str | None, code: str | None) -> CityContext | str:
    """The city to show (three statements, no geometry), or a message why not."""
    settings = current_settings()
    language = choose_language(lang, settings.language)
    try:
        with current_engine().connect() as conn:
            city = reachable_city(conn, code, settings.default_city)
            if city is None:
                return word("app.no_city", language)
            bounds = map_queries.area_bounds(conn, city.id, "kecamatan")
            readiness = city_readiness(conn, city.id)
    except OperationalError:
        return word("app.database_unavailable", language)
    return CityContext(city, bounds, reachable_basemap(feed, settings.basemap), language,
                       readiness)  # fmt: skip


def city_view(city: CitySummary, width_px: int = 1000, height_px: int = 620) -> MapView:
    return MapView(*city.center, zoom=zoom_for_bounds(city.bounds, width_px, height_px))


def packed_figure(figure: Any, *, with_layout: bool = True) -> dict[str, Any]:
    """The figure as the ``*-packed`` stores carry it: typed arrays, no template."""
    document = figure.to_plotly_json()
    packed: dict[str, Any] = {"data": document["data"]}
    if with_layout:
        layout = dict(document["layout"])
        layout.pop("template", None)
        packed["layout"] = layout
    return packed


def placeholder_figure(view: MapView, background: str) -> dict[str, Any]:
    """An empty map at the city's view, shown for the instant before the real one unpacks."""
    return {
        "data": [{"type": "scattermap", "lon": [], "lat": [], "hoverinfo": "skip"}],
        "layout": {
            "map": {"style": "white-bg", "center": {"lon": view.lon, "lat": view.lat},
                    "zoom": view.zoom},
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "paper_bgcolor": background,
            "showlegend": False,
        },
    }  # fmt: skip


def patch_of(changes: Iterable[tuple[tuple[str | int, ...], Any]]) -> dash.Patch:
    """A :class:`dash.Patch` making each (location, value) assignment, in order."""
    patch = dash.Patch()
    for location, value in changes:
        target: Any = patch
        for key in location[:-1]:
            target = target[key]
        target[location[-1]] = value
    return patch


def staleness_context(options: LiveOptions, language: Language) -> dict[str, Any]:
    """What a live page's store tells ``tanggap.staleness`` (assets/live.js) besides the
    city's ``timezone`` and ``zone``: how long without an answer is stale (ms) and the words
    that say so (``{since}`` left to fill)."""
    return {"stale_after_ms": int(options.page_stale_after_s * 1000),
            "stale_words": word("live.stale_since", language, since="{since}")}  # fmt: skip


def fresh_mark() -> dict[str, float]:
    """What each answered tick sends to ``<prefix>-fresh`` (the browser stamps its arrival
    by its own clock, so the two clocks never need to agree)."""
    return {"answered_at_s": time.time()}


def watch_staleness(prefix: str, watch: str, context: str) -> None:
    """Register (once, when the page module loads) the clientside ``tanggap.staleness``
    (assets/live.js) for the notice of :func:`stale_notice`.

    ``<prefix>-fresh`` is set by every answered tick (:func:`fresh_mark`); the function
    notes when each arrives (and when the page loaded) by the browser's clock, and on each
    ``watch`` interval shows the notice, with that time in the city's zone, once the last is
    older than the ``context`` store says (:func:`staleness_context`). It needs no server,
    so it speaks while the server or the database is away."""
    dash.clientside_callback(
        dash.ClientsideFunction("tanggap", "staleness"),
        Output(f"{prefix}-seen", "data"),
        Output(f"{prefix}-stale", "children"),
        Output(f"{prefix}-stale", "className"),
        Input(watch, "n_intervals"),
        Input(f"{prefix}-fresh", "data"),
        State(f"{prefix}-seen", "data"),
        State(context, "data"),
    )


def stale_notice(prefix: str) -> list[Any]:
    """The hidden "data stale since …" notice of a live page, and its two stores."""
    return [html.Div(id=f"{prefix}-stale", className="stale-banner", role="status"),
            dcc.Store(id=f"{prefix}-fresh"), dcc.Store(id=f"{prefix}-seen")]  # fmt: skip
