"""``/incidents``: create or update incidents (idempotent on the source's id), read one,
and report its lifecycle steps.

The integration's name is the incidents' ``source``: ``(source, external_id)`` names an
incident, so a call-taking system that retries never creates a duplicate, and two
systems' ids never collide.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask import jsonify, request
from sqlalchemy import Connection

from dashboard.api._core import (
    ApiError,
    ApiRoutes,
    RouteDoc,
    area_of,
    check_point,
    dispatch_refusal,
    parse,
    transaction,
)
from dashboard.api.schemas import (
    EventIn,
    EventOut,
    IncidentBatchIn,
    IncidentBatchOut,
    IncidentIn,
    IncidentOut,
    IncidentView,
)
from geodata.operations.api_tokens import Integration
from geodata.operations.dispatching import DispatchError
from geodata.operations.incident_events import EventTimeError, record_incident_event
from geodata.operations.incident_views import incident_ids, incident_in_city, read_incident
from geodata.operations.incidents import IncidentReport, IncidentValidationError, upsert_incidents
from geodata.operations.lifecycle import InvalidTransitionError

__all__ = ["register"]


def _report(body: IncidentIn, source: str) -> IncidentReport:
    values = body.model_dump()
    return IncidentReport(source=source, **{**values, "category": body.category.value})


def _check(bodies: Sequence[IncidentIn], who: Integration, prefix: str = "") -> None:
    area = area_of(who)
    for index, body in enumerate(bodies):
        where = f"{prefix}{index}." if prefix else ""
        if (body.lat is None) != (body.lon is None):
            missing = "lat" if body.lat is None else "lon"
            raise ApiError(422, f"{where}{missing}: give both lat and lon, or neither",
                           field=f"{where}{missing}")  # fmt: skip
        if body.lat is not None and body.lon is not None:
            check_point(body.lon, body.lat, area, where)


def _store(conn: Connection, who: Integration, bodies: Sequence[IncidentIn], prefix: str) -> Any:
    reports = [_report(body, who.name) for body in bodies]
    try:
        result = upsert_incidents(conn, who.city_id, reports)
    except IncidentValidationError as error:
        status = 409 if error.field_name == "lifecycle times" else 422
        field = error.field_name
        if prefix and error.index is not None:
            field = f"{prefix}{error.index}.{field}"
        raise ApiError(status, str(error), field=field,
                       code="conflict" if status == 409 else "invalid") from None  # fmt: skip
    if len(bodies) == 1 and (result.inserted_ids or result.updated_ids):
        return result, [*result.inserted_ids, *result.updated_ids]  # no lookup needed
    ids = incident_ids(conn, who.city_id, who.name, [body.external_id for body in bodies])
    return result, [int(ids[body.external_id]) for body in bodies]


def create_or_update() -> Any:
    body = parse(IncidentIn, request.get_json(silent=True))
    with transaction() as (conn, who):
        _check([body], who)
        result, (incident_id,) = _store(conn, who, [body], "")
    created = bool(result.inserted_ids)
    out = IncidentOut(id=incident_id, external_id=body.external_id, created=created,
                      changed=created or bool(result.updated_ids))  # fmt: skip
    return jsonify(out.model_dump()), 201 if created else 200


def create_or_update_batch() -> Any:
    batch = parse(IncidentBatchIn, request.get_json(silent=True))
    with transaction() as (conn, who):
        _check(batch.incidents, who, "incidents.")
        result, ids = _store(conn, who, batch.incidents, "incidents.")
    out = IncidentBatchOut(ids=ids, inserted=len(result.inserted_ids),
                           updated=len(result.updated_ids), unchanged=result.unchanged)  # fmt: skip
    return jsonify(out.model_dump()), 200


def one_incident(incident_id: int) -> Any:
    with transaction() as (conn, who):
        found = read_incident(conn, who.city_id, incident_id)
    if found is None:
        raise ApiError(404, f"no incident {incident_id} in this city", field="incident_id",
                       code="not_found")  # fmt: skip
    return jsonify(IncidentView(**found).model_dump(mode="json"))


def in_city(conn: Connection, incident_id: int, who: Integration) -> None:
    """A 404 unless the incident is in the integration's city."""
    if not incident_in_city(conn, who.city_id, incident_id):
        raise ApiError(404, f"no incident {incident_id} in this city", field="incident_id",
                       code="not_found")  # fmt: skip


def report_event(incident_id: int) -> Any:
    body = parse(EventIn, request.get_json(silent=True))
    with transaction() as (conn, who):
        in_city(conn, incident_id, who)
        try:
            result = record_incident_event(conn, incident_id, body.status.value,
                                           at=body.at or datetime.now(UTC),
                                           actor=f"api:{who.name}")  # fmt: skip
        except InvalidTransitionError as error:
            raise ApiError(409, str(error), field="status", code="conflict") from None
        except EventTimeError as error:
            raise ApiError(422, f"at: {error}", field="at") from None
        except DispatchError as error:
            raise dispatch_refusal(error) from None
    out = EventOut(id=incident_id, status=result.status, changed=result.changed)
    return jsonify(out.model_dump()), 200


def register(api: ApiRoutes) -> None:
    api.add(RouteDoc("/incidents", ("POST",), "upsert_incident",
                     "Create or update one incident (idempotent on external_id)", "incidents",
                     IncidentIn, IncidentOut, success=201, errors=(401, 409, 422)),
            create_or_update)  # fmt: skip
    api.add(RouteDoc("/incidents/batch", ("POST",), "upsert_incidents",
                     "Create or update up to 1,000 incidents, all or nothing", "incidents",
                     IncidentBatchIn, IncidentBatchOut, errors=(401, 409, 422)),
            create_or_update_batch)  # fmt: skip
    api.add(RouteDoc("/incidents/<int:incident_id>", ("GET",), "read_incident",
                     "One incident, its lifecycle and units (never caller data)", "incidents",
                     response=IncidentView, errors=(401, 404)),
            one_incident)  # fmt: skip
    api.add(RouteDoc("/incidents/<int:incident_id>/events", ("POST",), "report_incident_event",
                     "Report a lifecycle step (dispatched, en route, on scene, cleared)",
                     "incidents", EventIn, EventOut, errors=(401, 404, 409, 422)),
            report_event)  # fmt: skip
