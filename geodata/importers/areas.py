"""Kecamatan and kelurahan/desa polygons from an official boundary file, upserted by code.

Checks per feature: a code and a name, a population that is a whole number, no code twice,
a polygon that is valid (repaired with a warning otherwise) and mostly inside the city
(:data:`MIN_SHARE_INSIDE`). Re-importing upserts by code, links kelurahan to their
kecamatan, and re-resolves the kelurahan of stored incidents.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection

from geodata.importers.cities import (
    CREATE_HINT,
    CityRecord,
    audit_import,
    check_timezone,
    find_city,
    upsert_city,
)
from geodata.importers.city_area import local_utm
from geodata.importers.outcome import ImportOutcome, ImportRefusedError, Reject
from geodata.importers.rejects import finish
from geodata.importers.sources import SourceFile
from geodata.importers.tables import is_blank, require_columns
from geodata.importers.vector_files import read_vector
from geodata.load.area_store import (
    link_orphan_kelurahan,
    resolve_incident_areas,
    upsert_areas,
)

__all__ = [
    "LEVELS",
    "MIN_SHARE_INSIDE",
    "AreaFields",
    "AreaLevel",
    "import_areas",
    "prepare_areas",
]


class AreaLevel(StrEnum):
    """The two levels of areas below a kab/kota (desa count as kelurahan)."""

    KECAMATAN = "kecamatan"
    KELURAHAN = "kelurahan"


LEVELS = tuple(level.value for level in AreaLevel)
#: Share of an area's surface that must lie inside the city boundary (boundaries from
#: different sources disagree by a few percent along their edges).
MIN_SHARE_INSIDE = 0.5


@dataclass(frozen=True)
class AreaFields:
    """Columns of the boundary file: name, code, population and (kelurahan) kecamatan code."""

    name: str
    code: str
    population: str | None = None
    parent: str | None = None


def prepare_areas(
    layer_frame: gpd.GeoDataFrame, fields: AreaFields, boundary: object | None, level: str
) -> tuple[gpd.GeoDataFrame, list[Reject]]:
    """Check each feature; return areas (code, name, population, parent_code, geometry)."""
    rejects: list[Reject] = []
    share = _share_inside(layer_frame, boundary)
    seen: dict[str, int] = {}
    records = []
    for row, record in layer_frame.iterrows():
        problems = _problems(record, fields, share.get(row))
        code = _code(record.get(fields.code))
        if code and code in seen:
            problems.append((fields.code, f"code {code} already used by row {seen[code]}"))
        if problems:
            rejects.extend(Reject(int(str(row)), field, message) for field, message in problems)
            continue
        seen[str(code)] = int(str(row))
        population = record.get(fields.population) if fields.population else None
        records.append(
            {
                "code": code,
                "name": str(record[fields.name]).strip(),
                "population": None if is_blank(population) else int(float(str(population))),
                "parent_code": _code(record.get(fields.parent)) if fields.parent else None,
                "geometry": record.geometry,
            }
        )
    columns = ["code", "name", "population", "parent_code", "geometry"]
    areas = gpd.GeoDataFrame(pd.DataFrame(records, columns=columns), geometry="geometry", crs=4326)
    if level == "kecamatan":
        areas = areas.drop(columns="parent_code")
    return areas, rejects


def _code(value: object) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def _problems(record: pd.Series, fields: AreaFields, share: float | None) -> list[tuple[str, str]]:
    problems = []
    if _code(record.get(fields.code)) is None:
        problems.append((fields.code, "the code is empty"))
    if is_blank(record.get(fields.name)):
        problems.append((fields.name, "the name is empty"))
    if fields.population and not is_blank(population := record.get(fields.population)):
        try:
            number = float(str(population).replace(",", ""))
            if number < 0 or not number.is_integer():
                raise ValueError
        except ValueError:
            problems.append((fields.population, f"'{population}' is not a number of people"))
    if share is not None and share < MIN_SHARE_INSIDE:
        problems.append(("geometry", f"only {share:.0%} of it lies inside the city boundary"))
    return problems


def _share_inside(frame: gpd.GeoDataFrame, boundary: object | None) -> dict[object, float]:
    if boundary is None or frame.empty:
        return {}
    utm = local_utm(frame.geometry.union_all())
    areas = frame.geometry.to_crs(utm)
    city = gpd.GeoSeries([boundary], crs=4326).to_crs(utm).iloc[0]
    inside = shapely.area(shapely.intersection(areas.to_numpy(), city))
    total = np.maximum(shapely.area(areas.to_numpy()), 1e-9)
    return dict(zip(frame.index, (inside / total).tolist(), strict=True))


def import_areas(
    conn: Connection,
    source: SourceFile,
    *,
    city_code: str,
    level: str,
    fields: AreaFields,
    create: tuple[str, str] | None = None,
) -> ImportOutcome:
    """Import the ``level`` areas of ``source`` into the city, inside ``conn``'s transaction.

    ``create`` = (name, time zone) creates the city when missing, its boundary the union of
    the areas imported.
    """
    if level not in LEVELS:
        raise ImportRefusedError(f"--level must be kecamatan or kelurahan, not '{level}'")
    if create is not None:
        create = (create[0], check_timezone(create[1]))
    city = find_city(conn, city_code)
    if city is None and create is None:
        raise ImportRefusedError(
            f"no city with code {city_code} is loaded: create it from its boundary first "
            f"(`{CREATE_HINT.format(code=city_code)}`), or pass --city-name (and --timezone) "
            "to make it from these areas"
        )
    path = source.path
    layer = read_vector(
        path, "polygon", crs=source.crs, near=city.boundary if city else None, layer=source.layer
    )
    wanted = {"name": fields.name, "code": fields.code}
    wanted |= {"population": fields.population} if fields.population else {}
    wanted |= {"kecamatan code": fields.parent} if fields.parent else {}
    require_columns(layer.attributes, wanted, path.name)
    areas, rejects = prepare_areas(layer.frame, fields, city.boundary if city else None, level)
    loaded: dict[str, int] = {}
    if city is None:
        assert create is not None
        if areas.empty:
            raise ImportRefusedError(f"{path.name}: no usable area to make the city from")
        boundary = shapely.union_all(areas.geometry.to_numpy())
        city, _ = upsert_city(conn, city_code, create[0], create[1], boundary)
        loaded["city new"] = 1
    loaded |= _store(conn, city, level, areas)
    return finish(
        loaded, [*layer.rejects, *rejects], layer.warnings, layer.attributes, source.rejects_path
    )


def _store(
    conn: Connection, city: CityRecord, level: str, areas: gpd.GeoDataFrame
) -> dict[str, int]:
    counts = upsert_areas(conn, city.id, level, areas)
    loaded = {
        f"{level} new": counts.inserted,
        f"{level} updated": counts.updated,
        f"{level} unchanged": counts.unchanged,
    }
    if level == "kecamatan":
        loaded["kelurahan linked to their kecamatan"] = link_orphan_kelurahan(conn, city.id)
    elif counts.inserted or counts.updated:
        loaded["incidents moved to another kelurahan"] = resolve_incident_areas(conn, city.id)
    changed = {k: v for k, v in loaded.items() if not k.endswith("unchanged")}
    if any(changed.values()):
        audit_import(conn, city.id, f"city.import_areas.{level}", loaded)
    return loaded
