"""First page: the city map with boundaries, posko and the last day's incidents.

The layout holds controls and an empty graph; :func:`draw_map` fills it after load, over
the basemap's vector tiles, so the page's HTML does not grow with the city.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dash
import geopandas as gpd
from dash import Input, Output, dcc, html
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from dashboard.access.guards import guarded, page_refusal, reachable_city, requested_city
from dashboard.app import current_engine, current_settings
from dashboard.page_parts import city_background, readiness_notice, synthetic_banner, top_bar
from geodata import map_queries
from geodata.city_readiness import city_readiness
from geodata.map_queries import CitySummary
from layers.city_map import CityMapLayers, MapView, city_map_figure, zoom_for_bounds
from layers.words import (
    Language,
    choose_language,
    word,
    zone_abbreviation,
)

dash.register_page(__name__, path="/", title="Tanggap")


def load_city_map(conn: Connection, city: CitySummary, since: datetime) -> CityMapLayers:
    """The points the city map shows, read in two statements (the basemap comes as tiles)."""
    empty = gpd.GeoDataFrame({"name": []}, geometry=[], crs=4326)
    return CityMapLayers(
        kecamatan=empty,
        kelurahan=empty,
        roads=empty,
        stations=map_queries.station_points(conn, city.id),
        incidents=map_queries.recent_incidents(conn, city.id, since),
        timezone=city.timezone,
    )


def facts(city: CitySummary, layers: CityMapLayers, now: datetime, language: Language) -> list[Any]:
    """The first page's facts: incidents in the window, posko, when it was drawn."""
    hours = current_settings().recent_hours
    local = now.astimezone(ZoneInfo(city.timezone))
    stamp = f"{local:%d-%m-%Y %H:%M} {zone_abbreviation(city.timezone)}"
    return [
        html.Span(word("app.incidents_window", language, hours=hours, count=len(layers.incidents)),
                  id="incident-count"),
        html.Span(word("app.stations_count", language, count=len(layers.stations))),
        html.Span(word("app.updated_at", language, time=stamp), id="updated-at"),
    ]  # fmt: skip


def layout(lang: str | None = None, city: str | None = None, **_: object) -> Any:
    """Controls and an empty map; :func:`draw_map` fills it (no figure data in the page)."""
    settings = current_settings()
    language = choose_language(lang, settings.language)
    if (refusal := page_refusal("/", language)) is not None:
        return refusal
    try:
        with current_engine().connect() as conn:
            summary = reachable_city(conn, city, settings.default_city)
            readiness = None if summary is None else city_readiness(conn, summary.id)
    except OperationalError:
        return html.Div(word("app.database_unavailable", language), className="notice error")
    if summary is None or readiness is None:
        return html.Div(word("app.no_city", language), className="notice")
    return html.Div(
        [
            top_bar(language, "/", city_name=summary.name,
                    facts=[html.Span(id="city-facts", className="facts-inline")]),
            synthetic_banner(summary, language),
            readiness_notice(readiness, "/", summary.name, language),
            dcc.Graph(id="city-map", className="city-map",
                      config={"displaylogo": False, "scrollZoom": True}),
            dcc.Store(id="city-page", data={"city": summary.code, "language": language}),
        ],
        className="page",
        lang=language,
    )  # fmt: skip


@dash.callback(
    Output("city-map", "figure"),
    Output("city-facts", "children"),
    Input("city-page", "data"),
)
@guarded("/")
def draw_map(page: dict[str, Any]) -> tuple[Any, Any]:
    """The city map: posko and the last hours' incidents over the vector-tile basemap."""
    settings = current_settings()
    language: Language = page["language"]
    now = datetime.now(UTC)
    with current_engine().connect() as conn:
        summary = requested_city(conn, page["city"])
        layers = load_city_map(conn, summary, now - timedelta(hours=settings.recent_hours))
    view = MapView(*summary.center, zoom=zoom_for_bounds(summary.bounds))
    figure = city_map_figure(layers, view, now=now, language=language, basemap=settings.basemap,
                             background=city_background(settings.basemap))  # fmt: skip
    return figure, facts(summary, layers, now, language)
