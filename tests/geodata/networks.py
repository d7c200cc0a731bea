"""Small generated road networks with units placed exactly on edges, for routing tests."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, text

from geodata.load.city_load import ewkt, load_responders, load_road_network

ORIGIN_LON, ORIGIN_LAT = 105.30, -5.12
SPACING_DEG = 0.0009  # ≈ 100 m


@dataclass(frozen=True)
class GridCity:
    """A jittered grid; ``oneway`` edges run source → target only."""

    nodes: gpd.GeoDataFrame
    edges: gpd.GeoDataFrame


def grid_city(
    rng: np.random.Generator, size: int, *, oneway_share: float, drop_share: float
) -> GridCity:
    """``size × size`` intersections, some streets removed, some one-way (random direction)."""
    xs, ys = np.meshgrid(np.arange(size), np.arange(size))
    jitter = rng.uniform(-0.15, 0.15, size=(2, size * size)) * SPACING_DEG
    lon = ORIGIN_LON + xs.ravel() * SPACING_DEG + jitter[0]
    lat = ORIGIN_LAT + ys.ravel() * SPACING_DEG + jitter[1]
    node_ids = np.arange(1, size * size + 1)
    pairs = [(i * size + j, i * size + j + 1) for i in range(size) for j in range(size - 1)]
    pairs += [(i * size + j, (i + 1) * size + j) for i in range(size - 1) for j in range(size)]
    keep = rng.random(len(pairs)) >= drop_share
    pairs = [pair for pair, kept in zip(pairs, keep, strict=True) if kept]
    flip = rng.random(len(pairs)) < 0.5
    pairs = [(b, a) if flipped else (a, b) for (a, b), flipped in zip(pairs, flip, strict=True)]
    oneway = rng.random(len(pairs)) < oneway_share
    classes = rng.choice(["arterial", "collector", "local", "residential"], size=len(pairs))
    edges = gpd.GeoDataFrame(
        {
            "edge_id": np.arange(1, len(pairs) + 1),
            "source": [node_ids[a] for a, _ in pairs],
            "target": [node_ids[b] for _, b in pairs],
            "road_class": classes,
            "name": [f"Jl. Uji {i}" for i in range(len(pairs))],
            "oneway": oneway,
        },
        geometry=[shapely.LineString([(lon[a], lat[a]), (lon[b], lat[b])]) for a, b in pairs],
        crs=4326,
    )
    nodes = gpd.GeoDataFrame({"node_id": node_ids}, geometry=shapely.points(lon, lat), crs=4326)
    return GridCity(nodes, edges)


def store_city(conn: Connection, city: GridCity, code: str = "00.02") -> int:
    """Write the network as a new city; returns its id."""
    hull = shapely.box(*city.nodes.total_bounds).buffer(0.01)
    city_id = int(
        conn.execute(
            text(
                "INSERT INTO cities (code, name, timezone, boundary) VALUES "
                "(:code, 'Kota Grid', 'Asia/Jakarta', ST_Multi(ST_GeomFromEWKT(:b))) RETURNING id"
            ),
            {"code": code, "b": ewkt(hull)},
        ).scalar_one()
    )
    load_road_network(conn, city_id, city.nodes, city.edges)
    return city_id


def store_units(
    conn: Connection, city_id: int, positions: list[tuple[str, str, str, float, float]]
) -> dict[str, int]:
    """Units ``(call_sign, agency kind, vehicle profile, lon, lat)`` reporting a position now."""
    kinds = sorted({kind for _, kind, _, _, _ in positions})
    agencies = pd.DataFrame({"agency_code": kinds, "name": kinds, "kind": kinds})
    stations = gpd.GeoDataFrame(
        {"station_code": [], "name": [], "agency_code": []}, geometry=[], crs=4326
    )
    units = pd.DataFrame(
        {
            "call_sign": [p[0] for p in positions],
            "agency_code": [p[1] for p in positions],
            "station_code": [None] * len(positions),
            "capability": [None] * len(positions),
            "vehicle_profile": [p[2] for p in positions],
            "status": ["available"] * len(positions),
        }
    )
    load_responders(conn, city_id, agencies, stations, units)
    conn.execute(
        text(
            "UPDATE units SET last_position = ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), "
            "last_position_at = now() FROM unnest(CAST(:calls AS text[]), "
            "CAST(:lons AS float8[]), CAST(:lats AS float8[])) AS p(call_sign, lon, lat) "
            "WHERE units.call_sign = p.call_sign"
        ),
        {
            "calls": [p[0] for p in positions],
            "lons": [p[3] for p in positions],
            "lats": [p[4] for p in positions],
        },
    )
    return {row.call_sign: row.id for row in conn.execute(text("SELECT call_sign, id FROM units"))}


def store_incident(
    conn: Connection, city_id: int, category: str, lon: float, lat: float, external_id: str = "1"
) -> int:
    return int(
        conn.execute(
            text(
                "INSERT INTO incidents (city_id, source, external_id, category, priority, "
                "received_at, geom) VALUES (:c, 'test', :x, :cat, 1, now(), "
                "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) RETURNING id"
            ),
            {"c": city_id, "x": external_id, "cat": category, "lon": lon, "lat": lat},
        ).scalar_one()
    )
