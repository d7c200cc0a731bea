"""Reading a large numeric result fast: ``COPY (query) TO STDOUT (FORMAT BINARY)`` parsed
by numpy in one call, instead of one Python object per value.

For queries whose columns are all ``int8`` or ``float8`` and never NULL (use
``COALESCE(x, 'NaN')`` for missing floats). COPY takes no bind parameters: callers build
the query from validated numbers and enum values only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import numpy as np
import pandas as pd
import psycopg
from sqlalchemy import Connection

__all__ = ["read_numeric"]

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_TYPES = {"int8": ">i8", "float8": ">f8"}


def read_numeric(conn: Connection, query: str, columns: Mapping[str, str]) -> pd.DataFrame:
    """The rows of ``query`` as a frame; ``columns`` maps each column, in order, to
    ``int8`` or ``float8``. Runs inside ``conn``'s transaction."""
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for name, kind in columns.items():
        fields += [(f"{name}_length", ">i4"), (name, _TYPES[kind])]
    dtype = np.dtype(fields)
    driver = cast("psycopg.Connection[Any]", conn.connection.driver_connection)
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT BINARY)") as copy,
    ):
        data = b"".join(bytes(block) for block in copy)
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PostgreSQL binary COPY stream")
    start = 19 + int.from_bytes(data[15:19], "big")  # header and its extension
    rows = np.frombuffer(
        data, dtype=dtype, offset=start, count=(len(data) - start - 2) // dtype.itemsize
    )
    if len(rows) and (rows["count"] != len(columns)).any():
        raise ValueError("unexpected column count in the COPY stream")
    return pd.DataFrame(
        {name: rows[name].astype(_TYPES[kind][1:]) for name, kind in columns.items()}
    )
