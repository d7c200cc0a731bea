"""Which unit of the city each unit response of a log names, creating units when asked.

A call sign is looked up case- and space-insensitively; where two agencies use the same
call sign, the row's agency (``agency`` column) decides. A call sign the city does not
know is, by the mapping's ``unknown_units``:

- ``report`` (default): a field-level problem of its row; the row still counts for its
  incident's times, but no dispatch is stored;
- ``create``: a new unit of the row's agency, else of the mapping's ``agency``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection

from geodata.importers.log_incidents import UnitResponse
from geodata.importers.log_mapping import LogMapping
from geodata.importers.log_rows import LogRow
from geodata.importers.outcome import ImportRefusedError
from geodata.load.units_from_logs import (
    CityUnit,
    agency_kinds,
    city_units,
    create_log_units,
    unit_key,
)

__all__ = ["ResolvedUnits", "resolve_units"]


@dataclass(frozen=True)
class ResolvedUnits:
    """Unit id per response (index into the responses; None: not stored) and what was made."""

    unit_ids: list[int | None]
    created: list[CityUnit]
    unknown: list[str]


def _check_agency(mapping: LogMapping, agencies: Mapping[str, str]) -> None:
    if mapping.create_units and mapping.agency is None and "agency" not in mapping.columns:
        raise ImportRefusedError(
            "unknown_units: create needs 'agency: CODE' in the mapping (the agency of the units "
            "it creates) or an agency column"
        )
    named = {str(v) for v in mapping.values.get("agency", {}).values()}
    if mapping.agency is not None:
        named.add(mapping.agency)
    missing = sorted(code for code in named if code not in agencies)
    if missing:
        listing = ", ".join(sorted(agencies)) or "none yet"
        raise ImportRefusedError(
            f"the mapping names agencies {', '.join(missing)} that this city does not have "
            f"(its agencies: {listing}); add them with `tanggap city import-stations` or fix "
            "the mapping"
        )


def resolve_units(
    conn: Connection,
    city_id: int,
    responses: list[UnitResponse],
    rows: Mapping[int, LogRow],
    mapping: LogMapping,
) -> ResolvedUnits:
    """The unit of every response; problems go to the rows, units are created if asked."""
    agencies = agency_kinds(conn, city_id)
    _check_agency(mapping, agencies)
    column = mapping.columns.get("call_sign") or mapping.columns.get("units", "")
    units = city_units(conn, city_id)
    wanted: dict[tuple[str, str], list[int]] = {}
    spelling: dict[tuple[str, str], str] = {}
    unit_ids: list[int | None] = []
    unknown: set[str] = set()
    for index, response in enumerate(responses):
        row = rows[response.row]
        agency = response.agency
        if agency is not None and agency not in agencies:
            row.problems.append(
                (mapping.columns["agency"],
                 f"agency '{agency}' is not one of the city's ({', '.join(sorted(agencies))})")
            )  # fmt: skip
            agency = None
        found = [
            unit
            for unit in units.get(unit_key(response.call_sign), [])
            if agency is None or unit.agency == agency
        ]
        unit_ids.append(found[0].id if len(found) == 1 else None)
        if len(found) > 1:
            owners = ", ".join(unit.agency for unit in found)
            row.problems.append(
                (column, f"unit '{response.call_sign}' is a call sign of several agencies "
                 f"({owners}): map an agency column to tell them apart; no dispatch stored")
            )  # fmt: skip
        elif not found and mapping.create_units and (agency or mapping.agency):
            key = (unit_key(response.call_sign), agency or mapping.agency or "")
            spelling.setdefault(key, response.call_sign)
            wanted.setdefault(key, []).append(index)
        elif not found:
            unknown.add(response.call_sign)
            row.problems.append(
                (column, f"unit '{response.call_sign}' is not known in this city: the row counts "
                 "for its incident, no dispatch stored (add the unit with `tanggap units "
                 "import`, or set unknown_units: create and agency: CODE in the mapping)")
            )  # fmt: skip
    created = create_log_units(conn, city_id, [(spelling[key], key[1]) for key in wanted])
    made = {(unit_key(u.call_sign), u.agency): u.id for u in created}
    for key, indexes in wanted.items():
        for index in indexes:
            unit_ids[index] = made.get(key)
            if key not in made:  # the call sign is another agency's unit in this city
                rows[responses[index].row].problems.append(
                    (column, f"unit '{spelling[key]}' is a call sign of another agency of the "
                     "city: map an agency column to tell them apart; no dispatch stored")
                )  # fmt: skip
    return ResolvedUnits(unit_ids, created, sorted(unknown))
