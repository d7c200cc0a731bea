"""``/planning/...``: the planner's jobs, what-ifs, scenarios and their exports.

A solve is queued as a job (202 at once) and run by a worker of any app process
(:mod:`geodata.planning.jobs`); the client polls the job for progress and the result, and
can cancel it. A what-if works on a finished job's stored matrix rows, without a solver.
A scenario is saved from a finished job, in one transaction with its audit entry.
Planner errors name the field at fault (422).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Response, current_app, jsonify, request
from pydantic import BaseModel, Field
from sqlalchemy import Connection, text

from dashboard.api._core import ApiError, ApiRoutes, RouteDoc, parse, transaction
from geodata.planning import edits, exports, jobs, scenarios
from geodata.planning.errors import PlanningInputError
from geodata.planning.payload import records
from geodata.planning.request import PlanRequest
from layers.planning import scenario_summary_html
from layers.words import choose_language

__all__ = ["register"]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx", ".geojson", ".json", ".gpkg", ".zip")


class JobIn(BaseModel):
    """A planning request (the fields of ``PlanRequest``) and, optionally, the name to
    save the result under when it is done."""

    request: dict[str, Any]
    scenario_name: str | None = Field(default=None, max_length=120)


class JobOut(BaseModel):
    job_id: int
    status: str
    progress: float = 0.0
    step: str | None = None
    created_by: str | None = None
    error: dict[str, Any] | None = None
    result: dict[str, Any] | None = None


class WhatIfIn(BaseModel):
    """Open a site (``add``: its position in the job's sites, or a point ``add_lon`` /
    ``add_lat`` anywhere on the roads) and/or close one (``remove``)."""

    add: int | None = None
    remove: int | None = None
    add_lon: float | None = None
    add_lat: float | None = None


class WhatIfOut(BaseModel):
    sites_before: list[int]
    sites_after: list[int]
    before: dict[str, float | None]
    after: dict[str, float | None]
    replay: list[dict[str, Any]]
    covered_weight_change: float
    incidents_change: int


class ScenarioIn(BaseModel):
    job_id: int
    name: str = Field(min_length=1, max_length=120)


class ScenarioOut(BaseModel):
    scenario_id: int
    name: str


class ScenarioListOut(BaseModel):
    scenarios: list[dict[str, Any]]


class CandidatesOut(BaseModel):
    """Candidates read from an uploaded file, snapped; only ``status: ok`` ones are used."""

    candidates: list[dict[str, Any]]


@contextmanager
def _planner_errors() -> Iterator[None]:
    try:
        yield
    except PlanningInputError as error:
        raise ApiError(422, error.message, field=error.field) from None


def _job_or_404(conn: Connection, city_id: int, job_id: int) -> dict[str, Any]:
    found = jobs.job_view(conn, city_id, job_id)
    if found is None:
        raise ApiError(
            404, f"no planning job {job_id} in this city", field="job_id", code="not_found"
        )
    return found


def submit_view() -> Any:
    body = parse(JobIn, request.get_json(silent=True))
    with _planner_errors():
        plan = PlanRequest.from_json(body.request)
    with transaction() as (conn, who):
        job_id = jobs.submit_job(
            conn, who.city_id, plan, actor=who.name, scenario_name=body.scenario_name
        )
    return jsonify(JobOut(job_id=job_id, status="queued").model_dump()), 202


def job_out(view: dict[str, Any]) -> JobOut:
    return JobOut(
        job_id=view["id"],
        status=view["status"],
        progress=view["progress"],
        step=view["step"],
        created_by=view["created_by"],
        error=view["error"],
        result=view["result"],
    )


def job_status_view(job_id: int) -> Any:
    with transaction() as (conn, who):
        view = _job_or_404(conn, who.city_id, job_id)
    return jsonify(job_out(view).model_dump())


def cancel_view(job_id: int) -> Any:
    with transaction() as (conn, who):
        status = jobs.cancel_job(conn, who.city_id, job_id, actor=who.name)
        if status is None:
            _job_or_404(conn, who.city_id, job_id)
        view = _job_or_404(conn, who.city_id, job_id)
    return jsonify(job_out(view).model_dump())


def whatif_view(job_id: int) -> Any:
    body = parse(WhatIfIn, request.get_json(silent=True))
    point = None if body.add_lon is None or body.add_lat is None else (body.add_lon, body.add_lat)
    with transaction() as (conn, who), _planner_errors():
        job = _job_or_404(conn, who.city_id, job_id)
        change = edits.job_whatif(
            conn, who.city_id, job, add=body.add, remove=body.remove, add_point=point
        )
    out = WhatIfOut(
        sites_before=list(change.sites_before),
        sites_after=list(change.sites_after),
        before=change.before.as_dict(),
        after=change.after.as_dict(),
        replay=records(change.replay, tuple(change.replay.columns)),
        covered_weight_change=change.covered_weight_change,
        incidents_change=change.incidents_change,
    )
    return jsonify(out.model_dump())


def save_view() -> Any:
    body = parse(ScenarioIn, request.get_json(silent=True))
    with transaction() as (conn, who):
        job = _job_or_404(conn, who.city_id, body.job_id)
        if job["status"] != "done" or job["result"] is None:
            raise ApiError(
                422,
                f"job {body.job_id} is {job['status']}: only a finished job can be saved",
                field="job_id",
            )
        with _planner_errors():
            scenario_id = scenarios.save_scenario(
                conn, who.city_id, name=body.name, actor=who.name, payload=job["result"]
            )
    return jsonify(ScenarioOut(scenario_id=scenario_id, name=body.name.strip()).model_dump()), 201


def list_view() -> Any:
    with transaction() as (conn, who):
        frame = scenarios.list_scenarios(conn, who.city_id)
    frame["created_at"] = frame["created_at"].map(lambda t: t.isoformat())
    return jsonify(ScenarioListOut(scenarios=records(frame, tuple(frame.columns))).model_dump())


def _scenario(scenario_id: int) -> tuple[dict[str, Any], str, bool]:
    with transaction() as (conn, who):
        found = scenarios.load_scenario(conn, who.city_id, scenario_id)
        city = conn.execute(
            text("SELECT timezone, is_synthetic FROM cities WHERE id = :c"), {"c": who.city_id}
        ).one()
    if found is None:
        raise ApiError(
            404, f"no scenario {scenario_id} in this city", field="scenario_id", code="not_found"
        )
    return found, city.timezone, bool(city.is_synthetic)


def scenario_view(scenario_id: int) -> Any:
    return jsonify(_scenario(scenario_id)[0])


def compare_view() -> Any:
    raw = request.args.get("ids", "")
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise ApiError(422, f"ids: '{raw}' is not a list of scenario ids", field="ids") from None
    with transaction() as (conn, who), _planner_errors():
        table = scenarios.compare_scenarios(conn, who.city_id, ids)
    return jsonify({"figures": records(table, tuple(table.columns))})


def _export(build: Callable[[dict[str, Any]], str], mimetype: str, suffix: str) -> Any:
    def view(scenario_id: int) -> Response:
        scenario, _, _ = _scenario(scenario_id)
        response = Response(build(scenario), mimetype=mimetype)
        name = f"skenario-{scenario_id}{suffix}"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    return view


def summary_view(scenario_id: int) -> Response:
    scenario, timezone, synthetic = _scenario(scenario_id)
    settings = current_app.config["TANGGAP_SETTINGS"]
    language = choose_language(request.args.get("lang"), settings.language)
    page = scenario_summary_html(scenario, language, timezone=timezone, synthetic=synthetic)
    return Response(page, mimetype="text/html")


def upload_view() -> Any:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(422, "send the file as multipart field 'file'", field="file")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in _UPLOAD_SUFFIXES:
        raise ApiError(
            422,
            f"{upload.filename}: use CSV, XLSX, GeoJSON, GeoPackage or a zipped Shapefile",
            field="file",
        )
    profile = request.form.get("profile") or "fire_engine"
    parcels = request.form.get("parcels", "false").lower() in ("1", "true", "yes")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        upload.save(path)
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise ApiError(422, "the file is larger than 20 MB", field="file")
        with transaction() as (conn, who), _planner_errors():
            frame = edits.uploaded_candidates(
                conn, who.city_id, path, profile=profile, parcels=parcels
            )
    return jsonify(CandidatesOut(candidates=records(frame, edits.CANDIDATE_COLUMNS)).model_dump())


def register(api: ApiRoutes) -> None:
    tag, errors = "planning", (401, 404, 422)
    api.add(
        RouteDoc(
            "/planning/jobs",
            ("POST",),
            "planning_submit",
            "Queue a planning run (answered at once; poll the job)",
            tag,
            request=JobIn,
            response=JobOut,
            success=202,
            errors=(401, 422),
        ),
        submit_view,
    )
    api.add(
        RouteDoc(
            "/planning/jobs/<int:job_id>",
            ("GET",),
            "planning_job",
            "A planning job: status, progress, result or the error's field",
            tag,
            response=JobOut,
            errors=errors,
        ),
        job_status_view,
    )
    api.add(
        RouteDoc(
            "/planning/jobs/<int:job_id>/cancel",
            ("POST",),
            "planning_cancel",
            "Cancel a job (a running one keeps the best solution found)",
            tag,
            response=JobOut,
            errors=errors,
        ),
        cancel_view,
    )
    api.add(
        RouteDoc(
            "/planning/jobs/<int:job_id>/whatif",
            ("POST",),
            "planning_whatif",
            "Open, close or move one posko of a finished job, without a solver",
            tag,
            request=WhatIfIn,
            response=WhatIfOut,
            errors=errors,
        ),
        whatif_view,
    )
    api.add(
        RouteDoc(
            "/planning/candidates/upload",
            ("POST",),
            "planning_upload",
            "Candidate sites from a CSV, XLSX, GeoJSON, GeoPackage or zipped "
            "Shapefile (multipart 'file'; 'parcels' for polygons), snapped",
            tag,
            response=CandidatesOut,
            errors=(401, 422),
        ),
        upload_view,
    )
    api.add(
        RouteDoc(
            "/planning/scenarios",
            ("POST",),
            "planning_save",
            "Save a finished job as a named scenario (audited)",
            tag,
            request=ScenarioIn,
            response=ScenarioOut,
            success=201,
            errors=errors,
        ),
        save_view,
    )
    api.add(
        RouteDoc(
            "/planning/scenarios",
            ("GET",),
            "planning_scenarios",
            "The city's scenarios, newest first",
            tag,
            response=ScenarioListOut,
            errors=(401,),
        ),
        list_view,
    )
    api.add(
        RouteDoc(
            "/planning/scenarios/compare",
            ("GET",),
            "planning_compare",
            "Up to three scenarios side by side",
            tag,
            errors=(401, 422),
            query=(("ids", "string", "scenario ids, comma-separated (1–3)"),),
        ),
        compare_view,
    )
    api.add(
        RouteDoc(
            "/planning/scenarios/<int:scenario_id>",
            ("GET",),
            "planning_scenario",
            "A saved scenario: figures, sites, kelurahan, replay, candidates",
            tag,
            errors=(401, 404),
        ),
        scenario_view,
    )
    for suffix, build, mimetype, what in (
        ("sites.geojson", exports.sites_geojson, "application/geo+json", "sites as GeoJSON"),
        ("sites.csv", exports.sites_csv, "text/csv", "sites as CSV"),
        ("areas.csv", exports.areas_csv, "text/csv", "coverage per kelurahan as CSV"),
    ):
        operation = "planning_" + suffix.replace(".", "_")
        api.add(
            RouteDoc(
                f"/planning/scenarios/<int:scenario_id>/{suffix}",
                ("GET",),
                operation,
                f"A scenario's {what}",
                tag,
                errors=(401, 404),
            ),
            _export(build, mimetype, "-" + suffix),
        )
    api.add(
        RouteDoc(
            "/planning/scenarios/<int:scenario_id>/summary.html",
            ("GET",),
            "planning_summary",
            "A one-page summary of a scenario for the DPRD",
            tag,
            errors=(401, 404),
            query=(("lang", "string", "id (default) or en"),),
        ),
        summary_view,
    )
