"""``import-osm``: a city from an OpenStreetMap extract and a boundary file, in one go.

The boundary (a kab/kota outline or its kecamatan, any CRS) creates or updates the city;
the extract's drivable ways within the boundary plus a margin become its routable network
(split at shared nodes, one-way streets kept, largest strongly connected component); its
fire stations, hospitals, clinics, puskesmas, police and BPBD offices become posko.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from sqlalchemy import Connection

from geodata.importers.cities import check_timezone, read_boundary, upsert_city
from geodata.importers.city_area import DEFAULT_MARGIN_M, CityArea
from geodata.importers.osm import read_osm
from geodata.importers.outcome import ImportOutcome, Progress, no_progress
from geodata.importers.road_network import build_network
from geodata.importers.roads import network_summary, store_network
from geodata.importers.sources import SourceFile
from geodata.importers.stations import store_stations

__all__ = ["CityIdentity", "import_osm"]


@dataclass(frozen=True)
class CityIdentity:
    """Kemendagri code (e.g. 36.72), name and IANA time zone of a city."""

    code: str
    name: str
    timezone: str


def import_osm(
    conn: Connection,
    extract: SourceFile,
    *,
    boundary: SourceFile,
    city: CityIdentity,
    margin_m: float = DEFAULT_MARGIN_M,
    progress: Progress = no_progress,
) -> ImportOutcome:
    """Create or update ``city`` from ``extract`` (.osm.pbf) and ``boundary``, in one transaction.

    Re-importing the same files changes nothing; a newer extract replaces the network and
    upserts the posko (by their OSM ids).
    """
    check_timezone(city.timezone)
    progress("reading the boundary", 0, 5)
    outline, warnings = read_boundary(boundary.path, crs=boundary.crs)
    area = CityArea.from_boundary(outline, margin_m)
    progress("reading the OSM extract", 1, 5)
    osm = read_osm(extract.path, area.area)
    progress("splitting ways at shared nodes; finding components", 2, 5)
    network = build_network(osm.ways, utm=area.utm, clip=area.area)
    progress("writing the city and its network", 3, 5)
    record, status = upsert_city(conn, city.code, city.name, city.timezone, outline)
    loaded = {f"city {status}": 1, **network_summary(network)}
    loaded["ways not driven (highway kind)"] = sum(osm.skipped_highways.values())
    loaded |= store_network(conn, record, network, "city.import_osm")
    progress("writing the posko", 4, 5)
    facilities = osm.facilities
    points = shapely.get_coordinates(facilities.geometry.to_numpy())
    inside = [problem is None for problem in area.problems(points[:, 0], points[:, 1])]
    stations = facilities.loc[inside]
    loaded["facilities outside the city and margin"] = len(facilities) - len(stations)
    if len(stations):
        loaded |= store_stations(conn, record, stations)
    progress("done", 5, 5)
    details: dict[str, object] = {"skipped_highways": osm.skipped_highways}
    return ImportOutcome(loaded, (), tuple(warnings), None, details)
