"""Rate-limit counters in PostgreSQL, shared by every worker, for the ``limits`` library.

``limits`` (behind Flask-Limiter) keeps its counters in a storage backend: memory (one per
process: useless with several workers), Redis, Memcached… and this one, so that the
embedded default needs no other server. Fixed windows: one UNLOGGED row per key, and one
``INSERT … ON CONFLICT`` statement per hit that starts a new window when the old expired.
Registered as the scheme ``tanggap+postgresql://`` (the engine comes in ``engine=``).
"""

from __future__ import annotations

import time
from typing import Any

from limits.storage import Storage
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

__all__ = ["PostgresStorage"]

_INCR = text("""
INSERT INTO rate_limits AS r (key, count, expires_at)
VALUES (:key, :amount, now() + make_interval(secs => :expiry))
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN r.expires_at <= now() THEN :amount ELSE r.count + :amount END,
    expires_at = CASE WHEN r.expires_at <= now()
                      THEN now() + make_interval(secs => :expiry) ELSE r.expires_at END
RETURNING count
""")


class PostgresStorage(Storage):
    """A ``limits`` storage in the ``rate_limits`` table (fixed-window strategy)."""

    STORAGE_SCHEME = ["tanggap+postgresql"]  # noqa: RUF012 (the registry reads a list)

    def __init__(
        self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        engine = options.get("engine")
        if not isinstance(engine, Engine):
            raise ValueError("PostgresStorage needs engine=<sqlalchemy Engine>")
        self.engine = engine

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return DBAPIError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with self.engine.begin() as conn:
            return int(conn.execute(_INCR, {"key": key, "amount": amount,
                                            "expiry": float(expiry)}).scalar_one())  # fmt: skip

    def get(self, key: str) -> int:
        with self.engine.connect() as conn:
            count = conn.execute(
                text("SELECT count FROM rate_limits WHERE key = :key AND expires_at > now()"),
                {"key": key},
            ).scalar()
        return int(count or 0)

    def get_expiry(self, key: str) -> float:
        with self.engine.connect() as conn:
            left = conn.execute(
                text("SELECT extract(epoch FROM expires_at - now()) FROM rate_limits "
                     "WHERE key = :key"), {"key": key},
            ).scalar()  # fmt: skip
        return time.time() + max(float(left or 0.0), 0.0)

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(text("DELETE FROM rate_limits")).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("DELETE FROM rate_limits WHERE key = :key"), {"key": key})
