"""Posko from a file: a CSV with latitude/longitude or any vector file, mapped to agencies.

Each posko belongs to one agency (OPD) of the city, one per kind, created when missing with
the codes the demo city uses (PSC119, DAMKAR, POLRES, BPBD…). The kind comes from
``agency`` (one kind for the whole file) or from keywords in the row's name or type
(:data:`KIND_KEYWORDS`: "rumah sakit", "puskesmas" → PSC 119; "polsek" → police…); a row
whose kind cannot be told is rejected. A posko keeps its code across imports: the file's
code column, else a code derived from its name and position, so the same file imported
twice changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import Connection

from geodata.agencies import AGENCY_FOR_KIND, KIND_KEYWORDS, agencies_for, kind_from_text
from geodata.importers.cities import CityRecord, audit_import, require_city
from geodata.importers.city_area import DEFAULT_MARGIN_M, CityArea
from geodata.importers.outcome import ImportOutcome, ImportRefusedError, Reject
from geodata.importers.rejects import finish
from geodata.importers.sources import SourceFile
from geodata.importers.tables import TABLE_SUFFIXES, is_blank, read_table, require_columns
from geodata.importers.vector_files import read_vector
from geodata.load.responder_store import upsert_agencies, upsert_stations
from geodata.vocabulary import AgencyKind

__all__ = [
    "AGENCY_FOR_KIND",
    "KIND_KEYWORDS",
    "StationFields",
    "agencies_for",
    "import_stations",
    "kind_from_text",
    "prepare_stations",
    "store_stations",
]

_NAME_COLUMNS = ("name", "nama", "toponim", "nama_objek", "namobj")
_LAT_COLUMNS = ("lat", "latitude", "lintang", "y")
_LON_COLUMNS = ("lon", "lng", "long", "longitude", "bujur", "x")


@dataclass(frozen=True)
class StationFields:
    """Which columns hold what; None: found by usual names (name/nama/toponim, lat/lon…)."""

    name: str | None = None
    code: str | None = None
    kind: str | None = None
    lat: str | None = None
    lon: str | None = None
    agency: AgencyKind | None = None


def station_code(name: str, lon: float, lat: float) -> str:
    """A stable code for a posko without one: its name, and a hash of name and position."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]
    digest = hashlib.sha1(f"{name}|{lon:.6f}|{lat:.6f}".encode(), usedforsecurity=False)
    return f"{slug}-{digest.hexdigest()[:8]}"


def prepare_stations(
    source: SourceFile, fields: StationFields, city: CityArea
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, list[Reject], list[str]]:
    """Read posko from ``source``: (stations, source rows, rejects, warnings).

    stations: station_code, name, kind, row, geometry (EPSG:4326), only rows that passed.
    """
    warnings: list[str] = []
    path = source.path
    if path.suffix.lower() in TABLE_SUFFIXES:
        rows = read_table(path, sheet=source.sheet)
        lat = fields.lat or _pick(rows, _LAT_COLUMNS, "latitude", path.name, "--lat-field")
        lon = fields.lon or _pick(rows, _LON_COLUMNS, "longitude", path.name, "--lon-field")
        require_columns(rows, {"latitude": lat, "longitude": lon}, path.name)
        lons, lats, rejects = _numbers(rows, lon, lat)
    else:
        layer = read_vector(path, "point", crs=source.crs, near=city.boundary, layer=source.layer)
        warnings.extend(layer.warnings)
        rejects = list(layer.rejects)
        rows = layer.attributes
        points = shapely.point_on_surface(layer.frame.geometry.to_numpy())
        lons = pd.Series(shapely.get_x(points), index=layer.frame.index)
        lats = pd.Series(shapely.get_y(points), index=layer.frame.index)
    name_column = fields.name or _pick(rows, _NAME_COLUMNS, "name", path.name, "--name-field")
    wanted = {"name": name_column, **({"code": fields.code} if fields.code else {})}
    require_columns(rows, {**wanted, **({"kind": fields.kind} if fields.kind else {})}, path.name)
    records = []
    bad_rows = {r.row for r in rejects}
    problems = city.problems(lons.to_numpy(), lats.to_numpy())
    for row, lon_value, lat_value, problem in zip(lons.index, lons, lats, problems, strict=True):
        if row in bad_rows:
            continue
        found = _station(rows.loc[row], fields, name_column, lon_value, lat_value, problem)
        if isinstance(found, tuple):
            rejects.append(Reject(int(row), *found))
        else:
            records.append({**found, "row": int(row)})
    stations = _deduplicated(records, rejects)
    return stations, rows, rejects, warnings


def _pick(
    rows: pd.DataFrame, candidates: Sequence[str], what: str, source: str, option: str
) -> str:
    lowered = {str(column).lower(): str(column) for column in rows.columns}
    for candidate in candidates:
        if candidate in lowered:
            return lowered[candidate]
    raise ImportRefusedError(
        f"no {what} column in {source} (looked for {', '.join(candidates)}); name it with "
        f"{option}. Its columns are: {', '.join(str(c) for c in rows.columns)}"
    )


def _numbers(rows: pd.DataFrame, lon: str, lat: str) -> tuple[pd.Series, pd.Series, list[Reject]]:
    """Decimal degrees from text (a decimal comma accepted); rejects where not numbers."""
    rejects = []
    values = {}
    for column, role in ((lon, "longitude"), (lat, "latitude")):
        text = rows[column].astype(object).where(rows[column].notna(), "")
        parsed = pd.to_numeric(text.astype(str).str.replace(",", ".", regex=False), errors="coerce")
        for row in parsed.index[parsed.isna()]:
            rejects.append(
                Reject(int(row), column, f"{role} '{_text(rows.at[row, column])}' is not a number")
            )
        values[role] = parsed
    return values["longitude"], values["latitude"], rejects


def _text(value: object) -> str:
    return "" if is_blank(value) else str(value)


def _station(
    record: pd.Series,
    fields: StationFields,
    name_column: str,
    lon: float,
    lat: float,
    problem: str | None,
) -> dict[str, object] | tuple[str, str]:
    """The posko of one row, or the (field, message) that rejects it."""
    name = record.get(name_column)
    if is_blank(name):
        return name_column, "the posko has no name"
    name = str(name).strip()
    if problem is not None:
        return "coordinates", problem
    kind = fields.agency
    if kind is None:
        text = f"{name} {record.get(fields.kind) if fields.kind else ''}"
        kind = kind_from_text(text)
    if kind is None:
        return (
            fields.kind or name_column,
            f"cannot tell the agency of '{name}' (no keyword such as puskesmas, rumah sakit, "
            "polsek, damkar, bpbd): pass --agency, or fix the name",
        )
    code = record.get(fields.code) if fields.code else None
    if fields.code and is_blank(code):
        return fields.code, "the posko has no code"
    return {
        "station_code": str(code).strip() if code else station_code(name, lon, lat),
        "name": name,
        "kind": kind.value,
        "geometry": shapely.Point(lon, lat),
    }


def _deduplicated(records: list[dict[str, object]], rejects: list[Reject]) -> gpd.GeoDataFrame:
    seen: dict[tuple[object, object], int] = {}
    kept = []
    for record in records:
        key = (record["kind"], record["station_code"])
        if key in seen:
            message = f"duplicate of row {seen[key]} (code {record['station_code']})"
            rejects.append(Reject(int(str(record["row"])), "code", message))
            continue
        seen[key] = int(str(record["row"]))
        kept.append(record)
    columns = ["station_code", "name", "kind", "row", "geometry"]
    frame = pd.DataFrame(kept, columns=columns)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=4326)


def store_stations(
    conn: Connection, city: CityRecord, stations: gpd.GeoDataFrame
) -> dict[str, int]:
    """Create the agencies needed and upsert the posko; counts for the summary."""
    agencies = agencies_for(stations["kind"].tolist(), city.name)
    agency_ids = upsert_agencies(conn, city.id, agencies)
    frame = stations.assign(
        agency_code=[AGENCY_FOR_KIND[AgencyKind(kind)][0] for kind in stations["kind"]]
    )
    counts = upsert_stations(conn, agency_ids, frame)
    loaded = {
        "posko new": counts.inserted,
        "posko updated": counts.updated,
        "posko unchanged": counts.unchanged,
    }
    for kind, count in stations["kind"].value_counts().sort_index().items():
        loaded[f"posko of {AGENCY_FOR_KIND[AgencyKind(str(kind))][0]}"] = int(count)
    if counts.inserted or counts.updated:
        audit_import(conn, city.id, "city.import_stations", loaded)
    return loaded


def import_stations(
    conn: Connection,
    source: SourceFile,
    *,
    city_code: str,
    fields: StationFields,
    margin_m: float = DEFAULT_MARGIN_M,
) -> ImportOutcome:
    """Import the posko of ``source`` into the city, inside ``conn``'s transaction."""
    city = require_city(conn, city_code)
    area = CityArea.from_boundary(city.boundary, margin_m)
    stations, rows, rejects, warnings = prepare_stations(source, fields, area)
    loaded = store_stations(conn, city, stations) if len(stations) else {"posko new": 0}
    return finish(loaded, rejects, warnings, rows, source.rejects_path)
