"""First page: the city map with boundaries, posko and the last day's incidents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dash
from dash import dcc, html
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from dashboard.app import current_engine, current_settings
from dashboard.navigation import nav_links
from geodata import map_queries
from geodata.map_queries import CitySummary
from layers.city_map import CityMapLayers, MapView, city_map_figure, zoom_for_bounds
from layers.ui_text import phrase
from layers.vocabulary import Language, zone_abbreviation

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


def choose_language(requested: str | None, default: Language) -> Language:
    return requested if requested in ("id", "en") else default  # type: ignore[return-value]


def header(city: CitySummary, layers: CityMapLayers, now: datetime, language: Language) -> Any:
    hours = current_settings().recent_hours
    local = now.astimezone(ZoneInfo(city.timezone))
    other: Language = "en" if language == "id" else "id"
    stamp = f"{local:%d-%m-%Y %H:%M} {zone_abbreviation(city.timezone)}"
    return html.Header(
        [
            html.Div(
                [html.Span(phrase("app_title", language), className="brand"),
                 html.Span(city.name, className="city", id="city-name"),
                 nav_links(language, "/")],
                className="identity",
            ),
            html.Div(
                [
                    html.Span(phrase("incidents_window", language, hours=hours,
                                     count=len(layers.incidents)), id="incident-count"),
                    html.Span(phrase("stations_count", language, count=len(layers.stations))),
                    html.Span(phrase("updated_at", language, time=stamp), id="updated-at"),
                    dcc.Link(phrase("language_switch", language), href=f"/?lang={other}",
                             refresh=True, className="lang"),
                ],
                className="facts",
            ),
        ],
        className="topbar",
    )  # fmt: skip


def layout(lang: str | None = None, city: str | None = None, **_: object) -> Any:
    """Built on each page load (never at import), from the database as it is now."""
    settings = current_settings()
    language = choose_language(lang, settings.language)
    now = datetime.now(UTC)
    try:
        with current_engine().connect() as conn:
            summary = map_queries.city_summary(conn, city or settings.default_city)
            if summary is None:
                return html.Div(phrase("no_city", language), className="notice")
            since = now - timedelta(hours=settings.recent_hours)
            layers = load_city_map(conn, summary, since)
    except OperationalError as error:
        return html.Div(
            phrase("database_unavailable", language, error=error.orig), className="notice error"
        )
    view = MapView(*summary.center, zoom=zoom_for_bounds(summary.bounds))
    figure = city_map_figure(layers, view, now=now, language=language, basemap=settings.basemap)
    banner = (
        html.Div(phrase("synthetic_banner", language), className="synthetic", id="synthetic")
        if summary.is_synthetic
        else None
    )
    return html.Div(
        [
            header(summary, layers, now, language),
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
