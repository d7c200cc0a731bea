"""The ``tanggap`` command: serve the app, load the demo city, manage the schema."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Annotated

import typer
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from dashboard.cli_city import city_app, incidents_app
from dashboard.cli_live import api_app, simulate_command
from dashboard.cli_reports import reports_app
from geodata import migrate
from geodata.database import DatabaseUnavailableError, database_url, make_engine
from geodata.embedded import PostgresNotInstalledError, port_is_free
from geodata.settings import Settings

app = typer.Typer(help="Tanggap: GIS command center for a 112 emergency call center.",
                  no_args_is_help=True, add_completion=False)  # fmt: skip
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(city_app, name="city")
app.add_typer(incidents_app, name="incidents")
app.add_typer(api_app, name="api")
app.add_typer(reports_app, name="report")
app.command("simulate")(simulate_command)


def say(message: str) -> None:
    typer.secho(f"• {message}", fg=typer.colors.CYAN, err=True)


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


def run_server(settings: Settings) -> None:
    from dashboard.server import serve

    if not port_is_free(settings.port) and settings.host in ("127.0.0.1", "0.0.0.0", "localhost"):
        raise typer.BadParameter(
            f"port {settings.port} is already in use; set TANGGAP_PORT or pass --port"
        )
    say(f"Tanggap is at http://{settings.host}:{settings.port}/  (Ctrl+C stops it)")
    serve(settings)


def overrides(settings: Settings, **values: object) -> Settings:
    return settings.model_copy(update={k: v for k, v in values.items() if v is not None})


HostOption = Annotated[str | None, typer.Option(help="Interface to listen on.")]
PortOption = Annotated[int | None, typer.Option(help="TCP port.")]
WorkersOption = Annotated[int | None, typer.Option(help="Gunicorn worker processes.")]


@app.command()
def serve(host: HostOption = None, port: PortOption = None, workers: WorkersOption = None) -> None:
    """Serve the command-center app."""
    settings = overrides(Settings(), host=host, port=port, workers=workers)
    with open_database(settings, upgrade=False) as (_, resolved):
        run_server(resolved)


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Seed of the demo generator.")] = 112,
    serve_app: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve after.")] = True,
    host: HostOption = None,
    port: PortOption = None,
    workers: WorkersOption = None,
) -> None:
    """Load the synthetic demo city (once) and serve the app on it."""
    from geodata.demo_loader import ensure_demo_city

    settings = overrides(Settings(), host=host, port=port, workers=workers)
    with open_database(settings, upgrade=True) as (engine, resolved):
        say("Loading the synthetic demo city unless it is there already…")
        started = time.perf_counter()
        summary = ensure_demo_city(engine, seed=seed)
        if summary is None:
            say("The demo city is already loaded.")
        else:
            counts = ", ".join(f"{n:,} {table}" for table, n in summary.counts.items())
            say(f"Loaded in {time.perf_counter() - started:.1f} s: {counts}")
        if serve_app:
            run_server(resolved)


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


def main() -> None:
    """Entry point: friendly messages for the failures a user can fix."""
    try:
        app()
    except (PostgresNotInstalledError, DatabaseUnavailableError) as error:
        typer.secho(f"Error: {error}", fg=typer.colors.RED, err=True)
        raise SystemExit(2) from None
