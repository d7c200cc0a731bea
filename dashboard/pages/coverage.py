"""Coverage page: the modelled drive from the nearest posko (or the units available now)
against a named standard, as isochrone bands on the map, shares and the gaps.

Callbacks are adapters over ``geodata.analytics.agency_coverage.coverage_view`` and
``layers.analytics.coverage_map``; the map is patched (data only) so its view stays put.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import dash
from dash import ALL, Input, Output, Patch, State, ctx, dcc, html
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import OperationalError

from dashboard.access.guards import (
    guarded,
    page_refusal,
    reachable_city,
    requested_city,
    spend,
)
from dashboard.app import current_engine, current_settings
from dashboard.page_parts import (
    city_background,
    export_buttons,
    html_table,
    readiness_notice,
    section,
    synthetic_banner,
    top_bar,
)
from geodata.analytics.agency_coverage import CoverageView, coverage_view
from geodata.analytics.standards import AnalyticsConfig
from geodata.city_readiness import city_readiness
from geodata.map_queries import CitySummary
from geodata.vocabulary import AgencyKind
from layers.analytics import coverage_map
from layers.analytics.coverage_panel import CoveragePanel, coverage_panel
from layers.analytics.exports import csv_text, export_filename, geojson_text, png_config
from layers.city_map import MapView, zoom_for_bounds
from layers.words import (
    Language,
    choose_language,
    label,
    word,
)

dash.register_page(__name__, path="/coverage", title="Tanggap — Cakupan")

HISTORY_DAYS = 365
CONTROLS = (("cv-agency", "value"), ("cv-mode", "value"), ("cv-target", "value"),
            ("cv-allowance", "value"))  # fmt: skip


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


def panel_children(panel: CoveragePanel) -> tuple[Any, Any, Any, Any]:
    """The panel's notes, cards, curve and gaps table as Dash components."""
    notes = [html.P(note) for note in panel.notes]
    cards = [html.Div([html.Div(title, className="label"), html.Div(value, className="value")],
                      className="an-card") for title, value in panel.cards]  # fmt: skip
    return notes, cards, panel.curve, html_table(panel.gaps)


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

    kinds = [{"label": label("agency_kind", kind.value, language), "value": kind.value}
             for kind in AgencyKind]  # fmt: skip
    return html.Div([
        field(word("analytics.agency", language), dcc.Dropdown(id="cv-agency", options=kinds,
                                                       value=AgencyKind.FIRE.value,
                                                       clearable=False)),
        field(word("analytics.coverage_mode", language), dcc.RadioItems(
            id="cv-mode", value="planned", inline=True,
            options=[{"label": word("analytics.planned", language), "value": "planned"},
                     {"label": word("analytics.live", language), "value": "live"}])),
        field(word("analytics.target_minutes", language), dcc.Input(
            id="cv-target", type="number", min=1, max=240, debounce=True,
            placeholder=word("analytics.standard_default", language))),
        field(word("analytics.allowance_minutes", language), dcc.Input(
            id="cv-allowance", type="number", min=0, max=120, debounce=True,
            placeholder=word("analytics.standard_default", language))),
    ], className="an-controls")  # fmt: skip


def layout(lang: str | None = None, city: str | None = None, **_: object) -> Any:
    """The controls and empty panels; ``update_coverage`` fills them on load."""
    settings = current_settings()
    language = choose_language(lang, settings.language)
    if (refusal := page_refusal("/coverage", language)) is not None:
        return refusal
    try:
        with current_engine().connect() as conn:
            summary = reachable_city(conn, city, settings.default_city)
            readiness = None if summary is None else city_readiness(conn, summary.id)
    except OperationalError:
        return html.Div(word("app.database_unavailable", language),
                        className="notice error")  # fmt: skip
    if summary is None or readiness is None:
        return html.Div(word("app.no_city", language), className="notice")
    name = summary.code.replace(".", "-")
    return html.Div([
        top_bar(language, "/coverage", city_name=summary.name),
        synthetic_banner(summary, language),
        readiness_notice(readiness, "/coverage", summary.name, language),
        dcc.Store(id="cv-context", data={"city": summary.code, "language": language}),
        dcc.Download(id="cv-download"),
        controls(language),
        section(word("analytics.coverage_title", language), [
            html.Div(id="cv-standard", className="an-standard"),
            html.Div(id="cv-cards", className="an-cards")],
            export_buttons("cv-export", "summary", language, ("csv",))),
        html.Div([
            section(word("analytics.isochrone_title", language), [dcc.Graph(
                id="cv-map", className="cv-map an-graph",
                config=png_config(f"tanggap_{name}_isochrones"))],
                export_buttons("cv-export", "cells", language, ("csv", "geojson")), wide=True),
            section(word("analytics.curve_title", language), [dcc.Graph(
                id="cv-curve", className="an-graph",
                config=png_config(f"tanggap_{name}_coverage_curve"))],
                export_buttons("cv-export", "curve", language, ("csv",))),
        ], className="an-row"),
        section(word("analytics.gaps_title", language), [html.Div(id="cv-gaps")],
                export_buttons("cv-export", "areas", language, ("csv", "geojson"))),
        html.P(word("analytics.png_hint", language), className="an-small an-note"),
    ], className="an-page", lang=language)  # fmt: skip


@dash.callback(
    Output("cv-map", "figure"), Output("cv-standard", "children"), Output("cv-cards", "children"),
    Output("cv-curve", "figure"), Output("cv-gaps", "children"),
    *[Input(component, prop) for component, prop in CONTROLS], State("cv-context", "data"),
)  # fmt: skip
@guarded("/coverage")
def update_coverage(kind: str, mode: str, target: Any, allowance: Any, context: Any) -> Any:
    """Compute coverage for the chosen agency, origins and minutes: on load the map whole
    with its basemap, afterwards its data only (the view stays put)."""
    spend("coverage")
    language = choose_language(context["language"], "id")
    first_load = ctx.triggered_id is None
    basemap = current_settings().basemap
    with current_engine().connect() as conn:
        city = requested_city(conn, context["city"])
        base = (basemap, city_background(basemap) if first_load else [])
    view = compute(city, kind, mode, target, allowance)
    full = map_figure(view, city, language, base)
    figure: Any = full
    if not first_load:
        figure = Patch()
        figure["data"] = [trace.to_plotly_json() for trace in full.data]
        figure["layout"]["annotations"] = [
            note.to_plotly_json() for note in full.layout.annotations
        ]
    return (figure, *panel_children(coverage_panel(view, language)))


@dash.callback(
    Output("cv-download", "data"),
    Input({"type": "cv-export", "layer": ALL, "format": ALL}, "n_clicks"),
    *[State(component, prop) for component, prop in CONTROLS], State("cv-context", "data"),
    prevent_initial_call=True,
)  # fmt: skip
@guarded("/coverage")
def export_coverage(clicks: Any, kind: str, mode: str, target: Any, allowance: Any,
                    context: Any) -> Any:  # fmt: skip
    """CSV or GeoJSON of the layer or table whose button was clicked."""
    trigger = ctx.triggered_id
    if not trigger or not ctx.triggered or not ctx.triggered[0]["value"]:
        raise PreventUpdate
    spend("exports")
    with current_engine().connect() as conn:
        city = requested_city(conn, context["city"])
    view = compute(city, kind, mode, target, allowance)
    frame = view.layers()[trigger["layer"]]
    geo = trigger["format"] == "geojson" and "geometry" in frame
    name = export_filename(city.code, f"coverage_{kind}_{trigger['layer']}", mode,
                           "geojson" if geo else "csv")  # fmt: skip
    return dcc.send_string(geojson_text(frame) if geo else csv_text(frame), name)
