"""Reading tabular exports (CSV or XLSX) as 112 centers and offices produce them.

Cells come back as text (stripped; empty → None), except date-times that Excel stored as
such, which stay ``pd.Timestamp``. The index is the spreadsheet row number the user sees
(header = row 1), so every message can name the row.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.importers.outcome import ImportRefusedError

__all__ = ["TABLE_SUFFIXES", "is_blank", "read_table", "require_columns"]

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
_DELIMITERS = ",;\t|"


def is_blank(value: object) -> bool:
    """None, NaN, NA, NaT or only spaces: a cell with nothing in it."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def read_table(path: Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read ``path`` (CSV with any of ``, ; tab |`` as delimiter, or XLSX) into text cells.

    Raises :class:`ImportRefusedError` for a missing, empty or unsupported file.
    """
    if not path.is_file():
        raise ImportRefusedError(f"{path} does not exist or is not a file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raw = pd.read_excel(path, sheet_name=sheet or 0, dtype=object, engine="openpyxl")
    elif suffix in (".csv", ".txt", ".tsv"):
        raw = _read_csv(path)
    elif suffix == ".xls":
        raise ImportRefusedError(f"{path.name} is an old Excel .xls file: save it as .xlsx or CSV")
    else:
        raise ImportRefusedError(
            f"{path.name}: unsupported table format '{suffix}' (use CSV or XLSX)"
        )
    raw.columns = [str(column).strip() for column in raw.columns]
    raw.index = np.arange(2, len(raw) + 2)
    frame = raw.apply(lambda column: column.map(_cell)).astype(object)
    frame = frame.loc[frame.notna().any(axis=1)]
    if frame.empty:
        raise ImportRefusedError(f"{path.name} has no rows (only a header, or nothing at all)")
    return frame


def _read_csv(path: Path) -> pd.DataFrame:
    data = path.read_bytes()
    if not data.strip():
        raise ImportRefusedError(f"{path.name} is empty")
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    try:
        delimiter = csv.Sniffer().sniff(content[:65536], delimiters=_DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    return pd.read_csv(
        io.StringIO(content),
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
    )


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores ids such as 1024 as 1024.0
    text = str(value).strip()
    return text or None


def require_columns(frame: pd.DataFrame, wanted: Mapping[str, str], source: str) -> None:
    """Refuse unless every column named in ``wanted`` (role → column) is in ``frame``.

    The message names the missing column and its role, lists the file's columns and
    suggests the closest name.
    """
    available = [str(column) for column in frame.columns]
    for role, column in wanted.items():
        if column in available:
            continue
        lowered = {name.casefold(): name for name in available}
        close = difflib.get_close_matches(column.casefold(), list(lowered), n=1, cutoff=0.6)
        hint = f" Did you mean '{lowered[close[0]]}'?" if close else ""
        raise ImportRefusedError(
            f"column '{column}' (for {role}) is not in {source}; its columns are: "
            f"{', '.join(available)}.{hint}"
        )
