"""One immutable set of settings, read from ``TANGGAP_*`` environment variables at start-up."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from geodata.responders import DEFAULT_RESPONSE_AGENCIES, validate_response_agencies

__all__ = ["Settings", "default_data_dir"]


def default_data_dir() -> Path:
    """Where Tanggap keeps its embedded database and files when none is configured.

    Root gets ``/var/lib/tanggap`` (reachable by the unprivileged user the embedded
    PostgreSQL runs as); other users get ``$XDG_DATA_HOME/tanggap``.
    """
    if os.geteuid() == 0:
        return Path("/var/lib/tanggap")
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "tanggap"


class Settings(BaseSettings):
    """Tanggap's configuration. Each field is set by ``TANGGAP_<FIELD>`` (case-insensitive)."""

    model_config = SettingsConfigDict(env_prefix="TANGGAP_", frozen=True, extra="ignore")

    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of an existing PostgreSQL+PostGIS database, e.g. "
            "postgresql+psycopg://user@host/db. Default: none, and Tanggap starts its own "
            "embedded cluster in data_dir."
        ),
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Directory for the embedded PostgreSQL cluster and generated files.",
    )
    host: str = Field(default="127.0.0.1", description="Interface the web app listens on.")
    port: int = Field(default=8050, ge=1, le=65535, description="TCP port of the web app.")
    workers: int = Field(default=1, ge=1, le=64, description="Gunicorn worker processes.")
    default_city: str | None = Field(
        default=None,
        description=(
            "Kemendagri code of the city shown when none is chosen (e.g. 18.72). "
            "Default: the first city in the database."
        ),
    )
    language: Literal["id", "en"] = Field(
        default="id", description="Interface language: id (Bahasa Indonesia) or en."
    )
    basemap: str = Field(
        default="offline",
        description=(
            "Map background: 'offline' draws our own boundaries and roads on a plain "
            "background and needs no internet; or a Plotly map style such as "
            "'open-street-map' or 'carto-positron' (online tiles)."
        ),
    )
    pg_system_user: str = Field(
        default="postgres",
        description=(
            "Unprivileged system user that runs the embedded PostgreSQL when Tanggap "
            "itself runs as root (initdb refuses root)."
        ),
    )
    pg_bindir: Path | None = Field(
        default=None,
        description="Directory of initdb/pg_ctl. Default: the newest in /usr/lib/postgresql.",
    )
    response_agencies: dict[str, tuple[str, ...]] = Field(
        default_factory=lambda: dict(DEFAULT_RESPONSE_AGENCIES),
        description=(
            "Which agency kinds respond to each incident category, as JSON, e.g. "
            '{"fire": ["fire"], "traffic_accident": ["ambulance", "police"], …}. '
            "Default: geodata.responders.DEFAULT_RESPONSE_AGENCIES."
        ),
    )
    stale_position_minutes: float = Field(
        default=5.0, gt=0, description="A unit position older than this (minutes) is drawn grey."
    )
    live_tick_s: float = Field(
        default=0.5, gt=0, description="How often the live page and wall ask for updates (s)."
    )
    wall_rotation_s: float = Field(
        default=30.0,
        gt=0,
        description="Seconds between the wall's whole-city and busiest-kecamatan views.",
    )
    recent_hours: float = Field(
        default=24.0, gt=0, description="Window of recent incidents on the first map, in hours."
    )

    @field_validator("response_agencies", mode="before")
    @classmethod
    def _check_response_agencies(cls, value: object) -> object:
        """A configured mapping overrides the defaults category by category."""
        if isinstance(value, dict):
            return validate_response_agencies({**DEFAULT_RESPONSE_AGENCIES, **value})
        return value
