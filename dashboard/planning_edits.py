"""The planner page's edits (callbacks of /perencanaan): candidate sites read from an
uploaded file, and the one-click what-if on the result map. Both are adapters over
:mod:`geodata.planning.edits`, which the API uses too."""

from __future__ import annotations

import base64
import binascii
import tempfile
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, State, html
from dash.exceptions import PreventUpdate

from dashboard.access.guards import guarded, requested_city, spend
from dashboard.app import current_engine, current_settings
from dashboard.page_parts import html_table
from dashboard.planning_form import MAX_UPLOAD_BYTES
from geodata.map_queries import CitySummary
from geodata.planning import edits, jobs
from geodata.planning.errors import PlanningInputError
from geodata.planning.payload import records
from geodata.planning.whatif import WhatIfChange
from geodata.routing.vehicle_profiles import AGENCY_PROFILE
from geodata.vocabulary import AgencyKind
from layers.planning.plan_view import (
    WHATIF_COLUMNS,
    candidates_table,
    figures_table,
    replay_table,
    whatif_text,
)
from layers.words import Language, choose_language, word

__all__ = [
    "job_number",
    "page_city",
    "page_language",
    "place_clicked",
    "read_upload",
    "register_edits",
    "what_if",
]

PATH = "/perencanaan"
UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx", ".geojson", ".json", ".gpkg", ".zip")


def page_city(context: Any) -> CitySummary:
    """The city the page's store names, if this account may plan for it (else 403)."""
    with current_engine().connect() as conn:
        return requested_city(conn, context.get("city") if isinstance(context, dict) else None)


def page_language(context: Any) -> Language:
    """The language the page's store names (the settings' when it names none)."""
    wanted = context.get("language") if isinstance(context, dict) else None
    return choose_language(wanted, current_settings().language)


def job_number(value: Any) -> int:
    """A job id the browser sent: a positive whole number, or nothing to do."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise PreventUpdate
    return value


def _refused(error: PlanningInputError, language: Language) -> str:
    return f"{error.message} ({word('planning.field', language)}: {error.field})"


def _file_bytes(contents: str) -> bytes:
    """The bytes of a ``dcc.Upload`` data URL; refused when it is not one."""
    _, _, encoded = contents.partition(",")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise PlanningInputError("file", "the upload is not a base64 data URL") from None


def read_upload(contents: Any, filename: Any, kind: Any, context: Any) -> Any:
    """The file's candidates snapped to the roads, each listed with its status; the usable
    ones become the run's points. A refused file keeps no points and says why."""
    language = page_language(context)
    name = Path(str(filename or "")).name or "?"
    suffix = Path(name).suffix.lower()
    if not isinstance(contents, str):
        raise PreventUpdate
    if suffix not in UPLOAD_SUFFIXES:
        return [], word("planning.upload_type", language, name=name)
    spend("planning")
    profile = AGENCY_PROFILE.get(kind if kind in set(AgencyKind) else "fire", "car")
    try:
        data = _file_bytes(contents)
        if len(data) > MAX_UPLOAD_BYTES:
            raise PlanningInputError("file", "the file is larger than 20 MB")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(data)
            city = page_city(context)
            with current_engine().connect() as conn:
                frame = edits.uploaded_candidates(conn, city.id, path, profile=profile)
    except PlanningInputError as error:
        return [], _refused(error, language)
    rows = records(frame, edits.CANDIDATE_COLUMNS)
    points = [
        {"name": r["name"], "lon": r["lon"], "lat": r["lat"]} for r in rows if r["status"] == "ok"
    ]
    summary = word("planning.upload_kept", language, name=name, ok=len(points), total=len(rows))
    return points, [html.P(summary), html_table(candidates_table(rows, language))]


def what_if(click: Any, job_id: Any, context: Any) -> Any:
    """Close the clicked open posko or open the clicked candidate, on the finished run's
    kept matrix: the figures before and after and the replayed incidents, no solver."""
    language = page_language(context)
    number = job_number(job_id)
    try:
        position = int(click["points"][0]["customdata"])
    except (TypeError, KeyError, IndexError, ValueError):
        raise PreventUpdate from None
    city = page_city(context)
    try:
        with current_engine().connect() as conn:
            job = jobs.job_view(conn, city.id, number)
            if job is None:
                raise PreventUpdate
            toggle = edits.site_toggle(job, position)
            change = edits.job_whatif(conn, city.id, job, **toggle)
    except PlanningInputError as error:
        return html.P(_refused(error, language), className="notice")
    site = next(s for s in job["result"]["sites"] if int(s["position"]) == position)
    action = "close" if "remove" in toggle else "open"
    return whatif_children(
        change, whatif_text(action, site, change.incidents_change, language), language
    )


def whatif_children(change: WhatIfChange, headline: str, language: Language) -> list[Any]:
    """A what-if as the panel shows it: its line, the figures and the replay, before
    (the plan) and after (the plan changed)."""
    summary = {"before": change.before.as_dict(), "after": change.after.as_dict()}
    replay = records(change.replay, tuple(change.replay.columns))
    return [
        html.P(headline, className="pl-whatif"),
        html_table(figures_table(summary, language, WHATIF_COLUMNS)),
        html_table(replay_table(replay, language, WHATIF_COLUMNS)),
    ]


#: Most points a planner may place by clicking the map (each one a candidate of the run).
MAX_CLICKED_POINTS = 50


def place_clicked(clicked: Any, job_id: Any, points: Any, context: Any) -> Any:
    """A click on an empty place of the result map: the place becomes a candidate of the
    next run and, on the finished run, the what-if of a new posko there (one bounded
    Dijkstra from the snapped place). The place is checked like typed coordinates."""
    language = page_language(context)
    try:
        lon, lat = float(clicked["lon"]), float(clicked["lat"])
    except (TypeError, KeyError, ValueError):
        raise PreventUpdate from None
    kept = [p for p in points if isinstance(p, dict)] if isinstance(points, list) else []
    number = job_number(job_id)
    city = page_city(context)
    try:
        if len(kept) >= MAX_CLICKED_POINTS:
            raise PlanningInputError("points", f"at most {MAX_CLICKED_POINTS} points per run")
        with current_engine().connect() as conn:
            job = jobs.job_view(conn, city.id, number)
            if job is None:
                raise PreventUpdate
            change = edits.job_whatif(conn, city.id, job, add_point=(lon, lat))
    except PlanningInputError as error:
        return dash.no_update, html.P(_refused(error, language), className="notice")
    name = word("planning.clicked_name", language, n=len(kept) + 1)
    shown = whatif_children(change, whatif_text("add", {"name": name}, change.incidents_change,
                                                language), language)  # fmt: skip
    note = html.P(word("planning.clicked_kept", language), className="an-small")
    return [*kept, {"name": name, "lon": lon, "lat": lat}], [shown[0], note, *shown[1:]]


def register_edits() -> None:
    """Register the edits' callbacks, each guarded by the planner page's roles. Called by
    the page module, which Dash imports afresh for every app it builds (this module is
    imported once per process, so callbacks declared here would reach the first app only)."""
    dash.callback(
        Output("pl-points", "data"),
        Output("pl-upload-list", "children"),
        Input("pl-upload", "contents"),
        State("pl-upload", "filename"),
        State("pl-agency", "value"),
        State("pl-context", "data"),
        prevent_initial_call=True,
    )(guarded(PATH)(read_upload))
    dash.callback(
        Output("pl-whatif", "children"),
        Input("pl-map", "clickData"),
        State("pl-job", "data"),
        State("pl-context", "data"),
        prevent_initial_call=True,
    )(guarded(PATH)(what_if))
    dash.clientside_callback(  # MapLibre's own click, read by assets/map_clicks.js
        dash.ClientsideFunction("tanggap", "watchMapClicks"),
        Output("pl-watch", "data"),
        Input("pl-map", "figure"),
    )
    dash.callback(
        Output("pl-points", "data", allow_duplicate=True),
        Output("pl-whatif", "children", allow_duplicate=True),
        Input("pl-clicked", "data"),
        State("pl-job", "data"),
        State("pl-points", "data"),
        State("pl-context", "data"),
        prevent_initial_call=True,
    )(guarded(PATH)(place_clicked))
