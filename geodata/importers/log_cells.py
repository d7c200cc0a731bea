"""Reading the cells of a call log: lifecycle times and coordinates, with a reason when not.

Times are tz-aware: an Excel date-time or text in ISO 8601 (or the mapping's format),
placed in the column's zone when written without an offset. Coordinates come from one
column ("-6.0123, 106.0456", decimal commas accepted with ";" between) or two, and are
checked against the city (:class:`~geodata.importers.city_area.CityArea`). Every message
shows a time as :func:`local_time` does, in the city's zone.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from geodata.importers.city_area import CityArea
from geodata.importers.log_mapping import LogMapping, TimeColumn
from geodata.importers.tables import is_blank

__all__ = ["Problems", "coordinates", "local_time", "parse_point", "parse_time", "times"]

#: Problems per spreadsheet row: (column, message).
Problems = dict[int, list[tuple[str, str]]]

_NUMBER = r"-?\d+(?:\.\d+)?"
_POINT_DOT = re.compile(rf"^\s*\(?\s*({_NUMBER})\s*[,;\s]\s*({_NUMBER})\s*\)?\s*$")
_POINT_COMMA = re.compile(r"^\s*(-?\d+(?:,\d+)?)\s*[;\s]\s*(-?\d+(?:,\d+)?)\s*$")


def local_time(value: datetime, timezone: str) -> str:
    """``2026-03-04 10:15:02 WIB``: a time as messages show it, in ``timezone`` (the city's).

    The abbreviation is the zone database's own (WIB, WITA, WIT; +07 style elsewhere).
    """
    return f"{value.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M:%S %Z}"


def parse_point(value: str, *, lat_first: bool = True) -> tuple[float, float] | None:
    """``(lon, lat)`` from "-6.01, 106.05" (or "-6,01; 106,05"), None if it is not a pair."""
    match = _POINT_DOT.match(value) or _POINT_COMMA.match(value)
    if match is None:
        return None
    first, second = (float(group.replace(",", ".")) for group in match.groups())
    return (second, first) if lat_first else (first, second)


def parse_time(value: object, spec: TimeColumn) -> datetime:
    """A tz-aware time from a cell: an Excel date-time, ISO 8601 text, or ``spec.format``.

    Times without an offset are in ``spec.timezone``. Raises ValueError with the reason.
    """
    if isinstance(value, pd.Timestamp):
        stamp = value
    elif spec.format:
        stamp = pd.Timestamp(datetime.strptime(str(value).strip(), spec.format))
    else:
        stamp = pd.Timestamp(datetime.fromisoformat(str(value).strip()))
    if stamp.tzinfo is None:
        local = stamp.tz_localize(spec.timezone, nonexistent="NaT", ambiguous="NaT")
        if not isinstance(local, pd.Timestamp):
            raise ValueError(f"{value} does not exist (or is ambiguous) in {spec.timezone}")
        stamp = local
    return stamp.to_pydatetime()


def times(
    table: pd.DataFrame, mapping: LogMapping
) -> tuple[dict[str, list[datetime | None]], Problems]:
    """Every lifecycle column parsed; problems where a cell is not a time."""
    values: dict[str, list[datetime | None]] = {}
    problems: Problems = {}
    rows = table.index.tolist()
    for role, spec in mapping.times.items():
        parsed: list[datetime | None] = []
        for row, cell in zip(rows, table[spec.column].tolist(), strict=True):
            if is_blank(cell):
                parsed.append(None)
                continue
            try:
                parsed.append(parse_time(cell, spec))
            except ValueError as error:
                expected = spec.format or "ISO 8601 such as 2024-03-01 08:15:00"
                message = f"{role}: cannot read '{cell}' as a time (expected {expected}): {error}"
                problems.setdefault(row, []).append((spec.column, message))
                parsed.append(None)
        values[role] = parsed
    return values, problems


def coordinates(
    table: pd.DataFrame, mapping: LogMapping, city: CityArea
) -> tuple[NDArray[np.float64], NDArray[np.float64], Problems]:
    """Longitudes and latitudes (NaN where none); problems where unreadable or not in the city."""
    n = len(table)
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    problems: Problems = {}
    rows = [int(row) for row in table.index.tolist()]
    if "coordinates" in mapping.columns:
        column = mapping.columns["coordinates"]
        for i, cell in enumerate(table[column]):
            if is_blank(cell):
                continue
            point = parse_point(str(cell), lat_first=mapping.lat_first)
            if point is None:
                message = f"cannot read '{cell}' as two coordinates (e.g. -6.0123, 106.0456)"
                problems.setdefault(rows[i], []).append((column, message))
            else:
                lon[i], lat[i] = point
        where = column
    elif "lat" in mapping.columns:
        for role, target in (("lon", lon), ("lat", lat)):
            column = str(mapping.columns[role])
            for i, cell in enumerate(table[column]):
                if is_blank(cell):
                    continue
                try:
                    target[i] = float(str(cell).strip().replace(",", "."))
                except ValueError:
                    message = f"'{cell}' is not a number of degrees"
                    problems.setdefault(rows[i], []).append((column, message))
        where = f"{mapping.columns['lat']}/{mapping.columns['lon']}"
    else:
        return lon, lat, problems
    half = np.isnan(lon) != np.isnan(lat)
    for i in np.flatnonzero(half).tolist():
        if rows[i] not in problems:
            problems.setdefault(rows[i], []).append((where, "only one of lat/lon is given"))
    both = ~np.isnan(lon) & ~np.isnan(lat)
    messages = city.problems(lon[both], lat[both])
    for i, problem in zip(np.flatnonzero(both).tolist(), messages, strict=True):
        if problem is not None:
            problems.setdefault(rows[i], []).append((where, problem))
    return lon, lat, problems
