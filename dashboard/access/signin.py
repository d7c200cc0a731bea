"""Signing in and out, and the gate in front of every page and callback.

Sessions are Flask-Login's, over the ``user_sessions`` table: the browser's (signed, HttpOnly)
session cookie holds a random token whose SHA-256 is looked up on each request, so an
admin's deactivation or a sign-out ends it at once on every worker. The sign-in page is a
plain form (no Dash), the only page an anonymous visitor may open; a wall screen signs in
once by a kiosk link. Everything else asks for a session: a page request without one is
sent to sign in, a Dash request gets 401.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, jsonify, redirect, request
from flask_limiter import Limiter
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from dashboard.access.policy import home_path
from dashboard.access.protection import unavailable
from geodata.operations.user_sessions import (
    SessionPolicy,
    close_session,
    open_session,
    redeem_kiosk_link,
    session_account,
)
from geodata.operations.users import Account, Lockout, check_password
from geodata.settings import Settings
from geodata.vocabulary import UserRole
from layers.signin_page import signin_html
from layers.words import choose_language, word

__all__ = ["SignedIn", "install_sign_in", "signed_in"]

SIGN_IN = "/masuk"
#: Open to anyone: the sign-in page, the token-authenticated API, the public basemap, and
#: static files (scripts and styles hold no data).
PUBLIC_PREFIXES = (SIGN_IN, "/api/v1/", "/tiles/", "/assets/", "/_dash-component-suites/",
                   "/_favicon.ico", "/healthz")  # fmt: skip
#: What a wall screen's session reaches besides Dash's own requests.
WALL_PATHS = ("/wall", "/keluar")


class SignedIn(UserMixin):  # type: ignore[misc]
    """The person behind this request: their account and the session's token."""

    def __init__(self, token: str, session_id: int, account: Account) -> None:
        self.token, self.session_id, self.account = token, session_id, account

    def get_id(self) -> str:
        return self.token


def signed_in() -> Account | None:
    """The signed-in account of this request, or None."""
    user: Any = current_user
    return user.account if getattr(user, "is_authenticated", False) else None


def _client() -> str:
    return f"{request.remote_addr} {request.user_agent.string[:200]}"


def _local(path: str | None) -> str | None:
    """``path`` if it is a path on this site (not //other.host or a URL), else None."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return None
    return path


def install_sign_in(
    server: Flask, engine: Engine, settings: Settings, limiter: Limiter
) -> LoginManager:
    """Sessions, the sign-in routes and the gate, on ``server``."""
    policy = SessionPolicy(
        lifetime_s=settings.session_hours * 3600, idle_s=settings.session_idle_minutes * 60
    )
    lockout = Lockout(max_failures=settings.sign_in_failures)
    manager = LoginManager()
    manager.init_app(server)
    manager.session_protection = "basic"

    @manager.user_loader
    def load(token: str) -> SignedIn | None:
        with engine.begin() as conn:
            found = session_account(conn, token, now=datetime.now(UTC), policy=policy)
        return None if found is None else SignedIn(token, found[0], found[1])

    _install_gate(server)
    _install_routes(server, engine, settings, policy, lockout, limiter)
    return manager


def _install_gate(server: Flask) -> None:
    """Refuse what an anonymous visitor (or a wall screen) may not reach."""

    @server.before_request
    def gate() -> Any:
        path = request.path
        if path.startswith(PUBLIC_PREFIXES):
            return None
        try:
            account = signed_in()
        except OperationalError:
            return unavailable()
        if account is None:
            if path.startswith("/_dash-"):
                return jsonify({"error": "unauthorized", "message": "sign in first"}), 401
            target = request.full_path.rstrip("?")
            return redirect(f"{SIGN_IN}?next={quote(target)}")
        if account.role == UserRole.WALL and not path.startswith(("/_dash-", *WALL_PATHS)):
            return redirect("/wall")
        return None


def _install_routes(
    server: Flask,
    engine: Engine,
    settings: Settings,
    policy: SessionPolicy,
    lockout: Lockout,
    limiter: Limiter,
) -> None:
    """``/masuk`` (form and sign-in), ``/keluar`` (sign-out), ``/masuk/kiosk/<token>``."""

    def page(message: str | None = None, status: int = 200) -> Response:
        language = choose_language(request.args.get("lang"), settings.language)
        body = signin_html(language, generate_csrf(), message=message,
                           next_path=_local(request.values.get("next")) or "/")  # fmt: skip
        return Response(body, status=status, mimetype="text/html")

    @server.get(SIGN_IN)
    def sign_in_form() -> Response:
        language = choose_language(request.args.get("lang"), settings.language)
        notice = word("access.signed_out", language) if "signed_out" in request.args else None
        return page(notice)

    @server.post(SIGN_IN)
    # A shift changing behind one office address signs in together: 30 a minute per
    # address; guessing one account is stopped by its own lockout (geodata.operations.users).
    @limiter.limit("30 per minute", key_func=lambda: f"signin:{request.remote_addr}")
    def sign_in() -> Response:
        language = choose_language(request.args.get("lang"), settings.language)
        username = request.form.get("username", "")[:64]
        password = request.form.get("password", "")[:256]
        now = datetime.now(UTC)
        try:
            with engine.begin() as conn:
                account = check_password(conn, username, password, now=now, lockout=lockout)
                opened = None if account is None else open_session(
                    conn, account, now=now, policy=policy, client=_client())  # fmt: skip
        except OperationalError:
            return unavailable()
        if account is None or opened is None:
            return page(word("access.wrong", language), status=401)
        login_user(SignedIn(opened.token, opened.id, account))
        return redirect(_local(request.form.get("next")) or home_path(account.role))  # type: ignore[return-value]

    @server.post("/keluar")
    def sign_out() -> Response:
        user: Any = current_user
        if getattr(user, "is_authenticated", False):
            with engine.begin() as conn:
                close_session(conn, user.token, actor=user.account.username)
        logout_user()
        return redirect(f"{SIGN_IN}?signed_out=1")  # type: ignore[return-value]

    @server.get(f"{SIGN_IN}/kiosk/<token>")
    def kiosk(token: str) -> Response:
        language = choose_language(request.args.get("lang"), settings.language)
        now = datetime.now(UTC)
        with engine.begin() as conn:
            account = redeem_kiosk_link(conn, token[:100])
            opened = None if account is None else open_session(
                conn, account, now=now, policy=policy, client=_client())  # fmt: skip
        if account is None or opened is None:
            return page(word("access.kiosk_used", language), status=403)
        login_user(SignedIn(opened.token, opened.id, account))
        return redirect("/wall")  # type: ignore[return-value]
