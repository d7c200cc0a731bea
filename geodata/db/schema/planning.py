"""The planner's saved scenarios, their sites and per-kelurahan coverage, and queued jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geodata.db.schema._base import Base, gist, one_of, point
from geodata.vocabulary import AgencyKind

#: The states of a planning job (:mod:`geodata.planning.jobs`).
JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")


class PlanningScenario(Base):
    """A saved plan: what was asked (``request``), its figures (``summary``), the replay of
    past incidents and every candidate with its status; sites and kelurahan in the two
    tables below. Written in one transaction with its audit entry."""

    __tablename__ = "planning_scenarios"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    agency_kind: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    request: Mapped[dict[str, object]] = mapped_column(JSONB)
    summary: Mapped[dict[str, object]] = mapped_column(JSONB)
    replay: Mapped[list[dict[str, object]]] = mapped_column(JSONB)
    candidates: Mapped[list[dict[str, object]]] = mapped_column(JSONB)

    __table_args__ = (
        UniqueConstraint("city_id", "name"),
        CheckConstraint(one_of("agency_kind", AgencyKind), name="agency_kind"),
        CheckConstraint("length(btrim(name)) > 0", name="name_not_blank"),
    )


class PlanningScenarioSite(Base):
    """A usable site of a scenario: existing posko or candidate, and whether it is open in
    the plan. ``snap_m``: metres from the place to its road node."""

    __tablename__ = "planning_scenario_sites"

    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("planning_scenarios.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    existing: Mapped[bool] = mapped_column(Boolean)
    open_after: Mapped[bool] = mapped_column(Boolean)
    reaches_demand: Mapped[bool] = mapped_column(Boolean)
    node_id: Mapped[int] = mapped_column(BigInteger)
    snap_m: Mapped[float] = mapped_column(Double)
    station_id: Mapped[int | None] = mapped_column(Integer)
    geom = mapped_column(point(), nullable=False)

    __table_args__ = (gist("planning_scenario_sites"),)


class PlanningScenarioArea(Base):
    """Coverage of one kelurahan in a scenario, before (existing posko) and after."""

    __tablename__ = "planning_scenario_areas"

    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("planning_scenarios.id", ondelete="CASCADE"), primary_key=True
    )
    area_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    population: Mapped[float | None] = mapped_column(Double)
    people_before: Mapped[float] = mapped_column(Double)
    people_after: Mapped[float] = mapped_column(Double)
    share_before: Mapped[float | None] = mapped_column(Double)
    share_after: Mapped[float | None] = mapped_column(Double)
    incidents: Mapped[int] = mapped_column(Integer)
    incidents_before: Mapped[int] = mapped_column(Integer)
    incidents_after: Mapped[int] = mapped_column(Integer)


class PlanningJob(Base):
    """A planning run outside the web request: any worker claims a queued job
    (``FOR UPDATE SKIP LOCKED``), reports its progress and heartbeat, and stores the
    result (or the error naming the field); ``cancel_requested`` stops it. ``state``
    holds what the one-click what-if needs (the matrix rows, compressed)."""

    __tablename__ = "planning_jobs"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    status: Mapped[str] = mapped_column(String(16), server_default="queued")
    request: Mapped[dict[str, object]] = mapped_column(JSONB)
    progress: Mapped[float] = mapped_column(Double, server_default=text("0"))
    step: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    worker: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    result: Mapped[dict[str, object] | None] = mapped_column(JSONB)
    error: Mapped[dict[str, object] | None] = mapped_column(JSONB)
    state: Mapped[bytes | None] = mapped_column(LargeBinary)

    __table_args__ = (
        CheckConstraint(one_of("status", JOB_STATUSES), name="status"),
        CheckConstraint("progress BETWEEN 0 AND 1", name="progress"),
        Index(
            "ix_planning_jobs_queued",
            "created_at",
            "id",
            postgresql_where=text("status = 'queued'"),
        ),
        Index("ix_planning_jobs_city_id_created_at", "city_id", "created_at"),
    )
