"""``/incidents/{id}/recommendations`` and ``/nearest-stations``: who reaches a place first.

Both are exact road travel-time rankings (:mod:`geodata.routing.recommend`), for a call-taking or
dispatch system that wants the same answer the supervisor's page shows.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from pydantic import BaseModel

from dashboard.api._core import ApiError, ApiRoutes, RouteDoc, area_of, check_point, transaction
from dashboard.api.incidents import in_city
from geodata.routing.recommend import nearest_stations, recommend_units

__all__ = ["register"]

MAX_K = 50


class UnitOptionOut(BaseModel):
    """One available unit: ``outcome`` is ranked, slower, unreachable or off_network."""

    call_sign: str
    agency_kind: str
    agency_name: str
    vehicle_profile: str
    outcome: str
    travel_time_s: float | None
    road_distance_m: float | None
    straight_distance_m: float
    snap_distance_m: float | None
    from_station: bool
    route_wkt: str | None = None


class RecommendationOut(BaseModel):
    incident_id: int
    category: str
    snap_distance_m: float | None
    agencies: dict[str, list[UnitOptionOut]]


class NearestStationOut(BaseModel):
    agency_kind: str
    station_id: int
    station_name: str
    agency_name: str
    vehicle_profile: str
    travel_time_s: float | None
    straight_distance_m: float


class NearestStationsOut(BaseModel):
    stations: list[NearestStationOut]


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(422, f"{name}: '{raw}' is not a whole number", field=name) from None
    if not low <= value <= high:
        raise ApiError(422, f"{name}: must be between {low} and {high}", field=name)
    return value


def _float_arg(name: str) -> float:
    raw = request.args.get(name)
    if raw is None:
        raise ApiError(422, f"{name}: required", field=name)
    try:
        return float(raw)
    except ValueError:
        raise ApiError(422, f"{name}: '{raw}' is not a number", field=name) from None


def incident_recommendations(incident_id: int) -> Any:
    k = _int_arg("k", 10, 1, MAX_K)
    with_routes = request.args.get("routes", "false").lower() in ("1", "true", "yes")
    agencies = current_app.config["TANGGAP_SETTINGS"].response_agencies
    with transaction() as (conn, who):
        in_city(conn, incident_id, who)
        found = recommend_units(conn, [incident_id], agencies, k=k, with_routes=with_routes)
    if not found:
        raise ApiError(422, f"incident {incident_id} has no location to route to",
                       field="incident_id", code="no_location")  # fmt: skip
    rec = found[0]
    out = RecommendationOut(
        incident_id=rec.incident_id,
        category=rec.category,
        snap_distance_m=rec.snap_distance_m,
        agencies={
            kind: [UnitOptionOut.model_validate(option, from_attributes=True) for option in options]
            for kind, options in rec.options.items()
        },
    )
    return jsonify(out.model_dump(exclude_none=not with_routes))


def nearest_stations_view() -> Any:
    lon, lat = _float_arg("lon"), _float_arg("lat")
    with transaction() as (conn, who):
        check_point(lon, lat, area_of(who))
        found = nearest_stations(conn, who.city_id, lon, lat)
    out = NearestStationsOut(
        stations=[NearestStationOut.model_validate(s, from_attributes=True) for s in found]
    )
    return jsonify(out.model_dump())


def register(api: ApiRoutes) -> None:
    api.add(
        RouteDoc(
            "/incidents/<int:incident_id>/recommendations", ("GET",), "incident_recommendations",
            "Available units ranked by road travel time, per responding agency", "dispatch",
            response=RecommendationOut, errors=(401, 404, 422),
            query=(("k", "integer", f"ranked units per agency (1–{MAX_K}, default 10)"),
                   ("routes", "boolean", "include each ranked unit's route as WKT")),
        ),
        incident_recommendations,
    )  # fmt: skip
    api.add(
        RouteDoc(
            "/nearest-stations", ("GET",), "nearest_stations",
            "The posko of each agency reached first from a point, by road", "dispatch",
            response=NearestStationsOut, errors=(401, 422),
            query=(("lon", "number", "longitude, EPSG:4326"),
                   ("lat", "number", "latitude, EPSG:4326")),
        ),
        nearest_stations_view,
    )  # fmt: skip
