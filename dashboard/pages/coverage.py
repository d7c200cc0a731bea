"""Coverage page: the modelled drive from the nearest posko (or the units available now)
against a named standard, as isochrone bands on the map, shares and the gaps.

Callbacks are adapters over ``geodata.analytics.agency_coverage.coverage_view`` and
``layers.analytics.coverage_map``; the map is patched (data only) so its view stays put.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import dash
import pandas as pd
from dash import ALL, Input, Output, Patch, State, ctx, dcc, html
from dash.exceptions import PreventUpdate
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from dashboard.app import current_engine, current_settings
from dashboard.page_parts import city_background, top_bar
from geodata import map_queries
from geodata.analytics.agency_coverage import CoverageView, coverage_view
from geodata.analytics.standards import AnalyticsConfig
from geodata.map_queries import CitySummary
from geodata.vocabulary import AgencyKind
from layers.analytics import coverage_map, tables
from layers.analytics.exports import csv_text, export_filename, geojson_text, png_config
from layers.analytics.text import number, percent, phrase
from layers.city_map import MapView, zoom_for_bounds
from layers.ui_text import phrase as ui_phrase
from layers.vocabulary import AGENCY_KIND_LABELS, Language, label

dash.register_page(__name__, path="/coverage", title="Tanggap — Cakupan")

HISTORY_DAYS = 365
CONTROLS = (("cv-agency", "value"), ("cv-mode", "value"), ("cv-target", "value"),
            ("cv-allowance", "value"))  # fmt: skip


# Page modules cannot import one another (Dash loads them under its own module names), so
# these few helpers repeat those of the analytics page.
def choose_language(requested: str | None, default: Language) -> Language:
    return requested if requested in ("id", "en") else default  # type: ignore[return-value]


def city_for(conn: Connection, code: str | None) -> CitySummary:
    city = map_queries.city_summary(conn, code)
    if city is None:
        raise PreventUpdate
    return city


def html_table(table: tables.Table) -> Any:
    head = html.Thead(html.Tr([html.Th(cell) for cell in table.header]))
    body = html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in table.rows])
    return html.Table([head, body], className="an-table")


def export_buttons(layer: str, language: Language, formats: tuple[str, ...]) -> Any:
    return html.Span([html.Button(phrase(f"download_{fmt}", language), className="an-export",
                                  id={"type": "cv-export", "layer": layer, "format": fmt})
                      for fmt in formats], className="an-exports")  # fmt: skip


def section(title: str, body: list[Any], exports: Any = None, wide: bool = False) -> Any:
    head = html.Div([html.H3(title), exports], className="an-section-head")
    return html.Section([head, *body], className="an-section wide" if wide else "an-section")


def compute(city: CitySummary, kind: str, mode: str, target: Any, allowance: Any) -> CoverageView:
    """The coverage view for the page's control values (minutes; empty = configured)."""
    config = AnalyticsConfig.from_settings(current_settings()).with_target(
        kind, _minutes(target), _minutes(allowance)
    )
    now = datetime.now(UTC)
    with current_engine().connect() as conn:
        return coverage_view(conn, city.id, kind, config, live=mode == "live", now=now,
                             incidents_since=now - timedelta(days=HISTORY_DAYS))  # fmt: skip


def _minutes(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


def summary_frame(view: CoverageView) -> pd.DataFrame:
    """The city-wide figures as a one-row table (for the CSV export)."""
    result, summary = view.result, view.result.coverage.summary
    return pd.DataFrame([{
        "agency_kind": result.agency_kind, "standard": result.standard.name,
        "target_s": result.standard.target_s, "allowance_s": result.standard.allowance_s,
        "travel_budget_s": result.standard.travel_budget_s, "profile": result.profile,
        "live": result.live, "origins": len(result.origins),
        "units_total": result.units_total, "units_available": result.units_available,
        "area_km2": summary.area_km2, "area_share": summary.area_share,
        "population": summary.population, "population_share": summary.population_share,
        "incidents": summary.incidents, "incident_share": summary.incident_share,
    }])  # fmt: skip


def outputs(view: CoverageView, city: CitySummary, language: Language) -> dict[str, Any]:
    """Standard sentence, share cards, curve and gaps table of one coverage view."""
    result, summary = view.result, view.result.coverage.summary
    standard = result.standard
    sentence = phrase(
        "coverage_standard", language, name=standard.name,
        target=number(standard.target_s / 60, language),
        allowance=number(standard.allowance_s / 60, language),
        budget=number(standard.travel_budget_s / 60, language), profile=result.profile,
    )  # fmt: skip
    cards = [
        html.Div([html.Div(phrase(key, language), className="label"),
                  html.Div(percent(share, language), className="value")], className="an-card")
        for key, share in (("coverage_area", summary.area_share),
                           ("coverage_population", summary.population_share),
                           ("coverage_incidents", summary.incident_share))
    ]  # fmt: skip
    if result.live:
        units = phrase("live_units", language, available=result.units_available,
                       total=result.units_total)  # fmt: skip
        cards.append(html.Div([html.Div(phrase("live", language), className="label"),
                               html.Div(units, className="value")],
                              className="an-card"))  # fmt: skip
    notes = [sentence, phrase("population_note", language)]
    if not len(result.origins):
        notes.insert(0, phrase("no_origins", language))
    return {
        "standard": [html.P(note) for note in notes],
        "cards": cards,
        "curve": coverage_map.coverage_curve_figure(
            view.curve, budget_s=standard.travel_budget_s, language=language
        ),
        "gaps": html_table(tables.coverage_gaps_table(result.coverage.areas, language)),
    }


def map_figure(view: CoverageView, city: CitySummary, language: Language, base: Any) -> Any:
    result = view.result
    return coverage_map.isochrone_figure(
        result.coverage.cells, result.origins,
        MapView(*city.center, zoom=zoom_for_bounds(city.bounds, 900, 560)),
        budget_s=result.standard.travel_budget_s, language=language, basemap=base[0],
        background=base[1],
    )  # fmt: skip


def controls(language: Language) -> Any:
    def field(title: str, control: Any) -> Any:
        return html.Label([html.Span(title), control], className="an-field")

    kinds = [{"label": label(AGENCY_KIND_LABELS, kind.value, language), "value": kind.value}
             for kind in AgencyKind]  # fmt: skip
    return html.Div([
        field(phrase("agency", language), dcc.Dropdown(id="cv-agency", options=kinds,
                                                       value=AgencyKind.FIRE.value,
                                                       clearable=False)),
        field(phrase("coverage_mode", language), dcc.RadioItems(
            id="cv-mode", value="planned", inline=True,
            options=[{"label": phrase("planned", language), "value": "planned"},
                     {"label": phrase("live", language), "value": "live"}])),
        field(phrase("target_minutes", language), dcc.Input(
            id="cv-target", type="number", min=1, max=240, debounce=True,
            placeholder=phrase("standard_default", language))),
        field(phrase("allowance_minutes", language), dcc.Input(
            id="cv-allowance", type="number", min=0, max=120, debounce=True,
            placeholder=phrase("standard_default", language))),
    ], className="an-controls")  # fmt: skip


def layout(lang: str | None = None, city: str | None = None, **_: object) -> Any:
    """Built on each page load from the database as it is now (never at import)."""
    settings = current_settings()
    language = choose_language(lang, settings.language)
    try:
        with current_engine().connect() as conn:
            summary = map_queries.city_summary(conn, city or settings.default_city)
            if summary is None:
                return html.Div(ui_phrase("no_city", language), className="notice")
            base = (settings.basemap, city_background(conn, summary, settings.basemap))
        view = compute(summary, AgencyKind.FIRE.value, "planned", None, None)
    except OperationalError as error:
        return html.Div(ui_phrase("database_unavailable", language, error=error.orig),
                        className="notice error")  # fmt: skip
    out = outputs(view, summary, language)
    name = summary.code.replace(".", "-")
    banner = html.Div(ui_phrase("synthetic_banner", language), className="synthetic") \
        if summary.is_synthetic else None  # fmt: skip
    return html.Div([
        top_bar(summary, language, "/coverage"), banner,
        dcc.Store(id="cv-context", data={"city": summary.code, "language": language}),
        dcc.Download(id="cv-download"),
        controls(language),
        section(phrase("coverage_title", language), [
            html.Div(out["standard"], id="cv-standard", className="an-standard"),
            html.Div(out["cards"], id="cv-cards", className="an-cards")],
            export_buttons("summary", language, ("csv",))),
        html.Div([
            section(phrase("isochrone_title", language), [dcc.Graph(
                id="cv-map", figure=map_figure(view, summary, language, base),
                className="cv-map an-graph", config=png_config(f"tanggap_{name}_isochrones"))],
                export_buttons("cells", language, ("csv", "geojson")), wide=True),
            section(phrase("curve_title", language), [dcc.Graph(
                id="cv-curve", figure=out["curve"], className="an-graph",
                config=png_config(f"tanggap_{name}_coverage_curve"))],
                export_buttons("curve", language, ("csv",))),
        ], className="an-row"),
        section(phrase("gaps_title", language), [html.Div(out["gaps"], id="cv-gaps")],
                export_buttons("areas", language, ("csv", "geojson"))),
        html.P(phrase("png_hint", language), className="an-small an-note"),
    ], className="an-page", lang=language)  # fmt: skip


@dash.callback(
    Output("cv-map", "figure"), Output("cv-standard", "children"), Output("cv-cards", "children"),
    Output("cv-curve", "figure"), Output("cv-gaps", "children"),
    *[Input(component, prop) for component, prop in CONTROLS], State("cv-context", "data"),
    prevent_initial_call=True,
)  # fmt: skip
def update_coverage(kind: str, mode: str, target: Any, allowance: Any, context: Any) -> Any:
    """Recompute coverage for the chosen agency, origins and minutes."""
    language = choose_language(context["language"], "id")
    with current_engine().connect() as conn:
        city = city_for(conn, context["city"])
    view = compute(city, kind, mode, target, allowance)
    out = outputs(view, city, language)
    patch = Patch()
    figure = map_figure(view, city, language, ("offline", []))
    patch["data"] = [trace.to_plotly_json() for trace in figure.data]
    return patch, out["standard"], out["cards"], out["curve"], out["gaps"]


@dash.callback(
    Output("cv-download", "data"),
    Input({"type": "cv-export", "layer": ALL, "format": ALL}, "n_clicks"),
    *[State(component, prop) for component, prop in CONTROLS], State("cv-context", "data"),
    prevent_initial_call=True,
)  # fmt: skip
def export_coverage(clicks: Any, kind: str, mode: str, target: Any, allowance: Any,
                    context: Any) -> Any:  # fmt: skip
    """CSV or GeoJSON of the layer or table whose button was clicked."""
    trigger = ctx.triggered_id
    if not trigger or not ctx.triggered or not ctx.triggered[0]["value"]:
        raise PreventUpdate
    with current_engine().connect() as conn:
        city = city_for(conn, context["city"])
    view = compute(city, kind, mode, target, allowance)
    frames = {"cells": view.result.coverage.cells, "areas": view.result.coverage.areas,
              "curve": view.curve, "summary": summary_frame(view)}  # fmt: skip
    frame = frames[trigger["layer"]]
    geo = trigger["format"] == "geojson" and "geometry" in frame
    name = export_filename(city.code, f"coverage_{kind}_{trigger['layer']}", mode,
                           "geojson" if geo else "csv")  # fmt: skip
    return dcc.send_string(geojson_text(frame) if geo else csv_text(frame), name)
