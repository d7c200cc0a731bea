"""``tanggap db …`` and how every command reaches the database (configured or embedded)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Annotated

import typer
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from dashboard.cli.console import say
from geodata.db import migrate
from geodata.db.database import DatabaseUnavailableError, database_url, make_engine
from geodata.settings import Settings

__all__ = ["connected", "db_app", "open_database"]

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)


@contextlib.contextmanager
def connected(settings: Settings) -> Iterator[tuple[Engine, URL]]:
    """The engine on the configured database, or on the embedded one (started if needed)."""
    if settings.database_url is None:
        say(f"No TANGGAP_DATABASE_URL: using the embedded PostgreSQL in {settings.data_dir}")
    with database_url(settings) as url:
        engine = make_engine(url)
        try:
            yield engine, url
        finally:
            engine.dispose()


@contextlib.contextmanager
def open_database(settings: Settings, *, upgrade: bool) -> Iterator[tuple[Engine, Settings]]:
    """Reach the database and check its schema; yield the engine and resolved settings.

    The embedded schema is upgraded automatically, a configured one only when ``upgrade``.
    The settings come back with ``database_url`` filled in, for the workers.
    """
    with connected(settings) as (engine, url):
        current, head = migrate.current_revision(engine), migrate.head_revision()
        if current != head:
            if not (upgrade or settings.database_url is None):
                raise DatabaseUnavailableError(
                    f"The schema is at {current or 'empty'}, this Tanggap needs {head}: "
                    "run `tanggap db upgrade`."
                )
            say(f"Upgrading the schema from {current or 'empty'} to {head}")
            migrate.upgrade(engine)
        yield (
            engine,
            settings.model_copy(update={"database_url": url.render_as_string(hide_password=False)}),
        )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    with connected(Settings()) as (engine, _):
        say(f"Upgrading from {migrate.current_revision(engine) or 'empty'} to {revision}")
        migrate.upgrade(engine, revision)
        say(f"Schema is at {migrate.current_revision(engine)}.")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target, e.g. base.")]) -> None:
    """Revert migrations down to REVISION (``base`` removes Tanggap's tables and data)."""
    with connected(Settings()) as (engine, _):
        say(f"Downgrading from {migrate.current_revision(engine) or 'empty'} to {revision}")
        migrate.downgrade(engine, revision)


@db_app.command("status")
def db_status() -> None:
    """Show which database is used, its schema revision and what it holds."""
    settings = Settings()
    with connected(settings) as (engine, url):
        current, head = migrate.current_revision(engine), migrate.head_revision()
        typer.echo(f"database: {url.render_as_string(hide_password=True)}")
        typer.echo(f"embedded: {'yes' if settings.database_url is None else 'no'}")
        typer.echo(f"revision: {current or 'empty'} (newest: {head})")
        if current == head:
            with engine.connect() as conn:
                for table in ("cities", "road_edges", "stations", "units", "incidents"):
                    count = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                    typer.echo(f"{table}: {count:,}")
