"""Writing incidents: validation, and idempotent batch upsert keyed on the source's id.

A call-taking system that retries, or a log imported twice, never creates a duplicate:
``(city_id, source, external_id)`` identifies an incident. Lifecycle times only move forward: a
resent older snapshot never erases a step already recorded. A batch is all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from geodata.coordinates import INDONESIA_BBOX, BoundingBox, CoordinateError, check_lon_lat
from geodata.db.errors import constraint_name
from geodata.operations.errors import RowFieldError
from geodata.operations.lifecycle import INCIDENT_TIME_COLUMN
from geodata.vocabulary import IncidentCategory, IncidentStatus

__all__ = [
    "STATUS_FROM_TIMES_SQL",
    "IncidentReport",
    "IncidentValidationError",
    "UpsertResult",
    "status_from_times",
    "upsert_incidents",
    "validate_report",
]

LIFECYCLE_COLUMNS = tuple(INCIDENT_TIME_COLUMN.values())


class IncidentValidationError(RowFieldError):
    """A report that cannot be stored; names the row (``index``) and the ``field``."""


@dataclass(frozen=True)
class IncidentReport:
    """One incident as a source reports it. Times are tz-aware; coordinates in EPSG:4326."""

    source: str
    external_id: str
    category: str
    priority: int
    received_at: datetime
    lon: float | None = None
    lat: float | None = None
    address: str | None = None
    dispatched_at: datetime | None = None
    en_route_at: datetime | None = None
    on_scene_at: datetime | None = None
    cleared_at: datetime | None = None
    caller_name: str | None = field(default=None, repr=False)
    caller_phone: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class UpsertResult:
    """What a batch did: ids of new incidents, ids changed, and how many were identical."""

    inserted_ids: list[int]
    updated_ids: list[int]
    unchanged: int


def status_from_times(times: dict[str, datetime | None]) -> IncidentStatus:
    """The lifecycle status implied by the latest step that has a time."""
    for status, column in reversed(list(INCIDENT_TIME_COLUMN.items())):
        if times.get(column) is not None:
            return status
    return IncidentStatus.RECEIVED


def validate_report(
    report: IncidentReport, *, area: BoundingBox = INDONESIA_BBOX, index: int | None = None
) -> IncidentReport:
    """Return the report if it can be stored, else raise :class:`IncidentValidationError`."""

    def fail(field_name: str, message: str) -> IncidentValidationError:
        return IncidentValidationError(message, field_name=field_name, index=index)

    if not report.source.strip():
        raise fail("source", "is empty")
    if not report.external_id.strip():
        raise fail("external_id", "is empty")
    if report.category not in IncidentCategory.__members__.values():
        known = ", ".join(category.value for category in IncidentCategory)
        raise fail("category", f"unknown category '{report.category}'; known: {known}")
    if not 1 <= report.priority <= 4:
        raise fail("priority", f"{report.priority} is not between 1 (critical) and 4 (low)")
    if (report.lon is None) != (report.lat is None):
        raise fail("lon" if report.lon is None else "lat", "only one of lat/lon is given")
    if report.lon is not None and report.lat is not None:
        try:
            check_lon_lat(report.lon, report.lat, area)
        except CoordinateError as error:
            raise fail("lat/lon", str(error)) from None
    previous_column, previous = "received_at", report.received_at
    for column in LIFECYCLE_COLUMNS:
        value = getattr(report, column)
        if value is None:
            continue
        if value.tzinfo is None or value.utcoffset() is None:
            raise fail(column, f"{value.isoformat()} has no time zone")
        if value < previous:
            raise fail(column, f"{value.isoformat()} is before {previous_column} {previous}")
        previous_column, previous = column, value
    return report


def _status_case(time_of: Mapping[str, str]) -> str:
    """SQL CASE giving the status from the latest lifecycle time that is not NULL."""
    branches = " ".join(
        f"WHEN {time_of[column]} IS NOT NULL THEN '{status.value}'"
        for status, column in reversed(list(INCIDENT_TIME_COLUMN.items()))
    )
    return f"CASE {branches} END"


#: SQL giving an incident's status from its own lifecycle columns.
STATUS_FROM_TIMES_SQL = _status_case({column: column for column in LIFECYCLE_COLUMNS})

_MERGED = {
    column: f"COALESCE(incidents.{column}, EXCLUDED.{column})" for column in LIFECYCLE_COLUMNS
}
#: The batch as one row per report, from one array parameter per column (``:name`` below).
_INPUT_COLUMNS = {
    "source": "text", "external_id": "text", "category": "text", "priority": "smallint",
    "lon": "double precision", "lat": "double precision", "address": "text",
    **{column: "timestamptz" for column in LIFECYCLE_COLUMNS},
}  # fmt: skip
_INPUT = f"""
SELECT * FROM unnest(
    {", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in _INPUT_COLUMNS.items())}
) WITH ORDINALITY AS input({", ".join(_INPUT_COLUMNS)}, ord)
"""
_UPSERT = text(f"""
INSERT INTO incidents AS incidents (
    city_id, source, external_id, category, priority, status, geom, address,
    {", ".join(LIFECYCLE_COLUMNS)}
)
SELECT :city_id, source, external_id, category, priority,
       {STATUS_FROM_TIMES_SQL}, ST_SetSRID(ST_MakePoint(lon, lat), 4326), address,
       {", ".join(LIFECYCLE_COLUMNS)}
FROM ({_INPUT}) AS input ORDER BY ord
ON CONFLICT (city_id, source, external_id) DO UPDATE SET
    category = EXCLUDED.category,
    priority = EXCLUDED.priority,
    geom = COALESCE(EXCLUDED.geom, incidents.geom),
    address = COALESCE(EXCLUDED.address, incidents.address),
    {", ".join(f"{column} = {_MERGED[column]}" for column in LIFECYCLE_COLUMNS[1:])},
    status = {_status_case(_MERGED)}
WHERE (incidents.category, incidents.priority, incidents.geom, incidents.address,
       {", ".join(f"incidents.{column}" for column in LIFECYCLE_COLUMNS[1:])})
    IS DISTINCT FROM
      (EXCLUDED.category, EXCLUDED.priority, COALESCE(EXCLUDED.geom, incidents.geom),
       COALESCE(EXCLUDED.address, incidents.address),
       {", ".join(_MERGED[column] for column in LIFECYCLE_COLUMNS[1:])})
RETURNING id, (xmax = 0) AS inserted
""")

_UPSERT_CALLERS = text("""
INSERT INTO incident_callers (incident_id, caller_name, caller_phone)
SELECT i.id, c.caller_name, c.caller_phone
FROM unnest(CAST(:source AS text[]), CAST(:external_id AS text[]),
            CAST(:caller_name AS text[]), CAST(:caller_phone AS text[]))
     AS c(source, external_id, caller_name, caller_phone)
JOIN incidents i ON i.city_id = :city_id AND i.source = c.source
                 AND i.external_id = c.external_id
ON CONFLICT (incident_id) DO UPDATE SET
    caller_name = COALESCE(EXCLUDED.caller_name, incident_callers.caller_name),
    caller_phone = COALESCE(EXCLUDED.caller_phone, incident_callers.caller_phone)
""")


def upsert_incidents(
    conn: Connection,
    city_id: int,
    reports: Sequence[IncidentReport],
    *,
    area: BoundingBox = INDONESIA_BBOX,
) -> UpsertResult:
    """Insert new incidents and update known ones, in one batch inside ``conn``'s transaction.

    Every report is validated first; one bad report rejects the whole batch (nothing is
    written) with an error naming its row and field. Duplicates within the batch are
    refused too. A conflict with the stored lifecycle times raises the same error after the
    statement failed: the caller's transaction must then be rolled back (nothing of the
    batch was written). Cost: one statement (``unnest`` of one array per column), and a
    second for the batch's caller data if it has any, whatever the batch size.
    """
    seen: dict[tuple[str, str], int] = {}
    for index, report in enumerate(reports):
        validate_report(report, area=area, index=index)
        key = (report.source, report.external_id)
        if key in seen:
            raise IncidentValidationError(
                f"duplicate of row {seen[key]} ({report.source}/{report.external_id})",
                field_name="external_id",
                index=index,
            )
        seen[key] = index
    if not reports:
        return UpsertResult([], [], 0)
    columns = {name: [getattr(r, name) for r in reports] for name in _INPUT_COLUMNS}
    try:
        rows = conn.execute(_UPSERT, {"city_id": city_id, **columns}).all()
    except IntegrityError as error:
        rule = constraint_name(error) or "a stored rule"
        raise IncidentValidationError(
            f"the times conflict with those already stored for the incident ({rule})",
            field_name="lifecycle times",
        ) from None
    with_caller = [r for r in reports if r.caller_name is not None or r.caller_phone is not None]
    if with_caller:
        conn.execute(
            _UPSERT_CALLERS,
            {"city_id": city_id,
             **{name: [getattr(r, name) for r in with_caller]
                for name in ("source", "external_id", "caller_name", "caller_phone")}},
        )  # fmt: skip
    inserted = [int(row.id) for row in rows if row.inserted]
    updated = [int(row.id) for row in rows if not row.inserted]
    return UpsertResult(inserted, updated, len(reports) - len(rows))
