"""Incidents and unit responses from the rows of a log, in either of its shapes.

``shape: incident``: each row is one incident; its units (``units`` column) share its
times. A second row with the same id is refused (one row per unit needs the other shape).

``shape: unit_response``: each row is one unit's response; rows with the same id are one
incident (in any order in the file), each row one dispatch with its own times. The
incident's times are derived as the field defines them (NFPA 1710; the first unit
counts for what the caller lives through)::

    received_at    earliest received time of its rows (the call came in once)
    dispatched_at  first unit assigned          (earliest dispatched_at of its rows)
    en_route_at    first unit en route          (earliest en_route_at)
    on_scene_at    first unit on scene          (earliest on_scene_at)
    cleared_at     last unit cleared            (latest cleared_at)

When these clash (a unit on scene before the first en-route time another unit gave: it
was en route too, unrecorded), the "first" time that cannot have been first is left
empty (first dispatch, first en route), and a last clear before the first arrival is
left empty: the response (received → first on scene) is never lost to such a clash.

Category, place, address and caller come from the first row (in file order) that gives
them; a later row with another category is reported and the first kept. Priority is the
most urgent a row gives (else the mapping's, else the category's default). An incident
none of whose rows has a received time or a category is not stored (its rows are lost).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from geodata.importers.log_mapping import LogMapping, default_priority
from geodata.importers.log_rows import LogRow, keep_in_order
from geodata.operations.incidents import LIFECYCLE_COLUMNS
from geodata.vocabulary import IncidentCategory

__all__ = [
    "DERIVED",
    "WEAK_FIRST_TIMES",
    "LogIncident",
    "UnitResponse",
    "form_incidents",
    "known_duplicates",
]

#: How each incident time is derived from its unit rows, in words (messages, docs).
DERIVED = {
    "received_at": "received_at",
    "dispatched_at": "first dispatch",
    "en_route_at": "first en route",
    "on_scene_at": "first on scene",
    "cleared_at": "last clear",
}
_LATEST = frozenset({"cleared_at"})
#: Derived "first" times that give way in a clash with a later step (see above).
WEAK_FIRST_TIMES = frozenset({"dispatched_at", "en_route_at"})
_DUPLICATE = re.compile(r"duplicate of row \d+ \(id (.+?)\)")
UNIT_TIMES = ("dispatched_at", "en_route_at", "on_scene_at", "transporting_at", "cleared_at")


@dataclass
class LogIncident:
    """One incident as the log gives it; ``given_by`` names the row of each time."""

    key: str
    rows: list[int]
    category: IncidentCategory
    priority: int
    lon: float | None
    lat: float | None
    address: str | None
    caller_name: str | None
    caller_phone: str | None
    times: dict[str, datetime | None]
    given_by: dict[str, int] = field(default_factory=dict)


@dataclass
class UnitResponse:
    """One unit sent to ``key``: its times (``dispatched_at`` = assigned), from ``row``."""

    row: int
    key: str
    call_sign: str
    agency: str | None
    times: dict[str, datetime | None]


def _first(rows: Iterable[LogRow], name: str) -> object:
    return next((getattr(r, name) for r in rows if getattr(r, name) is not None), None)


def _combine(rows: list[LogRow], role: str) -> tuple[datetime | None, int | None]:
    """The derived incident time of ``role`` and the row that gave it."""
    given: list[tuple[datetime, int]] = [
        (time, r.row) for r in rows if (time := r.times.get(role)) is not None
    ]
    if not given:
        return None, None
    value, row = (max if role in _LATEST else min)(given, key=lambda pair: pair[0])
    return value, row


def _incident(
    key: str, rows: list[LogRow], mapping: LogMapping, timezone: str
) -> LogIncident | None:
    """The incident of ``rows`` (all of one key), or None (and its rows lost) if it has
    no received time or no category."""
    category = _first(rows, "category")
    times: dict[str, datetime | None] = {}
    given_by: dict[str, int] = {}
    for role in LIFECYCLE_COLUMNS:
        value, row = _combine(rows, role) if role in mapping.times else (None, None)
        times[role] = value
        if row is not None:
            given_by[role] = row
    if times["received_at"] is None or not isinstance(category, IncidentCategory):
        for r in rows:
            r.lost = True
            if times["received_at"] is None and all("received_at" not in m for _, m in r.problems):
                column = mapping.times["received_at"].column
                r.problems.append((column, "received_at (when the call came in) is empty"))
        return None
    for r in rows:
        if r.category is not None and r.category != category:
            r.problems.append(
                (mapping.columns["category"],
                 f"category {r.category.value} differs from {category.value} of row "
                 f"{rows[0].row} for incident {key}: {category.value} kept")
            )  # fmt: skip
    weak = WEAK_FIRST_TIMES if mapping.unit_rows else frozenset()
    for dropped in keep_in_order(times, LIFECYCLE_COLUMNS, weak=weak):
        row = given_by.pop(dropped.role)
        culprit = next(r for r in rows if r.row == row)
        message = f"the incident's {dropped.message(timezone, DERIVED)}"
        culprit.problems.append((mapping.times[dropped.role].column, message))
    priorities = [r.priority for r in rows if r.priority is not None]
    fallback = mapping.priorities.get(category) or mapping.default_priority
    priority = min(priorities) if priorities else fallback or default_priority(category)
    return LogIncident(
        key=key,
        rows=[r.row for r in rows],
        category=category,
        priority=priority,
        lon=_first(rows, "lon"),  # type: ignore[arg-type]
        lat=_first(rows, "lat"),  # type: ignore[arg-type]
        address=_first(rows, "address"),  # type: ignore[arg-type]
        caller_name=_first(rows, "caller_name"),  # type: ignore[arg-type]
        caller_phone=_first(rows, "caller_phone"),  # type: ignore[arg-type]
        times=times,
        given_by=given_by,
    )


def _groups(
    rows: list[LogRow], mapping: LogMapping, duplicates: Mapping[int, str]
) -> dict[str, list[LogRow]]:
    """Rows per incident key, in the order the keys first appear."""
    groups: dict[str, list[LogRow]] = {}
    for row in rows:
        if row.lost:
            continue
        if not mapping.unit_rows and duplicates.get(row.row) == row.key:
            row.lost = True
            row.problems.append(
                (mapping.columns["external_id"],
                 f"still a duplicate of incident {row.key}, stored from its first row: it is "
                 "not merged into it; a log with one row per unit response needs shape: "
                 "unit_response (docs/mappings)")
            )  # fmt: skip
            continue
        if not mapping.unit_rows and row.key in groups:
            first = groups[row.key][0].row
            row.lost = True
            row.problems.append(
                (mapping.columns["external_id"],
                 f"duplicate of row {first} (id {row.key}); a log with one row per unit "
                 "response needs shape: unit_response (docs/mappings)")
            )  # fmt: skip
            continue
        groups.setdefault(row.key, []).append(row)
    return groups


def form_incidents(
    rows: list[LogRow],
    mapping: LogMapping,
    timezone: str,
    duplicates: Mapping[int, str] | None = None,
) -> tuple[list[LogIncident], list[UnitResponse]]:
    """The incidents of ``rows`` and their unit responses (rows they lose are marked).

    ``duplicates``: rows of a rejected-rows file refused before as duplicates, and the id
    they repeated (:func:`known_duplicates`); in the incident shape they are refused again
    while they still have that id, so two units' rows are never merged into one incident.
    """
    incidents: list[LogIncident] = []
    responses: list[UnitResponse] = []
    for key, group in _groups(rows, mapping, duplicates or {}).items():
        incident = _incident(key, group, mapping, timezone)
        if incident is None:
            continue
        incidents.append(incident)
        for row in group:
            times = row.times if mapping.unit_rows else incident.times
            unit_times = {role: times.get(role) for role in UNIT_TIMES}
            responses.extend(
                UnitResponse(row.row, key, sign, row.agency, dict(unit_times))
                for sign in row.call_signs
            )
    return incidents, responses


def known_duplicates(table: pd.DataFrame) -> dict[int, str]:
    """Rows of a rejected-rows file (``reject_message`` column) refused as duplicates, and
    the id each repeated; empty for any other file."""
    if "reject_message" not in table.columns:
        return {}
    found = {}
    for row, message in table["reject_message"].items():
        match = _DUPLICATE.search(str(message or ""))
        if match:
            found[int(str(row))] = match.group(1)
    return found
