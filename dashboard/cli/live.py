"""``tanggap api …`` (integration tokens) and ``tanggap simulate``: live operations."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from typing import Annotated

import typer
from sqlalchemy import Engine

from dashboard.cli.db import open_database
from geodata.map_queries import city_summary
from geodata.operations import api_tokens
from geodata.settings import Settings

__all__ = ["api_app", "simulate_command", "token_app"]

api_app = typer.Typer(help="Ingest API integrations and their tokens.", no_args_is_help=True)
token_app = typer.Typer(help="Tokens of the integrations that write through the API.",
                        no_args_is_help=True)  # fmt: skip
api_app.add_typer(token_app, name="token")


def _connected(settings: Settings) -> AbstractContextManager[tuple[Engine, Settings]]:
    return open_database(settings, upgrade=False)


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="The integration, e.g. cad-112 or traccar.")],
    city: Annotated[str | None, typer.Option(help="Kemendagri code (default: first city).")] = None,
) -> None:
    """Issue a token for integration NAME; it is shown once, only its hash is kept."""
    settings = Settings()
    with _connected(settings) as (engine, _), engine.begin() as conn:
        summary = city_summary(conn, city or settings.default_city)
        if summary is None:
            raise typer.BadParameter(f"no city {city or ''} in the database", param_hint="--city")
        try:
            issued = api_tokens.create_token(conn, name, summary.id)
        except ValueError as error:
            typer.secho(f"Error: {error}", fg=typer.colors.RED, err=True)
            raise typer.Exit(2) from None
    typer.secho(f"• Token for '{issued.name}' ({summary.name}); shown once, keep it safe:",
                fg=typer.colors.CYAN, err=True)  # fmt: skip
    typer.echo(issued.token)


@token_app.command("rotate")
def token_rotate(
    name: Annotated[str, typer.Argument(help="The integration whose token to replace.")],
    city: Annotated[str | None, typer.Option(help="Kemendagri code (default: first city).")] = None,
    grace: Annotated[float, typer.Option(help="Minutes the old token still works.")] = 60.0,
) -> None:
    """Issue a new token for NAME; the old one keeps working GRACE minutes, then is refused."""
    settings = Settings()
    with _connected(settings) as (engine, _), engine.begin() as conn:
        summary = city_summary(conn, city or settings.default_city)
        if summary is None:
            raise typer.BadParameter(f"no city {city or ''} in the database", param_hint="--city")
        issued = api_tokens.rotate_token(conn, name, summary.id, grace_s=grace * 60)
    typer.secho(f"• New token for '{issued.name}' ({summary.name}); the old one ends in "
                f"{grace:g} minutes. Shown once:", fg=typer.colors.CYAN, err=True)  # fmt: skip
    typer.echo(issued.token)


@token_app.command("list")
def token_list() -> None:
    """Show every token: integration, city, prefix, created, last used, revoked."""
    with _connected(Settings()) as (engine, _), engine.connect() as conn:
        tokens = api_tokens.list_tokens(conn)
    if not tokens:
        typer.echo("no tokens")
    for t in tokens:
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        typer.echo(f"{t.name}\t{t.city_code}\t{t.prefix}…\tcreated {t.created_at:%Y-%m-%d %H:%M}"
                   f"\tlast used {used}\t{state}")  # fmt: skip


@token_app.command("revoke")
def token_revoke(
    name: Annotated[str, typer.Argument(help="The integration whose tokens to revoke.")],
    prefix: Annotated[str | None, typer.Option(help="Only the token starting so.")] = None,
) -> None:
    """Revoke the active tokens of NAME (effective on the next request)."""
    with _connected(Settings()) as (engine, _), engine.begin() as conn:
        count = api_tokens.revoke_tokens(conn, name, prefix)
    if count == 0:
        typer.secho(f"No active token of '{name}'.", fg=typer.colors.YELLOW, err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {count} token(s) of {name}")


def simulate_command(
    token: Annotated[
        str | None,
        typer.Option(
            help="API token of the simulator (default: $TANGGAP_API_TOKEN; create one with "
            "`tanggap api token create simulator`)."
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            help="Base URL of the running Tanggap (default: http://127.0.0.1:$TANGGAP_PORT)."
        ),
    ] = None,
    duration: Annotated[float, typer.Option(help="Real seconds to run.")] = 300.0,
    max_calls: Annotated[int, typer.Option(help="Stop making calls after this many.")] = 200,
    rate: Annotated[float, typer.Option(help="Calls per simulated hour (average hour).")] = 120.0,
    speedup: Annotated[float, typer.Option(help="Simulated seconds per real second.")] = 5.0,
    seed: Annotated[int, typer.Option(help="Seed of the random draws.")] = 112,
    city: Annotated[str | None, typer.Option(help="Kemendagri code (default: first).")] = None,
) -> None:
    """Drive the demo city through the public API: calls, dispatches, units on the road."""
    from dashboard.simulation import ApiClient, Roads, SimulationOptions, run_simulation

    settings = Settings()
    token = token or os.environ.get("TANGGAP_API_TOKEN")
    if not token:
        raise typer.BadParameter("give --token or set TANGGAP_API_TOKEN", param_hint="--token")
    with _connected(settings) as (engine, _), engine.connect() as conn:
        summary = city_summary(conn, city or settings.default_city)
        if summary is None:
            raise typer.BadParameter("no city in the database; run `tanggap demo`")
        graph = Roads.from_database(conn, summary.id)
    options = SimulationOptions(duration_s=duration, max_calls=max_calls, rate_per_h=rate,
                                speedup=speedup, seed=seed, timezone=summary.timezone,
                                responders=settings.response_agencies)  # fmt: skip
    api = ApiClient(url or f"http://127.0.0.1:{settings.port}", token)

    def say(line: str) -> None:
        typer.secho(f"\r• {line}   ", fg=typer.colors.CYAN, err=True, nl=False)

    try:
        counts = run_simulation(api, graph, options, say)
    finally:
        api.close()
    typer.echo("\n" + ", ".join(f"{name}: {n}" for name, n in counts.items()))
