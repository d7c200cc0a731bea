"""The city an import belongs to: found by its Kemendagri code, created or updated once.

``import-osm`` (and ``import-areas`` given a name and time zone) create the city; every
other import needs it to exist, because its boundary is what points and roads are checked
against. Each import that changes something leaves one line in the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, text

from geodata.importers.outcome import ImportRefusedError
from geodata.importers.vector_files import read_vector
from geodata.load.ewkt import as_multipolygon, ewkt
from geodata.operations import audit
from geodata.zones import ZoneError, parse_zone

__all__ = [
    "CREATE_HINT",
    "CityRecord",
    "audit_import",
    "check_timezone",
    "find_city",
    "read_boundary",
    "require_city",
    "upsert_city",
]


#: The command that creates a city, as every "no such city" message shows it.
CREATE_HINT = (
    "tanggap city create --boundary KABKOTA.geojson --code {code} "
    '--city-name "Kota …" --timezone WIB'
)


@dataclass(frozen=True)
class CityRecord:
    """A stored city; ``boundary`` in EPSG:4326."""

    id: int
    code: str
    name: str
    timezone: str
    boundary: BaseGeometry


def check_timezone(timezone: str) -> str:
    """The IANA zone ``timezone`` names (WIB, WITA and WIT accepted), else a refusal."""
    try:
        return parse_zone(timezone)
    except ZoneError as error:
        raise ImportRefusedError(str(error)) from None


def find_city(conn: Connection, code: str) -> CityRecord | None:
    row = conn.execute(
        text(
            "SELECT id, code, name, timezone, ST_AsBinary(boundary) AS boundary "
            "FROM cities WHERE code = :code"
        ),
        {"code": code},
    ).one_or_none()
    if row is None:
        return None
    return CityRecord(row.id, row.code, row.name, row.timezone, shapely.from_wkb(row.boundary))


def require_city(conn: Connection, code: str) -> CityRecord:
    """The city with this code, or a refusal that says how to create it."""
    city = find_city(conn, code)
    if city is None:
        known = conn.execute(text("SELECT code || ' ' || name FROM cities ORDER BY code")).all()
        listing = "; ".join(row[0] for row in known) or "none"
        raise ImportRefusedError(
            f"no city with code {code} is loaded (loaded: {listing}). Create it first with "
            f"`{CREATE_HINT.format(code=code)}` (for a first look, "
            "`tanggap city create --bbox minlon,minlat,maxlon,maxlat …` instead of a file)."
        )
    return city


def upsert_city(
    conn: Connection, code: str, name: str, timezone: str, boundary: BaseGeometry
) -> tuple[CityRecord, str]:
    """Create the city or update its name, zone and boundary: "new", "updated" or "unchanged"."""
    timezone = check_timezone(timezone)
    boundary = as_multipolygon(boundary)
    row = conn.execute(
        text(
            """
            INSERT INTO cities AS c (code, name, timezone, boundary)
            VALUES (:code, :name, :tz, ST_GeomFromEWKT(:boundary))
            ON CONFLICT (code) DO UPDATE SET
                name = EXCLUDED.name, timezone = EXCLUDED.timezone, boundary = EXCLUDED.boundary
            WHERE (c.name, c.timezone, ST_AsEWKB(c.boundary))
                IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.timezone, ST_AsEWKB(EXCLUDED.boundary))
            RETURNING id, (xmax = 0) AS inserted
            """
        ),
        {"code": code, "name": name, "tz": timezone, "boundary": ewkt(boundary)},
    ).one_or_none()
    city = find_city(conn, code)
    assert city is not None
    status = "unchanged" if row is None else "new" if row.inserted else "updated"
    return city, status


def read_boundary(path: Path, *, crs: str | None = None) -> tuple[BaseGeometry, list[str]]:
    """The union of the polygons in ``path`` (a kab/kota outline, or its kecamatan).

    Invalid polygons are repaired (with a warning); a file without a usable polygon is
    refused.
    """
    layer = read_vector(path, "polygon", crs=crs)
    if layer.frame.empty:
        problems = "; ".join(str(reject) for reject in layer.rejects)
        raise ImportRefusedError(f"{path.name} holds no usable polygon: {problems}")
    boundary = shapely.union_all(layer.frame.geometry.to_numpy())
    warnings = [*layer.warnings, *(str(reject) for reject in layer.rejects)]
    return as_multipolygon(boundary), warnings


def audit_import(
    conn: Connection, city_id: int, action: str, details: Mapping[str, object]
) -> None:
    """One audit-log line for an import that changed something."""
    audit.record(
        conn, actor="tanggap import", action=action, entity="city", entity_id=city_id,
        details=details,
    )  # fmt: skip
