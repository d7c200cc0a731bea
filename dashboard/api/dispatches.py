"""``/incidents/{id}/dispatches``: send an available unit to an incident.

Goes through :func:`geodata.operations.dispatching.assign_unit`: the unit row is locked, so two
systems (or a system and a supervisor) sending the same unit at once cannot both succeed;
the second gets a 409 naming who has it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import jsonify, request

from dashboard.api._core import ApiError, ApiRoutes, RouteDoc, dispatch_refusal, parse, transaction
from dashboard.api.incidents import in_city
from dashboard.api.schemas import DispatchIn, DispatchOut
from geodata.operations.dispatching import DispatchError, assign_unit
from geodata.operations.unit_positions import resolve_units

__all__ = ["register"]


def dispatch_unit(incident_id: int) -> Any:
    body = parse(DispatchIn, request.get_json(silent=True))
    with transaction() as (conn, who):
        in_city(conn, incident_id, who)
        unit = resolve_units(conn, who.city_id, [body.unit]).get(body.unit)
        if unit is None:
            raise ApiError(422, f"unit: no unit with call sign '{body.unit}' in this city",
                           field="unit")  # fmt: skip
        try:
            dispatch_id = assign_unit(conn, incident_id, unit.id, actor=f"api:{who.name}",
                                      override_reason=body.override_reason,
                                      now=body.at or datetime.now(UTC))  # fmt: skip
        except DispatchError as error:
            raise dispatch_refusal(error) from None
    out = DispatchOut(dispatch_id=dispatch_id, incident_id=incident_id, unit=body.unit)
    return jsonify(out.model_dump()), 201


def register(api: ApiRoutes) -> None:
    api.add(RouteDoc("/incidents/<int:incident_id>/dispatches", ("POST",), "dispatch_unit",
                     "Assign an available unit to the incident", "dispatch", DispatchIn,
                     DispatchOut, success=201, errors=(401, 404, 409, 422)),
            dispatch_unit)  # fmt: skip
