"""Historical call logs (CSV or XLSX) as 112 centers export them, through a mapping file.

A log comes in one of two shapes (:mod:`geodata.importers.log_incidents`): a row per
incident, or a row per unit response grouped into incidents by their id, each row one
dispatch with its own times and the incident's times derived (first dispatch, first en
route, first on scene, last clear). Every row is read on its own
(:mod:`geodata.importers.log_rows`): a wrong value empties that field only and is reported
with the row, the column and the value; a row is lost only when it cannot belong to an
incident (no id, a place outside the city, a duplicate id in the incident shape, an
incident without a received time or category).

Before anything is written each incident's times are merged with those already stored
(the incident shape: a stored time stays; the unit-response shape: earliest and latest
win, so importing a log in parts, or its fixed rejected rows after it, gives the times of
the whole log) and their order checked, so no database rule can refuse them. Incidents are
upserted on (city, source, id) and dispatches on (incident, unit, dispatch time), a
dispatch taking the times its row now gives (so a fixed row replaces what was stored, and
a time it lacks keeps the stored one): importing twice changes nothing. Each batch is
written inside a savepoint; if the database still refuses it, its incidents are written
one by one and those refused are reported by row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from geodata.db.errors import constraint_name
from geodata.importers.cities import audit_import, require_city
from geodata.importers.city_area import DEFAULT_MARGIN_M, CityArea
from geodata.importers.log_dispatches import store_dispatches
from geodata.importers.log_incidents import (
    DERIVED,
    WEAK_FIRST_TIMES,
    LogIncident,
    UnitResponse,
    form_incidents,
    known_duplicates,
)
from geodata.importers.log_mapping import LogMapping, parse_mapping, read_mapping_file
from geodata.importers.log_rows import LogRow, keep_in_order, read_rows
from geodata.importers.log_units import resolve_units
from geodata.importers.outcome import (
    ImportOutcome,
    ImportRefusedError,
    Progress,
    Reject,
    no_progress,
)
from geodata.importers.rejects import finish
from geodata.importers.sources import SourceFile
from geodata.importers.tables import read_table, require_columns
from geodata.load.log_store import (
    StoredIncident,
    stored_incidents,
    write_incidents,
)
from geodata.operations.incidents import (
    LIFECYCLE_COLUMNS,
    IncidentReport,
    IncidentValidationError,
    validate_report,
)

__all__ = ["PreparedLog", "import_incident_log", "prepare_log", "store_log"]

#: Incidents written per statement batch.
BATCH_SIZE = 5_000
_LATEST = frozenset({"cleared_at"})


@dataclass(frozen=True)
class PreparedLog:
    """The rows read (with their problems), the incidents and the unit responses."""

    rows: list[LogRow]
    incidents: list[LogIncident]
    responses: list[UnitResponse]

    def rejects(self, origin: Mapping[int, object] | None = None) -> list[Reject]:
        """Every problem, by row: ``kept`` where the row was stored without that field.

        ``origin``: for a rejected-rows file imported again, the row each of its rows had
        in the log it was rejected from (its ``reject_row``), named in the messages.
        """
        origin = origin or {}
        return [
            Reject(
                row.row,
                column,
                message
                if row.row not in origin
                else f"{message} [row {origin[row.row]} of the log it was first rejected from]",
                kept=not row.lost,
            )
            for row in self.rows
            for column, message in row.problems
        ]


def prepare_log(
    table: pd.DataFrame,
    mapping: LogMapping,
    city: CityArea,
    timezone: str,
    progress: Progress = no_progress,
) -> PreparedLog:
    """Read every row of ``table`` (indexed by spreadsheet row) and form the incidents.

    ``timezone`` is the city's: every time in a message is shown in it.
    """
    progress("checking rows", 0, len(table))
    rows = read_rows(table, mapping, city, timezone)
    incidents, responses = form_incidents(rows, mapping, timezone, known_duplicates(table))
    progress("checking rows", len(table), len(table))
    return PreparedLog(rows, incidents, responses)


def _merged_times(
    incident: LogIncident,
    stored: StoredIncident | None,
    mapping: LogMapping,
    rows: dict[int, LogRow],
    timezone: str,
) -> dict[str, datetime | None]:
    """The incident's times merged with those stored, in order; problems to their rows."""
    if stored is None:
        return dict(incident.times)
    merged: dict[str, datetime | None] = {}
    for role in LIFECYCLE_COLUMNS:
        old, new = stored.times[role], incident.times[role]
        if mapping.unit_rows:
            given = [t for t in (old, new) if t is not None]
            merged[role] = (max if role in _LATEST else min)(given) if given else None
        else:
            merged[role] = old if old is not None else new
    fixed = frozenset(r for r in LIFECYCLE_COLUMNS if _is_stored(stored, r, merged))
    describe = DERIVED if mapping.unit_rows else None
    weak = WEAK_FIRST_TIMES if mapping.unit_rows else frozenset()
    for dropped in keep_in_order(
        merged, LIFECYCLE_COLUMNS, fixed=fixed, weak=weak, fallback=stored.times
    ):
        row = rows[incident.given_by.get(dropped.role, incident.rows[0])]
        message = f"{dropped.message(timezone, describe)} (the other time was stored before)"
        row.problems.append((mapping.times[dropped.role].column, message))
    return merged


def _is_stored(stored: StoredIncident, role: str, merged: dict[str, datetime | None]) -> bool:
    """Whether the merged ``role`` is the stored time (which is then kept as it is)."""
    return stored.times[role] is not None and merged[role] == stored.times[role]


def _report(
    incident: LogIncident, times: dict[str, datetime | None], mapping: LogMapping
) -> IncidentReport:
    return IncidentReport(
        source=mapping.source,
        external_id=incident.key,
        category=incident.category.value,
        priority=incident.priority,
        received_at=times["received_at"],  # type: ignore[arg-type]
        lon=incident.lon,
        lat=incident.lat,
        address=incident.address,
        caller_name=incident.caller_name,
        caller_phone=incident.caller_phone,
        **{role: times[role] for role in LIFECYCLE_COLUMNS if role != "received_at"},
    )


def _refusal(error: DBAPIError) -> str:
    rule = constraint_name(error) or str(error.orig).splitlines()[0]
    return f"the database refused this incident ({rule}); nothing of it was stored"


def _lose(incident: LogIncident, rows: dict[int, LogRow], column: str, message: str) -> None:
    for number in incident.rows:
        rows[number].lost = True
        rows[number].problems.append((column, message))


def _write_batch(
    conn: Connection,
    city_id: int,
    batch: list[tuple[LogIncident, IncidentReport]],
    rows: dict[int, LogRow],
    mapping: LogMapping,
) -> tuple[dict[str, int], dict[str, bool]]:
    """Write a batch in a savepoint; if refused, one by one, reporting each refused."""
    reports = [report for _, report in batch]
    try:
        with conn.begin_nested():
            return write_incidents(conn, city_id, reports)
    except DBAPIError:
        pass
    ids: dict[str, int] = {}
    inserted: dict[str, bool] = {}
    for incident, report in batch:
        try:
            with conn.begin_nested():
                one_id, one_new = write_incidents(conn, city_id, [report])
        except DBAPIError as error:
            _lose(incident, rows, mapping.columns["external_id"], _refusal(error))
            continue
        ids.update(one_id)
        inserted.update(one_new)
    return ids, inserted


@dataclass
class _Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


def _store_incidents(
    conn: Connection,
    city_id: int,
    prepared: PreparedLog,
    mapping: LogMapping,
    context: tuple[CityArea, str],
    counts: _Counts,
    progress: Progress,
) -> tuple[dict[str, int], dict[str, dict[str, datetime | None]]]:
    """Write the incidents; returns the id and the stored times per incident key."""
    area, timezone = context
    rows = {row.row: row for row in prepared.rows}
    ids: dict[str, int] = {}
    times_of: dict[str, dict[str, datetime | None]] = {}
    total = len(prepared.incidents)
    for start in range(0, total, BATCH_SIZE):
        progress("writing incidents", start, total)
        chunk = prepared.incidents[start : start + BATCH_SIZE]
        stored = stored_incidents(conn, city_id, mapping.source, [i.key for i in chunk])
        batch = []
        for incident in chunk:
            times = _merged_times(incident, stored.get(incident.key), mapping, rows, timezone)
            try:
                report = validate_report(_report(incident, times, mapping), area=area.bbox)
            except IncidentValidationError as error:
                _lose(incident, rows, mapping.all_columns().get(error.field_name, error.field_name),
                      str(error).split(": ", 1)[-1])  # fmt: skip
                continue
            batch.append((incident, report))
            times_of[incident.key] = times
        written, inserted = _write_batch(conn, city_id, batch, rows, mapping)
        counts.new += sum(inserted.values())
        counts.updated += len(inserted) - sum(inserted.values())
        kept = [incident for incident, _ in batch if not rows[incident.rows[0]].lost]
        counts.unchanged += len(kept) - len(written)
        ids.update({i.key: stored[i.key].id for i in kept if i.key in stored})
        ids.update(written)
    progress("writing incidents", total, total)
    return ids, times_of


def store_log(
    conn: Connection,
    city_id: int,
    prepared: PreparedLog,
    mapping: LogMapping,
    city: CityArea,
    timezone: str,
    progress: Progress = no_progress,
) -> tuple[dict[str, int], list[str]]:
    """Resolve the units, then write incidents and dispatches; counts and warnings."""
    rows = {row.row: row for row in prepared.rows}
    units = resolve_units(conn, city_id, prepared.responses, rows, mapping)
    counts = _Counts()
    incidents = _store_incidents(conn, city_id, prepared, mapping, (city, timezone), counts,
                                 progress)  # fmt: skip
    sent = store_dispatches(
        conn, prepared.rows, prepared.responses, units.unit_ids, incidents, mapping, timezone
    )
    stored = [i for i in prepared.incidents if not rows[i.rows[0]].lost]
    loaded = {
        "incidents new": counts.new,
        "incidents updated": counts.updated,
        "incidents unchanged": counts.unchanged,
        "incidents without a location": sum(1 for i in stored if i.lon is None),
        "dispatches new": sent.new,
        "dispatches updated": sent.updated,
        "units created": len(units.created),
    }
    warnings = []
    if units.unknown:
        listed = ", ".join(units.unknown[:10]) + (" …" if len(units.unknown) > 10 else "")
        warnings.append(
            f"{len(units.unknown)} unit call sign(s) not known in this city, so their dispatches "
            f"were not stored (their rows still count for the incidents): {listed}"
        )
    if units.created:
        listed = ", ".join(f"{u.call_sign} ({u.agency})" for u in units.created[:10])
        warnings.append(f"{len(units.created)} unit(s) created from the log: {listed}")
    if sent.untimed:
        warnings.append(f"{sent.untimed} unit response(s) without a dispatch time: not stored")
    if sent.unfinished:
        warnings.append(
            f"{sent.unfinished} unit response(s) of incidents never cleared: not stored"
        )
    return loaded, warnings


def import_incident_log(
    conn: Connection,
    source: SourceFile,
    mapping_file: SourceFile,
    *,
    city_code: str | None = None,
    margin_m: float = DEFAULT_MARGIN_M,
    progress: Progress = no_progress,
) -> ImportOutcome:
    """Import a call log with its mapping into the city, inside ``conn``'s transaction."""
    data = read_mapping_file(mapping_file.path)
    code = city_code or (None if data.get("city") is None else str(data["city"]))
    if code is None:
        raise ImportRefusedError("which city? Pass --city CODE or set 'city' in the mapping")
    city = require_city(conn, code)
    mapping = parse_mapping(data, name=mapping_file.path.name, city_timezone=city.timezone)
    area = CityArea.from_boundary(city.boundary, margin_m)
    progress("reading the log", 0, 0)
    table = read_table(source.path, sheet=source.sheet)
    require_columns(table, mapping.all_columns(), source.path.name)
    prepared = prepare_log(table, mapping, area, city.timezone, progress)
    loaded, warnings = store_log(conn, city.id, prepared, mapping, area, city.timezone, progress)
    loaded = {"rows read": len(table), **loaded}
    if any(loaded[k] for k in ("incidents new", "incidents updated", "dispatches new",
                               "dispatches updated", "units created")):  # fmt: skip
        audit_import(conn, city.id, "incidents.import", {"file": source.path.name, **loaded})
    origin = (
        {int(str(row)): value for row, value in table["reject_row"].items()}
        if "reject_row" in table.columns
        else None
    )
    return finish(loaded, prepared.rejects(origin), warnings, table, source.rejects_path)
