"""Manual incident entry (``/kejadian-baru``), for a center whose call-taking system is not
integrated: a call taker places the incident (map click, typed coordinates or a kelurahan)
and saves it; it reaches the dispatch queue and the live map as one from the API.

Callbacks are adapters over ``geodata.operations.manual_entry`` and ``layers.manual_entry``.
The city comes from the session, the author from the account; the form's token makes a
double click store one incident.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import dash
from dash import Input, Output, Patch, State, callback, clientside_callback, ctx, dcc, html
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import OperationalError

from dashboard.access.guards import account, guarded, page_refusal, reachable_city, requested_city
from dashboard.access.policy import may_open
from dashboard.app import current_engine, current_settings
from dashboard.page_parts import city_background, readiness_notice, top_bar
from geodata.city_readiness import city_readiness
from geodata.map_queries import CitySummary
from geodata.operations.manual_entry import (
    EntryError,
    inside_city,
    kelurahan_points,
    new_token,
    parse_entry,
    place_from_text,
    record_manual_incident,
)
from geodata.vocabulary import EMERGENCY_CATEGORIES, IncidentCategory
from layers.city_map import MapView, zoom_for_bounds
from layers.manual_entry import (
    category_options,
    entry_map_figure,
    kelurahan_options,
    place_marker,
    priority_options,
    problem_text,
)
from layers.words import Language, choose_language, number, word, zone_abbreviation

PATH = "/kejadian-baru"
dash.register_page(__name__, path=PATH, title="Tanggap — Kejadian baru")

#: The form's fields in the order the save callback receives them (after the token).
FIELDS = ("coordinates", "category", "priority", "caller_name", "caller_phone", "address",
          "description")  # fmt: skip
#: Emergencies first (what a call taker enters most), then the other outcomes of a call.
CATEGORY_ORDER = tuple(
    [c.value for c in IncidentCategory if c in EMERGENCY_CATEGORIES]
    + [c.value for c in IncidentCategory if c not in EMERGENCY_CATEGORIES]
)


def _field(title: str, control: Any) -> Any:
    return html.Label([html.Span(title), control], className="ke-field")


def entry_form(language: Language, city: CitySummary, kelurahan: list[dict[str, Any]]) -> Any:
    """The form's controls, empty (a fresh token is in the page's store); the example
    coordinates are the city's middle."""
    w = lambda key: word(f"entry.{key}", language)  # noqa: E731 - a local shorthand
    lon, lat = city.center
    example = word("entry.coordinates_hint", language, example=f"{lat:.4f}, {lon:.4f}")
    return html.Div([
        html.H2(w("title")),
        html.Div(id="ke-result", className="ke-result", role="status"),  # seen at once
        html.P(w("how"), className="ke-how"),
        _field(w("coordinates"), dcc.Input(id="ke-coordinates", type="text", debounce=True,
                                           placeholder=example, autoComplete="off")),
        _field(w("kelurahan"), dcc.Dropdown(id="ke-kelurahan", options=kelurahan_options(
            kelurahan, language), placeholder=w("kelurahan_hint"), searchable=True)),
        html.Div(id="ke-place", className="ke-place"),
        _field(w("category"), dcc.Dropdown(id="ke-category", placeholder=w("category_hint"),
                                           options=category_options(CATEGORY_ORDER, language))),
        _field(w("priority"), dcc.RadioItems(id="ke-priority", value=2, inline=True,
                                             options=priority_options(language))),
        _field(w("caller_name"), dcc.Input(id="ke-caller-name", type="text", maxLength=120)),
        _field(w("caller_phone"), dcc.Input(id="ke-caller-phone", type="tel", maxLength=32)),
        _field(w("address"), dcc.Input(id="ke-address", type="text", maxLength=300)),
        _field(w("description"), dcc.Textarea(id="ke-description", maxLength=2000, rows=3)),
        html.P(w("description_note"), className="ke-small"),
        html.Button(w("save"), id="ke-save", className="ke-save"),
    ], className="ke-form")  # fmt: skip


def layout(lang: str | None = None, city: str | None = None, **_: object) -> Any:
    """The form and an empty map; ``draw_map`` fills the map after load."""
    settings = current_settings()
    language = choose_language(lang, settings.language)
    if (refusal := page_refusal(PATH, language)) is not None:
        return refusal
    try:
        with current_engine().connect() as conn:
            summary = reachable_city(conn, city, settings.default_city)
            readiness = None if summary is None else city_readiness(conn, summary.id)
            kelurahan = [] if summary is None else kelurahan_points(conn, summary.id)
    except OperationalError:
        return html.Div(word("app.database_unavailable", language), className="notice error")
    if summary is None or readiness is None:
        return html.Div(word("app.no_city", language), className="notice")
    who = account()
    return html.Div([
        top_bar(language, PATH, city_name=summary.name, facts=[html.Span(
            word("entry.entering_as", language, name=who.display_name), className="actor")]),
        readiness_notice(readiness, PATH, summary.name, language),
        html.Div([
            entry_form(language, summary, kelurahan),
            dcc.Graph(id="ke-map", className="ke-map",
                      config={"displaylogo": False, "scrollZoom": True,
                              "modeBarButtonsToRemove": ["select2d", "lasso2d"]}),
        ], className="ke-body"),
        dcc.Store(id="ke-context", data={"city": summary.code, "language": language}),
        dcc.Store(id="ke-token", data=new_token()),
        dcc.Store(id="ke-clicked"), dcc.Store(id="ke-watch"),
    ], className="page ke-page", lang=language)  # fmt: skip


def _context(context: Any) -> tuple[Language, str]:
    if not isinstance(context, dict):
        raise PreventUpdate
    return choose_language(context.get("language"), "id"), str(context.get("city"))


@callback(Output("ke-map", "figure"), Input("ke-context", "data"))
@guarded(PATH)
def draw_map(context: Any) -> Any:
    """The city's map to click on, over the basemap's tiles."""
    _, code = _context(context)
    with current_engine().connect() as conn:
        city = requested_city(conn, code)
    basemap = current_settings().basemap
    view = MapView(*city.center, zoom=zoom_for_bounds(city.bounds, 760, 620))
    return entry_map_figure(view, city_background(basemap), basemap=basemap)


# The map's click: MapLibre's own event (Plotly only reports clicks on points), stored in
# ``ke-clicked`` by assets/map_clicks.js.
clientside_callback(
    dash.ClientsideFunction("tanggap", "watchMapClicks"),
    Output("ke-watch", "data"),
    Input("ke-map", "figure"),
)


@callback(
    Output("ke-coordinates", "value"),
    Input("ke-clicked", "data"), Input("ke-kelurahan", "value"),
    State("ke-context", "data"),
    prevent_initial_call=True,
)  # fmt: skip
@guarded(PATH)
def fill_place(clicked: Any, kelurahan: Any, context: Any) -> Any:
    """A map click or a picked kelurahan writes the coordinates field (checked after)."""
    _, code = _context(context)
    if ctx.triggered_id == "ke-clicked":
        if not isinstance(clicked, dict):
            raise PreventUpdate
        try:
            lat, lon = float(clicked["lat"]), float(clicked["lon"])
        except (KeyError, TypeError, ValueError):
            raise PreventUpdate from None
        return f"{lat:.6f}, {lon:.6f}"
    if not isinstance(kelurahan, str):
        raise PreventUpdate
    with current_engine().connect() as conn:
        city = requested_city(conn, code)
        rows = kelurahan_points(conn, city.id, kelurahan)
    if not rows:
        raise PreventUpdate
    return f"{rows[0]['lat']:.6f}, {rows[0]['lon']:.6f}"


def _place_sentence(city: CitySummary, lon: float, lat: float, kelurahan: dict[str, Any] | None,
                    language: Language) -> str:  # fmt: skip
    shown = {"lat": f"{lat:.6f}", "lon": f"{lon:.6f}"}
    if kelurahan is not None:
        where = word("entry.on_road" if kelurahan["on_road"] else "entry.inner_point", language)
        return word("entry.place_kelurahan", language, name=kelurahan["name"], where=where,
                    **shown)  # fmt: skip
    return word("entry.place_ok", language, city=city.name, **shown)


@callback(
    Output("ke-place", "children"), Output("ke-place", "className"),
    Output("ke-map", "figure", allow_duplicate=True),
    Input("ke-coordinates", "value"),
    State("ke-kelurahan", "value"), State("ke-context", "data"),
    prevent_initial_call=True,
)  # fmt: skip
@guarded(PATH)
def check_place(typed: Any, kelurahan: Any, context: Any) -> tuple[Any, ...]:
    """Say where the typed place is (or why it cannot be) and mark it on the map."""
    language, code = _context(context)
    marker = Patch()
    if typed is None or not str(typed).strip():  # a cleared form
        marker["data"][0].update(place_marker(None, None))
        return "", "ke-place", marker
    with current_engine().connect() as conn:
        city = requested_city(conn, code)
        try:
            lon, lat = place_from_text(typed, city.bounds)
            if not inside_city(conn, city.id, lon, lat):
                raise EntryError("coordinates", "outside_boundary", lat=lat, lon=lon)
        except EntryError as error:
            marker["data"][0].update(place_marker(None, None))
            return problem_text(error.problem, error.values, language), "ke-place bad", marker
        picked = kelurahan_points(conn, city.id, kelurahan) if isinstance(kelurahan, str) else []
    same = [row for row in picked if f"{row['lat']:.6f}, {row['lon']:.6f}" == str(typed).strip()]
    marker["data"][0].update(place_marker(lon, lat))
    return (
        _place_sentence(city, lon, lat, same[0] if same else None, language),
        "ke-place ok",
        marker,
    )


@callback(
    Output("ke-result", "children"), Output("ke-token", "data"),
    Output("ke-coordinates", "value", allow_duplicate=True),
    Output("ke-kelurahan", "value"), Output("ke-category", "value"),
    Output("ke-caller-name", "value"), Output("ke-caller-phone", "value"),
    Output("ke-address", "value"), Output("ke-description", "value"),
    Input("ke-save", "n_clicks"),
    State("ke-token", "data"), State("ke-coordinates", "value"), State("ke-category", "value"),
    State("ke-priority", "value"), State("ke-caller-name", "value"),
    State("ke-caller-phone", "value"), State("ke-address", "value"),
    State("ke-description", "value"), State("ke-context", "data"),
    prevent_initial_call=True,
)  # fmt: skip
@guarded(PATH)
def save(clicks: Any, token: Any, *values: Any) -> tuple[Any, ...]:
    """Store the incident (once per form, whatever the clicks) and clear the form."""
    if not clicks:
        raise PreventUpdate
    language, code = _context(values[-1])
    keep = (dash.no_update,) * 8
    form = {"token": token, **dict(zip(FIELDS, values[:-1], strict=True))}
    now = datetime.now(UTC)
    with current_engine().begin() as conn:
        city = requested_city(conn, code)
        try:
            entry = parse_entry(form, city.bounds)
            stored = record_manual_incident(conn, city.id, entry, actor=account().username,
                                            received_at=now)  # fmt: skip
        except EntryError as error:
            text = problem_text(error.problem, error.values, language)
            return (html.P(text, className="ke-error", id="ke-error"), *keep)
    if not stored.created:
        said = word("entry.already_stored", language, id=number(stored.incident_id, language))
        return (html.P(said, className="ke-duplicate"), *keep)
    local = now.astimezone(ZoneInfo(city.timezone))
    said = word("entry.stored", language, id=stored.incident_id,
                time=f"{local:%H:%M} {zone_abbreviation(city.timezone)}")  # fmt: skip
    link = [" ", dcc.Link(word("entry.open_dispatch", language), href=f"/dispatch?lang={language}")]
    done = html.P([said, *(link if may_open(account().role, "/dispatch") else [])],
                  className="ke-stored", id="ke-stored")  # fmt: skip
    return (done, new_token(), "", None, None, "", "", "", "")
