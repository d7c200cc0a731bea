"""First page: the city map with boundaries, posko and the last day's incidents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dash
from dash import dcc, html
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from dashboard.access.guards import page_refusal, reachable_city
from dashboard.app import current_engine, current_settings
from dashboard.page_parts import top_bar
from geodata import map_queries
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
    """Everything the city map shows, read in five statements."""
    return CityMapLayers(
        kecamatan=map_queries.area_outlines(conn, city.id, "kecamatan"),
        kelurahan=map_queries.area_outlines(conn, city.id, "kelurahan"),
        roads=map_queries.road_lines(conn, city.id),
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
    """Built on each page load (never at import), from the database as it is now."""
    settings = current_settings()
    language = choose_language(lang, settings.language)
    if (refusal := page_refusal("/", language)) is not None:
        return refusal
    now = datetime.now(UTC)
    try:
        with current_engine().connect() as conn:
            summary = reachable_city(conn, city, settings.default_city)
            if summary is None:
                return html.Div(word("app.no_city", language), className="notice")
            since = now - timedelta(hours=settings.recent_hours)
            layers = load_city_map(conn, summary, since)
    except OperationalError:
        return html.Div(word("app.database_unavailable", language), className="notice error")
    view = MapView(*summary.center, zoom=zoom_for_bounds(summary.bounds))
    figure = city_map_figure(layers, view, now=now, language=language, basemap=settings.basemap)
    banner = (
        html.Div(word("app.synthetic_banner", language), className="synthetic", id="synthetic")
        if summary.is_synthetic
        else None
    )
    return html.Div(
        [
            top_bar(
                language, "/", city_name=summary.name, facts=facts(summary, layers, now, language)
            ),
            banner,
            dcc.Graph(
                id="city-map",
                figure=figure,
                className="city-map",
                config={"displaylogo": False, "scrollZoom": True},
            ),
        ],
        className="page",
        lang=language,
    )
