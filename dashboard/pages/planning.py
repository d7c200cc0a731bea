"""Planner page (/perencanaan): where the next posko go, by coverage and drive time.

The planner picks the agency, the model, k and the target, the demand and the candidates,
and presses Compute: the run is queued as a job in PostgreSQL and taken by a worker of
any app process (``geodata.planning.jobs``); the page polls it for progress and shows the
sites, before and after, the replay of past incidents and the least served kelurahan, then
saves it as a scenario, compares up to three and exports them. Callbacks are adapters.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import OperationalError

from dashboard.access.guards import (
    account,
    guarded,
    page_refusal,
    reachable_city,
    spend,
)
from dashboard.app import current_engine, current_settings
from dashboard.page_parts import (
    city_background,
    html_table,
    readiness_notice,
    section,
    synthetic_banner,
    top_bar,
)
from dashboard.planning_edits import job_number, page_city, page_language, register_edits
from dashboard.planning_form import CONTROLS, VALUES, controls, plan_request
from geodata.city_readiness import city_readiness
from geodata.map_queries import CitySummary
from geodata.planning import exports, jobs, scenarios
from geodata.planning.errors import PlanningInputError
from geodata.planning.request import ModelName
from layers.analytics.charts import empty_figure
from layers.city_map import MapView, zoom_for_bounds
from layers.planning import scenario_summary_html
from layers.planning.plan_view import (
    areas_table,
    compare_table,
    figures_table,
    job_status_text,
    plan_map,
    replay_table,
    solver_text,
    worst_served_text,
)
from layers.words import (
    Language,
    choose_language,
    word,
    zone_abbreviation,
)

PATH = "/perencanaan"
dash.register_page(__name__, path=PATH, title="Tanggap — Perencanaan")

_EXPORTS = ("geojson", "sites_csv", "areas_csv", "summary")
register_edits()


def _scenario_ids(chosen: Any) -> list[int]:
    """The scenario ids the browser ticked (whole numbers only, at most three)."""
    if not isinstance(chosen, list):
        return []
    ids = [i for i in chosen if isinstance(i, int) and not isinstance(i, bool) and i > 0]
    return ids[: scenarios.MAX_COMPARED]


def layout(lang: str | None = None, city: str | None = None, **_: object) -> Any:
    """Controls and empty panels; the results arrive through the callbacks."""
    settings = current_settings()
    language = choose_language(lang, settings.language)
    if (refusal := page_refusal(PATH, language)) is not None:
        return refusal
    try:
        with current_engine().connect() as conn:
            summary = reachable_city(conn, city, settings.default_city)
            readiness = None if summary is None else city_readiness(conn, summary.id)
    except OperationalError:
        return html.Div(word("app.database_unavailable", language), className="notice error")
    if summary is None or readiness is None:
        return html.Div(word("app.no_city", language), className="notice")

    def w(key: str) -> str:
        return word(f"planning.{key}", language)

    buttons = [
        html.Button(
            w(f"export_{name}"), className="an-export", id={"type": "pl-export", "format": name}
        )
        for name in _EXPORTS
    ]
    return html.Div(
        [
            top_bar(language, PATH, city_name=summary.name),
            synthetic_banner(summary, language),
            readiness_notice(readiness, PATH, summary.name, language),
            dcc.Store(id="pl-context", data={"city": summary.code, "language": language}),
            dcc.Store(id="pl-job"),
            dcc.Store(id="pl-shown"),
            dcc.Store(id="pl-points", data=[]),
            dcc.Store(id="pl-clicked"),
            dcc.Store(id="pl-watch"),
            dcc.Download(id="pl-download"),
            dcc.Interval(id="pl-poll", interval=1000, disabled=True),
            controls(language),
            html.Div(
                [
                    html.Button(w("run"), id="pl-run", className="pl-run"),
                    html.Button(w("cancel"), id="pl-cancel", className="an-export"),
                    html.Span(w("no_result"), id="pl-status", className="pl-status"),
                    html.Span(id="pl-cancelled"),
                ],
                className="pl-actions",
            ),
            html.P(id="pl-doc", className="an-note"),
            html.Div(
                [
                    section(
                        w("map_title"),
                        [
                            dcc.Graph(
                                id="pl-map",
                                className="cv-map an-graph",
                                figure=empty_figure(w("no_result")),
                            )
                        ],
                        wide=True,
                    ),
                    section(
                        w("whatif_title"),
                        [html.P(w("whatif_hint"), className="an-small"), html.Div(id="pl-whatif")],
                    ),
                    section(
                        w("results"),
                        [
                            html.Div(id="pl-figures"),
                            html.P(id="pl-greedy", className="an-small"),
                            html.P(id="pl-worst"),
                        ],
                    ),
                ],
                className="an-row",
            ),
            html.Div(
                [
                    section(w("replay"), [html.Div(id="pl-replay")]),
                    section(w("areas_title"), [html.Div(id="pl-areas")]),
                ],
                className="an-row",
            ),
            section(
                w("scenarios"),
                [
                    html.Div(
                        [
                            dcc.Input(
                                id="pl-name",
                                type="text",
                                placeholder=w("scenario_name"),
                                maxLength=120,
                            ),
                            html.Button(w("save"), id="pl-save", className="an-export"),
                            html.Span(id="pl-saved", className="an-small"),
                        ],
                        className="pl-actions",
                    ),
                    html.P(w("compare_hint"), className="an-small"),
                    dcc.Checklist(
                        id="pl-scenarios", options=[], value=[], className="pl-scenarios"
                    ),
                    html.Div(id="pl-compare"),
                    html.Div(
                        [*buttons, html.Span(w("export_hint"), className="an-small")],
                        className="an-exports",
                    ),
                ],
            ),
        ],
        className="an-page pl-page",
        lang=language,
    )


@dash.callback(
    Output("pl-doc", "children"), Input("pl-model", "value"), State("pl-context", "data")
)
@guarded(PATH)
def describe_model(model: Any, context: Any) -> str:
    """The chosen model's formulation in one sentence, with its source."""
    if model not in {m.value for m in ModelName}:
        raise PreventUpdate
    return word(f"planning.doc_{model}", page_language(context))


@dash.callback(
    Output("pl-job", "data"),
    Output("pl-poll", "disabled"),
    Output("pl-status", "children"),
    Input("pl-run", "n_clicks"),
    *[State(c, VALUES.get(c, "value")) for c in CONTROLS],
    State("pl-context", "data"),
    prevent_initial_call=True,
)
@guarded(PATH)
def start_run(clicks: Any, *values: Any) -> Any:
    """Queue the run; a refused input is named at once, nothing queued."""
    context, language = values[-1], page_language(values[-1])
    settings = current_settings()
    spend("planning")
    try:
        plan = plan_request(
            dict(zip(CONTROLS, values[:-1], strict=True)), settings.response_agencies
        )
    except PlanningInputError as error:
        failed = {"status": "failed", "error": {"field": error.field, "message": error.message}}
        return None, True, job_status_text(failed, language)
    city = page_city(context)
    with current_engine().begin() as conn:
        job_id = jobs.submit_job(conn, city.id, plan, actor=account().username)
    return job_id, False, job_status_text({"status": "queued"}, language)


@dash.callback(
    Output("pl-cancelled", "children"),
    Input("pl-cancel", "n_clicks"),
    State("pl-job", "data"),
    State("pl-context", "data"),
    prevent_initial_call=True,
)
@guarded(PATH)
def cancel_run(clicks: Any, job_id: Any, context: Any) -> str:
    """Ask the running job to stop (it keeps its best solution)."""
    city = page_city(context)
    with current_engine().begin() as conn:
        jobs.cancel_job(conn, city.id, job_number(job_id), actor=account().username)
    return ""


@dash.callback(
    Output("pl-status", "children", allow_duplicate=True),
    Output("pl-poll", "disabled", allow_duplicate=True),
    Output("pl-map", "figure"),
    Output("pl-figures", "children"),
    Output("pl-greedy", "children"),
    Output("pl-worst", "children"),
    Output("pl-replay", "children"),
    Output("pl-areas", "children"),
    Output("pl-whatif", "children", allow_duplicate=True),
    Output("pl-shown", "data"),
    Input("pl-poll", "n_intervals"),
    State("pl-job", "data"),
    State("pl-shown", "data"),
    State("pl-context", "data"),
    prevent_initial_call=True,
)
@guarded(PATH)
def poll(ticks: Any, job_id: Any, shown: Any, context: Any) -> Any:
    """The job's progress; the greedy result as soon as it is there (once), then the
    final one."""
    job_id, language, city = job_number(job_id), page_language(context), page_city(context)
    with current_engine().connect() as conn:
        job = jobs.job_view(conn, city.id, job_id)
    if job is None:
        raise PreventUpdate
    status = job_status_text(job, language)
    running = job["status"] in ("queued", "running")
    phase = f"{job_id}:{'greedy' if running else 'final'}"
    if job["result"] is None or phase == shown:
        return (status, not running, *([no_update] * 7), no_update)
    # a what-if of the run shown before no longer applies
    return (status, not running, *result_children(job["result"], city, language), None, phase)


def result_children(result: dict[str, Any], city: CitySummary, language: Language) -> tuple:
    """The map, figures, solver line, least served kelurahan, replay and areas of a run."""
    basemap = current_settings().basemap
    view = MapView(*city.center, zoom=zoom_for_bounds(city.bounds, 900, 560))
    figure = plan_map(result["sites"], view, language=language, basemap=basemap,
                      background=city_background(basemap))  # fmt: skip
    summary = result["summary"]
    return (
        figure,
        html_table(figures_table(summary, language)),
        solver_text(summary, language),
        worst_served_text(summary, language),
        html_table(replay_table(result["replay"], language)),
        html_table(areas_table(result["areas"], language)),
    )


@dash.callback(
    Output("pl-saved", "children"),
    Input("pl-save", "n_clicks"),
    State("pl-name", "value"),
    State("pl-job", "data"),
    State("pl-context", "data"),
    prevent_initial_call=True,
)
@guarded(PATH)
def save(clicks: Any, name: Any, job_id: Any, context: Any) -> str:
    """Save the finished run as a scenario (one transaction with its audit entry)."""
    language, city = page_language(context), page_city(context)
    with current_engine().connect() as conn:
        job = jobs.job_view(conn, city.id, job_number(job_id)) if job_id else None
    if job is None or job["status"] != "done":
        return word("planning.save_first", language)
    try:
        with current_engine().begin() as conn:
            scenarios.save_scenario(
                conn,
                city.id,
                name=name if isinstance(name, str) else "",
                actor=account().username,
                payload=job["result"],
            )
    except PlanningInputError as error:
        return f"{error.message} ({word('planning.field', language)}: {error.field})"
    return word("planning.saved", language, name=" ".join(str(name).split()))


@dash.callback(
    Output("pl-scenarios", "options"), Input("pl-saved", "children"), State("pl-context", "data")
)
@guarded(PATH)
def list_saved(saved: Any, context: Any) -> list[dict[str, Any]]:
    """The city's scenarios, newest first, with when they were made in the city's zone."""
    city = page_city(context)
    with current_engine().connect() as conn:
        frame = scenarios.list_scenarios(conn, city.id)
    zone, abbreviation = ZoneInfo(city.timezone), zone_abbreviation(city.timezone)
    return [
        {
            "label": f"{row.name} ({row.created_at.astimezone(zone):%d-%m-%Y %H:%M} "
            f"{abbreviation}, {row.created_by})",
            "value": int(row.id),
        }
        for row in frame.itertuples()
    ]


@dash.callback(
    Output("pl-compare", "children"), Input("pl-scenarios", "value"), State("pl-context", "data")
)
@guarded(PATH)
def compare(chosen: Any, context: Any) -> Any:
    """Up to three chosen scenarios side by side."""
    language, ids = page_language(context), _scenario_ids(chosen)
    if not ids:
        return None
    city = page_city(context)
    with current_engine().connect() as conn:
        table = scenarios.compare_scenarios(conn, city.id, ids)
    return html_table(compare_table(table.to_dict("records"), language))


@dash.callback(
    Output("pl-download", "data"),
    Input({"type": "pl-export", "format": ALL}, "n_clicks"),
    State("pl-scenarios", "value"),
    State("pl-context", "data"),
    prevent_initial_call=True,
)
@guarded(PATH)
def export(clicks: Any, chosen: Any, context: Any) -> Any:
    """The first chosen scenario's sites, kelurahan or DPRD summary."""
    trigger = ctx.triggered_id
    ids = _scenario_ids(chosen)
    if not isinstance(trigger, dict) or trigger.get("format") not in _EXPORTS or not ids \
            or not ctx.triggered or not ctx.triggered[0]["value"]:  # fmt: skip
        raise PreventUpdate
    city = page_city(context)
    spend("exports")
    with current_engine().connect() as conn:
        scenario = scenarios.load_scenario(conn, city.id, ids[0])
    if scenario is None:
        raise PreventUpdate
    name = f"skenario-{scenario['id']}"
    kind = trigger["format"]
    if kind == "summary":
        page = scenario_summary_html(
            scenario,
            page_language(context),
            timezone=city.timezone,
            synthetic=city.is_synthetic,
        )
        return dcc.send_string(page, f"{name}-ringkasan.html")
    builders = {
        "geojson": (exports.sites_geojson, "lokasi.geojson"),
        "sites_csv": (exports.sites_csv, "lokasi.csv"),
        "areas_csv": (exports.areas_csv, "kelurahan.csv"),
    }
    build, suffix = builders[kind]
    return dcc.send_string(build(scenario), f"{name}-{suffix}")
