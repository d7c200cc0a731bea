"""The dispatches of a call log: one per unit response, keyed on (incident, unit, dispatch).

A stored historical dispatch is always over: a response without its own clear time takes
its incident's last clear (or its own last time, if later); a response of an incident
never cleared, or without a dispatch time, is not stored and counted. Dispatches are
written in a savepoint; if the database refuses the batch, one by one, each refusal
reported on its row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from geodata.db.errors import constraint_name
from geodata.importers.log_incidents import UnitResponse
from geodata.importers.log_mapping import LogMapping
from geodata.importers.log_rows import LogRow, keep_in_order
from geodata.load.log_store import DISPATCH_TIMES, stored_dispatches, write_dispatches

__all__ = ["DispatchCounts", "store_dispatches"]

#: The log's time role of each dispatch time.
_ROLE_OF = {"assigned_at": "dispatched_at", **{t: t for t in DISPATCH_TIMES[1:]}}


@dataclass
class DispatchCounts:
    """Dispatches written, and unit responses that could not be stored (and why)."""

    new: int = 0
    updated: int = 0
    untimed: int = 0
    unfinished: int = 0


def _dispatch_times(
    response: UnitResponse, incident_times: dict[str, datetime | None], counts: DispatchCounts
) -> dict[str, datetime | None] | None:
    """The dispatch's times (``DISPATCH_TIMES``), or None when it cannot be stored: no
    dispatch time, or never cleared (a stored historical dispatch is always over)."""
    times = {column: response.times.get(_ROLE_OF[column]) for column in DISPATCH_TIMES}
    if times["assigned_at"] is None:
        counts.untimed += 1
        return None
    if times["cleared_at"] is None:
        if incident_times.get("cleared_at") is None:
            counts.unfinished += 1
            return None
        # the incident was cleared: so was this unit, when it was last heard of at the latest
        present = [t for t in times.values() if t is not None]
        times["cleared_at"] = max([incident_times["cleared_at"], *present])  # type: ignore[type-var]
    return times


def store_dispatches(
    conn: Connection,
    log_rows: list[LogRow],
    responses: list[UnitResponse],
    unit_ids: list[int | None],
    incidents: tuple[dict[str, int], dict[str, dict[str, datetime | None]]],
    mapping: LogMapping,
    timezone: str,
) -> DispatchCounts:
    """Store the dispatch of every response whose unit and incident are known.

    ``incidents``: the id and the stored times per incident key. A response already stored
    (same incident, unit and dispatch time) takes the times its row now gives, a time it
    lacks keeps the stored one; their order is checked first (problems to the rows).
    """
    ids, times_of = incidents
    counts = DispatchCounts()
    rows = {row.row: row for row in log_rows}
    wanted: dict[tuple[int, int, datetime], tuple[int, dict[str, datetime | None]]] = {}
    for response, unit_id in zip(responses, unit_ids, strict=True):
        if unit_id is None or response.key not in ids or rows[response.row].lost:
            continue
        times = _dispatch_times(response, times_of[response.key], counts)
        if times is None:
            continue
        key = (ids[response.key], unit_id, times["assigned_at"])
        if key in wanted:  # the same unit response twice in the file
            earlier = wanted[key][1]
            times = {c: earlier[c] if earlier[c] is not None else times[c] for c in times}
        wanted[key] = (response.row, times)  # type: ignore[index]
    stored = stored_dispatches(conn, sorted({key[0] for key in wanted}))
    new, changed = [], []
    for key, (row, times) in wanted.items():
        old = stored.get(key)
        if old is None:
            new.append((row, (key[0], key[1], f"import {mapping.source}", times)))
            continue
        # the same unit response again: its times as the log now gives them (a fixed row
        # replaces what was stored), a time it lacks keeps the stored one
        merged = {c: times[c] if times[c] is not None else old.times[c] for c in times}
        fixed = frozenset(c for c in DISPATCH_TIMES if times[c] is None and old.times[c])
        for dropped in keep_in_order(merged, DISPATCH_TIMES, fixed=fixed, fallback=old.times):
            column = mapping.times[_ROLE_OF[dropped.role]].column
            rows[row].problems.append((column, f"this unit's {dropped.message(timezone)}"))
        if merged != old.times:
            changed.append((row, (old.id, merged)))
    written = _write_dispatch_batch(conn, new, changed, rows, mapping)
    counts.new, counts.updated = written
    return counts


def _write_dispatch_batch(
    conn: Connection,
    new: list[tuple[int, tuple[int, int, str, dict[str, datetime | None]]]],
    changed: list[tuple[int, tuple[int, dict[str, datetime | None]]]],
    rows: dict[int, LogRow],
    mapping: LogMapping,
) -> tuple[int, int]:
    """Write the dispatches in a savepoint; if refused, one by one, reporting by row."""
    try:
        with conn.begin_nested():
            write_dispatches(conn, [d for _, d in new], [d for _, d in changed])
        return len(new), len(changed)
    except DBAPIError:
        pass
    column = mapping.columns.get("call_sign") or mapping.columns.get("units", "")

    def one(row: int, write: Callable[[], None]) -> int:
        try:
            with conn.begin_nested():
                write()
        except DBAPIError as error:
            rule = constraint_name(error) or str(error.orig).splitlines()[0]
            message = f"the database refused this unit's dispatch ({rule}): not stored"
            rows[row].problems.append((column, message))
            return 0
        return 1

    inserted = updated = 0
    for row, item in new:
        inserted += one(row, lambda item=item: write_dispatches(conn, [item], []))  # type: ignore[misc]
    for row, change in changed:
        updated += one(row, lambda change=change: write_dispatches(conn, [], [change]))  # type: ignore[misc]
    return inserted, updated
