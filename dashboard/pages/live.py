"""Live operations: open incidents, units and posko on the map, and the queue beside it.

Callbacks are adapters: the shared live state comes from this worker's
:func:`~dashboard.live_feed.current_feed` (never a query per viewer per tick), and every
decision is a pure function of :mod:`dashboard.live_feed` and :mod:`layers`.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, clientside_callback, ctx, dcc, html, no_update

from dashboard.access.guards import guarded, page_refusal, requested_city_id
from dashboard.app import current_settings
from dashboard.live_feed import current_feed, frames_of, tick_update, viewer_key
from dashboard.live_layout import (
    CityContext,
    city_view,
    fresh_mark,
    open_city,
    packed_figure,
    patch_of,
    placeholder_figure,
    stale_notice,
    staleness_context,
    watch_staleness,
)
from dashboard.page_parts import city_background, readiness_notice, top_bar
from geodata.live.state import LiveState
from layers.city_map import LIGHT_BASEMAP, MapView
from layers.live_map import (
    LAYERS,
    LiveMapStyle,
    basemap_names,
    focus_changes,
    layer_visibility_changes,
    live_map_figure,
    trace_index,
)
from layers.live_queue import (
    QueueFilter,
    filter_options,
    incident_queue,
    legend_entries,
    point_details,
)
from layers.words import Language, choose_language, label, word, zone_abbreviation

dash.register_page(__name__, path="/live", title="Tanggap — Operasi langsung")


def side_panel(context: CityContext, state: LiveState | None) -> Any:
    language = context.language
    options = filter_options(
        state.incidents if state else None, list(context.kecamatan_bounds), language
    )

    def chooser(name: str) -> Any:
        return dcc.Dropdown(id=f"live-filter-{name}", options=options[name], multi=True,
                            placeholder=word(f"live.{name}", language),
                            className="live-filter")  # fmt: skip

    return html.Aside(
        [
            html.H2(word("live.layers", language)),
            dcc.Checklist(
                id="live-layers", value=list(LAYERS), className="live-layers",
                options=[{"label": label("live_layer", n, language), "value": n} for n in LAYERS],
            ),
            html.H2(word("live.queue", language)),
            html.Div([chooser("categories"), chooser("agencies"), chooser("kecamatan")],
                     className="live-filters"),
            html.Div(id="live-queue-count", className="live-queue-count"),
            html.Ol(id="live-queue", className="live-queue"),
        ],
        className="live-side",
    )  # fmt: skip


def layout(lang: str | None = None, city: str | None = None, **_: object) -> Any:
    """Controls and an empty map (no figure data in the page, whatever the city); the map
    arrives by :func:`first_view`, then changes by ticks."""
    language = choose_language(lang, current_settings().language)
    if (refusal := page_refusal("/live", language)) is not None:
        return refusal
    feed = current_feed()
    context = open_city(feed, lang, city)
    if isinstance(context, str):
        return html.Div(context, className="notice")
    state = feed.state(context.city.id)
    view = city_view(context.city, 1000, 760)
    banner = (
        html.Div(word("app.synthetic_banner", context.language), className="synthetic")
        if context.city.is_synthetic
        else None
    )
    page = {"city_id": context.city.id, "timezone": context.city.timezone,
            "zone": zone_abbreviation(context.city.timezone), "language": context.language,
            "basemap": context.basemap, "view": [view.lon, view.lat, view.zoom],
            **staleness_context(feed.options, context.language)}  # fmt: skip
    return html.Div(
        [
            top_bar(context.language, "/live", city_name=context.city.name,
                    facts=[html.Span(id="live-facts")]),
            banner,
            readiness_notice(context.readiness, "/live", context.city.name, context.language),
            *stale_notice("live"),
            html.Div(
                [
                    html.Div(
                        [dcc.Graph(id="live-map", className="live-map",
                                   figure=placeholder_figure(view, LIGHT_BASEMAP.land),
                                   config={"displaylogo": False, "scrollZoom": True}),
                         html.Div(id="live-legend", className="live-legend"),
                         html.Div(id="live-details", className="live-details")],
                        className="live-map-wrap",
                    ),
                    side_panel(context, state),
                ],
                className="live-body",
            ),
            dcc.Store(id="live-packed"),
            dcc.Store(id="live-viewer"),
            dcc.Store(id="live-basemap"),
            dcc.Store(id="live-page", data=page),
            dcc.Store(id="live-queue-key"),
            dcc.Interval(id="live-tick", interval=int(feed.options.tick_s * 1000)),
            dcc.Interval(id="live-minute", interval=20_000),  # the queue's ages
            dcc.Interval(id="live-watch", interval=2_000),  # is the data still fresh?
        ],
        className="page live",
        lang=context.language,
    )  # fmt: skip


@dash.callback(
    Output("live-packed", "data"),
    Output("live-viewer", "data"),
    Output("live-basemap", "data"),
    Input("live-page", "data"),
)
@guarded("/live")
def first_view(page: Any) -> tuple[Any, ...]:
    """The whole map once the page is up: points packed, basemap as vector-tile layers."""
    state = current_feed().state(requested_city_id(page["city_id"]))
    if state is None:
        return (no_update,) * 3
    figure = live_map_figure(city_background(page["basemap"]), frames_of(state),
                             MapView(*page["view"]), language=page["language"],
                             style=LiveMapStyle(basemap=page["basemap"]))  # fmt: skip
    viewer = {"key": viewer_key(state), "version": state.version, "epoch": state.epoch}
    return packed_figure(figure), viewer, basemap_names(figure)


watch_staleness("live", "live-watch", "live-page")
clientside_callback(
    dash.ClientsideFunction("tanggap", "unpack"),
    Output("live-map", "figure"),
    Input("live-packed", "data"),
    State("live-map", "figure"),
)


def chosen_filter(categories: Any, agencies: Any, kecamatan: Any) -> QueueFilter:
    return QueueFilter(frozenset(categories or ()), frozenset(agencies or ()),
                       frozenset(kecamatan or ()))  # fmt: skip


def queue_view(state: LiveState, chosen: QueueFilter, page: dict[str, Any]) -> tuple[Any, ...]:
    """Queue items, their count line, the legend and the facts line, for one state."""
    language: Language = page["language"]
    rows, total = incident_queue(state.incidents, chosen, state.built_at_s, language)
    items = [
        html.Li(html.Button(
            [html.Span(f"P{row.priority}", className=f"prio prio-{row.priority}"),
             html.Span(className="swatch", style={"background": row.colour}),
             html.Span(row.category, className="what"), html.Span(row.age, className="age"),
             html.Span(row.place, className="where"),
             html.Span(f"{row.status} · {row.agencies}", className="status")],
            id={"type": "live-queue-item", "index": row.incident_id}, className="queue-item",
        ))
        for row in rows
    ] or [html.Li(word("live.empty", language), className="queue-empty")]  # fmt: skip
    legend = legend_entries(state.incidents, language)
    legend_children = [
        *(html.Div([html.Span(className="swatch", style={"background": e.colour}),
                    f"{e.label} ({e.count})"], className="legend-row")
          for e in legend["categories"]),
        html.Div(word("live.legend_units", language), className="legend-title"),
        *(html.Div([html.Span(className="ring", style={"borderColor": e.colour}), e.label],
                   className="legend-row") for e in legend["statuses"]),
        html.Div(word("live.legend_age", language), className="legend-title"),
        html.Div([html.Span([html.Span(className="swatch", style={"background": e.colour}),
                             e.label], className="legend-age") for e in legend["ages"]],
                 className="legend-row"),
    ]  # fmt: skip
    located = state.located_units()
    facts = " · ".join(
        [word("live.open", language, n=len(state.open_incidents())),
         word("live.units", language, n=len(located), stale=int(located["stale"].sum()))]
    )  # fmt: skip
    count = word("live.shown", language, shown=len(rows), total=total)
    return items, count, legend_children, facts


def queue_key(state: LiveState, chosen: QueueFilter) -> str:
    """Changes when the queue would: an incident changed, a minute passed, the filter moved."""
    latest = int(state.incidents["changed"].max()) if len(state.incidents) else 0
    return (
        f"{state.epoch}|{latest}|{int(state.built_at_s // 60)}|{sorted(chosen.categories)}"
        f"|{sorted(chosen.agencies)}|{sorted(chosen.kecamatan)}"
    )


@dash.callback(
    Output("live-map", "figure", allow_duplicate=True),
    Output("live-packed", "data", allow_duplicate=True),
    Output("live-viewer", "data", allow_duplicate=True),
    Output("live-fresh", "data"),
    Input("live-tick", "n_intervals"),
    State("live-viewer", "data"),
    State("live-layers", "value"),
    State("live-page", "data"),
    prevent_initial_call=True,
)
@guarded("/live")
def tick(_: int | None, viewer: Any, visible: Any, page: Any) -> tuple[Any, ...]:
    """Each tick: the map's changes, or its point traces anew, or nothing at all; and that
    the data is fresh."""
    state = current_feed().state(requested_city_id(page["city_id"]))
    if state is None:
        return (no_update,) * 4
    update = tick_update(state, viewer, language=page["language"],
                         visible=frozenset(visible or ()))  # fmt: skip
    figure = patch_of(update.changes) if update.changes else no_update
    packed = {"data": update.traces} if update.traces is not None else no_update
    return figure, packed, update.viewer or no_update, fresh_mark()


@dash.callback(
    Output("live-queue", "children"),
    Output("live-queue-count", "children"),
    Output("live-legend", "children"),
    Output("live-facts", "children"),
    Output("live-queue-key", "data"),
    Input("live-viewer", "data"),
    Input("live-minute", "n_intervals"),
    Input("live-filter-categories", "value"),
    Input("live-filter-agencies", "value"),
    Input("live-filter-kecamatan", "value"),
    State("live-page", "data"),
    State("live-queue-key", "data"),
)
@guarded("/live")
def queue(_: Any, __: Any, categories: Any, agencies: Any, kecamatan: Any, page: Any,
          shown_key: Any) -> tuple[Any, ...]:  # fmt: skip
    """The queue, legend and counts, after the map (so a new incident's marker is not held
    back by them), and only when they would change."""
    state = current_feed().state(requested_city_id(page["city_id"]))
    chosen = chosen_filter(categories, agencies, kecamatan)
    if state is None or queue_key(state, chosen) == shown_key:
        return (no_update,) * 5
    return (*queue_view(state, chosen, page), queue_key(state, chosen))


@dash.callback(
    Output("live-map", "figure", allow_duplicate=True),
    Input("live-layers", "value"),
    State("live-page", "data"),
    State("live-basemap", "data"),
    prevent_initial_call=True,
)
@guarded("/live")
def toggle_layers(visible: Any, page: Any, basemap_layers: Any) -> Any:
    """Switch traces and basemap layers on or off by their place in the figure."""
    state = current_feed().state(requested_city_id(page["city_id"]))
    if state is None:
        return no_update
    index = trace_index(state.stations)
    return patch_of(layer_visibility_changes(basemap_layers or [], index,
                                             frozenset(visible or ())))  # fmt: skip


@dash.callback(
    Output("live-map", "figure", allow_duplicate=True),
    Input({"type": "live-queue-item", "index": ALL}, "n_clicks"),
    State("live-page", "data"),
    prevent_initial_call=True,
)
@guarded("/live")
def centre_on_incident(clicks: list[int | None], page: Any) -> Any:
    """Centre the map on the clicked incident; a new map ``uirevision`` makes it move."""
    if not ctx.triggered_id or not any(clicks):
        return no_update
    state = current_feed().state(requested_city_id(page["city_id"]))
    if state is None:
        return no_update
    changes = focus_changes(state.incidents, int(ctx.triggered_id["index"]),
                            revision=sum(c or 0 for c in clicks))  # fmt: skip
    return no_update if changes is None else patch_of(changes)


@dash.callback(
    Output("live-details", "children"),
    Input("live-map", "hoverData"),
    Input("live-map", "clickData"),
    State("live-viewer", "data"),
    State("live-page", "data"),
    prevent_initial_call=True,
)
@guarded("/live")
def show_details(hover: Any, click: Any, viewer: Any, page: Any) -> Any:
    """Details of the incident or unit under the pointer (slot → row of the shared state)."""
    event = hover if ctx.triggered_id and "hoverData" in ctx.triggered[0]["prop_id"] else click
    state = current_feed().state(requested_city_id(page["city_id"]))
    if not event or not event.get("points") or state is None or not viewer:
        return no_update
    if viewer.get("key") != viewer_key(state):
        return no_update
    point = event["points"][0]
    lines = point_details(frames_of(state), trace_index(state.stations), point.get("curveNumber"),
                          point.get("pointNumber"), page["timezone"], state.built_at_s,
                          page["language"])  # fmt: skip
    if lines is None:
        return no_update
    return [html.Div(lines[0], className="details-title"), *(html.Div(x) for x in lines[1:])]
