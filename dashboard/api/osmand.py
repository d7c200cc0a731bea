"""``/osmand``: positions in the OsmAnd protocol, as the Traccar Client phone app sends them.

A crew's phone reports directly: set the app's server URL to
``http(s)://<tanggap>/api/v1/osmand?token=<token>`` and its device identifier to the
unit's call sign. Accepted forms, as Traccar's own server reads them:

* query or form parameters: ``id`` (or ``deviceid``), ``lat``, ``lon`` (or
  ``location=lat,lon``), ``timestamp`` (Unix seconds or milliseconds, ISO 8601, or
  ``yyyy-MM-dd HH:mm:ss`` in UTC), ``speed`` in knots, ``bearing`` (or ``heading``) in
  degrees, ``accuracy`` in metres; others (``altitude``, ``batt``, ``hdop``…) are ignored;
* JSON (Traccar Client 9 and later): ``{"device_id": …, "location": {"timestamp": ISO,
  "coords": {"latitude", "longitude", "speed" (m/s), "heading", "accuracy"}}}``.

A fix flagged ``valid=false`` is acknowledged and not stored (the phone would otherwise
resend it forever). Errors are 4xx naming the parameter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import jsonify, request

from dashboard.api._core import ApiError, ApiRoutes, RouteDoc, parse, transaction
from dashboard.api.schemas import PositionIn, PositionsOut
from dashboard.api.units import store_positions

__all__ = ["osmand_fix", "register"]

KNOT_KMH = 1.852
MS_KMH = 3.6
#: Above this a numeric timestamp is in milliseconds (as Traccar decides).
MILLISECONDS_FROM = 2**31 - 1


def _number(values: dict[str, Any], *names: str) -> float | None:
    for name in names:
        raw = values.get(name)
        if raw is None or raw == "":
            continue
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise ApiError(422, f"{name}: '{raw}' is not a number", field=name) from None
    return None


def _time(raw: Any, field: str) -> datetime:
    if raw is None or raw == "":
        return datetime.now(UTC)
    text = str(raw).strip()
    try:
        if text.lstrip("-").isdigit():
            value = int(text)
            return datetime.fromtimestamp(value / 1000 if value > MILLISECONDS_FROM else value, UTC)
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise ApiError(422, f"{field}: '{text}' is not a time", field=field) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _from_json(document: dict[str, Any]) -> dict[str, Any]:
    location = document.get("location") or {}
    coords = location.get("coords") or {}
    speed = _number(coords, "speed")
    return {
        "id": document.get("device_id"), "lat": coords.get("latitude"),
        "lon": coords.get("longitude"), "timestamp": location.get("timestamp"),
        "speed_kmh": None if speed is None or speed < 0 else speed * MS_KMH,
        "bearing": coords.get("heading"), "accuracy": coords.get("accuracy"),
    }  # fmt: skip


def osmand_fix(values: dict[str, Any], document: dict[str, Any] | None) -> PositionIn | None:
    """The fix a request carries (None when the device flags it invalid)."""
    if document:
        values = {**values, **_from_json(document)}
    elif values.get("speed") not in (None, ""):
        knots = _number(values, "speed")
        values = {**values, "speed_kmh": None if knots is None else knots * KNOT_KMH}
    if str(values.get("valid", "true")).lower() in ("false", "0"):
        return None
    unit = values.get("id") or values.get("deviceid")
    if not unit:
        raise ApiError(422, "id: the device id (the unit's call sign) is missing", field="id")
    if values.get("location") and values.get("lat") is None:
        lat, _, lon = str(values["location"]).partition(",")
        values = {**values, "lat": lat, "lon": lon}
    lat, lon = _number(values, "lat"), _number(values, "lon")
    if lat is None or lon is None:
        missing = "lat" if lat is None else "lon"
        raise ApiError(422, f"{missing}: missing", field=missing)
    bearing = _number(values, "bearing", "heading")
    return parse(PositionIn, {
        "unit": str(unit), "lat": lat, "lon": lon,
        "at": _time(values.get("timestamp"), "timestamp"), "speed_kmh": values.get("speed_kmh"),
        "bearing_deg": None if bearing is None else bearing % 360,
        "accuracy_m": _number(values, "accuracy"),
    })  # fmt: skip


def report_osmand() -> Any:
    document = request.get_json(silent=True) if request.is_json else None
    fix = osmand_fix(request.values.to_dict(), document)
    if fix is None:
        return jsonify(PositionsOut(stored=0, duplicates=0).model_dump()), 200
    try:
        with transaction(allow_query_token=True) as (conn, who):
            out = store_positions(conn, who, [fix], "")
    except ApiError as error:
        if error.field == "unit":  # this protocol calls it the device id
            raise ApiError(error.status, error.message.replace("unit:", "id:", 1),
                           field="id") from None  # fmt: skip
        raise
    return jsonify(out.model_dump()), 200


def register(api: ApiRoutes) -> None:
    params = (
        ("token", "string", "API token (or an Authorization: Bearer header)"),
        ("id", "string", "Device id: the unit's call sign (also 'deviceid')"),
        ("lat", "number", "Latitude, degrees"),
        ("lon", "number", "Longitude, degrees"),
        ("timestamp", "string", "Unix seconds or milliseconds, or ISO 8601"),
        ("speed", "number", "Speed in knots"),
        ("bearing", "number", "Bearing in degrees (also 'heading')"),
        ("accuracy", "number", "Accuracy in metres"),
        ("valid", "string", "'false' or '0': acknowledged, not stored"),
    )
    api.add(RouteDoc("/osmand", ("GET", "POST"), "report_osmand",
                     "A position in the OsmAnd protocol (Traccar Client)", "units",
                     response=PositionsOut, query=params),
            report_osmand)  # fmt: skip
