"""Analytics page: where and when help arrives late (observed), and the 112 call funnel.

Callbacks are adapters: they parse the controls into a ``Selection``, call
``geodata.analytics.selection`` and build figures with ``layers.analytics``. Nothing is
kept between requests; the heat map is patched (its data only), so the basemap, the
view and the user's pan and zoom stay put.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import dash
import geopandas as gpd
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
from geodata import map_queries
from geodata.analytics.monthly import gather_monthly, parse_month
from geodata.analytics.response_intervals import INTERVALS
from geodata.analytics.selection import (
    EVERY,
    SelectionError,
    calls_view,
    data_days,
    default_period,
    parse_selection,
    response_view,
)
from geodata.analytics.standards import AnalyticsConfig
from geodata.city_readiness import city_readiness
from geodata.map_queries import CitySummary
from geodata.vocabulary import EMERGENCY_CATEGORIES, AgencyKind
from layers.analytics import funnel, heatmap, tables
from layers.analytics.exports import csv_text, export_filename, geojson_text, png_config
from layers.analytics.monthly_report import monthly_report_html, report_months
from layers.analytics.response_panel import response_panel
from layers.city_map import MapView, zoom_for_bounds
from layers.words import (
    Language,
    choose_language,
    label,
    word,
    zone_abbreviation,
)

dash.register_page(__name__, path="/analytics", title="Tanggap — Analitik")

DEFAULT_DAYS = 90
MEASURE_KEYS = ("p90_s", "median_s", "compliance", "rows", "per_10k")
#: The controls, in the order the callbacks receive them.
CONTROLS = (("an-dates", "start_date"), ("an-dates", "end_date"), ("an-categories", "value"),
            ("an-agency", "value"), ("an-kecamatan", "value"), ("an-interval", "value"),
            ("an-cells", "value"), ("an-resolution", "value"), ("an-target", "value"))  # fmt: skip
CONTROL_NAMES = ("first", "last", "categories", "agency", "kecamatan", "interval", "cells",
                 "resolution", "target")  # fmt: skip
GEO_LAYERS = ("heat", "prank_hotspots")
CALL_LAYERS = ("outcomes", "calls_by_day", "calls_by_hour", "prank_hotspots", "handoffs")


def heat_figure(view: Any, measure: str, map_view: MapView, language: Language, base: Any) -> Any:
    return heatmap.heat_map_figure(
        view.heat, measure, map_view, interval=view.selection.interval, language=language,
        basemap=base[0], background=base[1], min_count=view.min_count,
    )  # fmt: skip


def controls(language: Language, city: CitySummary, kecamatan: gpd.GeoDataFrame, first: date,
             last: date, config: AnalyticsConfig) -> Any:  # fmt: skip
    def field(title: str, control: Any) -> Any:
        return html.Label([html.Span(title), control], className="an-field")

    agency_options = [{"label": word("analytics.all_agencies", language), "value": EVERY}] + [
        {"label": label("agency_kind", kind.value, language), "value": kind.value}
        for kind in AgencyKind
    ]
    return html.Div(
        [
            field(word("analytics.period", language), dcc.DatePickerRange(
                id="an-dates", start_date=first.isoformat(), end_date=last.isoformat(),
                display_format="DD-MM-YYYY", first_day_of_week=1)),
            field(word("analytics.category", language), dcc.Dropdown(
                id="an-categories", multi=True,
                placeholder=word("analytics.all_categories", language),
                options=[{"label": label("category", c.value, language), "value": c.value}
                         for c in sorted(EMERGENCY_CATEGORIES)])),
            field(word("analytics.agency", language), dcc.Dropdown(
                id="an-agency", options=agency_options, value=EVERY, clearable=False)),
            field(word("analytics.kecamatan", language), dcc.Dropdown(
                id="an-kecamatan", value=EVERY, clearable=False,
                options=[{"label": word("analytics.whole_city", language), "value": EVERY}]
                + [{"label": n, "value": c} for c, n in zip(kecamatan["code"], kecamatan["name"],
                                                            strict=True)])),
            field(word("analytics.interval", language), dcc.Dropdown(
                id="an-interval", value="response", clearable=False,
                options=[{"label": label("interval", i, language), "value": i}
                         for i in INTERVALS])),
            field(word("analytics.map_measure", language), dcc.Dropdown(
                id="an-measure", value="p90_s", clearable=False,
                options=[{"label": heatmap.measure_title(m, "response", language), "value": m}
                         for m in MEASURE_KEYS])),
            field(word("analytics.map_cells", language), dcc.RadioItems(
                id="an-cells", value="h3", inline=True,
                options=[{"label": word("analytics.hexagons", language), "value": "h3"},
                         {"label": word("analytics.kelurahan", language), "value": "kelurahan"}])),
            field("H3", dcc.Dropdown(
                id="an-resolution", value=config.heat_resolution, clearable=False,
                options=[{"label": "auto (zoom)", "value": "auto"}]
                + [{"label": f"res {r}", "value": r} for r in (7, 8, 9, 10)])),
            field(word("analytics.target_minutes", language), dcc.Input(
                id="an-target", type="number", min=1, max=240, debounce=True,
                placeholder=word("analytics.target_per_agency", language))),
        ],
        className="an-controls",
    )  # fmt: skip


def graph(graph_id: str, city: CitySummary, file: str) -> Any:
    """An empty graph that its callback fills, with a PNG download named after the city."""
    name = city.code.replace(".", "-")
    return dcc.Graph(id=graph_id, config=png_config(f"tanggap_{name}_{file}"),
                     className=f"{graph_id} an-graph")  # fmt: skip


def response_tab(city: CitySummary, language: Language) -> Any:
    """The response tab's panels, empty: ``update_response`` fills them on load."""
    return html.Div([
        html.Div([
            section(heatmap.measure_title("p90_s", "response", language),
                    [graph("an-heat", city, "heatmap")],
                    export_buttons("an-export", "heat", language, ("csv", "geojson")),
                    wide=True, title_id="an-heat-title"),
            section(word("analytics.grid_section", language), [graph("an-grid", city, "grid")],
                    export_buttons("an-export", "grid", language)),
        ], className="an-row"),
        section(word("analytics.trend_section", language), [graph("an-trend", city, "trend")],
                export_buttons("an-export", "trend", language)),
        html.Div([
            section(word("analytics.summary_title", language),
                    [html.Div(id="an-summary"),
                     html.P(word("analytics.interval_definitions", language), className="an-small"),
                     html.P(word("analytics.excluded_note", language), className="an-small"),
                     html.P(word("analytics.definitions", language), className="an-small")],
                    export_buttons("an-export", "summary", language)),
            section(word("analytics.worst_title", language), [html.Div(id="an-worst")],
                    export_buttons("an-export", "worst", language)),
        ], className="an-row"),
        html.Div([
            section(word("analytics.col_agency", language),
                    [graph("an-by-agency", city, "by_agency")],
                    export_buttons("an-export", "by_agency", language)),
            section(word("analytics.category", language), [html.Div(id="an-by-category")],
                    export_buttons("an-export", "by_category", language)),
        ], className="an-row"),
    ])  # fmt: skip


def report_picker(months: list[date], language: Language) -> Any:
    """The monthly report's month (newest first, last complete month chosen) and button."""
    options = [{"label": f"{label('month', str(m.month), language)} {m.year}",
                "value": m.strftime("%Y-%m")} for m in months]  # fmt: skip
    chosen = options[min(1, len(options) - 1)]["value"]
    return html.Div([
        html.Span(word("analytics.report_month", language)),
        dcc.Dropdown(id="an-report-month", clearable=False, className="an-month", value=chosen,
                     options=options),
        html.Button(word("analytics.download_report", language), id="an-report-button",
                    className="an-export"),
        html.Span(word("analytics.png_hint", language), className="an-small"),
    ], className="an-report")  # fmt: skip


def layout(lang: str | None = None, city: str | None = None, **_: object) -> Any:
    """The controls and empty panels; every figure arrives through ``update_response``.

    Opens on the last 90 days of the city's data (not of the calendar), and offers a report
    for every month the data covers. Three small statements, no figure data.
    """
    settings = current_settings()
    language = choose_language(lang, settings.language)
    if (refusal := page_refusal("/analytics", language)) is not None:
        return refusal
    config = AnalyticsConfig.from_settings(settings)
    try:
        with current_engine().connect() as conn:
            summary = reachable_city(conn, city, settings.default_city)
            if summary is None:
                return html.Div(word("app.no_city", language), className="notice")
            days = data_days(conn, summary)
            readiness = city_readiness(conn, summary.id)
            kecamatan = map_queries.area_outlines(conn, summary.id, "kecamatan")
    except OperationalError:
        return html.Div(word("app.database_unavailable", language),
                        className="notice error")  # fmt: skip
    today = datetime.now(UTC).astimezone(ZoneInfo(summary.timezone)).date()
    first, last = default_period(days, today, DEFAULT_DAYS)
    months = report_months(days[0] if days else last, last)
    return html.Div(
        [
            top_bar(language, "/analytics", city_name=summary.name),
            synthetic_banner(summary, language),
            readiness_notice(readiness, "/analytics", summary.name, language),
            dcc.Store(id="an-context", data={"city": summary.code, "language": language}),
            dcc.Store(id="an-resolution-used", data=config.heat_resolution),
            dcc.Download(id="an-download"), dcc.Download(id="an-report-download"),
            controls(language, summary, kecamatan, first, last, config),
            html.P(id="an-note", className="an-note"), report_picker(months, language),
            dcc.Tabs(id="an-tabs", value="response", children=[
                dcc.Tab(label=word("analytics.tab_response", language), value="response",
                        children=response_tab(summary, language)),
                dcc.Tab(label=word("analytics.tab_calls", language), value="calls",
                        children=dcc.Loading(html.Div(id="an-calls"))),
            ]),
        ],
        className="an-page",
        lang=language,
    )  # fmt: skip


def calls_tab(view: Any, city: CitySummary, language: Language, base: tuple[str, Any]) -> Any:
    """The call tab's figures and tables from a ``CallsView``."""
    name = city.code.replace(".", "-")
    map_view = MapView(*city.center, zoom=zoom_for_bounds(city.bounds, 760, 520))

    def chart(graph_id: str, figure: Any) -> Any:
        return dcc.Graph(id=graph_id, figure=figure, className="an-graph",
                         config=png_config(f"tanggap_{name}_{graph_id}"))  # fmt: skip

    common = {"language": language}
    return html.Div([
        html.Div([
            section(word("analytics.funnel_title", language),
                    [chart("an-outcomes", funnel.outcome_totals_figure(view.totals, **common))],
                    export_buttons("an-export", "outcomes", language)),
            section(word("analytics.calls_by_hour", language,
                         zone=zone_abbreviation(city.timezone)),
                    [chart("an-calls-hour", funnel.outcomes_by_figure(
                        view.by_hour, "hour", timezone=city.timezone, **common))],
                    export_buttons("an-export", "calls_by_hour", language)),
        ], className="an-row"),
        section(word("analytics.calls_by_day", language), [chart("an-calls-day",
                funnel.outcomes_by_figure(view.by_day, "day", timezone=city.timezone, **common))],
                export_buttons("an-export", "calls_by_day", language)),
        html.Div([
            section(word("analytics.hotspots_title", language), [
                chart("an-pranks", funnel.prank_map_figure(view.hotspots, map_view,
                                                           basemap=base[0],
                                                           background=base[1], **common))],
                export_buttons("an-export", "prank_hotspots", language, ("csv", "geojson")),
                wide=True),
            section(word("analytics.hotspots_table", language),
                    [html_table(tables.hotspot_table(view.hotspots, language))]),
        ], className="an-row"),
        section(word("analytics.handoff_title", language), [
            chart("an-handoffs", funnel.handoff_figure(view.handoffs, **common)),
            html.P(word("analytics.handoff_note", language), className="an-small"),
            html_table(tables.handoff_table(view.handoffs, language))],
            export_buttons("an-export", "handoffs", language)),
    ])  # fmt: skip


def _settings() -> tuple[AnalyticsConfig, str]:
    settings = current_settings()
    return AnalyticsConfig.from_settings(settings), settings.basemap


@dash.callback(
    Output("an-heat", "figure"), Output("an-heat-title", "children"),
    Output("an-grid", "figure"), Output("an-trend", "figure"), Output("an-by-agency", "figure"),
    Output("an-summary", "children"), Output("an-worst", "children"),
    Output("an-by-category", "children"), Output("an-note", "children"),
    Output("an-resolution-used", "data"),
    *[Input(component, prop) for component, prop in CONTROLS],
    Input("an-measure", "value"),
    State("an-heat", "relayoutData"), State("an-context", "data"),
    State("an-resolution-used", "data"),
)  # fmt: skip
@guarded("/analytics")
def update_response(*args: Any) -> tuple[Any, ...]:
    """Fill the response tab (on load, the heat map whole with its basemap; afterwards its
    data only)."""
    values = dict(zip(CONTROL_NAMES, args[: len(CONTROLS)], strict=True))
    measure, relayout, context, used = args[len(CONTROLS) :]
    try:
        selection = parse_selection(values, (relayout or {}).get("map.zoom"), int(used))
    except SelectionError as error:
        return (dash.no_update,) * 8 + (str(error), dash.no_update)
    first_load = ctx.triggered_id is None
    panel, heat = _response(selection, measure, context, first_load)
    return (heat, panel.measure, panel.grid, panel.trend, panel.by_agency,
            html_table(panel.summary), html_table(panel.worst), html_table(panel.by_category),
            panel.note, selection.resolution)  # fmt: skip


@dash.callback(
    Output("an-heat", "figure", allow_duplicate=True),
    Output("an-heat-title", "children", allow_duplicate=True),
    Output("an-resolution-used", "data", allow_duplicate=True),
    Input("an-heat", "relayoutData"),
    *[State(component, prop) for component, prop in CONTROLS],
    State("an-measure", "value"), State("an-context", "data"),
    State("an-resolution-used", "data"),
    prevent_initial_call=True,
)  # fmt: skip
@guarded("/analytics")
def zoom_heat(relayout: Any, *args: Any) -> tuple[Any, ...]:
    """A pan or zoom matters only with an "auto" resolution that the zoom changes: then the
    heat data at the new resolution. Its own callback, so that the map's first relayout
    never supersedes the first load's answer while that is on its way."""
    values = dict(zip(CONTROL_NAMES, args[: len(CONTROLS)], strict=True))
    measure, context, used = args[len(CONTROLS) :]
    try:
        selection = parse_selection(values, (relayout or {}).get("map.zoom"), int(used))
    except SelectionError:
        raise PreventUpdate from None
    if selection.resolution == used:
        raise PreventUpdate
    panel, heat = _response(selection, measure, context, first_load=False)
    return heat, panel.measure, selection.resolution


def _response(selection: Any, measure: Any, context: Any, first_load: bool) -> tuple[Any, Any]:
    """The response panel and the heat map (whole on the first load, else a
    patch of its data and notes) for ``selection``."""
    spend("analytics")
    config, basemap = _settings()
    language = context["language"]
    with current_engine().connect() as conn:
        city = requested_city(conn, context["city"])
        view = response_view(conn, city, selection, config)
        base = (basemap, city_background(basemap) if first_load else [])
    panel = response_panel(view, city.timezone, language, measure)
    map_view = MapView(*city.center, zoom=zoom_for_bounds(city.bounds, 760, 560))
    figure = heat_figure(view, measure, map_view, language, base)
    if first_load:
        return panel, figure
    heat = Patch()
    heat["data"] = [trace.to_plotly_json() for trace in figure.data]
    heat["layout"]["annotations"] = [note.to_plotly_json() for note in figure.layout.annotations]
    return panel, heat


@dash.callback(
    Output("an-calls", "children"),
    Input("an-tabs", "value"), Input("an-dates", "start_date"), Input("an-dates", "end_date"),
    State("an-context", "data"),
)  # fmt: skip
@guarded("/analytics")
def update_calls(tab: str, first: str, last: str, context: dict[str, str]) -> Any:
    """Build the call tab when it is shown (and again when the period changes)."""
    if tab != "calls":
        raise PreventUpdate
    spend("analytics")
    _, basemap = _settings()
    with current_engine().connect() as conn:
        city = requested_city(conn, context["city"])
        view = calls_view(conn, city, date.fromisoformat(first[:10]), date.fromisoformat(last[:10]))
        base = (basemap, city_background(basemap))
    return calls_tab(view, city, choose_language(context["language"], "id"), base)


@dash.callback(
    Output("an-download", "data"),
    Input({"type": "an-export", "layer": ALL, "format": ALL}, "n_clicks"),
    *[State(component, prop) for component, prop in CONTROLS],
    State("an-resolution-used", "data"), State("an-context", "data"),
    prevent_initial_call=True,
)  # fmt: skip
@guarded("/analytics")
def export_layer(clicks: list[int | None], *args: Any) -> Any:
    """CSV or GeoJSON of the table or layer whose button was clicked, as now selected."""
    trigger = ctx.triggered_id
    if not trigger or not ctx.triggered or not ctx.triggered[0]["value"]:
        raise PreventUpdate
    values = dict(zip(CONTROL_NAMES, args[: len(CONTROLS)], strict=True))
    used, context = args[len(CONTROLS) :]
    spend("exports")
    try:
        selection = parse_selection(values, None, int(used))
    except SelectionError:
        raise PreventUpdate from None
    config, _ = _settings()
    with current_engine().connect() as conn:
        city = requested_city(conn, context["city"])
        if trigger["layer"] in CALL_LAYERS:
            frames = calls_view(conn, city, selection.first, selection.last).layers()
        else:
            frames = response_view(conn, city, selection, config).layers()
    frame = frames[trigger["layer"]]
    geo = trigger["format"] == "geojson" and trigger["layer"] in GEO_LAYERS
    period = f"{selection.first}_{selection.last}"
    name = export_filename(city.code, trigger["layer"], period, "geojson" if geo else "csv")
    return dcc.send_string(geojson_text(frame) if geo else csv_text(frame), name)


@dash.callback(
    Output("an-report-download", "data"),
    Input("an-report-button", "n_clicks"),
    State("an-report-month", "value"), State("an-context", "data"),
    prevent_initial_call=True,
)  # fmt: skip
@guarded("/analytics")
def download_report(clicks: int | None, month: str, context: dict[str, str]) -> Any:
    """The monthly report of the chosen month as one HTML file."""
    if not clicks:
        raise PreventUpdate
    spend("exports")
    config, _ = _settings()
    with current_engine().connect() as conn:
        city = requested_city(conn, context["city"])
        data = gather_monthly(conn, city, parse_month(month), config,
                              generated_at=datetime.now(UTC))  # fmt: skip
    language = choose_language(context["language"], "id")
    name = export_filename(city.code, "laporan_bulanan", month, "html")
    return dcc.send_string(monthly_report_html(data, language), name)
