"""The ``tanggap`` command: its groups, ``serve`` and ``demo``, and the entry point."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from sqlalchemy import Engine

from dashboard.cli.city import city_app, incidents_app
from dashboard.cli.console import say
from dashboard.cli.db import db_app, open_database
from dashboard.cli.live import api_app, simulate_command
from dashboard.cli.reports import reports_app
from dashboard.cli.units import units_app
from dashboard.cli.users import users_app
from geodata.db.database import DatabaseUnavailableError
from geodata.db.embedded import PostgresNotInstalledError, port_is_free
from geodata.settings import Settings
from geodata.vocabulary import UserRole

app = typer.Typer(help="Tanggap: GIS command center for a 112 emergency call center.",
                  no_args_is_help=True, add_completion=False)  # fmt: skip
app.add_typer(db_app, name="db")
app.add_typer(city_app, name="city")
app.add_typer(incidents_app, name="incidents")
app.add_typer(units_app, name="units")
app.add_typer(api_app, name="api")
app.add_typer(reports_app, name="report")
app.add_typer(users_app, name="users")
app.command("simulate")(simulate_command)


def run_server(settings: Settings) -> None:
    from dashboard.server import serve

    if not port_is_free(settings.port) and settings.host in ("127.0.0.1", "0.0.0.0", "localhost"):
        raise typer.BadParameter(
            f"port {settings.port} is already in use; set TANGGAP_PORT or pass --port"
        )
    for line in exposure_warnings(settings):
        typer.secho(f"WARNING: {line}", fg=typer.colors.RED, bold=True, err=True)
    scheme = "https" if settings.tls_certfile else "http"
    say(f"Tanggap is at {scheme}://{settings.host}:{settings.port}/  (Ctrl+C stops it)")
    serve(settings)


def exposure_warnings(settings: Settings) -> list[str]:
    """What is exposed when the app listens beyond this machine: said loudly at start."""
    if settings.host in ("127.0.0.1", "localhost", "::1"):
        return []
    warnings = [f"Tanggap listens on {settings.host}: reachable from the network."]
    if not settings.tls_certfile and not settings.trusted_proxies:
        warnings.append(
            "No TLS: passwords, sessions and callers' data cross the network in clear. Put "
            "Tanggap behind a reverse proxy doing HTTPS (TANGGAP_TRUSTED_PROXIES=1) or set "
            "TANGGAP_TLS_CERTFILE and TANGGAP_TLS_KEYFILE (docs/security.md)."
        )
    if not settings.allowed_hosts:
        warnings.append("TANGGAP_ALLOWED_HOSTS is not set: any Host name is answered.")
    return warnings


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
    from geodata.load.demo_loader import ensure_demo_city

    settings = overrides(Settings(), host=host, port=port, workers=workers)
    with open_database(settings, upgrade=True) as (engine, resolved):
        say("Loading the synthetic demo city unless it is there already…")
        started = time.perf_counter()
        summary = ensure_demo_city(engine, seed=seed, responders=settings.response_agencies)
        if summary is None:
            say("The demo city is already loaded.")
        else:
            counts = ", ".join(f"{n:,} {table}" for table, n in summary.counts.items())
            say(f"Loaded in {time.perf_counter() - started:.1f} s: {counts}")
        announce_demo_users(engine, resolved)
        if serve_app:
            run_server(resolved)


def announce_demo_users(engine: Engine, settings: Settings) -> None:
    """Create the demo accounts once and say how to sign in (passwords in a 0600 file)."""
    from geodata.load.demo_users import ensure_demo_users

    secrets_file = settings.data_dir / "demo-accounts.txt"
    created = ensure_demo_users(engine, secrets_file)
    base = f"http://{settings.host}:{settings.port}"
    if created:
        say(f"Demo accounts created (generated passwords, shown now and kept in {secrets_file}):")
        for username, secret in created.items():
            shown = f"{base}/masuk/kiosk/{secret}" if username == "wall.demo" else secret
            typer.echo(f"    {username:<18} {shown}")
    else:
        say(f"Demo accounts exist; their passwords are in {secrets_file} (only you can read it).")
    say(
        f"Sign in at {base}/masuk as admin.demo. Real people: "
        "`tanggap users add NAME --role supervisor` (roles: "
        + ", ".join(r.value for r in UserRole)
        + ")."
    )


def main() -> None:
    """Entry point: friendly messages for the failures a user can fix."""
    try:
        app()
    except (PostgresNotInstalledError, DatabaseUnavailableError) as error:
        typer.secho(f"Error: {error}", fg=typer.colors.RED, err=True)
        raise SystemExit(2) from None
