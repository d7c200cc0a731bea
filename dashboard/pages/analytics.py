"""Analytics page: where and when help arrives late (observed), and the 112 call funnel.

Callbacks are adapters: they parse the controls into a ``Selection``, call
``geodata.analytics.selection`` and build figures with ``layers.analytics``. Nothing is
kept between requests; the heat map is patched (its data only), so the basemap, the
view and the user's pan and zoom stay put.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dash
import geopandas as gpd
from dash import ALL, Input, Output, Patch, State, ctx, dcc, html
from dash.exceptions import PreventUpdate
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from dashboard.app import current_engine, current_settings
from dashboard.page_parts import city_background, top_bar
from geodata import map_queries
from geodata.analytics.heat_cells import resolution_for_zoom
from geodata.analytics.monthly import gather_monthly, parse_month
from geodata.analytics.response_intervals import INTERVALS
from geodata.analytics.selection import Selection, calls_view, response_view
from geodata.analytics.standards import AnalyticsConfig
from geodata.map_queries import CitySummary
from geodata.vocabulary import EMERGENCY_CATEGORIES, AgencyKind
from layers.analytics import charts, funnel, heatmap, tables
from layers.analytics.exports import csv_text, export_filename, geojson_text, png_config
from layers.analytics.monthly_report import MONTH_NAMES, monthly_report_html
from layers.analytics.text import INTERVAL_LABELS, number, phrase
from layers.city_map import MapView, zoom_for_bounds
from layers.ui_text import phrase as ui_phrase
from layers.vocabulary import (
    AGENCY_KIND_LABELS,
    CATEGORY_LABELS,
    Language,
    label,
    zone_abbreviation,
)

dash.register_page(__name__, path="/analytics", title="Tanggap — Analitik")

EVERY = "__all__"
DEFAULT_DAYS = 90
MEASURE_KEYS = ("p90_s", "median_s", "compliance", "rows", "per_10k")
#: The controls, in the order the callbacks receive them.
CONTROLS = (("an-dates", "start_date"), ("an-dates", "end_date"), ("an-categories", "value"),
            ("an-agency", "value"), ("an-kecamatan", "value"), ("an-interval", "value"),
            ("an-cells", "value"), ("an-resolution", "value"), ("an-target", "value"))  # fmt: skip
CONTROL_NAMES = ("first", "last", "categories", "agency", "kecamatan", "interval", "cells",
                 "resolution", "target")  # fmt: skip
GEO_LAYERS = ("heat", "prank_hotspots")


def choose_language(requested: str | None, default: Language) -> Language:
    return requested if requested in ("id", "en") else default  # type: ignore[return-value]


def parse_selection(values: Mapping[str, Any], zoom: float | None, current: int) -> Selection:
    """The page's control values (``CONTROL_NAMES``) as a Selection. With the resolution
    control on "auto", the map's ``zoom`` sets the H3 resolution, or it stays ``current``
    when the zoom is not known."""
    resolution = values["resolution"]
    if resolution == "auto":
        resolution = resolution_for_zoom(zoom) if zoom is not None else current
    target = values["target"]
    return Selection(
        first=date.fromisoformat(str(values["first"])[:10]),
        last=date.fromisoformat(str(values["last"])[:10]),
        categories=tuple(values["categories"] or ()),
        agency_kind=None if values["agency"] in (None, EVERY) else values["agency"],
        kecamatan_code=None if values["kecamatan"] in (None, EVERY) else values["kecamatan"],
        interval=values["interval"],
        cells=values["cells"],
        resolution=int(resolution),
        target_minutes=float(target) if target not in (None, "") else None,
    )


def city_for(conn: Connection, code: str | None) -> CitySummary:
    city = map_queries.city_summary(conn, code)
    if city is None:
        raise PreventUpdate
    return city


def html_table(table: tables.Table) -> Any:
    head = html.Thead(html.Tr([html.Th(cell) for cell in table.header]))
    body = html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in table.rows])
    return html.Table([head, body], className="an-table")


def export_buttons(layer: str, language: Language, formats: Sequence[str] = ("csv",)) -> Any:
    """Download buttons of one table or layer (pattern-matching ids of ``export_layer``)."""
    return html.Span(
        [
            html.Button(
                phrase(f"download_{fmt}", language),
                className="an-export",
                id={"type": "an-export", "layer": layer, "format": fmt},
            )
            for fmt in formats
        ],
        className="an-exports",
    )


def section(
    title: str, body: Sequence[Any], exports: Any = None, wide: bool = False, title_id: str = ""
) -> Any:
    heading = html.H3(title, id=title_id) if title_id else html.H3(title)
    head = html.Div([heading, exports], className="an-section-head")
    return html.Section([head, *body], className="an-section wide" if wide else "an-section")


def response_outputs(
    view: Any, city: CitySummary, language: Language, measure: str
) -> dict[str, Any]:
    """Every figure and table of the response tab, from a ``ResponseView``."""
    interval = view.selection.interval
    kinds = {k: v[language] for k, v in AGENCY_KIND_LABELS.items()}
    categories = {k: v[language] for k, v in CATEGORY_LABELS.items()}
    target = view.target_s if isinstance(view.target_s, float) else None
    return {
        "grid": charts.hour_weekday_figure(view.grid, city.timezone, interval=interval,
                                           language=language, min_count=view.min_count),
        "trend": charts.trend_figure(view.trend, period=view.period, interval=interval,
                                     target_s=target, language=language),
        "by_agency": charts.group_bar_figure(view.by_agency, "agency_kind", kinds,
                                             title=phrase("col_agency", language),
                                             language=language),
        "summary": html_table(tables.interval_summary_table(view.summary, language)),
        "worst": html_table(tables.group_table(view.worst, "name", language)),
        "by_category": html_table(tables.group_table(view.by_category, "category", language,
                                                     categories)),
        "note": selection_note(view, language),
        "measure": heatmap.measure_title(measure, interval, language),
    }  # fmt: skip


def selection_note(view: Any, language: Language) -> str:
    """E.g. "2.804 kejadian (unit pertama yang tiba) · 25-08-2026 s.d. 22-11-2026 · …"."""
    chosen = view.selection
    unit = (phrase("unit_dispatches", language,
                   agency=label(AGENCY_KIND_LABELS, chosen.agency_kind, language))
            if chosen.agency_kind else phrase("unit_incidents", language))  # fmt: skip
    if chosen.target_minutes is not None:
        target = f"{number(chosen.target_minutes, language)} {phrase('minutes_unit', language)}"
    elif chosen.interval == "response":
        target = phrase("target_per_agency", language)
    else:
        target = phrase("no_target", language)
    count = number(len(view.frame), language)
    first, last = f"{chosen.first:%d-%m-%Y}", f"{chosen.last:%d-%m-%Y}"
    return phrase("selection_note", language, count=count, unit=unit, first=first, last=last,
                  target=target)  # fmt: skip


def heat_figure(view: Any, measure: str, map_view: MapView, language: Language, base: Any) -> Any:
    return heatmap.heat_map_figure(
        view.heat, measure, map_view, interval=view.selection.interval, language=language,
        basemap=base[0], background=base[1], min_count=view.min_count,
    )  # fmt: skip


def controls(language: Language, city: CitySummary, kecamatan: gpd.GeoDataFrame, first: date,
             last: date, config: AnalyticsConfig) -> Any:  # fmt: skip
    def field(title: str, control: Any) -> Any:
        return html.Label([html.Span(title), control], className="an-field")

    agency_options = [{"label": phrase("all_agencies", language), "value": EVERY}] + [
        {"label": label(AGENCY_KIND_LABELS, kind.value, language), "value": kind.value}
        for kind in AgencyKind
    ]
    return html.Div(
        [
            field(phrase("period", language), dcc.DatePickerRange(
                id="an-dates", start_date=first.isoformat(), end_date=last.isoformat(),
                display_format="DD-MM-YYYY", first_day_of_week=1)),
            field(phrase("category", language), dcc.Dropdown(
                id="an-categories", multi=True, placeholder=phrase("all_categories", language),
                options=[{"label": label(CATEGORY_LABELS, c.value, language), "value": c.value}
                         for c in sorted(EMERGENCY_CATEGORIES)])),
            field(phrase("agency", language), dcc.Dropdown(
                id="an-agency", options=agency_options, value=EVERY, clearable=False)),
            field(phrase("kecamatan", language), dcc.Dropdown(
                id="an-kecamatan", value=EVERY, clearable=False,
                options=[{"label": phrase("whole_city", language), "value": EVERY}]
                + [{"label": n, "value": c} for c, n in zip(kecamatan["code"], kecamatan["name"],
                                                            strict=True)])),
            field(phrase("interval", language), dcc.Dropdown(
                id="an-interval", value="response", clearable=False,
                options=[{"label": label(INTERVAL_LABELS, i, language), "value": i}
                         for i in INTERVALS])),
            field(phrase("map_measure", language), dcc.Dropdown(
                id="an-measure", value="p90_s", clearable=False,
                options=[{"label": heatmap.measure_title(m, "response", language), "value": m}
                         for m in MEASURE_KEYS])),
            field(phrase("map_cells", language), dcc.RadioItems(
                id="an-cells", value="h3", inline=True,
                options=[{"label": phrase("hexagons", language), "value": "h3"},
                         {"label": phrase("kelurahan", language), "value": "kelurahan"}])),
            field("H3", dcc.Dropdown(
                id="an-resolution", value=config.heat_resolution, clearable=False,
                options=[{"label": "auto (zoom)", "value": "auto"}]
                + [{"label": f"res {r}", "value": r} for r in (7, 8, 9, 10)])),
            field(phrase("target_minutes", language), dcc.Input(
                id="an-target", type="number", min=1, max=240, debounce=True,
                placeholder=phrase("target_per_agency", language))),
        ],
        className="an-controls",
    )  # fmt: skip


def months_back(last: date, count: int = 12) -> list[date]:
    months, current = [], date(last.year, last.month, 1)
    for _ in range(count):
        months.append(current)
        current = (current - timedelta(days=1)).replace(day=1)
    return months


def layout(lang: str | None = None, city: str | None = None, **_: object) -> Any:
    """Built on each page load from the database as it is now (never at import)."""
    settings = current_settings()
    language = choose_language(lang, settings.language)
    config = AnalyticsConfig.from_settings(settings)
    try:
        with current_engine().connect() as conn:
            summary = map_queries.city_summary(conn, city or settings.default_city)
            if summary is None:
                return html.Div(ui_phrase("no_city", language), className="notice")
            last = datetime.now(UTC).astimezone(ZoneInfo(summary.timezone)).date()
            first = last - timedelta(days=DEFAULT_DAYS - 1)
            selection = Selection(first, last, resolution=config.heat_resolution)
            view = response_view(conn, summary, selection, config)
            kecamatan = map_queries.area_outlines(conn, summary.id, "kecamatan")
            base = (settings.basemap, city_background(conn, summary, settings.basemap))
    except OperationalError as error:
        return html.Div(ui_phrase("database_unavailable", language, error=error.orig),
                        className="notice error")  # fmt: skip
    map_view = MapView(*summary.center, zoom=zoom_for_bounds(summary.bounds, 760, 560))
    out = response_outputs(view, summary, language, "p90_s")
    name = summary.code.replace(".", "-")

    def graph(graph_id: str, figure: Any, file: str) -> Any:
        return dcc.Graph(id=graph_id, figure=figure, config=png_config(f"tanggap_{name}_{file}"),
                         className=f"{graph_id} an-graph")  # fmt: skip

    banner = html.Div(ui_phrase("synthetic_banner", language), className="synthetic") \
        if summary.is_synthetic else None  # fmt: skip
    response_tab = html.Div([
        html.Div([
            section(out["measure"], [graph("an-heat", heat_figure(view, "p90_s", map_view,
                                                                language, base), "heatmap")],
                    export_buttons("heat", language, ("csv", "geojson")), wide=True,
                    title_id="an-heat-title"),
            section(phrase("grid_section", language), [graph("an-grid", out["grid"], "grid")],
                    export_buttons("grid", language)),
        ], className="an-row"),
        section(phrase("trend_section", language),
                [graph("an-trend", out["trend"], "trend")], export_buttons("trend", language)),
        html.Div([
            section(phrase("summary_title", language),
                    [html.Div(out["summary"], id="an-summary"),
                     html.P(phrase("interval_definitions", language), className="an-small"),
                     html.P(phrase("excluded_note", language), className="an-small"),
                     html.P(phrase("definitions", language), className="an-small")],
                    export_buttons("summary", language)),
            section(phrase("worst_title", language), [html.Div(out["worst"], id="an-worst")],
                    export_buttons("worst", language)),
        ], className="an-row"),
        html.Div([
            section(phrase("col_agency", language),
                    [graph("an-by-agency", out["by_agency"], "by_agency")],
                    export_buttons("by_agency", language)),
            section(phrase("category", language),
                    [html.Div(out["by_category"], id="an-by-category")],
                    export_buttons("by_category", language)),
        ], className="an-row"),
    ])  # fmt: skip
    report = html.Div([
        html.Span(phrase("report_month", language)),
        dcc.Dropdown(id="an-report-month", clearable=False, className="an-month",
                     value=months_back(last)[1].strftime("%Y-%m"),
                     options=[{"label": f"{MONTH_NAMES[language][m.month - 1]} {m.year}",
                               "value": m.strftime("%Y-%m")} for m in months_back(last)]),
        html.Button(phrase("download_report", language), id="an-report-button",
                    className="an-export"),
        html.Span(phrase("png_hint", language), className="an-small"),
    ], className="an-report")  # fmt: skip
    return html.Div(
        [
            top_bar(summary, language, "/analytics"), banner,
            dcc.Store(id="an-context", data={"city": summary.code, "language": language}),
            dcc.Store(id="an-resolution-used", data=config.heat_resolution),
            dcc.Download(id="an-download"), dcc.Download(id="an-report-download"),
            controls(language, summary, kecamatan, first, last, config),
            html.P(out["note"], id="an-note", className="an-note"), report,
            dcc.Tabs(id="an-tabs", value="response", children=[
                dcc.Tab(label=phrase("tab_response", language), value="response",
                        children=response_tab),
                dcc.Tab(label=phrase("tab_calls", language), value="calls",
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

    def graph(graph_id: str, figure: Any) -> Any:
        return dcc.Graph(id=graph_id, figure=figure, className="an-graph",
                         config=png_config(f"tanggap_{name}_{graph_id}"))  # fmt: skip

    common = {"language": language}
    return html.Div([
        html.Div([
            section(phrase("funnel_title", language),
                    [graph("an-outcomes", funnel.outcome_totals_figure(view.totals, **common))],
                    export_buttons("outcomes", language)),
            section(phrase("calls_by_hour", language, zone=zone_abbreviation(city.timezone)),
                    [graph("an-calls-hour", funnel.outcomes_by_figure(
                        view.by_hour, "hour", timezone=city.timezone, **common))],
                    export_buttons("calls_by_hour", language)),
        ], className="an-row"),
        section(phrase("calls_by_day", language), [graph("an-calls-day",
                funnel.outcomes_by_figure(view.by_day, "day", timezone=city.timezone, **common))],
                export_buttons("calls_by_day", language)),
        html.Div([
            section(phrase("hotspots_title", language), [
                graph("an-pranks", funnel.prank_map_figure(view.hotspots, map_view, basemap=base[0],
                                                           background=base[1], **common))],
                export_buttons("prank_hotspots", language, ("csv", "geojson")), wide=True),
            section(phrase("hotspots_table", language),
                    [html_table(tables.hotspot_table(view.hotspots, language))]),
        ], className="an-row"),
        section(phrase("handoff_title", language), [
            graph("an-handoffs", funnel.handoff_figure(view.handoffs, **common)),
            html.P(phrase("handoff_note", language), className="an-small"),
            html_table(tables.handoff_table(view.handoffs, language))],
            export_buttons("handoffs", language)),
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
    Input("an-measure", "value"), Input("an-heat", "relayoutData"),
    State("an-context", "data"), State("an-resolution-used", "data"),
    prevent_initial_call=True,
)  # fmt: skip
def update_response(*args: Any) -> tuple[Any, ...]:
    """Recompute the response tab; a pan or zoom only matters with an "auto" resolution."""
    values = dict(zip(CONTROL_NAMES, args[: len(CONTROLS)], strict=True))
    measure, relayout, context, used = args[len(CONTROLS) :]
    selection = parse_selection(values, (relayout or {}).get("map.zoom"), int(used))
    if ctx.triggered_id == "an-heat" and selection.resolution == used:
        raise PreventUpdate
    config, basemap = _settings()
    language = context["language"]
    with current_engine().connect() as conn:
        city = city_for(conn, context["city"])
        view = response_view(conn, city, selection, config)
    out = response_outputs(view, city, language, measure)
    patch = Patch()
    figure = heat_figure(view, measure, MapView(*city.center, zoom=0), language, (basemap, []))
    patch["data"] = [trace.to_plotly_json() for trace in figure.data]
    return (patch, out["measure"], out["grid"], out["trend"], out["by_agency"], out["summary"],
            out["worst"], out["by_category"], out["note"], selection.resolution)  # fmt: skip


@dash.callback(
    Output("an-calls", "children"),
    Input("an-tabs", "value"), Input("an-dates", "start_date"), Input("an-dates", "end_date"),
    State("an-context", "data"),
)  # fmt: skip
def update_calls(tab: str, first: str, last: str, context: dict[str, str]) -> Any:
    """Build the call tab when it is shown (and again when the period changes)."""
    if tab != "calls":
        raise PreventUpdate
    _, basemap = _settings()
    with current_engine().connect() as conn:
        city = city_for(conn, context["city"])
        view = calls_view(conn, city, date.fromisoformat(first[:10]), date.fromisoformat(last[:10]))
        base = (basemap, city_background(conn, city, basemap))
    return calls_tab(view, city, choose_language(context["language"], "id"), base)


@dash.callback(
    Output("an-download", "data"),
    Input({"type": "an-export", "layer": ALL, "format": ALL}, "n_clicks"),
    *[State(component, prop) for component, prop in CONTROLS],
    State("an-resolution-used", "data"), State("an-context", "data"),
    prevent_initial_call=True,
)  # fmt: skip
def export_layer(clicks: list[int | None], *args: Any) -> Any:
    """CSV or GeoJSON of the table or layer whose button was clicked, as now selected."""
    trigger = ctx.triggered_id
    if not trigger or not ctx.triggered or not ctx.triggered[0]["value"]:
        raise PreventUpdate
    values = dict(zip(CONTROL_NAMES, args[: len(CONTROLS)], strict=True))
    used, context = args[len(CONTROLS) :]
    selection = parse_selection(values, None, int(used))
    config, _ = _settings()
    with current_engine().connect() as conn:
        city = city_for(conn, context["city"])
        if trigger["layer"] in ("outcomes", "calls_by_day", "calls_by_hour", "prank_hotspots",
                                "handoffs"):  # fmt: skip
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
def download_report(clicks: int | None, month: str, context: dict[str, str]) -> Any:
    """The monthly report of the chosen month as one HTML file."""
    if not clicks:
        raise PreventUpdate
    config, _ = _settings()
    with current_engine().connect() as conn:
        city = city_for(conn, context["city"])
        data = gather_monthly(conn, city, parse_month(month), config,
                              generated_at=datetime.now(UTC))  # fmt: skip
    language = choose_language(context["language"], "id")
    name = export_filename(city.code, "laporan_bulanan", month, "html")
    return dcc.send_string(monthly_report_html(data, language), name)
