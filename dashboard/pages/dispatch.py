"""The supervisor's dispatch page: pick an open incident, assign the fastest unit (2 clicks)."""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from sqlalchemy import Connection

from dashboard.app import current_engine, current_settings
from dashboard.page_parts import city_background, top_bar
from geodata import map_queries
from geodata.operations.dispatching import DispatchError, UnitUnavailableError, assign_unit
from geodata.routing.recommend import IncidentRecommendation, recommend_units
from layers.city_map import OFFLINE_BASEMAP
from layers.dispatch_view import (
    DispatchTarget,
    dispatch_heading,
    dispatch_map_figure,
    option_rows,
)
from layers.words import (
    Language,
    label,
    word,
)

#: The most urgent open incidents listed (a surge has thousands; the rest wait their turn).
QUEUE_ROWS = 200

dash.register_page(__name__, path="/dispatch", title="Tanggap — Penugasan")


def layout(lang: str | None = None, **_: object) -> Any:
    language: Language = "en" if lang == "en" else current_settings().language
    return html.Div(
        [
            top_bar(language, "/dispatch", facts=[
                dcc.Input(id="dispatch-actor", placeholder=word("dispatch.actor", language),
                          persistence=True, persistence_type="local", className="actor")]),
            dcc.Store(id="dispatch-lang", data=language),
            dcc.Store(id="dispatch-incident"),
            dcc.Store(id="dispatch-refresh", data=0),
            dcc.Interval(id="dispatch-tick", interval=15_000),
            html.Div(
                [
                    html.Aside([html.H3(word("dispatch.queue", language)),
                                html.Div(id="dispatch-queue")],
                               className="queue"),
                    html.Main(
                        [html.Div(id="dispatch-message", role="status"),
                         html.H3(id="dispatch-heading", children=word("dispatch.pick", language)),
                         dcc.Graph(id="dispatch-map", className="dispatch-map",
                                   config={"displaylogo": False, "scrollZoom": True}),
                         dcc.Input(id="dispatch-reason",
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
    Output("dispatch-queue", "children"),
    Input("dispatch-tick", "n_intervals"),
    Input("dispatch-refresh", "data"),
    State("dispatch-lang", "data"),
)
def render_queue(_: int | None, __: int, language: Language) -> Any:
    settings = current_settings()
    with current_engine().connect() as conn:
        city = map_queries.city_summary(conn, settings.default_city)
        if city is None:
            return []
        queue = map_queries.open_incidents(conn, city.id, limit=QUEUE_ROWS)
    if queue.empty:
        return html.P(word("dispatch.empty_queue", language))
    shown = word("live.shown", language, shown=len(queue), total=int(queue["total"].iloc[0]))
    return [html.P(shown, className="queue-count"), *[
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
    ]]  # fmt: skip


@callback(
    Output("dispatch-incident", "data"),
    Input({"type": "pick-incident", "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def pick_incident(clicks: list[int | None]) -> Any:
    if not any(clicks) or not isinstance(ctx.triggered_id, dict):
        return no_update
    return ctx.triggered_id["index"]


def _recommend(conn: Connection, incident_id: int) -> IncidentRecommendation | None:
    found = recommend_units(
        conn, [incident_id], current_settings().response_agencies, k=5, with_routes=True
    )
    return found[0] if found else None


@callback(
    Output("dispatch-heading", "children"),
    Output("dispatch-map", "figure"),
    Output("dispatch-options", "children"),
    Input("dispatch-incident", "data"),
    Input("dispatch-refresh", "data"),
    State("dispatch-lang", "data"),
    prevent_initial_call=True,
)
def render_options(incident_id: int | None, _: int, language: Language) -> Any:
    if incident_id is None:
        return no_update, no_update, no_update
    with current_engine().connect() as conn:
        recommendation = _recommend(conn, incident_id)
        if recommendation is None:
            return f"#{incident_id}", {}, []
        options = recommendation.to_frame()
        lon, lat = recommendation.lon, recommendation.lat
    title, heading = dispatch_heading(incident_id, recommendation.category,
                                      recommendation.snap_distance_m, language)  # fmt: skip
    background = city_background(OFFLINE_BASEMAP)
    figure = dispatch_map_figure(DispatchTarget(lon, lat, title), options, background,
                                 language=language)  # fmt: skip
    tables = [_options_table(kind, options[options["agency_kind"] == kind], language)
              for kind in recommendation.options]  # fmt: skip
    return heading, figure, tables


def _options_table(kind: str, options: Any, language: Language) -> Any:
    rows = option_rows(options, language)
    header = html.Tr([html.Th(name) for name in word("dispatch.columns", language).split("|")])
    if not rows:
        return html.Section([html.H4(label("agency_kind", kind, language)),
                             html.P(word("dispatch.none", language))])  # fmt: skip
    fastest = rows[0]["unit_id"] if rows[0]["outcome"] == "ranked" else None
    body = [
        html.Tr(
            [html.Td(r["call_sign"]), html.Td(r["vehicle"]), html.Td(r["eta"], className="eta"),
             html.Td(r["road"]), html.Td(r["straight"]), html.Td(r["snap"]), html.Td(r["from"]),
             html.Td(r["outcome_label"]),
             html.Td(html.Button(
                 word("dispatch.assign", language),
                 id={"type": "assign", "index": r["unit_id"], "call": r["call_sign"],
                     "fastest": int(r["unit_id"] == fastest)},
                 className="assign fastest" if r["unit_id"] == fastest else "assign",
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
    Input({"type": "assign", "index": ALL, "call": ALL, "fastest": ALL}, "n_clicks"),
    State("dispatch-incident", "data"),
    State("dispatch-reason", "value"),
    State("dispatch-actor", "value"),
    State("dispatch-refresh", "data"),
    State("dispatch-lang", "data"),
    prevent_initial_call=True,
)
def assign(
    clicks: list[int | None],
    incident_id: int | None,
    reason: str | None,
    actor: str | None,
    refresh: int,
    language: Language,
) -> Any:
    if not any(clicks) or not isinstance(ctx.triggered_id, dict) or incident_id is None:
        return no_update, no_update
    unit_id, call_sign = ctx.triggered_id["index"], ctx.triggered_id["call"]
    fastest = bool(ctx.triggered_id["fastest"])
    try:
        with current_engine().begin() as conn:
            assign_unit(conn, incident_id, unit_id, actor=actor or "", recommended=fastest,
                        override_reason=reason)  # fmt: skip
    except UnitUnavailableError as error:
        return html.Div(str(error), className="message error"), refresh + 1  # fresh list
    except DispatchError as error:
        return html.Div(str(error), className="message error"), no_update
    done = word("dispatch.assigned", language, unit=call_sign, incident=incident_id)
    return html.Div(done, className="message ok"), refresh + 1
