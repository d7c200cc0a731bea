"""The supervisor's dispatch page: pick an open incident, assign the fastest unit (2 clicks).

Every write is decided on the server: who assigns comes from the session, the unit from its
id checked against the incident's city, "fastest" from the recommendation recomputed at
the click (what the browser says about it is ignored). The queue is paginated.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask import abort
from sqlalchemy import Connection

from dashboard.access.guards import (
    account,
    guarded,
    page_refusal,
    reachable_city,
    requested_city,
)
from dashboard.access.policy import CALLER_ROLES
from dashboard.app import current_engine, current_settings
from dashboard.page_parts import city_background, readiness_notice, top_bar
from geodata import map_queries
from geodata.city_readiness import city_readiness
from geodata.operations.dispatching import DispatchError, UnitUnavailableError, assign_unit
from geodata.operations.incident_views import incident_in_city, view_caller
from geodata.routing.recommend import IncidentRecommendation, recommend_units
from layers.analytics.charts import empty_figure
from layers.city_map import OFFLINE_BASEMAP
from layers.dispatch_view import (
    DispatchTarget,
    dispatch_heading,
    dispatch_map_figure,
    option_rows,
)
from layers.words import Language, choose_language, label, word

dash.register_page(__name__, path="/dispatch", title="Tanggap — Penugasan")

PATH = "/dispatch"
PER_PAGE = 40


def layout(lang: str | None = None, city: str | None = None, **_: object) -> Any:
    language = choose_language(lang, current_settings().language)
    if (refusal := page_refusal(PATH, language)) is not None:
        return refusal
    with current_engine().connect() as conn:
        summary = reachable_city(conn, city, current_settings().default_city)
        readiness = None if summary is None else city_readiness(conn, summary.id)
    if summary is None or readiness is None:
        return html.Div(word("app.no_city", language), className="notice")
    who = account()
    return html.Div(
        [
            top_bar(language, PATH, city_name=summary.name, facts=[html.Span(
                word("dispatch.assigning_as", language, name=who.display_name),
                className="actor")]),
            readiness_notice(readiness, PATH, summary.name, language),
            dcc.Store(id="dispatch-context", data={"city": summary.code, "language": language}),
            dcc.Store(id="dispatch-incident"),
            dcc.Store(id="dispatch-refresh", data=0),
            dcc.Store(id="dispatch-page", data=0),
            dcc.Interval(id="dispatch-tick", interval=15_000),
            html.Div(
                [
                    html.Aside([html.H3(word("dispatch.queue", language)),
                                html.Div(id="dispatch-queue"),
                                html.Div([html.Button(word("dispatch.previous", language),
                                                      id="dispatch-previous"),
                                          html.Span(id="dispatch-page-of"),
                                          html.Button(word("dispatch.next", language),
                                                      id="dispatch-next")],
                                         className="queue-pages")],
                               className="queue"),
                    html.Main(
                        [html.Div(id="dispatch-message", role="status"),
                         html.H3(id="dispatch-heading", children=word("dispatch.pick", language)),
                         html.Div(id="dispatch-caller", className="caller"),
                         dcc.Graph(id="dispatch-map", className="dispatch-map",
                                   figure=empty_figure(word("dispatch.map_waits", language)),
                                   config={"displaylogo": False, "scrollZoom": True}),
                         dcc.Input(id="dispatch-reason", maxLength=500,
                                   placeholder=word("dispatch.reason", language),
                                   className="reason", debounce=False),
                         html.Div(id="dispatch-options")],
                        className="dispatch-main",
                    ),
                ],
                className="dispatch-body",
            ),
        ],
        className="page",
        lang=language,
    )  # fmt: skip


@callback(
    Output("dispatch-page", "data"),
    Input("dispatch-previous", "n_clicks"),
    Input("dispatch-next", "n_clicks"),
    State("dispatch-page", "data"),
    prevent_initial_call=True,
)
@guarded(PATH)
def turn_page(_: Any, __: Any, page: Any) -> int:
    current = page if isinstance(page, int) and page >= 0 else 0
    return max(current + (1 if ctx.triggered_id == "dispatch-next" else -1), 0)


@callback(
    Output("dispatch-queue", "children"),
    Output("dispatch-page-of", "children"),
    Input("dispatch-tick", "n_intervals"),
    Input("dispatch-refresh", "data"),
    Input("dispatch-page", "data"),
    State("dispatch-context", "data"),
)
@guarded(PATH)
def render_queue(_: Any, __: Any, page: Any, context: Any) -> Any:
    """One page of the open emergencies of the city, most urgent first."""
    language = choose_language(context.get("language") if isinstance(context, dict) else None,
                               current_settings().language)  # fmt: skip
    page = page if isinstance(page, int) and 0 <= page < 10_000 else 0
    with current_engine().connect() as conn:
        city = requested_city(conn, context.get("city") if isinstance(context, dict) else None)
        queue = map_queries.open_incidents(conn, city.id, limit=PER_PAGE, offset=page * PER_PAGE)
    if queue.empty:
        return html.P(word("dispatch.empty_queue", language)), ""
    total = int(queue["total"].iloc[0])
    shown = word("dispatch.page_of", language, first=page * PER_PAGE + 1,
                 last=page * PER_PAGE + len(queue), total=total)  # fmt: skip
    return [
        html.Button(
            [html.Span(f"P{row.priority}", className=f"priority p{row.priority}"),
             html.Span(f"#{row.incident_id} {label('category', row.category, language)}",
                       className="what"),
             html.Span(f"{row.kelurahan or ''} · "
                       f"{label('incident_status', row.status, language)}"
                       + (f" · {row.units}" if row.units else ""), className="where")],
            id={"type": "pick-incident", "index": int(row.incident_id)},
            className="incident-pick",
        )
        for row in queue.itertuples(index=False)
    ], shown  # fmt: skip


@callback(
    Output("dispatch-incident", "data"),
    Input({"type": "pick-incident", "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
@guarded(PATH)
def pick_incident(clicks: list[int | None]) -> Any:
    if not any(clicks) or not isinstance(ctx.triggered_id, dict):
        return no_update
    return ctx.triggered_id["index"]


def incident_of_city(conn: Connection, incident_id: Any, context: Any) -> tuple[int, int]:
    """(incident id, city id) when the browser's incident is one of the account's city."""
    if not isinstance(incident_id, int) or isinstance(incident_id, bool):
        raise PreventUpdate
    city = requested_city(conn, context.get("city") if isinstance(context, dict) else None)
    if not incident_in_city(conn, city.id, incident_id):
        abort(403)
    return incident_id, city.id


def _recommend(conn: Connection, incident_id: int) -> IncidentRecommendation | None:
    found = recommend_units(
        conn, [incident_id], current_settings().response_agencies, k=5, with_routes=True
    )
    return found[0] if found else None


@callback(
    Output("dispatch-heading", "children"),
    Output("dispatch-map", "figure"),
    Output("dispatch-options", "children"),
    Output("dispatch-caller", "children"),
    Input("dispatch-incident", "data"),
    Input("dispatch-refresh", "data"),
    State("dispatch-context", "data"),
    prevent_initial_call=True,
)
@guarded(PATH)
def render_options(incident_id: Any, _: int, context: Any) -> Any:
    language = choose_language(context.get("language"), current_settings().language)
    with current_engine().connect() as conn:
        incident_id, _city = incident_of_city(conn, incident_id, context)
        recommendation = _recommend(conn, incident_id)
        if recommendation is None:
            return f"#{incident_id}", {}, [], caller_button(language)
        options = recommendation.to_frame()
        lon, lat = recommendation.lon, recommendation.lat
    title, heading = dispatch_heading(incident_id, recommendation.category,
                                      recommendation.snap_distance_m, language)  # fmt: skip
    background = city_background(OFFLINE_BASEMAP)
    figure = dispatch_map_figure(DispatchTarget(lon, lat, title), options, background,
                                 language=language)  # fmt: skip
    fastest = recommendation.fastest_unit_ids()
    tables = [_options_table(kind, options[options["agency_kind"] == kind], fastest, language)
              for kind in recommendation.options]  # fmt: skip
    return heading, figure, tables, caller_button(language)


def caller_button(language: Language) -> Any:
    """The button that shows the caller (to the roles that may see one), or nothing."""
    if account().role not in CALLER_ROLES:
        return None
    return html.Button(word("dispatch.show_caller", language), id="dispatch-show-caller",
                       className="show-caller")  # fmt: skip


@callback(
    Output("dispatch-caller", "children", allow_duplicate=True),
    Input("dispatch-show-caller", "n_clicks"),
    State("dispatch-incident", "data"),
    State("dispatch-context", "data"),
    prevent_initial_call=True,
)
@guarded(PATH, *CALLER_ROLES)
def show_caller(clicks: Any, incident_id: Any, context: Any) -> Any:
    """The caller's name and number, for this supervisor, recorded in the audit log."""
    if not clicks:
        raise PreventUpdate
    language = choose_language(context.get("language"), current_settings().language)
    who = account()
    with current_engine().begin() as conn:
        incident_id, city_id = incident_of_city(conn, incident_id, context)
        found = view_caller(conn, city_id, incident_id, actor=who.username)
    name, phone = found or (None, None)
    unknown = word("dispatch.caller_unknown", language)
    return html.Span(f"{word('dispatch.caller', language)}: {name or unknown} · {phone or unknown}")


def _options_table(kind: str, options: Any, fastest: set[int], language: Language) -> Any:
    rows = option_rows(options, language)
    header = html.Tr([html.Th(name) for name in word("dispatch.columns", language).split("|")])
    if not rows:
        return html.Section([html.H4(label("agency_kind", kind, language)),
                             html.P(word("dispatch.none", language))])  # fmt: skip
    body = [
        html.Tr(
            [html.Td(r["call_sign"]), html.Td(r["vehicle"]), html.Td(r["eta"], className="eta"),
             html.Td(r["road"]), html.Td(r["straight"]), html.Td(r["snap"]), html.Td(r["from"]),
             html.Td(r["outcome_label"]),
             html.Td(html.Button(
                 word("dispatch.assign", language),
                 id={"type": "assign", "unit": r["unit_id"]},
                 className="assign fastest" if r["unit_id"] in fastest else "assign",
                 disabled=r["outcome"] in ("unreachable", "off_network"),
             ))],
            className=f"option {r['outcome']}",
        )
        for r in rows
    ]  # fmt: skip
    table = html.Table([html.Thead(header), html.Tbody(body)], className="options")
    return html.Section([html.H4(label("agency_kind", kind, language)), table])


@callback(
    Output("dispatch-message", "children"),
    Output("dispatch-refresh", "data"),
    Input({"type": "assign", "unit": ALL}, "n_clicks"),
    State("dispatch-incident", "data"),
    State("dispatch-reason", "value"),
    State("dispatch-refresh", "data"),
    State("dispatch-context", "data"),
    prevent_initial_call=True,
)
@guarded(PATH)
def assign(clicks: list[int | None], incident_id: Any, reason: Any, refresh: Any,
           context: Any) -> Any:  # fmt: skip
    """Assign the clicked unit: the server decides whether it is the fastest."""
    if not any(clicks) or not isinstance(ctx.triggered_id, dict):
        return no_update, no_update
    unit_id = ctx.triggered_id.get("unit")
    if not isinstance(unit_id, int) or isinstance(unit_id, bool):
        raise PreventUpdate
    language = choose_language(context.get("language"), current_settings().language)
    refresh = refresh + 1 if isinstance(refresh, int) else 1
    reason = reason.strip()[:500] if isinstance(reason, str) else None
    who = account()
    try:
        with current_engine().begin() as conn:
            incident_id, _city = incident_of_city(conn, incident_id, context)
            recommendation = _recommend(conn, incident_id)
            fastest = recommendation.fastest_unit_ids() if recommendation else set()
            assign_unit(conn, incident_id, unit_id, actor=who.username,
                        recommended=unit_id in fastest, override_reason=reason or None)  # fmt: skip
            call_sign = next((o.call_sign for opts in (recommendation.options.values()
                              if recommendation else []) for o in opts if o.unit_id == unit_id),
                             str(unit_id))  # fmt: skip
    except DispatchError as error:
        detail = html.Div(str(error), className="detail")
        message = html.Div([word(f"dispatch.refused_{error.reason}", language), detail],
                           className="message error")  # fmt: skip
        return message, refresh if isinstance(error, UnitUnavailableError) else no_update
    done = word("dispatch.assigned", language, unit=call_sign, incident=incident_id)
    return html.Div(done, className="message ok"), refresh
