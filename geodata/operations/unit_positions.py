"""Unit positions as GPS devices report them: validated, stored as a track, last one on the unit.

A batch is one statement whatever its size. Re-sent positions (a phone emptying its
buffer after a dead zone) are stored once, keyed on ``(unit, reported_at)``; a late,
older position joins the track but never moves the unit back on the map.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, text

from geodata.coordinates import INDONESIA_BBOX, BoundingBox, CoordinateError, check_lon_lat
from geodata.operations.errors import RowFieldError

__all__ = [
    "MAX_CLOCK_AHEAD",
    "PositionReport",
    "PositionResult",
    "PositionValidationError",
    "UnitRef",
    "record_positions",
    "resolve_units",
    "validate_position",
]

#: A device clock this far ahead of ours is wrong, not early.
MAX_CLOCK_AHEAD = timedelta(minutes=5)
#: Faster than any emergency vehicle on a city street, in km/h.
MAX_SPEED_KMH = 300.0


class PositionValidationError(RowFieldError):
    """A position that cannot be stored; names the row (``index``) and the ``field``."""


@dataclass(frozen=True)
class PositionReport:
    """One fix: degrees EPSG:4326, tz-aware time, speed km/h, bearing degrees, accuracy m."""

    unit_id: int
    lon: float
    lat: float
    reported_at: datetime
    speed_kmh: float | None = None
    bearing_deg: float | None = None
    accuracy_m: float | None = None


@dataclass(frozen=True)
class PositionResult:
    """Rows stored, re-sends ignored, and units whose last position moved."""

    stored: int
    duplicates: int
    moved_unit_ids: list[int]


@dataclass(frozen=True)
class UnitRef:
    """A unit as the API names it: its id, call sign and current status."""

    id: int
    call_sign: str
    status: str


def validate_position(
    report: PositionReport,
    *,
    now: datetime,
    area: BoundingBox = INDONESIA_BBOX,
    index: int | None = None,
) -> PositionReport:
    """Return the report if it can be stored, else raise :class:`PositionValidationError`."""

    def fail(field_name: str, message: str) -> PositionValidationError:
        return PositionValidationError(message, field_name=field_name, index=index)

    try:
        check_lon_lat(report.lon, report.lat, area)
    except CoordinateError as error:
        raise fail("lat/lon", str(error)) from None
    at = report.reported_at
    if at.tzinfo is None or at.utcoffset() is None:
        raise fail("reported_at", f"{at.isoformat()} has no time zone")
    if at > now + MAX_CLOCK_AHEAD:
        raise fail("reported_at", f"{at.isoformat()} is in the future (device clock wrong?)")
    if report.speed_kmh is not None and not 0 <= report.speed_kmh <= MAX_SPEED_KMH:
        raise fail("speed_kmh", f"{report.speed_kmh} is not between 0 and {MAX_SPEED_KMH:g}")
    if report.bearing_deg is not None and not 0 <= report.bearing_deg <= 360:
        raise fail("bearing_deg", f"{report.bearing_deg} is not between 0 and 360")
    if report.accuracy_m is not None and report.accuracy_m < 0:
        raise fail("accuracy_m", f"{report.accuracy_m} is negative")
    return report


def resolve_units(conn: Connection, city_id: int, call_signs: Sequence[str]) -> dict[str, UnitRef]:
    """Units of the city by call sign, in one query; a sign held twice maps to neither.

    Call signs are unique within an agency; a city whose agencies reuse one cannot be
    addressed by it, and the caller reports it as ambiguous rather than guess.
    """
    rows = conn.execute(
        text(
            "SELECT u.id, u.call_sign, u.status FROM units u "
            "JOIN agencies a ON a.id = u.agency_id "
            "WHERE a.city_id = :city_id AND u.call_sign = ANY(:signs)"
        ),
        {"city_id": city_id, "signs": sorted(set(call_signs))},
    ).all()
    found: dict[str, UnitRef] = {}
    twice: set[str] = set()
    for row in rows:
        if row.call_sign in found:
            twice.add(row.call_sign)
        found[row.call_sign] = UnitRef(int(row.id), row.call_sign, row.status)
    return {sign: unit for sign, unit in found.items() if sign not in twice}


_RECORD = text("""
WITH input AS (
    SELECT * FROM unnest(
        CAST(:unit_ids AS integer[]), CAST(:reported AS timestamptz[]),
        CAST(:lons AS double precision[]), CAST(:lats AS double precision[]),
        CAST(:speeds AS double precision[]), CAST(:bearings AS double precision[]),
        CAST(:accuracies AS double precision[])
    ) AS t(unit_id, reported_at, lon, lat, speed_kmh, bearing_deg, accuracy_m)
), stored AS (
    INSERT INTO unit_positions (unit_id, reported_at, lon, lat, speed_kmh, bearing_deg,
                                accuracy_m, source)
    SELECT unit_id, reported_at, lon, lat, speed_kmh, bearing_deg, accuracy_m, :source
    FROM input
    ON CONFLICT (unit_id, reported_at) DO NOTHING
    RETURNING unit_id, reported_at, lon, lat
), latest AS (
    SELECT DISTINCT ON (unit_id) unit_id, reported_at, lon, lat
    FROM stored ORDER BY unit_id, reported_at DESC
), moved AS (
    UPDATE units u
    SET last_position = ST_SetSRID(ST_MakePoint(latest.lon, latest.lat), 4326),
        last_position_at = latest.reported_at
    FROM latest
    WHERE u.id = latest.unit_id
      AND (u.last_position_at IS NULL OR u.last_position_at < latest.reported_at)
    RETURNING u.id
)
SELECT (SELECT count(*) FROM stored) AS stored,
       (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM moved) AS moved
""")


def record_positions(
    conn: Connection,
    reports: Sequence[PositionReport],
    *,
    source: str,
    area: BoundingBox = INDONESIA_BBOX,
    now: datetime | None = None,
) -> PositionResult:
    """Validate and store a batch inside ``conn``'s transaction; one bad row stores nothing.

    Cost: one statement (``unnest`` of arrays) for the whole batch. A duplicate within the
    batch (same unit and time) counts as a re-send.
    """
    now = now or datetime.now(UTC)
    for index, report in enumerate(reports):
        validate_position(report, now=now, area=area, index=index)
    if not reports:
        return PositionResult(0, 0, [])
    row = conn.execute(
        _RECORD,
        {
            "unit_ids": [r.unit_id for r in reports],
            "reported": [r.reported_at for r in reports],
            "lons": [float(r.lon) for r in reports],
            "lats": [float(r.lat) for r in reports],
            "speeds": [r.speed_kmh for r in reports],
            "bearings": [r.bearing_deg for r in reports],
            "accuracies": [r.accuracy_m for r in reports],
            "source": source,
        },
    ).one()
    stored = int(row.stored)
    return PositionResult(stored, len(reports) - stored, [int(i) for i in row.moved])
