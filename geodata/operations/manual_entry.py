"""An incident a call taker enters by hand (a center whose call-taking system is not
integrated): checked, placed, and stored by the same upsert as the ingest API.

The form carries a submission token made when it was drawn; it is the incident's
``external_id`` under source ``manual``, so a double click or a resent form stores one
incident, and a token already used never changes the incident it made. The place comes
from a map click, typed coordinates (swapped lat/lon and places outside the city's
boundary are refused with the reason) or a kelurahan picked by name (its point on the
nearest road, else a point inside it).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from geodata.coordinates import BoundingBox, CoordinateError, coordinate_problem, parse_lat_lon
from geodata.operations import audit
from geodata.operations.incidents import IncidentReport, upsert_incidents
from geodata.vocabulary import IncidentCategory

__all__ = [
    "MANUAL_SOURCE",
    "EntryError",
    "ManualEntry",
    "StoredEntry",
    "inside_city",
    "kelurahan_points",
    "new_token",
    "parse_entry",
    "place_from_text",
    "record_manual_incident",
]

#: The ``source`` of incidents entered by hand.
MANUAL_SOURCE = "manual"
#: How far beyond the city's boundary a typed point is still taken (metres): a call from
#: the border road.
BORDER_MARGIN_M = 200.0
#: Longest caller name, phone, address and description kept (characters).
LIMITS = {"caller_name": 120, "caller_phone": 32, "address": 300, "description": 2000}
_TOKEN = re.compile(r"m-[0-9a-f]{32}")
_PHONE = re.compile(r"[0-9+()\-. ]{3,32}")
#: Degrees around the city's extent within which a point counts as "in the area" when
#: telling swapped or nonsense coordinates from a place just outside.
_AREA_MARGIN_DEG = 0.2


class EntryError(ValueError):
    """A form value that cannot be stored: ``field`` names the control, ``problem`` the
    reason (a phrasebook key under ``entry.problem_``), ``values`` fill its words."""

    def __init__(self, field: str, problem: str, **values: object) -> None:
        super().__init__(f"{field}: {problem} {values or ''}".strip())
        self.field = field
        self.problem = problem
        self.values = values


def new_token() -> str:
    """A fresh submission token for a form (``m-`` and 32 hex digits)."""
    return f"m-{secrets.token_hex(16)}"


@dataclass(frozen=True)
class ManualEntry:
    """A checked form: the place in EPSG:4326 degrees, category code, priority 1–4, and the
    optional caller, address and description."""

    token: str
    lon: float
    lat: float
    category: str
    priority: int
    caller_name: str | None = None
    caller_phone: str | None = None
    address: str | None = None
    description: str | None = None


def _text(values: Mapping[str, Any], field: str) -> str | None:
    value = values.get(field)
    if value is None or not str(value).strip():
        return None
    cleaned = " ".join(str(value).split()) if field != "description" else str(value).strip()
    if len(cleaned) > LIMITS[field]:
        raise EntryError(field, "too_long", limit=LIMITS[field])
    return cleaned


def _area(bounds: tuple[float, float, float, float]) -> BoundingBox:
    m = _AREA_MARGIN_DEG
    return BoundingBox(bounds[0] - m, bounds[1] - m, bounds[2] + m, bounds[3] + m)


def place_from_text(typed: Any, bounds: tuple[float, float, float, float]) -> tuple[float, float]:
    """``(lon, lat)`` of coordinates typed "lat, lon" near a city whose extent is ``bounds``
    (lon/lat degrees); :class:`EntryError` on field "coordinates" when there are none,
    they are not two numbers, look swapped, are not degrees, or lie far from the city."""
    area = _area(bounds)
    if typed is None or not str(typed).strip():
        raise EntryError("coordinates", "no_place")
    try:
        lat, lon = parse_lat_lon(str(typed))
    except CoordinateError:
        raise EntryError("coordinates", "not_numbers", typed=str(typed)) from None
    problem = coordinate_problem(lon, lat, area)
    if problem is not None:
        raise EntryError("coordinates", problem, lat=lat, lon=lon)
    return lon, lat


def parse_entry(
    values: Mapping[str, Any], bounds: tuple[float, float, float, float]
) -> ManualEntry:
    """The form's values (``token``, ``coordinates`` "lat, lon", ``category``,
    ``priority``, ``caller_name``, ``caller_phone``, ``address``, ``description``) as a
    :class:`ManualEntry`; ``bounds`` the city's extent (lon/lat degrees). Raises
    :class:`EntryError` naming the first field at fault: swapped coordinates ("swapped"),
    a place far from the city ("outside"), a category not known, a priority not 1–4."""
    token = str(values.get("token") or "")
    if not _TOKEN.fullmatch(token):
        raise EntryError("token", "bad_token")
    lon, lat = place_from_text(values.get("coordinates"), bounds)
    category = values.get("category")
    if not isinstance(category, str) or category not in {c.value for c in IncidentCategory}:
        raise EntryError("category", "no_category")
    try:
        priority = int(values.get("priority") or 0)
    except (TypeError, ValueError):
        priority = 0
    if not 1 <= priority <= 4:
        raise EntryError("priority", "bad_priority")
    phone = _text(values, "caller_phone")
    if phone is not None and not _PHONE.fullmatch(phone):
        raise EntryError("caller_phone", "bad_phone")
    return ManualEntry(token, lon, lat, str(category), priority, _text(values, "caller_name"),
                       phone, _text(values, "address"), _text(values, "description"))  # fmt: skip


@dataclass(frozen=True)
class StoredEntry:
    """What storing did: the incident's id and whether this submission created it (False:
    the token was already used, e.g. a double click; nothing was changed)."""

    incident_id: int
    created: bool


_INSIDE = text(
    "SELECT ST_DWithin(boundary::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, "
    ":margin) FROM cities WHERE id = :city_id"
)
_EXISTING = text(
    "SELECT id FROM incidents WHERE city_id = :city_id AND source = :source "
    "AND external_id = :token"
)


def inside_city(conn: Connection, city_id: int, lon: float, lat: float) -> bool:
    """Whether ``(lon, lat)`` lies within :data:`BORDER_MARGIN_M` of the city's boundary."""
    return bool(conn.execute(_INSIDE, {"lon": lon, "lat": lat, "city_id": city_id,
                                       "margin": BORDER_MARGIN_M}).scalar())  # fmt: skip


def record_manual_incident(
    conn: Connection, city_id: int, entry: ManualEntry, *, actor: str, received_at: datetime
) -> StoredEntry:
    """Store ``entry`` in city ``city_id`` inside ``conn``'s transaction, through
    :func:`~geodata.operations.incidents.upsert_incidents` (as the ingest API), and audit
    it under ``actor`` (the session's username). Raises :class:`EntryError` ("outside")
    when the place is more than :data:`BORDER_MARGIN_M` beyond the city's boundary.
    Three statements, four when the caller is given."""
    existing = conn.execute(_EXISTING, {"city_id": city_id, "source": MANUAL_SOURCE,
                                        "token": entry.token}).scalar()  # fmt: skip
    if existing is not None:
        return StoredEntry(int(existing), created=False)
    if not inside_city(conn, city_id, entry.lon, entry.lat):
        raise EntryError("coordinates", "outside_boundary", lat=entry.lat, lon=entry.lon)
    report = IncidentReport(
        source=MANUAL_SOURCE, external_id=entry.token, category=entry.category,
        priority=entry.priority, received_at=received_at, lon=entry.lon, lat=entry.lat,
        address=entry.address, caller_name=entry.caller_name, caller_phone=entry.caller_phone,
    )  # fmt: skip
    result = upsert_incidents(conn, city_id, [report])
    ids = [*result.inserted_ids, *result.updated_ids]
    if not ids:  # a concurrent double click stored it first
        return StoredEntry(int(conn.execute(_EXISTING, {"city_id": city_id, "source": MANUAL_SOURCE,
                                                        "token": entry.token}).scalar_one()),
                           created=False)  # fmt: skip
    audit.record(
        conn, actor=actor, action="incident.create_manual", entity="incident", entity_id=ids[0],
        details={"category": entry.category, "priority": entry.priority,
                 "lon": entry.lon, "lat": entry.lat, "description": entry.description},
    )  # fmt: skip
    return StoredEntry(ids[0], created=bool(result.inserted_ids))


_KELURAHAN_POINTS = text("""
SELECT a.code, a.name, k.name AS kecamatan,
       ST_X(p.point) AS lon, ST_Y(p.point) AS lat, p.on_road
FROM admin_areas a
LEFT JOIN admin_areas k ON k.id = a.parent_id
CROSS JOIN LATERAL (SELECT ST_PointOnSurface(a.geom) AS inner_point) i
LEFT JOIN LATERAL (
    SELECT ST_ClosestPoint(e.geom, i.inner_point) AS road_point
    FROM road_edges e
    WHERE e.city_id = a.city_id AND ST_Intersects(e.geom, a.geom)
    ORDER BY e.geom <-> i.inner_point LIMIT 1
) r ON true
CROSS JOIN LATERAL (SELECT COALESCE(r.road_point, i.inner_point) AS point,
                           r.road_point IS NOT NULL AS on_road) p
WHERE a.city_id = :city_id AND a.level = 'kelurahan'
  AND (CAST(:code AS text) IS NULL OR a.code = :code)
ORDER BY a.name, a.code
""")


def kelurahan_points(
    conn: Connection, city_id: int, code: str | None = None
) -> list[dict[str, Any]]:
    """Each kelurahan of the city (only ``code`` when given) with the point an incident
    placed "in it" gets: on the road nearest its inner point when a road crosses it
    (``on_road``), else the inner point itself. Keys code, name, kecamatan, lon, lat,
    on_road; by name. One statement (a nearest-edge look-up per kelurahan, GiST index)."""
    rows = conn.execute(_KELURAHAN_POINTS, {"city_id": city_id, "code": code}).mappings()
    return [dict(row) for row in rows]
