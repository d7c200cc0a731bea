"""The admin's fleet page: the city's units in a table, added, edited and retired.

Every write goes through :mod:`geodata.operations.fleet` (the same rules and audit as the
API): who changes comes from the session, the city from the account, never the browser.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.access.guards import account, guarded, page_refusal, reachable_city, requested_city
from dashboard.app import current_engine, current_settings
from dashboard.page_parts import top_bar
from geodata.operations.fleet import (
    FleetCatalog,
    FleetError,
    UnitChange,
    UnitSpec,
    change_unit,
    create_units,
)
from geodata.operations.units import list_units
from geodata.vocabulary import VehicleProfile
from layers.fleet_table import fleet_header, fleet_rows, fleet_summary
from layers.words import Language, choose_language, label, word

dash.register_page(__name__, path="/admin", title="Tanggap — Armada")

PATH = "/admin"
#: The phrasebook key naming a refused field, where it is not the field's own name.
FIELD_WORDS = {"retired": "field_retired"}
FORM = ("admin-call-sign", "admin-agency", "admin-posko", "admin-profile", "admin-crew")


def _field(key: str, language: Language, control: Any) -> Any:
    return html.Label([html.Span(word(f"fleet.{key}", language)), control], className="field")


def _form(language: Language) -> Any:
    profiles = [{"label": word("fleet.profile_default", language), "value": ""}] + [
        {"label": label("vehicle_profile", p.value, language), "value": p.value}
        for p in VehicleProfile
    ]
    return html.Section([
        html.H3(word("fleet.add", language), id="admin-form-heading"),
        html.Div([
            _field("call_sign", language, dcc.Input(id="admin-call-sign", maxLength=64,
                                                   type="text", debounce=False)),
            _field("agency", language, dcc.Dropdown(id="admin-agency", clearable=False)),
            _field("home_posko", language, dcc.Dropdown(id="admin-posko")),
            _field("vehicle_profile", language, dcc.Dropdown(id="admin-profile",
                                                             options=profiles, value="")),
            _field("crew_size", language, dcc.Input(id="admin-crew", type="number", min=1,
                                                   max=60, step=1)),
            html.Button(word("fleet.save", language), id="admin-save", className="primary"),
            html.Button(word("fleet.cancel", language), id="admin-cancel"),
        ], className="admin-form"),
    ], className="admin-card")  # fmt: skip


def layout(lang: str | None = None, city: str | None = None, **_: object) -> Any:
    language = choose_language(lang, current_settings().language)
    if (refusal := page_refusal(PATH, language)) is not None:
        return refusal
    with current_engine().connect() as conn:
        summary = reachable_city(conn, city, current_settings().default_city)
    if summary is None:
        return html.Div(word("app.no_city", language), className="notice")
    who = account()
    return html.Div([
        top_bar(language, PATH, city_name=summary.name, facts=[html.Span(
            word("fleet.editing_as", language, name=who.display_name), className="actor")]),
        dcc.Store(id="admin-context", data={"city": summary.code, "language": language}),
        dcc.Store(id="admin-refresh", data=0),
        dcc.Store(id="admin-editing"),
        dcc.Store(id="admin-last"),
        html.Main([
            html.H2(word("fleet.title", language, city=summary.name)),
            html.P(id="admin-summary", className="admin-summary"),
            html.Div(id="admin-message", role="status"),
            _form(language),
            html.Div(id="admin-table", className="admin-card"),
        ], className="admin-main"),
    ], className="page", lang=language)  # fmt: skip


def _context(context: Any) -> tuple[str | None, Language]:
    if not isinstance(context, dict):
        raise PreventUpdate
    code = context.get("city")
    language = choose_language(context.get("language"), current_settings().language)
    return code if isinstance(code, str) else None, language


@callback(
    Output("admin-table", "children"),
    Output("admin-summary", "children"),
    Output("admin-agency", "options"),
    Output("admin-posko", "options"),
    Input("admin-refresh", "data"),
    State("admin-last", "data"),
    State("admin-context", "data"),
)
@guarded(PATH)
def render_fleet(_: Any, last: Any, context: Any) -> Any:
    """The city's units (retired ones last), and the agencies and posko to choose from."""
    code, language = _context(context)
    with current_engine().connect() as conn:
        city = requested_city(conn, code)
        units = list_units(conn, city.id, with_retired=True)
        catalog = FleetCatalog.of_city(conn, city.id)
    agencies = [{"label": row.name, "value": row.code} for row in catalog.agencies.itertuples()]
    posko = [{"label": row.name, "value": row.name} for row in catalog.stations.itertuples()]
    if not agencies:
        return html.P(word("fleet.no_agencies", language, code=city.code)), "", [], []
    if not units:
        table: Any = html.P(word("fleet.empty", language, code=city.code), className="notice")
    else:
        table = _table(fleet_rows(units, language, city.timezone), language, last)
    return table, fleet_summary(units, language), agencies, posko


def _table(rows: list[Any], language: Language, last: Any) -> Any:
    head = html.Thead(html.Tr([html.Th(title) for title in fleet_header(language)]))
    body = [
        html.Tr([*(html.Td(cell, title=row.agency if index == 1 else None)
                   for index, cell in enumerate(row.cells)), html.Td([
            html.Button(word("fleet.edit", language), className="admin-edit",
                        id={"type": "admin-edit", "unit": row.call_sign}),
            html.Button(word("fleet.unretire" if row.retired else "fleet.retire", language),
                        className="admin-retire",
                        id={"type": "admin-retire", "unit": row.call_sign,
                            "retire": not row.retired}),
        ], className="actions")],
            className=" ".join(name for name, on in (("retired", row.retired),
                                                     ("last", row.call_sign == last)) if on))
        for row in rows
    ]  # fmt: skip
    return html.Table([head, html.Tbody(body)], className="admin-units", id="admin-units")


@callback(
    Output("admin-editing", "data"),
    Output("admin-form-heading", "children"),
    Output("admin-call-sign", "disabled"),
    *(Output(name, "value") for name in FORM),
    Input({"type": "admin-edit", "unit": ALL}, "n_clicks"),
    Input("admin-cancel", "n_clicks"),
    Input("admin-refresh", "data"),
    State("admin-context", "data"),
    prevent_initial_call=True,
)
@guarded(PATH)
def edit_unit(_: Any, __: Any, ___: Any, context: Any) -> Any:
    """Fill the form with the unit to edit (read again from the database), or empty it."""
    code, language = _context(context)
    picked = ctx.triggered_id
    clicked = bool(ctx.triggered and ctx.triggered[0].get("value"))
    if not (isinstance(picked, dict) and clicked):
        return None, word("fleet.add", language), False, "", None, None, "", None
    with current_engine().connect() as conn:
        city = requested_city(conn, code)
        found = [u for u in list_units(conn, city.id, with_retired=True)
                 if u["call_sign"] == picked.get("unit")]  # fmt: skip
    if not found:
        raise PreventUpdate
    unit = found[0]
    heading = word("fleet.edit_heading", language, unit=unit["call_sign"])
    return (unit["call_sign"], heading, True, unit["call_sign"], unit["agency_code"],
            unit["home_station"], unit["vehicle_profile"], unit["crew_size"])  # fmt: skip


@callback(
    Output("admin-message", "children"),
    Output("admin-refresh", "data"),
    Output("admin-last", "data"),
    Input("admin-save", "n_clicks"),
    Input({"type": "admin-retire", "unit": ALL, "retire": ALL}, "n_clicks"),
    State("admin-editing", "data"),
    *(State(name, "value") for name in FORM),
    State("admin-refresh", "data"),
    State("admin-context", "data"),
    prevent_initial_call=True,
)
@guarded(PATH)
def write_unit(_: Any, __: Any, editing: Any, *values: Any) -> Any:
    """Add, change, retire or bring back a unit, as the signed-in admin."""
    *form, refresh, context = values
    code, language = _context(context)
    if not (ctx.triggered and ctx.triggered[0].get("value")):
        return no_update, no_update, no_update
    trigger = ctx.triggered_id
    actor = account().username
    try:
        with current_engine().begin() as conn:
            city = requested_city(conn, code)
            done = _write(conn, city.id, trigger, editing, form, actor)
    except FleetError as error:
        name = error.field.rsplit(".", 1)[-1]
        field = word(f"fleet.{FIELD_WORDS.get(name, name)}", language)
        message = word("fleet.refused", language, field=field, detail=str(error))
        return html.Div(message, className="message error"), no_update, no_update
    key, unit = done
    refresh = refresh + 1 if isinstance(refresh, int) else 1
    done_message = html.Div(word(f"fleet.{key}", language, unit=unit), className="message ok")
    return done_message, refresh, unit


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _write(
    conn: Any, city_id: int, trigger: Any, editing: Any, form: list[Any], actor: str
) -> tuple[str, str]:
    """(phrasebook key of what was done, call sign)."""
    if isinstance(trigger, dict):
        unit, retire = str(trigger.get("unit")), trigger.get("retire") is True
        change_unit(conn, city_id, unit, UnitChange(retired=retire), actor=actor)
        return ("retired" if retire else "unretired"), unit
    call_sign, agency, posko, profile, crew = form
    crew_size = crew if isinstance(crew, int) and not isinstance(crew, bool) else None
    if crew is not None and crew_size is None:
        raise FleetError("crew_size", f"'{crew}' is not a whole number")
    if isinstance(editing, str):
        change = UnitChange(agency=_text(agency), home_station=_text(posko),
                            clear_home_station=_text(posko) is None,
                            vehicle_profile=_text(profile), crew_size=crew_size,
                            clear_crew_size=crew_size is None)  # fmt: skip
        changed = change_unit(conn, city_id, editing, change, actor=actor)
        return ("changed" if changed else "unchanged"), editing
    spec = UnitSpec(_text(call_sign) or "", _text(agency) or "", _text(posko),
                    _text(profile), None, crew_size)  # fmt: skip
    create_units(conn, city_id, [spec], actor=actor)
    return "created", spec.call_sign
