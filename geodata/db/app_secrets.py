"""Secrets every worker shares and a restart keeps, made once and kept in the database."""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, text

__all__ = ["shared_secret"]


def shared_secret(engine: Engine, name: str) -> str:
    """The secret called ``name``: created (256 random bits) by whichever worker asks first,
    the same for every worker after, surviving restarts. Two statements."""
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO app_secrets (name, value) VALUES (:n, :v) ON CONFLICT DO NOTHING"),
            {"n": name, "v": secrets.token_hex(32)},
        )
        return str(
            conn.execute(
                text("SELECT value FROM app_secrets WHERE name = :n"), {"n": name}
            ).scalar_one()
        )
