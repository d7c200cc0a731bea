"""One row of a call log read on its own: its values, and a problem per field that is wrong.

A row is *lost* (not stored at all) only when it cannot belong to an incident: its id is
empty, or its place is unreadable or outside the city. Every other problem empties that
field alone and keeps the row: a time that cannot be read, a priority, outcome or category
code the mapping does not know (the category may come from another row of the same
incident), and a time earlier than the step before it. Lifecycle order within a row is
``received_at → dispatched_at → en_route_at → on_scene_at → transporting_at → cleared_at``;
a time before the last one kept is left empty (:func:`keep_in_order`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from geodata.importers import log_cells
from geodata.importers.city_area import CityArea
from geodata.importers.log_cells import local_time
from geodata.importers.log_mapping import EMERGENCY_OUTCOME, LogMapping, category_key
from geodata.importers.tables import is_blank
from geodata.vocabulary import IncidentCategory

__all__ = ["ROW_TIME_ROLES", "Dropped", "LogRow", "keep_in_order", "read_rows"]

#: Every time a row may hold, in lifecycle order.
ROW_TIME_ROLES = (
    "received_at", "dispatched_at", "en_route_at", "on_scene_at", "transporting_at", "cleared_at",
)  # fmt: skip
_UNIT_SEPARATORS = re.compile(r"[,;/|]")


@dataclass
class LogRow:
    """The values of one spreadsheet row; ``problems`` are (column, message) pairs.

    ``lost`` rows are not stored; the problems of the others emptied only their field.
    """

    row: int
    key: str
    category: IncidentCategory | None
    priority: int | None
    lon: float | None
    lat: float | None
    address: str | None
    caller_name: str | None
    caller_phone: str | None
    times: dict[str, datetime | None]
    call_signs: list[str]
    agency: str | None
    problems: list[tuple[str, str]] = field(default_factory=list)
    lost: bool = False


@dataclass(frozen=True)
class Dropped:
    """A time left empty because it is out of order with ``other`` (kept)."""

    role: str
    value: datetime
    other_role: str
    other_value: datetime

    def message(self, timezone: str, describe: Mapping[str, str] | None = None) -> str:
        """``on_scene_at 2026-03-04 10:15:02 WIB is before en_route_at … : left empty``."""
        name = (describe or {}).get(self.role, self.role)
        other = (describe or {}).get(self.other_role, self.other_role)
        relation = "before" if self.value < self.other_value else "after"
        return (
            f"{name} {local_time(self.value, timezone)} is {relation} {other} "
            f"{local_time(self.other_value, timezone)}: left empty"
        )


def keep_in_order(
    times: dict[str, datetime | None],
    roles: Sequence[str],
    *,
    fixed: frozenset[str] = frozenset(),
    weak: frozenset[str] = frozenset(),
    fallback: Mapping[str, datetime | None] | None = None,
) -> list[Dropped]:
    """Empty (in place) the times of ``times`` that break the order of ``roles``.

    Of two times out of order the later step is emptied, unless it is ``fixed`` (already
    stored) or the earlier one is ``weak`` (a "first unit" time that a unit without it
    shows was not the first): then the earlier one is. An emptied time takes its
    ``fallback`` value (what is stored), which is then fixed. Returns what was emptied.
    """
    dropped: list[Dropped] = []
    fixed_now = set(fixed)
    for _ in range(len(roles) * len(roles)):
        present = [role for role in roles if times.get(role) is not None]
        clash = next(
            (
                (earlier, later)
                for earlier, later in itertools.pairwise(present)
                if times[later] < times[earlier]  # type: ignore[operator]
            ),
            None,
        )
        if clash is None:
            break
        earlier, later = clash
        moves_earlier = earlier not in fixed_now and (later in fixed_now or earlier in weak)
        victim, other = (earlier, later) if moves_earlier else (later, earlier)
        dropped.append(Dropped(victim, times[victim], other, times[other]))  # type: ignore[arg-type]
        times[victim] = (fallback or {}).get(victim)
        fixed_now.add(victim)
    return dropped


def _text(value: object) -> str | None:
    return None if is_blank(value) else str(value).strip()


def _call_signs(value: object) -> list[str]:
    if is_blank(value):
        return []
    return [sign.strip() for sign in _UNIT_SEPARATORS.split(str(value)) if sign.strip()]


def _mapped(mapping: LogMapping, role: str, value: object) -> tuple[object | None, str | None]:
    """The mapped value of a categorical cell, or None and why."""
    table = mapping.values.get(role)
    if table is None:
        return value, None
    found = table.get(category_key(value))
    if found is None:
        allowed = ", ".join(mapping.labels.get(role, tuple(table)))
        return None, f"{role} '{value}' is not in the mapping's values.{role} (mapped: {allowed})"
    return found, None


def _category(
    cells: Mapping[str, object], mapping: LogMapping, problems: list[tuple[str, str]]
) -> IncidentCategory | None:
    columns = mapping.columns
    outcome = cells.get("outcome")
    if not is_blank(outcome):
        ours, why = _mapped(mapping, "outcome", outcome)
        if why is not None:
            problems.append((columns["outcome"], why))
        elif str(ours) != EMERGENCY_OUTCOME and str(ours) in IncidentCategory.__members__.values():
            return IncidentCategory(str(ours))
        elif str(ours) != EMERGENCY_OUTCOME:
            problems.append((columns["outcome"], f"outcome '{outcome}' is not an outcome"))
    value = cells.get("category")
    if is_blank(value):
        problems.append((columns["category"], "the category is empty"))
        return None
    found = mapping.categories.get(category_key(value))
    if found is None:
        known = ", ".join(mapping.labels.get("category", tuple(mapping.categories)))
        problems.append(
            (columns["category"],
             f"category '{value}' is not in the mapping's categories (mapped: {known})")
        )  # fmt: skip
    return found


def _priority(value: object, mapping: LogMapping, problems: list[tuple[str, str]]) -> int | None:
    if is_blank(value):
        return None
    column = mapping.columns["priority"]
    if "priority" in mapping.values:
        ours, why = _mapped(mapping, "priority", value)
        if why is not None:
            problems.append((column, why))
        return None if ours is None else int(str(ours))
    try:
        number = float(str(value).strip())
    except ValueError:
        number = float("nan")
    if number.is_integer() and 1 <= number <= 4:
        return int(number)
    problems.append(
        (column, f"priority '{value}' is not 1..4 (map the log's codes under values: priority)")
    )
    return None


def read_rows(
    table: pd.DataFrame, mapping: LogMapping, city: CityArea, timezone: str
) -> list[LogRow]:
    """Every row of ``table`` (indexed by spreadsheet row) read; ``timezone``: of messages."""
    times, time_problems = log_cells.times(table, mapping)
    lon, lat, place_problems = log_cells.coordinates(table, mapping, city)
    roles = [role for role in ROW_TIME_ROLES if role in mapping.times]
    columns = mapping.columns
    cell_roles = [role for role in columns if role not in ("coordinates", "lat", "lon")]
    rows: list[LogRow] = []
    records = table[[columns[role] for role in cell_roles]].itertuples(index=False, name=None)
    for i, (row, values) in enumerate(zip(table.index.tolist(), records, strict=True)):
        cells = dict(zip(cell_roles, values, strict=True))
        problems = list(time_problems.get(row, []))
        key = _text(cells.get("external_id")) or ""
        lost = not key or row in place_problems
        if not key:
            problems.append((columns["external_id"], "the id is empty"))
        problems.extend(place_problems.get(row, []))
        row_times = {role: times[role][i] for role in roles}
        for dropped in keep_in_order(row_times, roles):
            problems.append((mapping.times[dropped.role].column, dropped.message(timezone)))
        category = _category(cells, mapping, problems)
        rows.append(
            LogRow(
                row=int(row),
                key=key,
                category=category,
                priority=_priority(cells.get("priority"), mapping, problems),
                lon=None if np.isnan(lon[i]) else float(lon[i]),
                lat=None if np.isnan(lat[i]) else float(lat[i]),
                address=_text(cells.get("address")),
                caller_name=_text(cells.get("caller_name")),
                caller_phone=_text(cells.get("caller_phone")),
                times=row_times,
                call_signs=_call_signs(cells.get("call_sign", cells.get("units"))),
                agency=_agency(cells.get("agency"), mapping, problems),
                problems=problems,
                lost=lost,
            )
        )
    return rows


def _agency(value: object, mapping: LogMapping, problems: list[tuple[str, str]]) -> str | None:
    if is_blank(value):
        return None
    ours, why = _mapped(mapping, "agency", value)
    if why is not None:
        problems.append((mapping.columns["agency"], why))
    return None if ours is None else str(ours).strip()
