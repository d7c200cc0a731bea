"""A large synthetic road network and units for benchmarks (seeded, deterministic)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

SPACING_DEG = 0.00072  # ≈ 80 m between intersections
ORIGIN = (105.20, -5.20)


def grid_network(
    side: int,
    seed: int = 7,
    *,
    spacing_deg: float = SPACING_DEG,
    origin: tuple[float, float] = ORIGIN,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """``side × side`` jittered intersections (≈ 2·side² edges) with a road hierarchy:
    every 12th line arterial, every 4th collector, the rest local/residential; 6 % of local
    streets one-way (alternating direction by line), 3 % of local edges removed.
    ``spacing_deg`` between intersections, south-west corner at ``origin`` (lon, lat)."""
    rng = np.random.default_rng(seed)
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    lon = origin[0] + jj.ravel() * spacing_deg + rng.uniform(-0.15, 0.15, side * side) * spacing_deg
    lat = origin[1] + ii.ravel() * spacing_deg + rng.uniform(-0.15, 0.15, side * side) * spacing_deg
    ids = np.arange(side * side)
    horizontal = np.stack(
        [ids.reshape(side, side)[:, :-1].ravel(), ids.reshape(side, side)[:, 1:].ravel()], 1
    )
    vertical = np.stack(
        [ids.reshape(side, side)[:-1, :].ravel(), ids.reshape(side, side)[1:, :].ravel()], 1
    )
    line_of = np.concatenate([horizontal[:, 0] // side, vertical[:, 0] % side])
    pairs = np.concatenate([horizontal, vertical])
    road_class = np.where(
        line_of % 12 == 0,
        "arterial",
        np.where(line_of % 4 == 0, "collector", np.where(line_of % 2 == 0, "local", "residential")),
    )
    minor = np.isin(road_class, ["local", "residential"])
    keep = ~(minor & (rng.random(len(pairs)) < 0.03))
    oneway = minor & (rng.random(len(pairs)) < 0.06)
    flip = oneway & (line_of % 2 == 1)
    pairs = np.where(flip[:, None], pairs[:, ::-1], pairs)
    pairs, road_class, oneway = pairs[keep], road_class[keep], oneway[keep]
    coords = np.stack([lon, lat], 1)
    lines = shapely.linestrings(np.stack([coords[pairs[:, 0]], coords[pairs[:, 1]]], 1))
    edges = gpd.GeoDataFrame(
        {
            "edge_id": np.arange(1, len(pairs) + 1),
            "source": pairs[:, 0] + 1,
            "target": pairs[:, 1] + 1,
            "road_class": road_class,
            "name": None,
            "oneway": oneway,
        },
        geometry=lines,
        crs=4326,
    )
    nodes = gpd.GeoDataFrame({"node_id": ids + 1}, geometry=shapely.points(coords), crs=4326)
    return nodes, edges


def points_near_edges(
    edges: gpd.GeoDataFrame, count: int, seed: int, offset_m: float = 20.0
) -> np.ndarray:
    """``count`` (lon, lat) points up to ``offset_m`` from random edges."""
    rng = np.random.default_rng(seed)
    chosen = edges.geometry.to_numpy()[rng.integers(0, len(edges), count)]
    points = shapely.line_interpolate_point(chosen, rng.uniform(0, 1, count), normalized=True)
    xy = shapely.get_coordinates(points)
    return xy + rng.uniform(-1, 1, (count, 2)) * offset_m / 110_574.0
