"""Tokens of the integrations that write through the ingest API; only digests are stored.

A token is 256 random bits (``secrets``), shown once at creation. The database keeps its
SHA-256: a slow password hash buys nothing for a secret this long, and a digest lets one
indexed lookup authenticate a request. Revoking is immediate: every request looks up.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, text

__all__ = [
    "TOKEN_PREFIX",
    "Integration",
    "IssuedToken",
    "TokenInfo",
    "TokenNameTakenError",
    "authenticate",
    "create_token",
    "digest",
    "list_tokens",
    "revoke_tokens",
    "rotate_token",
]

#: Marks Tanggap tokens, so that a leaked one is recognisable by secret scanners.
TOKEN_PREFIX = "tgp_"
#: Characters kept in clear (prefix included) to tell tokens apart in lists and logs.
SHOWN_CHARS = 10
#: ``last_used_at`` is refreshed at most this often, in seconds (never a hot row).
LAST_USED_GRANULARITY_S = 60


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``token`` is the secret, shown once and never stored."""

    id: int
    name: str
    token: str


@dataclass(frozen=True)
class TokenInfo:
    """A stored token as ``tanggap api token list`` shows it (no secret)."""

    id: int
    name: str
    city_code: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class Integration:
    """Who is calling: the token's integration name, the city it writes to and its extent.

    ``bounds`` is the city boundary's (min_lon, min_lat, max_lon, max_lat) in degrees.
    """

    token_id: int
    name: str
    city_id: int
    bounds: tuple[float, float, float, float] | None = None


def digest(token: str) -> str:
    """SHA-256 of a token, hex (what is stored and looked up)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenNameTakenError(ValueError):
    """The city already has a current token of that integration: rotate it instead."""


def create_token(conn: Connection, name: str, city_id: int) -> IssuedToken:
    """Issue the token of integration ``name`` writing to city ``city_id``.

    One current token per integration and city (the name is the incidents' ``source``):
    a second is refused with :class:`TokenNameTakenError`; :func:`rotate_token` replaces one.
    """
    name = name.strip()
    if not name or len(name) > 64 or not name.isprintable():
        raise ValueError("the integration name must be 1 to 64 printable characters")
    taken = conn.execute(
        text("SELECT 1 FROM api_tokens WHERE city_id = :c AND name = :n AND revoked_at IS NULL"),
        {"c": city_id, "n": name},
    ).first()
    if taken:
        raise TokenNameTakenError(
            f"the integration '{name}' already has a token in this city: rotate it "
            f"(`tanggap api token rotate {name}`) or revoke it first"
        )
    return _issue(conn, name, city_id)


def rotate_token(conn: Connection, name: str, city_id: int, grace_s: float = 3600) -> IssuedToken:
    """A new token for integration ``name``; the current one keeps working ``grace_s``
    seconds more (time to reconfigure the integration), then is refused."""
    conn.execute(
        text("UPDATE api_tokens SET revoked_at = now() + make_interval(secs => :g) "
             "WHERE city_id = :c AND name = :n AND revoked_at IS NULL"),
        {"g": float(grace_s), "c": city_id, "n": name.strip()},
    )  # fmt: skip
    return _issue(conn, name.strip(), city_id)


def _issue(conn: Connection, name: str, city_id: int) -> IssuedToken:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = conn.execute(
        text(
            "INSERT INTO api_tokens (name, city_id, token_hash, token_prefix) "
            "VALUES (:name, :city_id, :hash, :prefix) RETURNING id"
        ),
        {"name": name, "city_id": city_id, "hash": digest(token), "prefix": token[:SHOWN_CHARS]},
    ).scalar_one()
    return IssuedToken(int(token_id), name, token)


def list_tokens(conn: Connection) -> list[TokenInfo]:
    """Every token, active first, then by name and age."""
    rows = conn.execute(
        text(
            "SELECT t.id, t.name, c.code, t.token_prefix, t.created_at, t.last_used_at, "
            "t.revoked_at FROM api_tokens t JOIN cities c ON c.id = t.city_id "
            "ORDER BY t.revoked_at IS NOT NULL, t.name, t.created_at"
        )
    ).all()
    return [TokenInfo(*row) for row in rows]


def revoke_tokens(conn: Connection, name: str, prefix: str | None = None) -> int:
    """Revoke the active tokens of ``name`` (only the one starting ``prefix`` if given)."""
    return conn.execute(
        text(
            "UPDATE api_tokens SET revoked_at = now() WHERE name = :name "
            "AND (revoked_at IS NULL OR revoked_at > now()) "
            "AND (CAST(:prefix AS text) IS NULL OR token_prefix LIKE :prefix || '%')"
        ),
        {"name": name, "prefix": prefix},
    ).rowcount


_AUTHENTICATE = text(f"""
WITH found AS (
    SELECT id, name, city_id, last_used_at FROM api_tokens
    WHERE token_hash = :hash AND (revoked_at IS NULL OR revoked_at > now())
), touched AS (
    UPDATE api_tokens SET last_used_at = now()
    WHERE id = (SELECT id FROM found)
      AND (last_used_at IS NULL
           OR last_used_at < now() - interval '{LAST_USED_GRANULARITY_S} seconds')
    RETURNING id
)
SELECT found.id, found.name, found.city_id, ST_XMin(c.boundary) AS x0, ST_YMin(c.boundary) AS y0,
       ST_XMax(c.boundary) AS x1, ST_YMax(c.boundary) AS y1
FROM found JOIN cities c ON c.id = found.city_id
""")


def authenticate(conn: Connection, token: str) -> Integration | None:
    """The integration holding ``token``, or None if unknown or revoked. One statement."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = conn.execute(_AUTHENTICATE, {"hash": digest(token)}).first()
    if row is None:
        return None
    bounds = None if row.x0 is None else (row.x0, row.y0, row.x1, row.y1)
    return Integration(int(row.id), row.name, int(row.city_id), bounds)
