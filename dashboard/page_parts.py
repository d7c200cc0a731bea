"""Pieces several pages share (not a page: Dash would register a page module twice if
another page imported it)."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
from dash import dcc, html
from sqlalchemy import Connection

from dashboard.navigation import nav_links
from geodata import map_queries
from geodata.map_queries import CitySummary
from layers.city_map import CityMapLayers, basemap_layers
from layers.ui_text import phrase
from layers.vocabulary import Language

__all__ = ["city_background", "top_bar"]


def top_bar(city: CitySummary, language: Language, path: str) -> Any:
    """Brand, city, page links and the language switch that stays on ``path``."""
    other: Language = "en" if language == "id" else "id"
    return html.Header(
        [html.Div([html.Span(phrase("app_title", language), className="brand"),
                   html.Span(city.name, className="city"), nav_links(language, path)],
                  className="identity"),
         html.Div([dcc.Link(phrase("language_switch", language), href=f"{path}?lang={other}",
                            refresh=True, className="lang")], className="facts")],
        className="topbar",
    )  # fmt: skip


def city_background(conn: Connection, city: CitySummary, basemap: str) -> list[dict[str, Any]]:
    """The basemap beneath a page's maps: land, roads (offline), kecamatan and kelurahan."""
    empty = gpd.GeoDataFrame(geometry=[], crs=4326)
    layers = CityMapLayers(
        kecamatan=map_queries.area_outlines(conn, city.id, "kecamatan"),
        kelurahan=map_queries.area_outlines(conn, city.id, "kelurahan"),
        roads=map_queries.road_lines(conn, city.id), stations=empty, incidents=empty,
        timezone=city.timezone,
    )  # fmt: skip
    return basemap_layers(layers, basemap)
