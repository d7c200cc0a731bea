"""``/units``: list the city's units, change a unit's status, report positions in batches."""

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
    path_text,
    transaction,
)
from dashboard.api.schemas import (
    PositionBatchIn,
    PositionIn,
    PositionsOut,
    UnitBatchIn,
    UnitChangedOut,
    UnitIn,
    UnitPatchIn,
    UnitsCreatedOut,
    UnitsOut,
    UnitStatusIn,
    UnitStatusOut,
    UnitView,
)
from geodata.operations.api_tokens import Integration
from geodata.operations.dispatching import DispatchError, set_unit_status
from geodata.operations.fleet import FleetError, UnitChange, UnitSpec, change_unit, create_units
from geodata.operations.lifecycle import InvalidTransitionError
from geodata.operations.unit_positions import (
    PositionReport,
    PositionValidationError,
    record_positions,
    resolve_units,
)
from geodata.operations.units import list_units

__all__ = ["register", "store_positions"]


def units_of_city() -> Any:
    with transaction() as (conn, who):
        rows = list_units(conn, who.city_id)
    return jsonify(UnitsOut(units=[UnitView(**row) for row in rows]).model_dump(mode="json"))


def change_status(call_sign: str) -> Any:
    call_sign = path_text(call_sign, "call_sign")
    body = parse(UnitStatusIn, request.get_json(silent=True))
    with transaction() as (conn, who):
        unit = resolve_units(conn, who.city_id, [call_sign]).get(call_sign)
        if unit is None:
            raise ApiError(404, f"no unit with call sign '{call_sign}' in this city",
                           field="call_sign", code="not_found")  # fmt: skip
        try:
            status = set_unit_status(conn, unit.id, body.status.value, actor=f"api:{who.name}",
                                     now=body.at or datetime.now(UTC))  # fmt: skip
        except InvalidTransitionError as error:
            raise ApiError(409, str(error), field="status", code="conflict") from None
        except DispatchError as error:
            raise dispatch_refusal(error) from None
    return jsonify(UnitStatusOut(unit=call_sign, status=status.value).model_dump()), 200


def _fleet_refusal(error: FleetError) -> ApiError:
    status = {"duplicate": 409, "on_duty": 409, "not_found": 404}.get(error.code, 422)
    return ApiError(status, f"{error.field}: {error}", field=error.field, code=(
        "conflict" if status == 409 else "not_found" if status == 404 else "invalid"))  # fmt: skip


def create_units_route() -> Any:
    payload = request.get_json(silent=True)
    batch = isinstance(payload, dict) and "units" in payload
    units = parse(UnitBatchIn, payload).units if batch else [parse(UnitIn, payload)]
    specs = [
        UnitSpec(u.call_sign, u.agency, u.home_posko, u.vehicle_profile,
                 u.status.value if u.status else None, u.crew_size)
        for u in units
    ]  # fmt: skip
    with transaction() as (conn, who):
        try:
            made = create_units(conn, who.city_id, specs, actor=f"api:{who.name}")
        except FleetError as error:
            raise _fleet_refusal(error) from None
    out = UnitsCreatedOut(ids=[i for i, _ in made], call_signs=[s for _, s in made])
    return jsonify(out.model_dump()), 201


def patch_unit(call_sign: str) -> Any:
    call_sign = path_text(call_sign, "call_sign")
    body = parse(UnitPatchIn, request.get_json(silent=True))
    sent = body.model_fields_set
    change = UnitChange(
        agency=body.agency, home_station=body.home_posko or None,
        clear_home_station="home_posko" in sent and not body.home_posko,
        vehicle_profile=body.vehicle_profile, crew_size=body.crew_size,
        clear_crew_size="crew_size" in sent and body.crew_size is None,
        status=body.status.value if body.status else None, retired=body.retired,
    )  # fmt: skip
    with transaction() as (conn, who):
        try:
            changed = change_unit(conn, who.city_id, call_sign, change, actor=f"api:{who.name}")
        except FleetError as error:
            raise _fleet_refusal(error) from None
    return jsonify(UnitChangedOut(unit=call_sign, changed=sorted(changed)).model_dump()), 200


def store_positions(
    conn: Connection, who: Integration, fixes: Sequence[PositionIn], prefix: str
) -> PositionsOut:
    """Validate and store fixes named by call sign; fields are named ``{prefix}{row}.{field}``."""
    units = resolve_units(conn, who.city_id, [fix.unit for fix in fixes])
    area = area_of(who)
    reports = []
    for index, fix in enumerate(fixes):
        where = f"{prefix}{index}." if prefix else ""
        unit = units.get(fix.unit)
        if unit is None:
            raise ApiError(422, f"{where}unit: no unit with call sign '{fix.unit}' in this city",
                           field=f"{where}unit")  # fmt: skip
        check_point(fix.lon, fix.lat, area, where)
        reports.append(PositionReport(unit.id, fix.lon, fix.lat, fix.at, fix.speed_kmh,
                                      fix.bearing_deg, fix.accuracy_m))  # fmt: skip
    try:
        result = record_positions(conn, reports, source=who.name)
    except PositionValidationError as error:
        field = error.field_name
        if prefix and error.index is not None:
            field = f"{prefix}{error.index}.{field}"
        raise ApiError(422, str(error), field=field) from None
    return PositionsOut(stored=result.stored, duplicates=result.duplicates)


def report_positions() -> Any:
    batch = parse(PositionBatchIn, request.get_json(silent=True))
    with transaction() as (conn, who):
        out = store_positions(conn, who, batch.positions, "positions.")
    return jsonify(out.model_dump()), 200


def register(api: ApiRoutes) -> None:
    api.add(RouteDoc("/units", ("GET",), "list_units",
                     "The city's units: status, last position, home posko", "units",
                     response=UnitsOut, errors=(401,)),
            units_of_city)  # fmt: skip
    api.add(RouteDoc("/units", ("POST",), "create_units",
                     "Add one unit (a UnitIn) or a batch ({\"units\": [...]}), all or nothing",
                     "units", UnitBatchIn, UnitsCreatedOut, success=201,
                     errors=(401, 409, 422)),
            create_units_route)  # fmt: skip
    api.add(RouteDoc("/units/<call_sign>", ("PATCH",), "change_unit",
                     "Change a unit's agency, home posko, vehicle, crew; retire or bring back",
                     "units", UnitPatchIn, UnitChangedOut, errors=(401, 404, 409, 422)),
            patch_unit)  # fmt: skip
    api.add(RouteDoc("/units/<call_sign>/status", ("PUT",), "set_unit_status",
                     "Move a unit through its duty cycle (stamps its dispatch and incident)",
                     "units", UnitStatusIn, UnitStatusOut, errors=(401, 404, 409, 422)),
            change_status)  # fmt: skip
    api.add(RouteDoc("/units/positions", ("POST",), "report_positions",
                     "Report up to 1,000 GPS fixes, all or nothing (re-sends ignored)", "units",
                     PositionBatchIn, PositionsOut),
            report_positions)  # fmt: skip
