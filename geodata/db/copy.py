"""Bulk writes with PostgreSQL COPY over the SQLAlchemy connection's psycopg driver."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

import psycopg
from sqlalchemy import Connection

__all__ = ["copy_rows", "reserve_ids"]


def _driver(conn: Connection) -> psycopg.Connection[Any]:
    return cast("psycopg.Connection[Any]", conn.connection.driver_connection)


def copy_rows(
    conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """COPY ``rows`` into ``table(columns)`` inside the connection's transaction.

    Geometry values are passed as EWKT/EWKB text; None becomes NULL. Returns the row count.
    """
    count = 0
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with _driver(conn).cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def reserve_ids(conn: Connection, table: str, count: int) -> list[int]:
    """Take ``count`` fresh ids from ``table``'s id sequence (safe under concurrency)."""
    if count == 0:
        return []
    result = _driver(conn).execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        (table, count),
    )
    return [int(row[0]) for row in result]
