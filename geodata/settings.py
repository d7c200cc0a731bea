"""One immutable set of settings, read from ``TANGGAP_*`` environment variables at start-up."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from geodata.responders import DEFAULT_RESPONSE_AGENCIES, validate_response_agencies
from geodata.vocabulary import AgencyKind

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
    tile_url: str = Field(
        default="",
        description=(
            "URL template of the offline basemap's vector tiles, with {layer}, {z}, {x} and "
            "{y}, for a dedicated tile server (docs/tiles.md: Martin or pg_tileserv on the "
            "same database). Default: empty, the app's own /tiles/{layer}/{z}/{x}/{y}.mvt."
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
    session_hours: float = Field(
        default=12.0, gt=0, le=24 * 31,
        description="A sign-in lasts at most this long (hours), idle or not (a kiosk: 90 days).",
    )  # fmt: skip
    session_idle_minutes: float = Field(
        default=120.0, gt=0, le=24 * 60,
        description="A sign-in ends after this many minutes without a request.",
    )  # fmt: skip
    sign_in_failures: int = Field(
        default=5, ge=1, le=100,
        description="Wrong passwords in a row before an account locks (then 1 minute, doubling).",
    )  # fmt: skip
    allowed_hosts: tuple[str, ...] = Field(
        default=(),
        description=(
            'Host names the app answers to, as JSON, e.g. ["112.kotametro.go.id"]; requests '
            "for any other Host are refused. Default: localhost, 127.0.0.1 and TANGGAP_HOST."
        ),
    )
    trusted_proxies: int = Field(
        default=0, ge=0, le=5,
        description=(
            "Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host to trust "
            "(1 behind nginx or Caddy doing TLS). Default 0: the app is reached directly."
        ),
    )  # fmt: skip
    tls_certfile: Path | None = Field(
        default=None, description="PEM certificate: the app itself serves HTTPS (with keyfile)."
    )
    tls_keyfile: Path | None = Field(default=None, description="PEM private key of certfile.")
    max_request_mb: float = Field(
        default=20.0, gt=0, le=512,
        description="Largest request body accepted, in MB (uploads included); larger: 413.",
    )  # fmt: skip
    max_api_request_mb: float = Field(
        default=2.0, gt=0, le=64,
        description="Largest body of an /api/v1 request, in MB (1,000 incidents fit in 1).",
    )  # fmt: skip
    redis_url: str | None = Field(
        default=None,
        description=(
            "redis://… for the rate limiter's shared counters. Default: none, and they live "
            "in PostgreSQL (every worker shares them either way)."
        ),
    )
    response_targets_min: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "The city's own response targets, from the call received to the first unit on "
            'scene, in minutes per agency kind, as JSON, e.g. {"ambulance": 10}. A kind '
            "not given keeps its default (fire: 15 minutes, Permendagri 114/2018)."
        ),
    )
    response_allowances_min: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "Minutes of call processing and turnout assumed before a unit drives, per agency "
            'kind, as JSON, e.g. {"fire": 4}; coverage models the drive within the target '
            "minus this. Default: 5 for fire, 4 for ambulance and police, 10 for the others."
        ),
    )
    analytics_heat_resolution: int = Field(
        default=8, ge=5, le=10,
        description="H3 resolution of the observed heatmap (8: cells of about 0.74 km²).",
    )  # fmt: skip
    analytics_min_count: int = Field(
        default=10, ge=1, le=1000,
        description=(
            "Fewest incidents with a measured interval for a cell, area or hour to be "
            "coloured; below it the cell is shown as too few to judge."
        ),
    )  # fmt: skip

    planning_workers: int = Field(
        default=1, ge=0, le=4,
        description=(
            "Planning job threads per app process (0: this process runs no planning jobs). "
            "Jobs wait in PostgreSQL; any thread of any process claims the next one."
        ),
    )  # fmt: skip
    planning_poll_s: float = Field(
        default=1.0, gt=0, le=60,
        description="How often an idle planning thread looks for a queued job (seconds).",
    )  # fmt: skip

    @field_validator("response_targets_min", "response_allowances_min")
    @classmethod
    def _check_minutes(cls, value: dict[str, float]) -> dict[str, float]:
        """Minutes per agency kind: known kinds, 0 to 240 minutes."""
        kinds = {kind.value for kind in AgencyKind}
        for kind, minutes in value.items():
            if kind not in kinds:
                raise ValueError(f"unknown agency kind '{kind}'; known: {sorted(kinds)}")
            if not 0 <= minutes <= 240:
                raise ValueError(f"{kind}: {minutes} minutes is outside 0 to 240")
        return value

    @field_validator("response_agencies", mode="before")
    @classmethod
    def _check_response_agencies(cls, value: object) -> object:
        """A configured mapping overrides the defaults category by category."""
        if isinstance(value, dict):
            return validate_response_agencies({**DEFAULT_RESPONSE_AGENCIES, **value})
        return value
