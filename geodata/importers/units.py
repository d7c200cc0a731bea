"""A unit roster (CSV or XLSX): call sign, agency, home posko, vehicle, status, crew.

Columns are found by their usual names (``call_sign``/``kode unit``, ``agency``/``opd``/
``instansi``, ``home_posko``/``posko``, ``vehicle_profile``/``jenis kendaraan``, ``status``,
``crew_size``/``awak``) or named in a mapping file::

    columns:            # role: the file's column
      call_sign: Kode Unit
      agency: OPD
      home_posko: Pos
      vehicle_profile: Jenis
    values:             # optional: a file's own words for agencies, vehicles, statuses
      vehicle_profile: {Mobil Tangki: fire_engine}
      agency: {Dinkes: PSC119}

Each row is checked by the fleet's one set of rules (:class:`geodata.operations.fleet.
FleetCatalog`); a bad row is rejected with its spreadsheet row and field, and written to
the rejected-rows file. Units are upserted by call sign: the same file again changes
nothing, a changed row updates its unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import yaml
from sqlalchemy import Connection

from geodata.importers.cities import audit_import, require_city
from geodata.importers.outcome import ImportOutcome, ImportRefusedError, Reject
from geodata.importers.rejects import finish
from geodata.importers.sources import SourceFile
from geodata.importers.tables import is_blank, read_table, require_columns
from geodata.load.unit_store import upsert_units
from geodata.operations.fleet import FleetCatalog, UnitSpec

__all__ = ["ROLES", "RosterMapping", "import_units", "read_mapping"]

#: Role → the column names looked for (case and spaces ignored), first found wins.
ROLES: dict[str, tuple[str, ...]] = {
    "call_sign": ("call_sign", "call sign", "callsign", "kode unit", "kode", "unit"),
    "agency": ("agency", "agency_code", "opd", "instansi", "dinas"),
    "home_posko": ("home_posko", "posko", "home_station", "station", "pos", "markas"),
    "vehicle_profile": ("vehicle_profile", "profile", "jenis kendaraan", "kendaraan", "jenis"),
    "status": ("status", "kondisi"),
    "crew_size": ("crew_size", "crew", "awak", "jumlah awak", "personel"),
}
_REQUIRED = ("call_sign", "agency")
#: The field of :class:`UnitSpec` each role fills.
_SPEC_FIELD = {"home_posko": "home_station"}


class RosterMapping:
    """Which column holds each role, and each role's value map (a file's own words)."""

    def __init__(self, columns: Mapping[str, str], values: Mapping[str, Mapping[str, str]]):
        self.columns = dict(columns)
        self.values = {role: {str(k).casefold(): str(v) for k, v in m.items()}
                       for role, m in values.items()}  # fmt: skip

    def value(self, role: str, cell: object) -> str | None:
        if is_blank(cell):
            return None
        typed = str(cell).strip()
        return self.values.get(role, {}).get(typed.casefold(), typed)


def read_mapping(path: Path | None) -> RosterMapping:
    """The mapping file (YAML, see the module doc), or the usual names when None."""
    if path is None:
        return RosterMapping({}, {})
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    columns, values = data.get("columns", {}), data.get("values", {})
    if not isinstance(data, dict) or not isinstance(columns, dict) or not isinstance(values, dict):
        raise ImportRefusedError(f"{path.name}: expected 'columns:' and 'values:' mappings")
    unknown = (set(columns) | set(values)) - set(ROLES)
    if unknown:
        raise ImportRefusedError(
            f"{path.name}: unknown role(s) {', '.join(sorted(map(str, unknown)))}; "
            f"the roles are {', '.join(ROLES)}"
        )
    if not all(isinstance(m, dict) for m in values.values()):
        raise ImportRefusedError(f"{path.name}: each 'values' entry maps a word to a value")
    return RosterMapping({str(k): str(v) for k, v in columns.items()}, values)


def _columns(rows: pd.DataFrame, mapping: RosterMapping, name: str) -> dict[str, str]:
    """Role → the file's column: as mapped, else by the usual names; required ones refused."""
    require_columns(rows, mapping.columns, name)
    found = dict(mapping.columns)
    normal = {" ".join(str(c).replace("_", " ").casefold().split()): str(c) for c in rows.columns}
    for role, names in ROLES.items():
        if role in found:
            continue
        hit = next((normal[n.replace("_", " ")] for n in names if n.replace("_", " ") in normal),
                   None)  # fmt: skip
        if hit is not None and hit not in found.values():
            found[role] = hit
    missing = [role for role in _REQUIRED if role not in found]
    if missing:
        raise ImportRefusedError(
            f"{name} has no column for {', '.join(missing)} (looked for "
            f"{'; '.join(', '.join(ROLES[r]) for r in missing)}): name it in a mapping file "
            f"(--mapping). Its columns are: {', '.join(map(str, rows.columns))}"
        )
    return found


def import_units(
    conn: Connection, source: SourceFile, *, city_code: str, mapping: RosterMapping
) -> ImportOutcome:
    """Import the roster ``source`` into the city, inside ``conn``'s transaction."""
    city = require_city(conn, city_code)
    rows = read_table(source.path, sheet=source.sheet)
    columns = _columns(rows, mapping, source.path.name)
    catalog = FleetCatalog.of_city(conn, city.id)
    rejects: list[Reject] = []
    kept: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for row, record in rows.iterrows():
        cells = {role: mapping.value(role, record[column]) for role, column in columns.items()}
        spec = UnitSpec(
            call_sign=cells.get("call_sign") or "", agency=cells.get("agency") or "",
            **{_SPEC_FIELD.get(role, role): value for role, value in cells.items()
               if role not in _REQUIRED},
        )  # fmt: skip
        values, problems = catalog.resolve(spec)
        sign = str(values["call_sign"])
        if sign and sign in seen:
            problems.append(("call_sign", f"call sign {sign} already on row {seen[sign]}"))
        if sign and len(catalog.existing(sign)) > 1:
            problems.append(("call_sign", f"call sign {sign} is held by several units"))
        if problems:
            rejects.extend(Reject(int(str(row)), columns.get(field, field), message)
                           for field, message in problems)  # fmt: skip
            continue
        seen[sign] = int(str(row))
        kept.append(values)
    counts = upsert_units(conn, kept)
    loaded = {
        "units new": counts.inserted,
        "units updated": counts.updated,
        "units unchanged": counts.unchanged,
    }
    if counts.inserted or counts.updated:
        audit_import(conn, city.id, "units.import", {**loaded, "file": source.path.name})
    return finish(loaded, rejects, [], rows, source.rejects_path)
