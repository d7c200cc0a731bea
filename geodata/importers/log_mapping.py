"""The mapping file of a historical call log: which column is what, and category by category.

A 112 center's export names its columns and categories its own way; the YAML mapping says
how they read in Tanggap. Every key, in an example::

    source: sipd-112-cilegon        # the exporting system: (source, id) never duplicates
    city: "36.72"                   # optional: the city's Kemendagri code (or --city)
    timezone: Asia/Jakarta          # zone of times without an offset (default: the city's)
    time_format: "%d/%m/%Y %H:%M"   # optional; default ISO 8601 (2024-03-01 08:15:00)
    columns:
      external_id: No Tiket
      category: Kategori
      coordinates: Lokasi           # "lat, lon" in one column; or lat: … and lon: …
      priority: Prioritas           # optional, 1 (critical) … 4 (low)
      address: Alamat               # optional, as are en_route_at, on_scene_at,
      caller_phone: No HP           # caller_name (never shown on the wall)
      received_at: Waktu Lapor
      dispatched_at: {column: Waktu Kirim, timezone: Asia/Makassar}
      cleared_at: Waktu Selesai
      units: Unit                   # call signs separated by , ; or /
    coordinate_order: lat,lon       # of the one-column form (default lat,lon)
    categories:                     # every category of the log: trimmed, any case
      KEBAKARAN: fire
      KECELAKAAN LALU LINTAS: traffic_accident
    priorities: {fire: 1}           # where the log has no priority column …
    default_priority: 3             # … else this, else 2 for emergencies and 4 for others
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from geodata.importers.cities import check_timezone
from geodata.importers.outcome import ImportRefusedError
from geodata.operations.incidents import LIFECYCLE_COLUMNS
from geodata.vocabulary import EMERGENCY_CATEGORIES, IncidentCategory

__all__ = [
    "LogMapping",
    "TimeColumn",
    "category_key",
    "default_priority",
    "parse_mapping",
    "read_mapping_file",
]

_TOP_KEYS = {
    "source", "city", "timezone", "time_format", "coordinate_order", "columns",
    "categories", "priorities", "default_priority",
}  # fmt: skip
_PLAIN_ROLES = {
    "external_id", "category", "priority", "address", "coordinates", "lat", "lon", "units",
    "caller_name", "caller_phone",
}  # fmt: skip
_REQUIRED_ROLES = ("external_id", "category", "received_at")


def default_priority(category: IncidentCategory) -> int:
    """Priority when neither the log nor the mapping gives one: 2 for emergencies, else 4."""
    return 2 if category in EMERGENCY_CATEGORIES else 4


def category_key(value: object) -> str:
    """How source categories are compared: trimmed, case and inner spaces ignored."""
    return " ".join(str(value).split()).casefold()


@dataclass(frozen=True)
class TimeColumn:
    """A lifecycle time's column, with its own zone and format where they differ."""

    column: str
    timezone: str
    format: str | None


@dataclass(frozen=True)
class LogMapping:
    """A validated mapping; ``columns`` holds the non-time roles, ``times`` the lifecycle."""

    source: str
    city: str | None
    columns: Mapping[str, str]
    times: Mapping[str, TimeColumn]
    categories: Mapping[str, IncidentCategory]
    priorities: Mapping[IncidentCategory, int]
    default_priority: int | None
    lat_first: bool

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
    columns, times = _columns(data.get("columns"), name, str(zone), data.get("time_format"))
    order = str(data.get("coordinate_order", "lat,lon")).replace(" ", "").lower()
    if order not in ("lat,lon", "lon,lat"):
        raise ImportRefusedError(f"{name}: coordinate_order must be 'lat,lon' or 'lon,lat'")
    fixed = data.get("default_priority")
    return LogMapping(
        source=source,
        city=None if data.get("city") is None else str(data["city"]),
        columns=columns,
        times=times,
        categories=_categories(data.get("categories"), name),
        priorities=_priorities(data.get("priorities") or {}, name),
        default_priority=None if fixed is None else _priority(fixed, name, "default_priority"),
        lat_first=order == "lat,lon",
    )


def _columns(
    raw: object, name: str, zone: str, time_format: object
) -> tuple[dict[str, str], dict[str, TimeColumn]]:
    if not isinstance(raw, dict):
        raise ImportRefusedError(f"{name}: 'columns' must map roles to column names")
    known = _PLAIN_ROLES | set(LIFECYCLE_COLUMNS)
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
    for role in LIFECYCLE_COLUMNS:
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
    if isinstance(value, int) and 1 <= value <= 4:
        return value
    raise ImportRefusedError(f"{name}: {key} must be 1 (critical) … 4 (low), not {value!r}")
