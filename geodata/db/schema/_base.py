"""Shared pieces of the schema: the declarative base, naming convention and CHECK helpers."""

from __future__ import annotations

from enum import StrEnum

from geoalchemy2 import Geometry
from sqlalchemy import Index, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(column: str, values: type[StrEnum] | tuple[str, ...]) -> str:
    """SQL for ``column IN (...)`` over an enum's values (used in CHECK constraints)."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({allowed})"


def not_before(later: str, *earlier: str) -> str:
    """SQL that a lifecycle time is not before the latest earlier step that happened."""
    bound = earlier[0] if len(earlier) == 1 else f"COALESCE({', '.join(earlier)})"
    return f"{later} IS NULL OR {later} >= {bound}"


def point() -> Geometry:
    return Geometry("POINT", srid=4326, spatial_index=False)


def gist(table: str, column: str = "geom") -> Index:
    return Index(f"ix_{table}_{column}", column, postgresql_using="gist")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
