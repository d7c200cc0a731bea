"""What a center does: units, incidents and their callers, dispatches, positions, the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geodata.db.schema._base import Base, gist, not_before, one_of, point
from geodata.vocabulary import IncidentCategory, IncidentStatus, UnitStatus, VehicleProfile


class Unit(Base):
    """A responding vehicle or team, its status and its last reported position."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    call_sign: Mapped[str] = mapped_column(String(64))
    home_station_id: Mapped[int | None] = mapped_column(
        ForeignKey("stations.id", ondelete="SET NULL")
    )
    capability: Mapped[str | None] = mapped_column(Text, comment="e.g. ALS, BLS, pumper, rescue")
    vehicle_profile: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), server_default=UnitStatus.AVAILABLE.value)
    status_changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    last_position = mapped_column(point())
    last_position_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Kept by a trigger (migration 0003): the live producer reads the units changed lately.
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: Migration 0008 (the fleet): people on board, and retirement (history kept).
    crew_size: Mapped[int | None] = mapped_column(SmallInteger, comment="People on board")
    retired_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), comment="When it left service; NULL: in service"
    )

    __table_args__ = (
        UniqueConstraint("agency_id", "call_sign"),
        CheckConstraint("crew_size >= 1", name="crew_size"),
        CheckConstraint(one_of("status", UnitStatus), name="status"),
        CheckConstraint(one_of("vehicle_profile", VehicleProfile), name="vehicle_profile"),
        CheckConstraint(
            "(last_position IS NULL) = (last_position_at IS NULL)", name="position_has_time"
        ),
        gist("units", "last_position"),
    )


class Incident(Base):
    """A 112 call and what followed; caller identity lives in :class:`IncidentCaller`.

    ``(city_id, source, external_id)`` is unique so that a retrying source never creates a
    duplicate, and two cities' sources never share ids. ``area_id`` (the kelurahan) is set
    by a database trigger from ``geom``.
    """

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(SmallInteger, comment="1 critical … 4 low")
    status: Mapped[str] = mapped_column(String(16), server_default=IncidentStatus.RECEIVED.value)
    geom = mapped_column(point())
    address: Mapped[str | None] = mapped_column(Text)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("admin_areas.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    en_route_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    on_scene_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        UniqueConstraint("city_id", "source", "external_id"),
        CheckConstraint(one_of("category", IncidentCategory), name="category"),
        CheckConstraint(one_of("status", IncidentStatus), name="status"),
        CheckConstraint("priority BETWEEN 1 AND 4", name="priority"),
        CheckConstraint(not_before("dispatched_at", "received_at"), name="dispatched_order"),
        CheckConstraint(
            not_before("en_route_at", "dispatched_at", "received_at"), name="en_route_order"
        ),
        CheckConstraint(
            not_before("on_scene_at", "en_route_at", "dispatched_at", "received_at"),
            name="on_scene_order",
        ),
        CheckConstraint(
            not_before("cleared_at", "on_scene_at", "en_route_at", "dispatched_at", "received_at"),
            name="cleared_order",
        ),
        gist("incidents"),
        Index("ix_incidents_city_id_received_at", "city_id", "received_at"),
        Index("ix_incidents_city_id_updated_at", "city_id", "updated_at"),
        Index(
            "ix_incidents_open",
            "city_id",
            "received_at",
            postgresql_where=text("status <> 'cleared'"),
        ),
    )


class IncidentCaller(Base):
    """Who called: kept apart so that display queries never touch it (never on the wall)."""

    __tablename__ = "incident_callers"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    caller_name: Mapped[str | None] = mapped_column(Text)
    caller_phone: Mapped[str | None] = mapped_column(String(32))


class Dispatch(Base):
    """One unit assigned to one incident, with the time of each step of that assignment."""

    __tablename__ = "dispatches"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    assigned_by: Mapped[str] = mapped_column(Text)
    override_reason: Mapped[str | None] = mapped_column(
        Text, comment="Why the supervisor did not take the recommended unit"
    )
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    en_route_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    on_scene_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    transporting_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(not_before("en_route_at", "assigned_at"), name="en_route_order"),
        CheckConstraint(
            not_before("on_scene_at", "en_route_at", "assigned_at"), name="on_scene_order"
        ),
        CheckConstraint(
            not_before("transporting_at", "on_scene_at", "en_route_at", "assigned_at"),
            name="transporting_order",
        ),
        CheckConstraint(
            not_before(
                "cleared_at", "transporting_at", "on_scene_at", "en_route_at", "assigned_at"
            ),
            name="cleared_order",
        ),
        Index("ix_dispatches_incident_id", "incident_id"),
        # A unit can be on one active assignment only: the database refuses a second.
        Index(
            "uq_dispatches_active_unit",
            "unit_id",
            unique=True,
            postgresql_where=text("cleared_at IS NULL"),
        ),
        Index("ix_dispatches_unit_id_assigned_at", "unit_id", "assigned_at"),
    )


class AuditEntry(Base):
    """Append-only log of who did what and when; a trigger refuses UPDATE, DELETE, TRUNCATE."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    entity: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, object] | None] = mapped_column(JSONB)

    __table_args__ = (Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),)


class UnitPosition(Base):
    """One reported position of a unit (its GPS track), in degrees EPSG:4326.

    ``(unit_id, reported_at)`` is the key, so a phone re-sending its buffered positions
    stores each once. Plain lon/lat columns, no GiST index: this table is written at the
    rate of every unit's GPS and read per unit and time range only.
    """

    __tablename__ = "unit_positions"

    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    lon: Mapped[float] = mapped_column(Double)
    lat: Mapped[float] = mapped_column(Double)
    speed_kmh: Mapped[float | None] = mapped_column(Double)
    bearing_deg: Mapped[float | None] = mapped_column(Double)
    accuracy_m: Mapped[float | None] = mapped_column(Double)
    source: Mapped[str] = mapped_column(String(64), comment="Integration that reported it")
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    __table_args__ = (
        CheckConstraint("lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90", name="degrees"),
    )
