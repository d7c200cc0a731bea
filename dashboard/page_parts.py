"""Pieces several pages share (not a page: Dash would register a page module twice if
another page imported it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import dcc, html
from flask_wtf.csrf import generate_csrf

from dashboard.access.signin import signed_in
from dashboard.api.tiles import tile_urls
from dashboard.app import current_settings
from dashboard.navigation import nav_links
from geodata.city_readiness import CityReadiness, missing_for
from geodata.map_queries import CitySummary
from geodata.map_tiles import MIN_ZOOM, TILE_LAYERS
from layers.analytics.tables import Table
from layers.city_map import LIGHT_BASEMAP, BasemapPalette, basemap_layers
from layers.words import Language, label, other_language, word

__all__ = [
    "city_background",
    "export_buttons",
    "html_table",
    "readiness_notice",
    "section",
    "synthetic_banner",
    "top_bar",
]


def top_bar(
    language: Language,
    path: str,
    *,
    city_name: str | None = None,
    facts: Sequence[Any] = (),
    extra: Sequence[Any] = (),
) -> Any:
    """Brand, city, page links, the page's own ``facts`` and the language switch.

    ``extra`` comes after the links (a control of the page); the switch stays on ``path``.
    """
    other = other_language(language)
    city = [html.Span(city_name, className="city", id="city-name")] if city_name else []
    switch = dcc.Link(word("app.language_switch", language), href=f"{path}?lang={other}",
                      refresh=True, className="lang")  # fmt: skip
    return html.Header(
        [html.Div([html.Span(word("app.title", language), className="brand"), *city,
                   nav_links(language, path), *extra], className="identity"),
         html.Div([*facts, switch, *signed_in_as(language)], className="facts")],
        className="topbar",
    )  # fmt: skip


def signed_in_as(language: Language) -> list[Any]:
    """Who is signed in (name and role) and the sign-out button (a POST with the CSRF token)."""
    who = signed_in()
    if who is None:
        return []
    role = label("user_role", who.role.value, language)
    return [
        html.Span(word("access.signed_in_as", language, name=who.display_name, role=role),
                  className="who", id="signed-in-as"),
        html.Form([dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
                   html.Button(word("access.sign_out", language), type="submit",
                               className="sign-out")],
                  action="/keluar", method="POST", className="sign-out-form"),
    ]  # fmt: skip


def city_background(basemap: str, palette: BasemapPalette = LIGHT_BASEMAP) -> list[dict[str, Any]]:
    """The basemap beneath a page's maps: land, roads (offline), kecamatan and kelurahan, each
    a vector-tile layer the browser fetches from ``/tiles`` by what is in view (nothing of
    the city's geometry in the figure, whatever the city's size). Needs a request (the
    tiles' URLs are absolute, as the request reached us)."""
    urls = tile_urls(TILE_LAYERS, current_settings().tile_url)
    return basemap_layers(urls, basemap, palette, MIN_ZOOM)


def synthetic_banner(city: CitySummary, language: Language) -> Any:
    """The notice that a synthetic city's data is generated, not real; None for a real city."""
    if not city.is_synthetic:
        return None
    return html.Div(word("app.synthetic_banner", language), className="synthetic", id="synthetic")


def readiness_notice(
    readiness: CityReadiness, path: str, city_name: str, language: Language
) -> Any:
    """What page ``path`` lacks of the city's data, each with the command that adds it;
    None when nothing it needs is missing (``geodata.city_readiness.missing_for``)."""
    missing = missing_for(readiness, path)
    if not missing:
        return None
    items = [
        html.Li([html.Span(word(f"readiness.missing_{part}", language)),
                 html.Code(word(f"readiness.command_{part}", language, code=readiness.city_code),
                           className="command")],
                id=f"missing-{part}")
        for part in missing
    ]  # fmt: skip
    return html.Div(
        [html.Strong(word("readiness.title", language, city=city_name)), html.Ul(items)],
        className="notice readiness", id="readiness",
    )  # fmt: skip


def html_table(table: Table) -> Any:
    """A :class:`~layers.analytics.tables.Table` as an HTML table; without rows, the
    table's reason (``empty``) in their place."""
    head = html.Thead(html.Tr([html.Th(cell) for cell in table.header]))
    rows = [html.Tr([html.Td(cell) for cell in row]) for row in table.rows]
    if not rows and table.empty:
        rows = [html.Tr(html.Td(table.empty, colSpan=len(table.header), className="empty"))]
    body = html.Tbody(rows)
    return html.Table([head, body], className="an-table")


def export_buttons(
    kind: str, layer: str, language: Language, formats: Sequence[str] = ("csv",)
) -> Any:
    """Download buttons of one table or layer; ids ``{"type": kind, "layer", "format"}``."""
    return html.Span(
        [html.Button(word(f"analytics.download_{fmt}", language), className="an-export",
                     id={"type": kind, "layer": layer, "format": fmt}) for fmt in formats],
        className="an-exports",
    )  # fmt: skip


def section(
    title: str, body: Sequence[Any], exports: Any = None, wide: bool = False, title_id: str = ""
) -> Any:
    """A titled panel of an analytics page, with its export buttons beside the title."""
    heading = html.H3(title, id=title_id) if title_id else html.H3(title)
    head = html.Div([heading, exports], className="an-section-head")
    return html.Section([head, *body], className="an-section wide" if wide else "an-section")
