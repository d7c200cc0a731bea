"""Signed-in browsers: random session tokens of which only the SHA-256 is stored.

A session ends at ``expires_at`` (absolute lifetime), after ``idle_s`` without a request,
at sign-out, when the account is deactivated or its password changes. ``last_seen_at`` is
refreshed at most once a minute (a live page asks twice a second: no hot row). A kiosk
wall's session is opened by a one-time link (:func:`issue_kiosk_link`), not a password.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, text

from geodata.operations import audit
from geodata.operations.users import Account, find_user
from geodata.vocabulary import UserRole

__all__ = [
    "OpenedSession",
    "SessionPolicy",
    "close_session",
    "issue_kiosk_link",
    "open_session",
    "redeem_kiosk_link",
    "session_account",
]

TOUCH_EVERY_S = 60


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SessionPolicy:
    """How long sessions last, in seconds: absolute lifetime and idle timeout; a kiosk
    wall's lifetime (it runs unattended for weeks, and is bound to /wall)."""

    lifetime_s: float = 12 * 3600.0
    idle_s: float = 2 * 3600.0
    kiosk_lifetime_s: float = 90 * 86_400.0


@dataclass(frozen=True)
class OpenedSession:
    """A new session: ``token`` goes in the browser's cookie and is stored only hashed."""

    id: int
    token: str
    expires_at: datetime


def open_session(
    conn: Connection, account: Account, *, now: datetime, policy: SessionPolicy, client: str
) -> OpenedSession:
    """Start a session for ``account`` (after a successful sign-in), audited."""
    token = secrets.token_urlsafe(32)
    lifetime = policy.kiosk_lifetime_s if account.role == UserRole.WALL else policy.lifetime_s
    expires = now + timedelta(seconds=lifetime)
    session_id = conn.execute(
        text(
            "INSERT INTO user_sessions (user_id, token_hash, created_at, last_seen_at, "
            "expires_at, client) VALUES (:u, :h, :now, :now, :exp, :client) RETURNING id"
        ),
        {"u": account.id, "h": _digest(token), "now": now, "exp": expires, "client": client[:300]},
    ).scalar_one()
    audit.record(conn, actor=account.username, action="session.open", entity="user",
                 entity_id=account.id,
                 details={"session": session_id, "client": client[:300]})  # fmt: skip
    return OpenedSession(int(session_id), token, expires)


def session_account(
    conn: Connection, token: str, *, now: datetime, policy: SessionPolicy
) -> tuple[int, Account] | None:
    """(session id, account) of a live session, or None (unknown, ended, idle, inactive).

    One indexed lookup; a touch of ``last_seen_at`` at most once a minute.
    """
    row = conn.execute(
        text(
            "SELECT s.id, s.user_id, s.last_seen_at, s.expires_at, u.role FROM user_sessions s "
            "JOIN users u ON u.id = s.user_id WHERE s.token_hash = :h AND s.revoked_at IS NULL "
            "AND u.active"
        ),
        {"h": _digest(token)},
    ).first()
    if row is None or row.expires_at <= now:
        return None
    idle = policy.kiosk_lifetime_s if row.role == UserRole.WALL.value else policy.idle_s
    if (now - row.last_seen_at).total_seconds() > idle:
        return None
    if (now - row.last_seen_at).total_seconds() > TOUCH_EVERY_S:
        conn.execute(text("UPDATE user_sessions SET last_seen_at = :now WHERE id = :id"),
                     {"now": now, "id": row.id})  # fmt: skip
    account = find_user(conn, int(row.user_id))
    return None if account is None else (int(row.id), account)


def close_session(conn: Connection, token: str, *, actor: str) -> bool:
    """Sign out: end the session of ``token``; whether there was one."""
    session_id = conn.execute(
        text("UPDATE user_sessions SET revoked_at = now() WHERE token_hash = :h "
             "AND revoked_at IS NULL RETURNING user_id"), {"h": _digest(token)},
    ).scalar()  # fmt: skip
    if session_id is not None:
        audit.record(conn, actor=actor, action="session.close", entity="user",
                     entity_id=session_id)  # fmt: skip
    return session_id is not None


#: Kiosk links live in app_secrets under this prefix and the link's digest.
_KIOSK = "kiosk:"


def issue_kiosk_link(conn: Connection, account: Account, *, actor: str) -> str:
    """A one-time token that signs a wall screen in as ``account`` (role wall only)."""
    if account.role != UserRole.WALL:
        raise ValueError("kiosk links are for wall accounts only")
    token = secrets.token_urlsafe(32)
    conn.execute(
        text("INSERT INTO app_secrets (name, value) VALUES (:n, :v)"),
        {"n": _KIOSK + _digest(token), "v": str(account.id)},
    )
    audit.record(conn, actor=actor, action="kiosk.issue", entity="user", entity_id=account.id)
    return token


def redeem_kiosk_link(conn: Connection, token: str) -> Account | None:
    """The wall account of a kiosk link, used up now (a second use finds nothing)."""
    user_id = conn.execute(
        text("DELETE FROM app_secrets WHERE name = :n RETURNING value"),
        {"n": _KIOSK + _digest(token)},
    ).scalar()
    if user_id is None:
        return None
    account = find_user(conn, int(user_id))
    return account if account is not None and account.role == UserRole.WALL else None
