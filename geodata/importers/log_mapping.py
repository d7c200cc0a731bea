"""The mapping file of a historical call log: its shape, which column is what, value maps.

A 112 center's export names its columns and codes its own way; the YAML mapping says how
they read in Tanggap. Every key, in an example (more in ``docs/mappings/``)::

    source: sipd-112-cilegon        # the exporting system: (source, id) never duplicates
    city: "36.72"                   # optional: the city's Kemendagri code (or --city)
    shape: unit_response            # incident (default): one row per incident;
                                    # unit_response: one row per unit sent, grouped by id
    timezone: Asia/Jakarta          # zone of times without an offset (default: the city's)
    time_format: "%d/%m/%Y %H:%M"   # optional; default ISO 8601 (2024-03-01 08:15:00)
    columns:
      external_id: No Tiket         # the incident's number (the key grouping unit rows)
      category: Kategori
      coordinates: Lokasi           # "lat, lon" in one column; or lat: … and lon: …
      priority: Prioritas           # optional, 1 (critical) … 4 (low), or codes (values)
      outcome: Status Panggilan     # optional: emergency, or prank, ghost… (values)
      address: Alamat               # optional, as are caller_name, caller_phone
      received_at: Waktu Lapor
      dispatched_at: {column: Waktu Kirim, timezone: Asia/Makassar}
      en_route_at: Berangkat        # optional, as are on_scene_at, transporting_at
      cleared_at: Waktu Selesai
      units: Unit                   # incident shape: call signs separated by , ; / |
      call_sign: Unit               # unit_response shape: the one unit of the row
      agency: OPD                   # optional: the row's agency (values map it to codes)
    coordinate_order: lat,lon       # of the one-column form (default lat,lon)
    categories:                     # every category of the log: trimmed, any case
      KEBAKARAN: fire               # (the same as values: {category: …})
    values:                         # value maps of categorical columns, any case
      priority: {E: 1, A: 1, "2": 2, "3": 3}
      outcome: {DARURAT: emergency, ISENG: prank, "GHOST CALL": ghost}
      agency: {Damkar: DAMKAR, "PSC 119": PSC119}   # → the city's agency codes
    priorities: {fire: 1}           # where the log has no priority …
    default_priority: 3             # … else this, else 2 for emergencies and 4 for others
    unknown_units: report           # report (default): the row counts for the incident,
                                    # no dispatch; create: new units of their row's agency
    agency: DAMKAR                  # create: the agency of units whose row names none

In the ``unit_response`` shape the time columns are those of the row's unit: ``dispatched_at``
is when that unit was assigned. The incident's own times are derived from its rows
(:mod:`geodata.importers.log_incidents`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from geodata.importers.cities import check_timezone
from geodata.importers.outcome import ImportRefusedError
from geodata.operations.incidents import LIFECYCLE_COLUMNS
from geodata.vocabulary import EMERGENCY_CATEGORIES, IncidentCategory

__all__ = [
    "EMERGENCY_OUTCOME",
    "SHAPES",
    "UNIT_TIME_ROLES",
    "LogMapping",
    "TimeColumn",
    "category_key",
    "default_priority",
    "parse_mapping",
    "read_mapping_file",
]

#: ``incident``: one row per incident; ``unit_response``: one row per unit response.
SHAPES = ("incident", "unit_response")
#: The outcome value that keeps the row's category (every other outcome replaces it).
EMERGENCY_OUTCOME = "emergency"
#: Times of one unit's response, in the order they happen (dispatched_at = assigned).
UNIT_TIME_ROLES = ("dispatched_at", "en_route_at", "on_scene_at", "transporting_at", "cleared_at")
_TOP_KEYS = {
    "source", "city", "shape", "timezone", "time_format", "coordinate_order", "columns",
    "categories", "values", "priorities", "default_priority", "unknown_units", "agency",
}  # fmt: skip
_PLAIN_ROLES = {
    "external_id", "category", "priority", "outcome", "address", "coordinates", "lat", "lon",
    "units", "call_sign", "agency", "caller_name", "caller_phone",
}  # fmt: skip
_TIME_ROLES = (*LIFECYCLE_COLUMNS, "transporting_at")
_REQUIRED_ROLES = ("external_id", "category", "received_at")
_VALUE_ROLES = ("category", "priority", "outcome", "agency")


def default_priority(category: IncidentCategory) -> int:
    """Priority when neither the log nor the mapping gives one: 2 for emergencies, else 4."""
    return 2 if category in EMERGENCY_CATEGORIES else 4


def category_key(value: object) -> str:
    """How source values are compared: trimmed, case and inner spaces ignored."""
    return " ".join(str(value).split()).casefold()


@dataclass(frozen=True)
class TimeColumn:
    """A lifecycle time's column, with its own zone and format where they differ."""

    column: str
    timezone: str
    format: str | None


@dataclass(frozen=True)
class LogMapping:
    """A validated mapping; ``columns`` holds the non-time roles, ``times`` the lifecycle.

    ``values`` maps a role (priority, outcome, agency) to {source value key → ours}, keys
    as :func:`category_key` makes them; ``categories`` is the category map.
    """

    source: str
    city: str | None
    columns: Mapping[str, str]
    times: Mapping[str, TimeColumn]
    categories: Mapping[str, IncidentCategory]
    priorities: Mapping[IncidentCategory, int]
    default_priority: int | None
    lat_first: bool
    shape: str = "incident"
    values: Mapping[str, Mapping[str, str | int]] = field(default_factory=dict)
    create_units: bool = False
    agency: str | None = None
    #: The log values of each map (role → as the mapping file spells them), for messages.
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def unit_rows(self) -> bool:
        """One row per unit response (grouped into incidents by ``external_id``)."""
        return self.shape == "unit_response"

    def all_columns(self) -> dict[str, str]:
        """Role → column for every column the mapping names."""
        return {**self.columns, **{role: t.column for role, t in self.times.items()}}


def read_mapping_file(path: Path) -> dict[str, object]:
    """The YAML of a mapping file, unchecked (see :func:`parse_mapping`)."""
    if not path.is_file():
        raise ImportRefusedError(f"mapping file {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ImportRefusedError(f"{path.name} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ImportRefusedError(f"{path.name}: expected keys such as source, columns, categories")
    return {str(key): value for key, value in data.items()}


def parse_mapping(data: object, *, name: str, city_timezone: str | None = None) -> LogMapping:
    """Check a loaded mapping (a dict); ``city_timezone`` is the default zone."""
    if not isinstance(data, dict):
        raise ImportRefusedError(f"{name}: expected keys such as source, columns, categories")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ImportRefusedError(f"{name}: unknown keys {unknown}; known: {sorted(_TOP_KEYS)}")
    source = str(data.get("source") or "").strip()
    if not source:
        raise ImportRefusedError(f"{name}: 'source' (the system that exported the log) is missing")
    zone = data.get("timezone") or city_timezone
    if zone is None:
        raise ImportRefusedError(f"{name}: 'timezone' is missing (e.g. Asia/Jakarta)")
    check_timezone(str(zone))
    shape = str(data.get("shape", "incident"))
    if shape not in SHAPES:
        raise ImportRefusedError(f"{name}: shape must be one of {', '.join(SHAPES)}, not {shape!r}")
    columns, times = _columns(data.get("columns"), name, str(zone), data.get("time_format"))
    _check_shape_roles(shape, columns, times, name)
    order = str(data.get("coordinate_order", "lat,lon")).replace(" ", "").lower()
    if order not in ("lat,lon", "lon,lat"):
        raise ImportRefusedError(f"{name}: coordinate_order must be 'lat,lon' or 'lon,lat'")
    fixed = data.get("default_priority")
    raw_values = data.get("values") or {}
    values = _values(raw_values, name)
    values.pop("category", None)
    given = data.get("categories") or {}
    if not isinstance(given, dict):
        raise ImportRefusedError(f"{name}: 'categories' must map the log's categories to ours")
    raw_categories = {**given, **(raw_values.get("category") or {})}
    labels = {
        str(role): tuple(str(value) for value in table)
        for role, table in {**raw_values, "category": raw_categories}.items()
    }
    create, agency = _unknown_units(data, name)
    return LogMapping(
        source=source,
        city=None if data.get("city") is None else str(data["city"]),
        columns=columns,
        times=times,
        categories=_categories(raw_categories, name),
        priorities=_priorities(data.get("priorities") or {}, name),
        default_priority=None if fixed is None else _priority(fixed, name, "default_priority"),
        lat_first=order == "lat,lon",
        shape=shape,
        values=values,
        create_units=create,
        agency=agency,
        labels=labels,
    )


def _check_shape_roles(
    shape: str, columns: Mapping[str, str], times: Mapping[str, TimeColumn], name: str
) -> None:
    if shape == "unit_response":
        if "call_sign" not in columns:
            raise ImportRefusedError(
                f"{name}: shape unit_response needs columns.call_sign (the unit of each row)"
            )
        if "units" in columns:
            raise ImportRefusedError(
                f"{name}: shape unit_response takes columns.call_sign (one unit per row), "
                "not columns.units"
            )
    elif "call_sign" in columns or "transporting_at" in times:
        raise ImportRefusedError(
            f"{name}: columns.call_sign and transporting_at belong to shape unit_response; "
            "a row per incident lists its units in columns.units"
        )


def _unknown_units(data: Mapping[str, object], name: str) -> tuple[bool, str | None]:
    policy = str(data.get("unknown_units", "report"))
    if policy not in ("report", "create"):
        raise ImportRefusedError(f"{name}: unknown_units must be report or create, not {policy!r}")
    agency = None if data.get("agency") is None else str(data["agency"]).strip()
    return policy == "create", agency or None


def _columns(
    raw: object, name: str, zone: str, time_format: object
) -> tuple[dict[str, str], dict[str, TimeColumn]]:
    if not isinstance(raw, dict):
        raise ImportRefusedError(f"{name}: 'columns' must map roles to column names")
    known = _PLAIN_ROLES | set(_TIME_ROLES)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ImportRefusedError(
            f"{name}: unknown roles in columns {unknown}; known: {sorted(known)}"
        )
    missing = [role for role in _REQUIRED_ROLES if not raw.get(role)]
    if missing:
        raise ImportRefusedError(f"{name}: columns must name {', '.join(missing)}")
    if ("lat" in raw) != ("lon" in raw) or ("coordinates" in raw and "lat" in raw):
        raise ImportRefusedError(
            f"{name}: give either 'coordinates' (one column) or both 'lat' and 'lon'"
        )
    columns = {role: str(raw[role]) for role in _PLAIN_ROLES if raw.get(role)}
    times = {}
    for role in _TIME_ROLES:
        spec = raw.get(role)
        if not spec:
            continue
        if isinstance(spec, dict):
            if "column" not in spec or set(spec) - {"column", "timezone", "format"}:
                raise ImportRefusedError(f"{name}: columns.{role} takes column, timezone, format")
            own_zone = check_timezone(str(spec.get("timezone", zone)))
            form = spec.get("format", time_format)
            times[role] = TimeColumn(
                str(spec["column"]), own_zone, None if form is None else str(form)
            )
        else:
            form = None if time_format is None else str(time_format)
            times[role] = TimeColumn(str(spec), zone, form)
    return columns, times


def _values(raw: object, name: str) -> dict[str, dict[str, str | int]]:
    """The value maps, keys normalised; each target checked against what it maps to."""
    if not isinstance(raw, dict):
        raise ImportRefusedError(f"{name}: 'values' must map roles ({', '.join(_VALUE_ROLES)}) "
                                 "to {{log value: ours}}")  # fmt: skip
    unknown = sorted(set(raw) - set(_VALUE_ROLES))
    if unknown:
        raise ImportRefusedError(
            f"{name}: values for {unknown} cannot be mapped; mappable: {', '.join(_VALUE_ROLES)}"
        )
    outcomes = {EMERGENCY_OUTCOME} | {c.value for c in IncidentCategory} - {
        c.value for c in EMERGENCY_CATEGORIES
    }
    result: dict[str, dict[str, str | int]] = {}
    for role, table in raw.items():
        if not isinstance(table, dict) or not table:
            raise ImportRefusedError(f"{name}: values.{role} must map log values to ours")
        checked: dict[str, str | int] = {}
        for value, ours in table.items():
            where = f"values.{role}.{value}"
            if role == "priority":
                checked[category_key(value)] = _priority(ours, name, where)
            elif role == "outcome" and str(ours) not in outcomes:
                raise ImportRefusedError(
                    f"{name}: {where}: '{ours}' is not an outcome; known: "
                    f"{', '.join(sorted(outcomes))}"
                )
            else:
                checked[category_key(value)] = str(ours)
        result[str(role)] = checked
    return result


def _categories(raw: object, name: str) -> dict[str, IncidentCategory]:
    if not isinstance(raw, dict) or not raw:
        raise ImportRefusedError(f"{name}: 'categories' must map the log's categories to ours")
    known = {category.value for category in IncidentCategory}
    result = {}
    for value, ours in raw.items():
        if str(ours) not in known:
            raise ImportRefusedError(
                f"{name}: categories.{value}: '{ours}' is not a Tanggap category; known: "
                f"{', '.join(sorted(known))}"
            )
        result[category_key(value)] = IncidentCategory(str(ours))
    return result


def _priorities(raw: object, name: str) -> dict[IncidentCategory, int]:
    if not isinstance(raw, dict):
        raise ImportRefusedError(f"{name}: 'priorities' must map categories to 1..4")
    result = {}
    for category, value in raw.items():
        if category not in IncidentCategory.__members__.values():
            raise ImportRefusedError(f"{name}: priorities.{category} is not a Tanggap category")
        result[IncidentCategory(category)] = _priority(value, name, f"priorities.{category}")
    return result


def _priority(value: object, name: str, key: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4:
        return value
    raise ImportRefusedError(f"{name}: {key} must be 1 (critical) … 4 (low), not {value!r}")
