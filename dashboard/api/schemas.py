"""Request and response bodies of the ingest API (pydantic), which its OpenAPI document shows.

Times are ISO 8601 with a zone (``2026-05-01T14:03:00+07:00``); a time without one is
refused rather than guessed. Coordinates are degrees in EPSG:4326 (WGS 84). Unknown
fields are refused, so a misspelt field is an error, not silently dropped.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

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
    "UnitStatusIn",
    "UnitStatusOut",
    "UnitView",
    "UnitsOut",
]

MAX_BATCH = 1000


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IncidentIn(Strict):
    """An incident as the call-taking system knows it; sent again, it updates (idempotent)."""

    external_id: str = Field(min_length=1, max_length=128, description="The source's own id")
    category: IncidentCategory
    priority: int = Field(ge=1, le=4, description="1 critical … 4 low")
    received_at: AwareDatetime
    lat: float | None = Field(None, description="Latitude, degrees (WGS 84)")
    lon: float | None = Field(None, description="Longitude, degrees (WGS 84)")
    address: str | None = Field(None, max_length=500)
    caller_name: str | None = Field(None, max_length=200, description="Stored apart; never shown")
    caller_phone: str | None = Field(None, max_length=32, description="Stored apart; never shown")
    dispatched_at: AwareDatetime | None = None
    en_route_at: AwareDatetime | None = None
    on_scene_at: AwareDatetime | None = None
    cleared_at: AwareDatetime | None = None


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
    at: AwareDatetime | None = None


class EventOut(BaseModel):
    id: int
    status: str
    changed: bool


class DispatchIn(Strict):
    """Send a unit (by call sign) to the incident; it must be available."""

    unit: str = Field(min_length=1, max_length=64, description="Call sign")
    override_reason: str | None = Field(None, max_length=500,
                                        description="Why not the recommended unit")  # fmt: skip
    at: AwareDatetime | None = None


class DispatchOut(BaseModel):
    dispatch_id: int
    incident_id: int
    unit: str


class UnitStatusIn(Strict):
    status: UnitStatus
    at: AwareDatetime | None = None


class UnitStatusOut(BaseModel):
    unit: str
    status: str


class UnitView(BaseModel):
    id: int
    call_sign: str
    agency: str
    agency_kind: str
    vehicle_profile: str
    status: str
    lat: float | None
    lon: float | None
    position_at: AwareDatetime | None
    home_lat: float | None
    home_lon: float | None


class UnitsOut(BaseModel):
    units: list[UnitView]


class PositionIn(Strict):
    """One GPS fix of a unit."""

    unit: str = Field(min_length=1, max_length=64, description="Call sign")
    lat: float
    lon: float
    at: AwareDatetime = Field(description="When the device took the fix")
    speed_kmh: float | None = None
    bearing_deg: float | None = None
    accuracy_m: float | None = None


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
