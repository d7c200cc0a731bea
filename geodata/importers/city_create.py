"""``city create``: a city from its boundary alone (a Kemendagri kab/kota polygon, or a box).

The boundary is read with :func:`geodata.importers.cities.read_boundary` (GeoJSON, GPKG,
zipped Shapefile, any CRS; invalid polygons repaired with ``make_valid``) and must lie in
Indonesia: a boundary written as latitude, longitude is caught and named. The city gets its
standard agencies (PSC 119, Damkar, BPBD, Polres, Dishub, Basarnas) at once, so its fleet
can be imported next; kecamatan, kelurahan, roads and posko come later with the other
``city import-*`` commands. Run again with the same code, it changes only what differs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection

from geodata.coordinates import INDONESIA_BBOX, CoordinateError, check_lon_lat
from geodata.importers.cities import audit_import, check_timezone, read_boundary, upsert_city
from geodata.importers.outcome import ImportOutcome, ImportRefusedError
from geodata.importers.sources import SourceFile
from geodata.load.responder_store import create_standard_agencies

__all__ = ["NewCity", "bbox_boundary", "check_in_indonesia", "create_city"]


@dataclass(frozen=True)
class NewCity:
    """What names a city: Kemendagri code (``36.72``), name, and zone (WIB/WITA/WIT or IANA)."""

    code: str
    name: str
    timezone: str


def bbox_boundary(text: str) -> BaseGeometry:
    """The box ``minlon,minlat,maxlon,maxlat`` (degrees) as a polygon, or a refusal."""
    parts = [part.strip() for part in text.split(",")]
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ImportRefusedError(
            f"--bbox '{text}': give four numbers, minlon,minlat,maxlon,maxlat "
            "(e.g. --bbox 105.26,-5.18,105.36,-5.05)"
        )
    min_lon, min_lat, max_lon, max_lat = values
    if min_lon >= max_lon or min_lat >= max_lat:
        raise ImportRefusedError(
            f"--bbox '{text}': the minimum must come before the maximum, longitude first: "
            "minlon,minlat,maxlon,maxlat"
        )
    return shapely.box(min_lon, min_lat, max_lon, max_lat)


def check_in_indonesia(boundary: BaseGeometry, source: str) -> None:
    """Refuse a boundary not wholly in Indonesia (lon 94–141.5, lat −11.5–6.5), saying when
    its coordinates look swapped (latitude written first)."""
    min_lon, min_lat, max_lon, max_lat = boundary.bounds
    for lon, lat in ((min_lon, min_lat), (max_lon, max_lat)):
        try:
            check_lon_lat(lon, lat, INDONESIA_BBOX)
        except CoordinateError as error:
            raise ImportRefusedError(
                f"{source} lies at longitude {min_lon:.4f}…{max_lon:.4f}, latitude "
                f"{min_lat:.4f}…{max_lat:.4f}, not in Indonesia: {error}"
            ) from None


def create_city(
    conn: Connection,
    city: NewCity,
    *,
    boundary: SourceFile | None = None,
    bbox: str | None = None,
) -> ImportOutcome:
    """Create (or update) ``city`` from ``boundary`` or ``bbox``, inside ``conn``'s transaction.

    Exactly one of ``boundary`` and ``bbox`` is given. Nothing is written when refused.
    """
    if (boundary is None) == (bbox is None):
        raise ImportRefusedError("give the city's outline: --boundary FILE or --bbox …")
    timezone = check_timezone(city.timezone)
    if not city.code.strip() or not city.name.strip():
        raise ImportRefusedError("--code and --city-name must not be empty")
    warnings: list[str] = []
    if boundary is not None:
        outline, warnings = read_boundary(boundary.path, crs=boundary.crs)
        source = boundary.path.name
    else:
        outline, source = bbox_boundary(str(bbox)), f"--bbox {bbox}"
    check_in_indonesia(outline, source)
    record, status = upsert_city(conn, city.code.strip(), city.name.strip(), timezone, outline)
    agencies = create_standard_agencies(conn, record.id, record.name)
    loaded = {f"city {status}": 1, "agencies new": agencies}
    if status != "unchanged" or agencies:
        audit_import(conn, record.id, "city.create", {**loaded, "source": source})
    return ImportOutcome(loaded, (), tuple(warnings))
