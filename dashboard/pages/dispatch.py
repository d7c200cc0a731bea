"""The supervisor's dispatch page: pick an open incident, assign the fastest unit (2 clicks)."""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from sqlalchemy import Connection

from dashboard.app import current_engine, current_settings
from dashboard.navigation import nav_links
from geodata import map_queries
from geodata.operations.dispatching import DispatchError, UnitUnavailableError, assign_unit
from geodata.routing.network_search import bbox_around
from geodata.routing.recommend import IncidentRecommendation, recommend_units
from layers.dispatch_view import DispatchTarget, dispatch_map_figure, option_rows
from layers.vocabulary import (
    AGENCY_KIND_LABELS,
    CATEGORY_LABELS,
    INCIDENT_STATUS_LABELS,
    Language,
    label,
)

dash.register_page(__name__, path="/dispatch", title="Tanggap — Penugasan")

WORDS: dict[str, dict[Language, str]] = {
    "title": {"id": "Penugasan unit", "en": "Dispatch"},
    "queue": {"id": "Kejadian terbuka", "en": "Open incidents"},
    "pick": {"id": "Pilih kejadian di kiri.", "en": "Pick an incident on the left."},
    "assign": {"id": "Tugaskan", "en": "Assign"},
    "actor": {"id": "Nama supervisor", "en": "Supervisor name"},
    "reason": {"id": "Alasan bila bukan unit tercepat", "en": "Reason if not the fastest unit"},
    "assigned": {"id": "{unit} ditugaskan ke kejadian #{incident}.",
                 "en": "{unit} assigned to incident #{incident}."},
    "none": {"id": "Tidak ada unit siaga.", "en": "No available unit."},
    "columns": {"id": "Unit|Kendaraan|ETA|Jarak jalan|Garis lurus|Ke jalan|Posisi|Status|",
                "en": "Unit|Vehicle|ETA|By road|Straight|To road|From|Outcome|"},
    "empty_queue": {"id": "Tidak ada kejadian darurat terbuka.",
                    "en": "No open emergency incident."},
}  # fmt: skip


def word(key: str, language: Language, **values: object) -> str:
    return WORDS[key][language].format(**values)


def layout(lang: str | None = None, **_: object) -> Any:
    language: Language = "en" if lang == "en" else current_settings().language
    return html.Div(
        [
            html.Header(
                [html.Div([html.Span(word("title", language), className="brand"),
                           nav_links(language, "/dispatch")], className="identity"),
                 dcc.Input(id="dispatch-actor", placeholder=word("actor", language),
                           persistence=True, persistence_type="local", className="actor")],
                className="topbar",
            ),
            dcc.Store(id="dispatch-lang", data=language),
            dcc.Store(id="dispatch-incident"),
            dcc.Store(id="dispatch-refresh", data=0),
            dcc.Interval(id="dispatch-tick", interval=15_000),
            html.Div(
                [
                    html.Aside([html.H3(word("queue", language)), html.Div(id="dispatch-queue")],
                               className="queue"),
                    html.Main(
                        [html.Div(id="dispatch-message", role="status"),
                         html.H3(id="dispatch-heading", children=word("pick", language)),
                         dcc.Graph(id="dispatch-map", className="dispatch-map",
                                   config={"displaylogo": False, "scrollZoom": True}),
                         dcc.Input(id="dispatch-reason", placeholder=word("reason", language),
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
        queue = map_queries.open_incidents(conn, city.id)
    if queue.empty:
        return html.P(word("empty_queue", language))
    return [
        html.Button(
            [html.Span(f"P{row.priority}", className=f"priority p{row.priority}"),
             html.Span(f"#{row.incident_id} {label(CATEGORY_LABELS, row.category, language)}",
                       className="what"),
             html.Span(f"{row.kelurahan or ''} · "
                       f"{label(INCIDENT_STATUS_LABELS, row.status, language)}"
                       + (f" · {row.units}" if row.units else ""), className="where")],
            id={"type": "pick-incident", "index": int(row.incident_id)},
            className="incident-pick",
        )
        for row in queue.itertuples(index=False)
    ]  # fmt: skip


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
        ranked = options[options["outcome"] == "ranked"]
        reach_m = max([*ranked["straight_distance_m"], 1000.0]) * 1.3
        roads = map_queries.road_lines(conn, recommendation.city_id, bbox_around(lon, lat, reach_m))
    title = f"#{incident_id} {label(CATEGORY_LABELS, recommendation.category, language)}"
    snap = recommendation.snap_distance_m
    heading = title + (f" · {snap:.0f} m ke jalan" if snap is not None and language == "id" else
                       f" · {snap:.0f} m to road" if snap is not None else "")  # fmt: skip
    figure = dispatch_map_figure(DispatchTarget(lon, lat, title), options, roads, language=language)
    tables = [_options_table(kind, options[options["agency_kind"] == kind], language)
              for kind in recommendation.options]  # fmt: skip
    return heading, figure, tables


def _options_table(kind: str, options: Any, language: Language) -> Any:
    rows = option_rows(options, language)
    header = html.Tr([html.Th(name) for name in word("columns", language).split("|")])
    if not rows:
        return html.Section([html.H4(label(AGENCY_KIND_LABELS, kind, language)),
                             html.P(word("none", language))])  # fmt: skip
    fastest = rows[0]["unit_id"] if rows[0]["outcome"] == "ranked" else None
    body = [
        html.Tr(
            [html.Td(r["call_sign"]), html.Td(r["vehicle"]), html.Td(r["eta"], className="eta"),
             html.Td(r["road"]), html.Td(r["straight"]), html.Td(r["snap"]), html.Td(r["from"]),
             html.Td(r["outcome_label"]),
             html.Td(html.Button(
                 word("assign", language),
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
    return html.Section([html.H4(label(AGENCY_KIND_LABELS, kind, language)), table])


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
    done = word("assigned", language, unit=call_sign, incident=incident_id)
    return html.Div(done, className="message ok"), refresh + 1
