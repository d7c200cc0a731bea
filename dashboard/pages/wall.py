"""The wall display: headline counts and the city map, for a screen no one touches.

Dark, large type, no controls. The map rotates between the whole city and the busiest
kecamatan; a new critical incident flashes the screen and sounds when the browser allows
(``assets/live.js``). Like the operators' page it reads the shared live state only, which
holds no caller data, so no caller name or number can reach this page.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, clientside_callback, dcc, html, no_update

from dashboard.access.guards import guarded, page_refusal, requested_city_id
from dashboard.app import current_settings
from dashboard.live_feed import LiveOptions, current_feed, frames_of, tick_update, viewer_key
from dashboard.live_layout import (
    CityContext,
    city_view,
    fresh_mark,
    open_city,
    packed_figure,
    patch_of,
    stale_notice,
    staleness_context,
    watch_staleness,
)
from dashboard.page_parts import city_background, readiness_notice
from geodata.live.state import LiveState
from layers.city_map import MapView
from layers.live_map import LiveMapStyle, live_map_figure
from layers.wall import (
    DARK_BASEMAP,
    alert_lines,
    busiest_kecamatan,
    rotation_views,
    wall_headline,
)
from layers.words import (
    Language,
    choose_language,
    word,
    zone_abbreviation,
)

dash.register_page(__name__, path="/wall", title="Tanggap — Layar dinding")

#: Markers half again as large: the wall is read from across the room.
WALL_STYLE = LiveMapStyle(palette=DARK_BASEMAP, marker_scale=1.5, hover="skip")
MAP_PX = (1300, 900)


def headline_tiles(state: LiveState, language: Language) -> list[Any]:
    """The tiles of counts; rebuilt only when the incidents, units or today's counts move."""
    today = state.today
    headline = wall_headline(
        state.incidents, state.units, calls_today=today.calls,
        prank_ghost_today=today.prank_ghost, responded_today=today.responded,
        median_response_s=today.median_response_s, language=language,
    )  # fmt: skip
    categories = [
        html.Li([html.Span(className="dot", style={"background": c.colour}),
                 html.Span(c.label, className="name"), html.Span(c.count, className="n")])
        for c in headline.open_by_category[:6]
    ]  # fmt: skip
    agencies = [
        html.Li([html.Span(className="dot", style={"background": a.colour}),
                 html.Span(a.label, className="name"),
                 html.Span(f"{a.available}/{a.total}", className="n")])
        for a in headline.units_by_agency
    ]  # fmt: skip
    return [
        html.Section([html.H2(word("wall.open", language)),
                      html.Div(headline.open_total, className="big", id="wall-open-total"),
                      html.Ul(categories, className="rows")], className="tile"),
        html.Section([html.H2(word("wall.units", language)), html.Ul(agencies, className="rows")],
                     className="tile"),
        html.Section([html.H2(word("wall.median", language)),
                      html.Div(headline.median_response, className="big", id="wall-median"),
                      html.Div(word("wall.median_note", language, n=headline.responded),
                               className="note")], className="tile"),
        html.Section([html.H2(word("wall.calls", language)),
                      html.Div(headline.calls_today, className="big", id="wall-calls"),
                      html.Div(word("wall.prank", language, share=headline.prank_ghost_share),
                               className="note", id="wall-prank")], className="tile"),
    ]  # fmt: skip


def headline_key(state: LiveState) -> str:
    latest = [int(f["changed"].max()) if len(f) else 0 for f in (state.incidents, state.units)]
    return f"{state.epoch}|{latest}|{state.today_changed}"


def layout(lang: str | None = None, city: str | None = None, **_: object) -> Any:
    language = choose_language(lang, current_settings().language)
    if (refusal := page_refusal("/wall", language)) is not None:
        return refusal
    feed = current_feed()
    context = open_city(feed, lang, city)
    if isinstance(context, str):
        return html.Div(context, className="notice wall-notice")
    return html.Div(
        [
            html.Header([
                html.Div([html.Span("TANGGAP 112", className="brand"),
                          html.Span(context.city.name, className="city")]),
                html.Div(word("wall.city", context.language), id="wall-view", className="view"),
                html.Div([html.Div(id="wall-clock", className="clock"),
                          html.Div(id="wall-date", className="date")], className="when"),
            ], className="wall-header"),
            readiness_notice(context.readiness, "/wall", context.city.name, context.language),
            *stale_notice("wall"),
            html.Div([
                html.Div(id="wall-tiles", className="wall-tiles"),
                html.Div([dcc.Graph(id="wall-map", className="wall-map",
                                    figure={"data": [], "layout": {}},
                                    config={"displayModeBar": False, "scrollZoom": False}),
                          html.Div(id="wall-alert", className="wall-alert")],
                         className="wall-map-wrap"),
            ], className="wall-body"),
            dcc.Store(id="wall-packed"),
            dcc.Store(id="wall-viewer"),
            dcc.Store(id="wall-context", data=wall_page_data(context, feed.options)),
            dcc.Store(id="wall-alert-data"),
            dcc.Store(id="wall-alert-status"),
            dcc.Interval(id="wall-tick", interval=int(feed.options.tick_s * 1000)),
            dcc.Interval(id="wall-rotate", interval=int(feed.options.wall_rotation_s * 1000)),
            dcc.Interval(id="wall-clock-tick", interval=1000),
        ],
        id="wall-page",
        className="wall",
        lang=context.language,
    )  # fmt: skip


def wall_page_data(context: CityContext, options: LiveOptions) -> dict[str, Any]:
    view = city_view(context.city, *MAP_PX)
    return {
        "city_id": context.city.id, "timezone": context.city.timezone,
        "zone": zone_abbreviation(context.city.timezone), "language": context.language,
        "bounds": list(context.city.bounds), "kecamatan": context.kecamatan_bounds,
        "basemap": context.basemap, "view": [view.lon, view.lat, view.zoom],
        **staleness_context(options, context.language),
    }  # fmt: skip


@dash.callback(
    Output("wall-packed", "data"),
    Output("wall-viewer", "data"),
    Output("wall-tiles", "children"),
    Input("wall-context", "data"),
)
@guarded("/wall")
def first_view(page: Any) -> tuple[Any, Any, Any]:
    """The whole map and the headline once the wall is up (no figure data in the page)."""
    state = current_feed().state(requested_city_id(page["city_id"]))
    if state is None:
        return no_update, no_update, no_update
    style = LiveMapStyle(basemap=page["basemap"], palette=DARK_BASEMAP, marker_scale=1.5,
                         hover="skip")  # fmt: skip
    figure = live_map_figure(city_background(page["basemap"], DARK_BASEMAP), frames_of(state),
                             MapView(*page["view"]), language=page["language"],
                             style=style)  # fmt: skip
    figure.update_layout(map={"uirevision": "wall-0"})
    viewer = {"key": viewer_key(state), "version": state.version, "epoch": state.epoch,
              "headline": headline_key(state)}  # fmt: skip
    return packed_figure(figure), viewer, headline_tiles(state, page["language"])


clientside_callback(
    dash.ClientsideFunction("tanggap", "unpack"),
    Output("wall-map", "figure"),
    Input("wall-packed", "data"),
    State("wall-map", "figure"),
)
watch_staleness("wall", "wall-clock-tick", "wall-context")
clientside_callback(
    dash.ClientsideFunction("tanggap", "clock"),
    Output("wall-clock", "children"),
    Output("wall-date", "children"),
    Input("wall-clock-tick", "n_intervals"),
    State("wall-context", "data"),
)
clientside_callback(
    dash.ClientsideFunction("tanggap", "alert"),
    Output("wall-alert-status", "data"),
    Input("wall-alert-data", "data"),
)


@dash.callback(
    Output("wall-map", "figure", allow_duplicate=True),
    Output("wall-packed", "data", allow_duplicate=True),
    Output("wall-viewer", "data", allow_duplicate=True),
    Output("wall-tiles", "children", allow_duplicate=True),
    Output("wall-alert-data", "data"),
    Output("wall-fresh", "data"),
    Input("wall-tick", "n_intervals"),
    State("wall-viewer", "data"),
    State("wall-context", "data"),
    prevent_initial_call=True,
)
@guarded("/wall")
def tick(_: int | None, viewer: Any, page: Any) -> tuple[Any, ...]:
    """The map's changes, the tiles when their numbers moved, any new critical alert, and
    that the data is fresh."""
    state = current_feed().state(requested_city_id(page["city_id"]))
    if state is None:
        return (no_update,) * 6
    update = tick_update(state, viewer, language=page["language"], style=WALL_STYLE)
    if update.viewer is None:
        return (*(no_update,) * 5, fresh_mark())
    figure = patch_of(update.changes) if update.changes else no_update
    packed = {"data": update.traces} if update.traces is not None else no_update
    key = headline_key(state)
    tiles = no_update if viewer and viewer.get("headline") == key else \
        headline_tiles(state, page["language"])  # fmt: skip
    lines = (
        alert_lines(state.incidents, int(viewer.get("version", 0)), state.built_at_s,
                    page["timezone"], page["language"])
        if viewer else []
    )  # fmt: skip
    alert = {"seq": state.version, "lines": lines} if lines else no_update
    return figure, packed, {**update.viewer, "headline": key}, tiles, alert, fresh_mark()


@dash.callback(
    Output("wall-map", "figure", allow_duplicate=True),
    Output("wall-view", "children"),
    Input("wall-rotate", "n_intervals"),
    State("wall-context", "data"),
    prevent_initial_call=True,
)
@guarded("/wall")
def rotate(n: int | None, page: Any) -> tuple[Any, Any]:
    """Every period, the next view: the whole city, then the busiest kecamatan."""
    state = current_feed().state(requested_city_id(page["city_id"]))
    busiest = busiest_kecamatan(state.incidents) if state is not None else None
    kecamatan = {name: tuple(bounds) for name, bounds in page["kecamatan"].items()}
    views = rotation_views(tuple(page["bounds"]), kecamatan, busiest,  # type: ignore[arg-type]
                           width_px=MAP_PX[0], height_px=MAP_PX[1])  # fmt: skip
    name, view = views[(n or 0) % len(views)]
    label = word("wall.city", page["language"]) if name is None else \
        word("wall.busiest", page["language"], name=name)  # fmt: skip
    return patch_of([
        (("layout", "map", "center"), {"lon": view.lon, "lat": view.lat}),
        (("layout", "map", "zoom"), view.zoom),
        (("layout", "map", "uirevision"), f"wall-{n}"),
    ]), label  # fmt: skip
