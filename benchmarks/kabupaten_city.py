"""A seeded Kabupaten Tangerang-sized benchmark city, in the database and as an .osm.pbf.

About 250,000 road edges over 1,000 km² (a jittered street grid with a road hierarchy,
:func:`benchmarks.synthetic_city.grid_network`, spaced ~89 m), 3 million residents in 29
kecamatan and 270 kelurahan (Voronoi cells), 120 posko of eight agencies, 1,000 units, one
year of 1,000,000 calls (category mix and priorities of the demo generator,
:mod:`geodata.demo`) of which the last 10,000, a flood surge over the last six hours, are
still open. ``--scale`` shrinks every count (edges, people, posko, units, calls) for quick
runs. The same (seed, scale, end) always gives the same city.

One command builds it::

    .venv/bin/python benchmarks/kabupaten_city.py --out DIR [--scale 1.0] [--database-url URL]

writing ``DIR/kabupaten.osm.pbf`` (the same network as OSM ways, posko as amenity nodes) and
``DIR/boundary.geojson`` for ``tanggap city import-osm``, and, with ``--database-url``,
loading the city into that (migrated) database. Nothing it writes is committed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Polygon, box
from sqlalchemy import Engine, create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_city import grid_network  # noqa: E402
from geodata.db.copy import copy_rows  # noqa: E402
from geodata.demo import CATEGORY_SHARES, PRIORITY_SHARES  # noqa: E402
from geodata.load.city_load import load_city  # noqa: E402

__all__ = ["KabupatenCity", "generate", "load", "write_osm_pbf"]

CODE, NAME, TIMEZONE = "98.98", "Kabupaten Uji Tanggap (sintetis)", "Asia/Jakarta"
ORIGIN = (106.40, -6.30)  # south-west corner, near Kabupaten Tangerang
#: Full-size counts, each multiplied by --scale.
EDGES, PEOPLE, KECAMATAN, KELURAHAN = 250_000, 3_000_000, 29, 270
POSKO, UNITS, CALLS, OPEN_CALLS = 120, 1_000, 1_000_000, 10_000
AREA_KM2 = 1_000.0
SURGE_HOURS = 6
#: Posko per agency (shares of POSKO) and the units' vehicle profile and capability.
AGENCIES = (  # code, name, kind, share of posko, profile, capability
    ("PSC119", "PSC 119 Dinas Kesehatan", "ambulance", 0.25, "ambulance", "BLS"),
    ("RSUD", "RSUD", "ambulance", 0.05, "ambulance", "ALS"),
    ("DAMKAR", "Dinas Pemadam Kebakaran", "fire", 0.15, "fire_engine", "pumper"),
    ("POLRES", "Polres dan Polsek", "police", 0.30, "car", "patrol"),
    ("BPBD", "BPBD", "disaster", 0.08, "car", "rescue"),
    ("BASARNAS", "Pos SAR Basarnas", "sar", 0.04, "car", "water_rescue"),
    ("DISHUB", "Dinas Perhubungan", "transport", 0.07, "car", "patrol"),
    ("SATPOLPP", "Satpol PP", "other", 0.06, "car", "patrol"),
)
OSM_HIGHWAY = {"arterial": "primary", "collector": "secondary", "local": "unclassified",
               "residential": "residential"}  # fmt: skip
OSM_AMENITY = {"ambulance": ("amenity", "clinic"), "fire": ("amenity", "fire_station"),
               "police": ("amenity", "police")}  # fmt: skip
SURGE_CATEGORIES = {"flood": 0.45, "health": 0.25, "traffic_accident": 0.15, "fire": 0.05,
                    "other_rescue": 0.05, "search_rescue": 0.05}  # fmt: skip
INCIDENT_COLUMNS = (
    "city_id", "source", "external_id", "category", "priority", "status", "geom", "area_id",
    "received_at", "dispatched_at", "en_route_at", "on_scene_at", "cleared_at", "updated_at",
)  # fmt: skip


@dataclass(frozen=True)
class KabupatenCity:
    """The city as :class:`geodata.load.city_load.CityBundle` frames (EPSG:4326); the calls
    are kept as arrays (``calls``) and copied in bulk by :func:`load`."""

    name: str
    code: str
    timezone: str
    boundary: Polygon
    kecamatan: gpd.GeoDataFrame
    kelurahan: gpd.GeoDataFrame
    road_nodes: gpd.GeoDataFrame
    road_edges: gpd.GeoDataFrame
    agencies: pd.DataFrame
    stations: gpd.GeoDataFrame
    units: pd.DataFrame
    incidents: gpd.GeoDataFrame  # empty: see ``calls``
    dispatches: pd.DataFrame
    calls: pd.DataFrame  # category, priority, status, lon, lat, received_at … cleared_at
    end: datetime


def generate(seed: int = 36, *, scale: float = 1.0, end: datetime | None = None) -> KabupatenCity:
    """Build the city; ``end`` (default now, to the hour) is when its year of calls ends."""
    end = end or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    road_rng, area_rng, posko_rng, call_rng = np.random.default_rng(seed).spawn(4)
    side = round((EDGES * scale / (2 * 0.9775)) ** 0.5)
    spacing_deg = (AREA_KM2 * scale) ** 0.5 * 1000 / side / 110_600
    nodes, edges = grid_network(side, int(road_rng.integers(1 << 31)), spacing_deg=spacing_deg,
                                origin=ORIGIN)  # fmt: skip
    x0, y0, x1, y1 = shapely.total_bounds(nodes.geometry.to_numpy())
    boundary = box(x0 - spacing_deg / 2, y0 - spacing_deg / 2, x1 + spacing_deg / 2,
                   y1 + spacing_deg / 2)  # fmt: skip
    kecamatan, kelurahan = _areas(boundary, scale, area_rng)
    agencies, stations, units = _responders(nodes, edges, scale, posko_rng)
    calls = _calls(edges, scale, end, call_rng)
    return KabupatenCity(
        NAME, CODE, TIMEZONE, boundary, kecamatan, kelurahan, nodes, edges, agencies, stations,
        units, gpd.GeoDataFrame({"external_id": []}, geometry=[], crs=4326),
        pd.DataFrame(columns=["external_id", "call_sign", "assigned_by", "assigned_at",
                              "en_route_at", "on_scene_at", "cleared_at"]),
        calls, end,
    )  # fmt: skip


def _areas(
    boundary: Polygon, scale: float, rng: np.random.Generator
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Kelurahan: Voronoi cells of spread seeds; kecamatan: kelurahan grouped to 29 seeds."""
    n_kel = max(int(KELURAHAN * scale**0.5), 8)
    n_kec = max(int(KECAMATAN * scale**0.5), 3)
    x0, y0, x1, y1 = boundary.bounds
    seeds = rng.uniform((x0, y0), (x1, y1), (n_kel, 2))
    for _ in range(3):  # Lloyd relaxation: cells of similar size
        cells = _voronoi(seeds, boundary)
        seeds = shapely.get_coordinates(shapely.centroid(cells))
    cells = _voronoi(seeds, boundary)
    order = np.lexsort((seeds[:, 0], -seeds[:, 1]))  # codes read north to south, west to east
    cells, seeds = cells[order], seeds[order]
    hubs = rng.uniform((x0, y0), (x1, y1), (3, 2))  # three town centres: denser near them
    near = np.min(np.hypot(*(seeds[:, None, :] - hubs[None, :, :]).transpose(2, 0, 1)), axis=1)
    weight = (0.15 + np.exp(-near / 0.06)) * rng.lognormal(0, 0.2, n_kel)
    population = np.floor(weight / weight.sum() * PEOPLE * scale).astype(np.int64)
    kec_seeds = seeds[rng.choice(n_kel, n_kec, replace=False)]
    owner = np.argmin(((seeds[:, None, :] - kec_seeds[None]) ** 2).sum(axis=2), axis=1)
    _, owner = np.unique(owner, return_inverse=True)
    kec_codes = np.array([f"{CODE}.{k + 1:02d}" for k in range(owner.max() + 1)])
    kelurahan = gpd.GeoDataFrame(
        {"code": [f"{kec_codes[k]}.{2001 + i}" for i, k in enumerate(owner)],
         "name": [f"Desa Uji {i + 1}" for i in range(n_kel)],
         "kecamatan_code": kec_codes[owner], "population": population},
        geometry=cells, crs=4326,
    )  # fmt: skip
    kecamatan = kelurahan.dissolve(by="kecamatan_code", aggfunc={"population": "sum"})
    kecamatan = gpd.GeoDataFrame(
        {"code": kecamatan.index.to_numpy(),
         "name": [f"Kecamatan Uji {k + 1}" for k in range(len(kecamatan))],
         "population": kecamatan["population"].to_numpy()},
        geometry=kecamatan.geometry.to_numpy(), crs=4326,
    )  # fmt: skip
    return kecamatan, kelurahan


def _voronoi(seeds: np.ndarray, boundary: Polygon) -> np.ndarray:
    """Voronoi cells of ``seeds`` clipped to ``boundary``, in the order of the seeds."""
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=boundary)
    )
    tree = shapely.STRtree(cells)
    seed_index, cell_index = tree.query(shapely.points(seeds), predicate="within")
    ordered = np.empty(len(seeds), dtype=object)
    ordered[seed_index] = cells[cell_index]
    return shapely.intersection(ordered, boundary)


def _responders(
    nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame, scale: float, rng: np.random.Generator
) -> tuple[pd.DataFrame, gpd.GeoDataFrame, pd.DataFrame]:
    """Posko on nodes of arterials and collectors; units spread over their agency's posko."""
    major = edges.loc[edges["road_class"].isin(["arterial", "collector"]), "source"].unique()
    n_posko, n_units = max(int(POSKO * scale), len(AGENCIES)), max(int(UNITS * scale), 16)
    shares = np.array([a[3] for a in AGENCIES])
    per_agency = np.maximum(np.round(shares / shares.sum() * n_posko).astype(int), 1)
    units_per_agency = np.maximum(np.round(per_agency / per_agency.sum() * n_units), 2)
    chosen = rng.choice(major, per_agency.sum(), replace=False)
    node_points = nodes.set_index("node_id").geometry
    station_rows, unit_rows, start = [], [], 0
    for (code, _name, _kind, _share, profile, capability), count, fleet in zip(
        AGENCIES, per_agency, units_per_agency.astype(int), strict=True
    ):
        codes = [f"{code}-{i + 1:03d}" for i in range(count)]
        station_rows += [(c, f"Posko {code} {i + 1}", code, node_points.loc[chosen[start + i]])
                         for i, c in enumerate(codes)]  # fmt: skip
        start += count
        unit_rows += [(f"{code}-{u + 1:04d}", code, codes[u % count], capability, profile,
                       "available") for u in range(fleet)]  # fmt: skip
    agencies = pd.DataFrame([(a[0], f"{a[1]} {NAME}", a[2]) for a in AGENCIES],
                            columns=["agency_code", "name", "kind"])  # fmt: skip
    station_columns = ["station_code", "name", "agency_code"]
    stations = gpd.GeoDataFrame(
        pd.DataFrame([r[:3] for r in station_rows], columns=station_columns),
        geometry=[r[3] for r in station_rows], crs=4326,
    )  # fmt: skip
    unit_columns = ["call_sign", "agency_code", "station_code", "capability", "vehicle_profile",
                    "status"]  # fmt: skip
    units = pd.DataFrame(unit_rows, columns=unit_columns)
    return agencies, stations, units


def _calls(
    edges: gpd.GeoDataFrame, scale: float, end: datetime, rng: np.random.Generator
) -> pd.DataFrame:
    """A year of cleared calls plus the open surge, arrays only (no Python loop per call)."""
    n_open = max(int(OPEN_CALLS * scale), 50)
    n_past = max(int(CALLS * scale), 1000) - n_open
    end_s = int(end.timestamp())
    categories = np.array([c.value for c in CATEGORY_SHARES])
    shares = np.array(list(CATEGORY_SHARES.values()))
    past_category = rng.choice(categories, n_past, p=shares / shares.sum())
    surge = list(SURGE_CATEGORIES)
    open_category = rng.choice(surge, n_open, p=list(SURGE_CATEGORIES.values()))
    category = np.concatenate([past_category, open_category])
    received = np.concatenate([
        np.sort(rng.integers(end_s - 365 * 86_400, end_s - SURGE_HOURS * 3600, n_past)),
        np.sort(rng.integers(end_s - SURGE_HOURS * 3600, end_s, n_open)),
    ])  # fmt: skip
    priority = np.full(len(category), 4)
    for emergency, cuts in PRIORITY_SHARES.items():
        rows = category == emergency.value
        priority[rows] = (rng.random(rows.sum())[:, None] >= np.cumsum(cuts)).sum(axis=1) + 1
    priority = np.minimum(priority, 4)
    chosen = edges.geometry.to_numpy()[rng.integers(0, len(edges), len(category))]
    points = shapely.line_interpolate_point(chosen, rng.uniform(0, 1, len(category)),
                                            normalized=True)  # fmt: skip
    xy = shapely.get_coordinates(points) + rng.uniform(-1, 1, (len(category), 2)) * 15 / 110_600
    served = np.isin(category, [c.value for c in PRIORITY_SHARES])
    dispatched = received + rng.lognormal(np.log(90), 0.5, len(category)).astype(np.int64)
    en_route = dispatched + rng.lognormal(np.log(60), 0.5, len(category)).astype(np.int64)
    on_scene = en_route + rng.lognormal(np.log(540), 0.45, len(category)).astype(np.int64)
    cleared = on_scene + rng.lognormal(np.log(1800), 0.6, len(category)).astype(np.int64)
    cleared = np.where(served, cleared, received + 60)
    is_open = np.arange(len(category)) >= n_past
    frame = pd.DataFrame({"category": category, "priority": priority, "lon": xy[:, 0],
                          "lat": xy[:, 1]})  # fmt: skip
    for column, seconds in (("received_at", received), ("dispatched_at", dispatched),
                            ("en_route_at", en_route), ("on_scene_at", on_scene),
                            ("cleared_at", cleared)):  # fmt: skip
        keep = (served | (column in ("received_at", "cleared_at"))) & ~(
            is_open & (column != "received_at")
        )
        frame[column] = pd.to_datetime(np.where(keep, seconds, 0), unit="s", utc=True).where(keep)
    frame["status"] = np.where(is_open, "received", "cleared")
    return frame


def load(engine: Engine, city: KabupatenCity) -> int:
    """Write the city into a migrated database in one transaction; returns its id.

    Areas, roads and responders go through :func:`geodata.load.city_load.load_city`; the calls
    by one COPY with their kelurahan resolved in bulk (triggers off for the copy only, their
    effect, ``area_id`` and ``updated_at``, written explicitly).
    """
    with engine.begin() as conn:
        city_id = int(load_city(conn, city, synthetic=True).city_id)
        areas = gpd.read_postgis(
            text("SELECT id, geom FROM admin_areas WHERE city_id = :c AND level = 'kelurahan'"),
            conn, params={"c": city_id}, geom_col="geom",
        )  # fmt: skip
        calls = city.calls
        points = shapely.points(calls["lon"].to_numpy(), calls["lat"].to_numpy())
        point_index, area_index = shapely.STRtree(areas.geometry.to_numpy()).query(
            points, predicate="within"
        )
        area_id = np.full(len(calls), None, dtype=object)
        area_id[point_index] = areas["id"].to_numpy()[area_index]
        frame = pd.DataFrame({
            "city_id": city_id, "source": "bench", "external_id": [f"K-{i}" for i in
                                                                   range(len(calls))],
            "category": calls["category"], "priority": calls["priority"],
            "status": calls["status"], "geom": shapely.to_wkt(points, rounding_precision=7),
            "area_id": area_id,
        })  # fmt: skip
        for column in INCIDENT_COLUMNS[8:13]:
            frame[column] = calls[column].astype(object).where(calls[column].notna(), None)
        frame["updated_at"] = calls["cleared_at"].fillna(calls["received_at"]).astype(object)
        frame["geom"] = "SRID=4326;" + frame["geom"]
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        copy_rows(conn, "incidents", INCIDENT_COLUMNS, frame.itertuples(index=False, name=None))
        conn.execute(text("SET LOCAL session_replication_role = origin"))
        conn.execute(
            text(
                "UPDATE units u SET last_position = ST_Project(s.geom::geography, 40, "
                "radians(u.id * 37 % 360))::geometry, last_position_at = :at, updated_at = :at "
                "FROM stations s WHERE s.id = u.home_station_id"
            ),
            {"at": city.end - timedelta(minutes=2)},
        )
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return city_id


def write_osm_pbf(city: KabupatenCity, path: Path) -> None:
    """The road network as OSM ways (highway by class, oneway=yes) and posko as nodes."""
    import osmium  # only this step needs it (dev extra)

    path.unlink(missing_ok=True)
    xy = shapely.get_coordinates(city.road_nodes.geometry.to_numpy())
    node_ids = city.road_nodes["node_id"].to_numpy()
    edges = city.road_edges
    stamp = city.end.replace(tzinfo=None)
    with osmium.SimpleWriter(str(path)) as writer:
        for node_id, (lon, lat) in zip(node_ids.tolist(), xy.tolist(), strict=True):
            writer.add_node(osmium.osm.mutable.Node(id=node_id, location=(lon, lat),
                                                    version=1, timestamp=stamp))  # fmt: skip
        station_xy = shapely.get_coordinates(city.stations.geometry.to_numpy())
        kinds = dict(zip(city.agencies["agency_code"], city.agencies["kind"], strict=True))
        for offset, (row, (lon, lat)) in enumerate(
            zip(city.stations.itertuples(), station_xy.tolist(), strict=True)
        ):
            key, value = OSM_AMENITY.get(kinds[row.agency_code], ("office", "government"))
            writer.add_node(osmium.osm.mutable.Node(
                id=int(node_ids.max()) + 1 + offset, location=(lon, lat), version=1,
                timestamp=stamp, tags={key: value, "name": row.name},
            ))  # fmt: skip
        for way_id, source, target, road_class, oneway in zip(
            edges["edge_id"].tolist(), edges["source"].tolist(), edges["target"].tolist(),
            edges["road_class"].tolist(), edges["oneway"].tolist(), strict=True,
        ):  # fmt: skip
            tags = {"highway": OSM_HIGHWAY[road_class]}
            if oneway:
                tags["oneway"] = "yes"
            writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=[source, target], version=1,
                                                  timestamp=stamp, tags=tags))  # fmt: skip


def write_boundary(city: KabupatenCity, path: Path) -> None:
    """The city outline as GeoJSON (for ``import-osm --boundary``)."""
    feature = {"type": "Feature", "properties": {"name": city.name},
               "geometry": shapely.geometry.mapping(city.boundary)}  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the .osm.pbf")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full size")
    parser.add_argument("--seed", type=int, default=36)
    parser.add_argument("--database-url", help="also load the city into this database")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    city = generate(args.seed, scale=args.scale)
    print(f"generated {len(city.road_edges):,} edges, {len(city.kelurahan)} kelurahan, "
          f"{len(city.stations)} posko, {len(city.units)} units, {len(city.calls):,} calls "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    write_osm_pbf(city, args.out / "kabupaten.osm.pbf")
    write_boundary(city, args.out / "boundary.geojson")
    print(f"wrote {args.out / 'kabupaten.osm.pbf'} and boundary.geojson")
    if args.database_url:
        city_id = load(create_engine(args.database_url), city)
        print(f"loaded city {city_id} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
