"""Historical call logs (CSV or XLSX) as 112 centers export them, through a mapping file.

Every row is checked on its own and either becomes an
:class:`~geodata.operations.incidents.IncidentReport` or a rejected row naming the column at
fault: empty or repeated ids, categories the mapping does not know, coordinates that are
swapped or outside the city, times that do not parse (or do not exist in their zone) and
lifecycle times out of order (checked by :func:`~geodata.operations.incidents.validate_report`).
Good rows are upserted on (source, id), so a log imported twice, or its fixed rejected rows
imported after, never duplicates an incident.
Units listed on a row become finished dispatches of known units.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sqlalchemy import Connection, text

from geodata.importers import log_cells
from geodata.importers.cities import audit_import, require_city
from geodata.importers.city_area import DEFAULT_MARGIN_M, CityArea
from geodata.importers.log_cells import Problems
from geodata.importers.log_mapping import (
    LogMapping,
    category_key,
    default_priority,
    parse_mapping,
    read_mapping_file,
)
from geodata.importers.outcome import (
    ImportOutcome,
    ImportRefusedError,
    Progress,
    Reject,
    no_progress,
)
from geodata.importers.rejects import finish
from geodata.importers.sources import SourceFile
from geodata.importers.tables import is_blank, read_table, require_columns
from geodata.load.city_load import load_dispatch_history
from geodata.operations.incidents import (
    IncidentReport,
    IncidentValidationError,
    upsert_incidents,
    validate_report,
)
from geodata.vocabulary import IncidentCategory

__all__ = ["PreparedLog", "import_incident_log", "prepare_log", "store_log"]

#: Incidents written per statement batch (one COPY each).
BATCH_SIZE = 5_000
_UNIT_SEPARATORS = re.compile(r"[,;/|]")
_DISPATCH_COLUMNS = (
    "external_id", "call_sign", "assigned_by", "assigned_at", "en_route_at", "on_scene_at",
    "cleared_at",
)  # fmt: skip


@dataclass(frozen=True)
class PreparedLog:
    """The checked rows: reports (with their spreadsheet rows), dispatches, rejects."""

    reports: list[IncidentReport]
    rows: list[int]
    dispatches: pd.DataFrame
    rejects: list[Reject]
    warnings: list[str]


def _category(
    value: object, mapping: LogMapping, column: str
) -> IncidentCategory | tuple[str, str]:
    if is_blank(value):
        return column, "the category is empty"
    found = mapping.categories.get(category_key(value))
    if found is None:
        known = ", ".join(sorted(mapping.categories))
        return column, f"category '{value}' is not in the mapping's categories (mapped: {known})"
    return found


def _priority(value: object, category: IncidentCategory, mapping: LogMapping) -> int | None:
    if not is_blank(value):
        try:
            number = float(str(value).strip())
        except ValueError:
            return None
        return int(number) if number.is_integer() and 1 <= number <= 4 else None
    if category in mapping.priorities:
        return mapping.priorities[category]
    return mapping.default_priority or default_priority(category)


def _validation_message(error: IncidentValidationError) -> str:
    return re.sub(r"^(row \d+, )?field '[^']*': ", "", str(error))


@dataclass(frozen=True)
class _Cells:
    """The parsed columns of a log, one list entry per row."""

    rows: list[int]
    times: dict[str, list[datetime | None]]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    problems: Problems
    text: dict[str, list[object]]


def _read_cells(table: pd.DataFrame, mapping: LogMapping, city: CityArea) -> _Cells:
    times, time_problems = log_cells.times(table, mapping)
    lon, lat, place_problems = log_cells.coordinates(table, mapping, city)
    problems: Problems = {}
    for found in (time_problems, place_problems):
        for row, items in found.items():
            problems.setdefault(row, []).extend(items)
    roles = ("external_id", "category", "priority", "address", "caller_name", "caller_phone",
             "units")  # fmt: skip
    blank: list[object] = [None] * len(table)
    text: dict[str, list[object]] = {
        role: list(table[mapping.columns[role]]) if role in mapping.columns else blank
        for role in roles
    }
    rows = [int(row) for row in table.index.tolist()]
    return _Cells(rows, times, lon, lat, problems, text)


def _check_row(
    i: int, cells: _Cells, mapping: LogMapping, city: CityArea, seen: dict[str, int]
) -> IncidentReport | list[tuple[str, str]]:
    """The report of row ``i``, or its problems as (column, message)."""
    columns = mapping.columns
    problems = list(cells.problems.get(cells.rows[i], []))
    external_id = (
        "" if is_blank(cells.text["external_id"][i]) else str(cells.text["external_id"][i]).strip()
    )
    if not external_id:
        problems.append((columns["external_id"], "the id is empty"))
    elif external_id in seen:
        problems.append(
            (columns["external_id"], f"duplicate of row {seen[external_id]} (id {external_id})")
        )
    category = _category(cells.text["category"][i], mapping, columns["category"])
    priority = None
    if isinstance(category, tuple):
        problems.append(category)
    elif (priority := _priority(cells.text["priority"][i], category, mapping)) is None:
        problems.append(
            (columns["priority"], f"'{cells.text['priority'][i]}' is not a priority 1..4")
        )
    received = cells.times["received_at"][i]
    received_column = mapping.times["received_at"].column
    if received is None and all(column != received_column for column, _ in problems):
        problems.append((received_column, "received_at (when the call came in) is empty"))
    if problems or received is None or priority is None or isinstance(category, tuple):
        return problems
    report = IncidentReport(
        source=mapping.source,
        external_id=external_id,
        category=category.value,
        priority=priority,
        received_at=received,
        lon=None if np.isnan(cells.lon[i]) else float(cells.lon[i]),
        lat=None if np.isnan(cells.lat[i]) else float(cells.lat[i]),
        address=_optional_text(cells.text["address"][i]),
        caller_name=_optional_text(cells.text["caller_name"][i]),
        caller_phone=_optional_text(cells.text["caller_phone"][i]),
        **{role: cells.times[role][i] for role in cells.times if role != "received_at"},
    )
    try:
        return validate_report(report, area=city.bbox)
    except IncidentValidationError as error:
        column = mapping.all_columns().get(error.field_name, error.field_name)
        return [(column, _validation_message(error))]


def prepare_log(
    table: pd.DataFrame, mapping: LogMapping, city: CityArea, progress: Progress = no_progress
) -> PreparedLog:
    """Check every row of ``table`` (indexed by spreadsheet row) against ``mapping``."""
    cells = _read_cells(table, mapping, city)
    reports: list[IncidentReport] = []
    report_rows: list[int] = []
    rejects: list[Reject] = []
    seen: dict[str, int] = {}
    units: list[tuple[int, str]] = []
    for i, row in enumerate(cells.rows):
        if i % 5000 == 0:
            progress("checking rows", i, len(cells.rows))
        checked = _check_row(i, cells, mapping, city, seen)
        if isinstance(checked, list):
            rejects.extend(Reject(row, column, message) for column, message in checked)
            continue
        seen[checked.external_id] = row
        reports.append(checked)
        report_rows.append(row)
        units.extend((len(reports) - 1, sign) for sign in _call_signs(cells.text["units"][i]))
    progress("checking rows", len(cells.rows), len(cells.rows))
    dispatches, warnings = _dispatches(reports, units, mapping.source)
    return PreparedLog(reports, report_rows, dispatches, rejects, warnings)


def _optional_text(value: object) -> str | None:
    return None if is_blank(value) else str(value).strip()


def _call_signs(value: object) -> list[str]:
    if is_blank(value):
        return []
    return [sign.strip() for sign in _UNIT_SEPARATORS.split(str(value)) if sign.strip()]


def _dispatches(
    reports: list[IncidentReport], units: Iterable[tuple[int, str]], source: str
) -> tuple[pd.DataFrame, list[str]]:
    """Finished dispatches of the units listed; warnings for those that cannot be stored."""
    rows, untimed, unfinished = [], 0, 0
    for index, call_sign in units:
        report = reports[index]
        if report.dispatched_at is None:
            untimed += 1
        elif report.cleared_at is None:
            unfinished += 1
        else:
            rows.append(
                (
                    report.external_id,
                    call_sign,
                    f"import {source}",
                    report.dispatched_at,
                    report.en_route_at,
                    report.on_scene_at,
                    report.cleared_at,
                )
            )
    warnings = []
    if untimed:
        warnings.append(f"{untimed} unit(s) listed on incidents without dispatched_at: not stored")
    if unfinished:
        warnings.append(f"{unfinished} unit(s) listed on incidents not cleared: not stored")
    return pd.DataFrame(rows, columns=list(_DISPATCH_COLUMNS)), warnings


def store_log(
    conn: Connection,
    city_id: int,
    prepared: PreparedLog,
    city: CityArea,
    progress: Progress = no_progress,
) -> tuple[dict[str, int], list[str]]:
    """Upsert the reports in batches and store the dispatches of known units."""
    inserted = updated = unchanged = 0
    total = len(prepared.reports)
    for start in range(0, total, BATCH_SIZE):
        progress("writing incidents", start, total)
        result = upsert_incidents(
            conn, city_id, prepared.reports[start : start + BATCH_SIZE], area=city.bbox
        )
        inserted += len(result.inserted_ids)
        updated += len(result.updated_ids)
        unchanged += result.unchanged
    progress("writing incidents", total, total)
    dispatches, warnings = _known_units(conn, city_id, prepared.dispatches)
    loaded = {
        "incidents new": inserted,
        "incidents updated": updated,
        "incidents unchanged": unchanged,
        "incidents without a location": sum(1 for r in prepared.reports if r.lon is None),
        "dispatches new": load_dispatch_history(conn, city_id, dispatches),
    }
    return loaded, warnings


def _known_units(
    conn: Connection, city_id: int, dispatches: pd.DataFrame
) -> tuple[pd.DataFrame, list[str]]:
    known = set(
        conn.execute(
            text(
                "SELECT u.call_sign FROM units u JOIN agencies a ON a.id = u.agency_id "
                "WHERE a.city_id = :c"
            ),
            {"c": city_id},
        ).scalars()
    )
    unknown = sorted(set(dispatches["call_sign"]) - known)
    warnings = []
    if unknown:
        listed = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        warnings.append(
            f"{len(unknown)} unit call sign(s) not known in this city, so their dispatches "
            f"were not stored: {listed}"
        )
    return dispatches.loc[dispatches["call_sign"].isin(known)], warnings


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
    prepared = prepare_log(table, mapping, area, progress)
    loaded, warnings = store_log(conn, city.id, prepared, area, progress)
    loaded = {"rows read": len(table), **loaded}
    if loaded["incidents new"] or loaded["incidents updated"] or loaded["dispatches new"]:
        audit_import(conn, city.id, "incidents.import", {"file": source.path.name, **loaded})
    return finish(
        loaded, prepared.rejects, [*prepared.warnings, *warnings], table, source.rejects_path
    )
