"""Where a center works: the city, its kecamatan and kelurahan, its agencies (OPD) and posko."""

from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from geodata.db.schema._base import Base, gist, one_of, point
from geodata.vocabulary import AgencyKind


class City(Base):
    """A kabupaten/kota running a 112 center; times are shown in its zone."""

    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(
        String(32), unique=True, comment="Kemendagri code, e.g. 18.72"
    )
    name: Mapped[str] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(Text, comment="IANA zone: Asia/Jakarta, Asia/Makassar…")
    boundary = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))
    is_synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (gist("cities", "boundary"),)


class AdminArea(Base):
    """A kecamatan or kelurahan/desa polygon, with population where known."""

    __tablename__ = "admin_areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("admin_areas.id", ondelete="SET NULL"))
    population: Mapped[int | None] = mapped_column(Integer)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False)

    __table_args__ = (
        UniqueConstraint("city_id", "level", "code"),
        CheckConstraint(one_of("level", ("kecamatan", "kelurahan")), name="level"),
        CheckConstraint("population IS NULL OR population >= 0", name="population"),
        gist("admin_areas"),
    )


class Agency(Base):
    """An OPD a 112 call is forwarded to: PSC 119, Damkar, Polres, BPBD, Basarnas, Dishub…"""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        UniqueConstraint("city_id", "code"),
        CheckConstraint(one_of("kind", AgencyKind), name="kind"),
    )


class Station(Base):
    """A posko (station) of an agency, where its units are based."""

    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    geom = mapped_column(point(), nullable=False)

    __table_args__ = (UniqueConstraint("agency_id", "code"), gist("stations"))
