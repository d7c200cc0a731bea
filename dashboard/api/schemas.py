"""Request and response bodies of the ingest API (pydantic), which its OpenAPI document shows.

Times are ISO 8601 with a zone (``2026-05-01T14:03:00+07:00``); a time without one is
refused rather than guessed. Coordinates are degrees in EPSG:4326 (WGS 84). Unknown
fields are refused, so a misspelt field is an error, not silently dropped.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from geodata.vocabulary import IncidentCategory, IncidentStatus, UnitStatus

__all__ = [
    "DispatchIn",
    "DispatchOut",
    "ErrorOut",
    "EventIn",
    "EventOut",
    "IncidentBatchIn",
    "IncidentBatchOut",
    "IncidentIn",
    "IncidentOut",
    "IncidentView",
    "PositionBatchIn",
    "PositionIn",
    "PositionsOut",
    "UnitBatchIn",
    "UnitChangedOut",
    "UnitIn",
    "UnitPatchIn",
    "UnitStatusIn",
    "UnitStatusOut",
    "UnitView",
    "UnitsCreatedOut",
    "UnitsOut",
]

MAX_BATCH = 1000
#: The earliest time a report may carry, and how far ahead of our clock (device clocks drift).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
AHEAD = timedelta(minutes=10)
#: Offsets of real time zones are within ±14 h (Kiribati); PostgreSQL refuses beyond ±15:59.
MAX_OFFSET = timedelta(hours=14)
#: Tab, line feed and carriage return are text; other control characters (NUL…) are not.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    """Text without NUL or other control characters (PostgreSQL refuses NUL outright)."""
    if _CONTROL.search(value):
        raise ValueError("contains a control character (NUL or similar)")
    return value


def plausible_time(value: datetime) -> datetime:
    """A time from 2000 on, at most ten minutes ahead of now, in a real time zone."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise ValueError("the time zone offset is beyond ±14:00")
    if value < EARLIEST:
        raise ValueError("a time before 2000 cannot be a report of this center")
    if value > datetime.now(UTC) + AHEAD:
        raise ValueError("the time is in the future (check the device's clock)")
    return value


#: Text as the API takes it: no control characters.
Text = Annotated[str, AfterValidator(clean_text)]
#: A time as the API takes it: aware (with a zone) and plausible.
Moment = Annotated[AwareDatetime, AfterValidator(plausible_time)]
Degrees = Annotated[float, Field(allow_inf_nan=False)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IncidentIn(Strict):
    """An incident as the call-taking system knows it; sent again, it updates (idempotent)."""

    external_id: Text = Field(min_length=1, max_length=128, description="The source's own id")
    category: IncidentCategory
    priority: int = Field(ge=1, le=4, description="1 critical … 4 low")
    received_at: Moment
    lat: Degrees | None = Field(None, description="Latitude, degrees (WGS 84)")
    lon: Degrees | None = Field(None, description="Longitude, degrees (WGS 84)")
    address: Text | None = Field(None, max_length=500)
    caller_name: Text | None = Field(None, max_length=200, description="Stored apart; never shown")
    caller_phone: Text | None = Field(None, max_length=32, description="Stored apart; never shown")
    dispatched_at: Moment | None = None
    en_route_at: Moment | None = None
    on_scene_at: Moment | None = None
    cleared_at: Moment | None = None


class IncidentBatchIn(Strict):
    """Up to 1,000 incidents, stored all together or not at all."""

    incidents: list[IncidentIn] = Field(min_length=1, max_length=MAX_BATCH)


class IncidentOut(BaseModel):
    id: int
    external_id: str
    created: bool = Field(description="True when this call created the incident")
    changed: bool = Field(description="False when the incident was already exactly so")


class IncidentBatchOut(BaseModel):
    ids: list[int] = Field(description="Tanggap ids, in the order sent")
    inserted: int
    updated: int
    unchanged: int


class IncidentView(BaseModel):
    """An incident as the API shows it: no caller data, ever."""

    id: int
    source: str
    external_id: str
    category: str
    priority: int
    status: str
    lat: float | None
    lon: float | None
    kelurahan: str | None
    received_at: AwareDatetime
    dispatched_at: AwareDatetime | None
    en_route_at: AwareDatetime | None
    on_scene_at: AwareDatetime | None
    cleared_at: AwareDatetime | None
    units: list[str] = Field(description="Call signs of the units on it now")


class EventIn(Strict):
    """A lifecycle step of an incident; ``at`` defaults to now. A step sent twice is kept once."""

    status: Literal[
        IncidentStatus.DISPATCHED, IncidentStatus.EN_ROUTE, IncidentStatus.ON_SCENE,
        IncidentStatus.CLEARED,
    ]  # fmt: skip
    at: Moment | None = None


class EventOut(BaseModel):
    id: int
    status: str
    changed: bool


class DispatchIn(Strict):
    """Send a unit (by call sign) to the incident; it must be available."""

    unit: Text = Field(min_length=1, max_length=64, description="Call sign")
    override_reason: Text | None = Field(None, max_length=500,
                                        description="Why not the recommended unit")  # fmt: skip
    at: Moment | None = None


class DispatchOut(BaseModel):
    dispatch_id: int
    incident_id: int
    unit: str


class UnitStatusIn(Strict):
    status: UnitStatus
    at: Moment | None = None


class UnitStatusOut(BaseModel):
    unit: str
    status: str


class UnitView(BaseModel):
    id: int
    call_sign: str
    agency_code: str
    agency: str
    agency_kind: str
    vehicle_profile: str
    status: str
    crew_size: int | None
    home_station_code: str | None
    retired_at: AwareDatetime | None
    lat: float | None
    lon: float | None
    position_at: AwareDatetime | None
    home_lat: float | None
    home_lon: float | None


class UnitsOut(BaseModel):
    units: list[UnitView]


class UnitIn(Strict):
    """A new unit; words as a roster has them (agency ``DAMKAR``/``fire``/``Damkar``)."""

    call_sign: Text = Field(min_length=1, max_length=64)
    agency: Text = Field(min_length=1, max_length=200, description="Agency code, kind or name")
    home_posko: Text | None = Field(None, max_length=200, description="Posko code or name")
    vehicle_profile: Text | None = Field(
        None, max_length=64, description="ambulance, fire_engine, motorbike, car (default: "
        "the agency's usual vehicle)")  # fmt: skip
    status: Literal[UnitStatus.AVAILABLE, UnitStatus.OUT_OF_SERVICE] | None = None
    crew_size: int | None = Field(None, ge=1, le=60)


class UnitBatchIn(Strict):
    """Up to 1,000 new units, stored all together or not at all."""

    units: list[UnitIn] = Field(min_length=1, max_length=MAX_BATCH)


class UnitPatchIn(Strict):
    """What changes; a field left out stays as it is (``null`` empties posko or crew)."""

    agency: Text | None = Field(None, min_length=1, max_length=200)
    home_posko: Text | None = Field(None, max_length=200)
    vehicle_profile: Text | None = Field(None, max_length=64)
    crew_size: int | None = Field(None, ge=1, le=60)
    status: Literal[UnitStatus.AVAILABLE, UnitStatus.OUT_OF_SERVICE] | None = None
    retired: bool | None = Field(None, description="True retires (history kept); false brings back")


class UnitsCreatedOut(BaseModel):
    ids: list[int] = Field(description="Tanggap ids, in the order sent")
    call_signs: list[str]


class UnitChangedOut(BaseModel):
    unit: str
    changed: list[str] = Field(description="The stored columns that changed (empty: none)")


class PositionIn(Strict):
    """One GPS fix of a unit."""

    unit: Text = Field(min_length=1, max_length=64, description="Call sign")
    lat: Degrees
    lon: Degrees
    at: Moment = Field(description="When the device took the fix")
    speed_kmh: float | None = Field(None, ge=0, le=500, allow_inf_nan=False)
    bearing_deg: float | None = Field(None, ge=0, le=360, allow_inf_nan=False)
    accuracy_m: float | None = Field(None, ge=0, le=100_000, allow_inf_nan=False)


class PositionBatchIn(Strict):
    """Up to 1,000 fixes of any units, stored all together or not at all."""

    positions: list[PositionIn] = Field(min_length=1, max_length=MAX_BATCH)


class PositionsOut(BaseModel):
    stored: int
    duplicates: int = Field(description="Fixes already stored (re-sent), ignored")


class ErrorOut(BaseModel):
    error: str
    field: str | None = Field(
        description="The field at fault, e.g. 'lat' or 'incidents.3.category'"
    )
    message: str
