"""``tanggap users …``: the people who sign in, created and managed by an admin at the shell.

There is no default account and no default password: the first admin is made here.
"""

from __future__ import annotations

import secrets
from contextlib import AbstractContextManager
from typing import Annotated

import typer
from sqlalchemy import Engine

from dashboard.cli.db import open_database
from geodata import map_queries
from geodata.operations.user_sessions import issue_kiosk_link
from geodata.operations.users import AccountError, create_user, list_users, set_active, set_password
from geodata.settings import Settings
from geodata.vocabulary import UserRole

__all__ = ["users_app"]

users_app = typer.Typer(help="People who sign in: accounts, roles, passwords, kiosk links.",
                        no_args_is_help=True)  # fmt: skip
ACTOR = "tanggap users (shell)"


def _connected() -> AbstractContextManager[tuple[Engine, Settings]]:
    return open_database(Settings(), upgrade=False)


def _password(generate: bool) -> str:
    if generate:
        return secrets.token_urlsafe(15)
    return str(typer.prompt("Password (12 characters or more)", hide_input=True,
                            confirmation_prompt=True))  # fmt: skip


def _refuse(error: AccountError) -> None:
    typer.secho(f"Error: {error}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="e.g. rina.supervisor")],
    role: Annotated[UserRole, typer.Option(help="What the person may do.")],
    name: Annotated[str | None, typer.Option(help="Name shown in the app.")] = None,
    city: Annotated[str | None, typer.Option(help="Only this city (Kemendagri code).")] = None,
    generate: Annotated[
        bool, typer.Option(help="Generate the password and print it once.")
    ] = False,
) -> None:
    """Create an account (the first admin too). A wall account gets a kiosk link instead."""
    password = None if role == UserRole.WALL else _password(generate)
    with _connected() as (engine, _), engine.begin() as conn:
        city_id = None
        if city is not None:
            summary = map_queries.city_summary(conn, city)
            if summary is None:
                raise typer.BadParameter(f"no city with code {city}", param_hint="--city")
            city_id = summary.id
        try:
            account = create_user(conn, username, role.value, password, actor=ACTOR,
                                  display_name=name, city_id=city_id)  # fmt: skip
        except AccountError as error:
            _refuse(error)
            return
        token = issue_kiosk_link(conn, account, actor=ACTOR) if role == UserRole.WALL else None
    typer.echo(f"created {account.username} ({account.role.value})")
    if generate and password:
        typer.echo(f"password (shown once): {password}")
    if token:
        typer.echo(f"kiosk link (open it once on the wall screen): /masuk/kiosk/{token}")


@users_app.command("list")
def list_command() -> None:
    """Every account: username, role, city, active, last sign-in, locked until."""
    with _connected() as (engine, _), engine.connect() as conn:
        rows = list_users(conn)
    if not rows:
        typer.echo("no accounts: create the first admin with `tanggap users add NAME --role admin`")
    for r in rows:
        typer.echo("\t".join(str(r[k] if r[k] is not None else "—") for k in
                             ("username", "role", "city", "active", "last_sign_in_at",
                              "locked_until")))  # fmt: skip


@users_app.command("passwd")
def passwd(
    username: Annotated[str, typer.Argument()],
    generate: Annotated[
        bool, typer.Option(help="Generate the password and print it once.")
    ] = False,
) -> None:
    """Set a new password; the account's sessions end (it signs in again)."""
    password = _password(generate)
    with _connected() as (engine, _), engine.begin() as conn:
        try:
            set_password(conn, username, password, actor=ACTOR)
        except AccountError as error:
            _refuse(error)
    typer.echo(f"password of {username} changed" + (f": {password}" if generate else ""))


@users_app.command("deactivate")
def deactivate(username: Annotated[str, typer.Argument()]) -> None:
    """Stop an account from signing in; its sessions end at once."""
    with _connected() as (engine, _), engine.begin() as conn:
        try:
            set_active(conn, username, False, actor=ACTOR)
        except AccountError as error:
            _refuse(error)
    typer.echo(f"{username} deactivated")


@users_app.command("activate")
def activate(username: Annotated[str, typer.Argument()]) -> None:
    """Let a deactivated account sign in again."""
    with _connected() as (engine, _), engine.begin() as conn:
        try:
            set_active(conn, username, True, actor=ACTOR)
        except AccountError as error:
            _refuse(error)
    typer.echo(f"{username} activated")


@users_app.command("kiosk")
def kiosk(username: Annotated[str, typer.Argument(help="A wall account.")]) -> None:
    """A new one-time link that signs a wall screen in (for a replaced screen)."""
    with _connected() as (engine, _), engine.begin() as conn:
        found = [r for r in list_users(conn) if r["username"] == username.lower()]
        if not found or found[0]["role"] != UserRole.WALL.value:
            raise typer.BadParameter("not a wall account", param_hint="USERNAME")
        from geodata.operations.users import find_user

        account = find_user(conn, int(found[0]["id"]))  # type: ignore[call-overload]
        if account is None:
            raise typer.BadParameter("the account is deactivated", param_hint="USERNAME")
        token = issue_kiosk_link(conn, account, actor=ACTOR)
    typer.echo(f"/masuk/kiosk/{token}")
