"""Writing a city's road network: COPY nodes, edges and per-profile costs; replace or keep.

A re-import replaces the city's network inside the caller's transaction (so the map and the
router see the old network until it commits, and a failure leaves it in place). When the
stored network is exactly the one offered (same edges, geometry to the bit, classes,
directions and names, in order), nothing is written: importing the same file twice changes
nothing, not even the ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from pyproj import Geod
from sqlalchemy import Connection, text

from geodata.db.copy import copy_rows, reserve_ids
from geodata.load.ewkt import ewkb_hex
from geodata.routing.vehicle_profiles import edge_costs

__all__ = [
    "NetworkWrite",
    "geodesic_lengths_m",
    "load_road_network",
    "replace_road_network",
    "stored_network_matches",
]

#: Shortest stored edge, metres: the schema wants ``length_m > 0`` and ``cost_s > 0``.
MIN_LENGTH_M = 0.01
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class NetworkWrite:
    """Rows written per table, edges removed, and whether the stored network was kept."""

    counts: dict[str, int]
    removed_edges: int
    unchanged: bool


def load_road_network(
    conn: Connection, city_id: int, nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame
) -> dict[str, int]:
    """COPY a noded network: nodes, edges (ids remapped to fresh ones) and per-profile costs.

    ``nodes``: node_id, geometry; ``edges``: source, target (node ids), road_class, name,
    oneway, geometry. ``length_m`` is the geodesic length on the WGS84 ellipsoid (metres,
    GeographicLib as in PostGIS's ``ST_Length(geography)``), so nothing is updated after COPY.
    """
    node_ids = dict(
        zip(nodes["node_id"].tolist(), reserve_ids(conn, "road_nodes", len(nodes)), strict=True)
    )
    edge_ids = reserve_ids(conn, "road_edges", len(edges))
    copy_rows(
        conn,
        "road_nodes",
        ("id", "city_id", "geom"),
        zip(node_ids.values(), _repeat(city_id), ewkb_hex(nodes.geometry), strict=False),
    )
    sources = [node_ids[node] for node in edges["source"].tolist()]
    targets = [node_ids[node] for node in edges["target"].tolist()]
    lengths = pd.DataFrame(
        {
            "edge_id": edge_ids,
            "road_class": edges["road_class"].astype(str).to_numpy(),
            "length_m": np.maximum(geodesic_lengths_m(edges.geometry), MIN_LENGTH_M),
            "oneway": edges["oneway"].astype(bool).to_numpy(),
        }
    )
    copy_rows(
        conn,
        "road_edges",
        ("id", "city_id", "source", "target", "road_class", "name", "oneway", "length_m", "geom"),
        zip(
            edge_ids,
            _repeat(city_id),
            sources,
            targets,
            lengths["road_class"].tolist(),
            _optional_text(edges["name"]),
            lengths["oneway"].tolist(),
            lengths["length_m"].tolist(),
            ewkb_hex(edges.geometry),
            strict=False,
        ),
    )
    # Edge by edge (all profiles together): each foreign-key check finds its edge just read.
    costs = edge_costs(lengths).sort_values(["edge_id", "profile"], kind="stable")
    copy_rows(
        conn,
        "road_edge_costs",
        ("edge_id", "profile", "cost_s", "reverse_cost_s"),
        costs.itertuples(index=False, name=None),
    )
    return {"road_nodes": len(nodes), "road_edges": len(edges), "road_edge_costs": len(costs)}


def geodesic_lengths_m(geometries: gpd.GeoSeries) -> NDArray[np.float64]:
    """Length of each line (EPSG:4326) on the WGS84 ellipsoid, metres; all segments at once."""
    coords, line = shapely.get_coordinates(geometries.to_numpy(), return_index=True)
    same = line[1:] == line[:-1]
    start, end = coords[:-1][same], coords[1:][same]
    _, _, metres = _GEOD.inv(start[:, 0], start[:, 1], end[:, 0], end[:, 1])
    lengths = np.bincount(line[1:][same], weights=metres, minlength=len(geometries))
    return lengths.astype(np.float64)


def _fingerprint_sql() -> str:
    return (
        "SELECT count(*), md5(coalesce(string_agg(ST_AsHexEWKB(geom, 'NDR') || '|' || road_class"
        " || '|' || CASE WHEN oneway THEN 't' ELSE 'f' END || '|' || coalesce(name, ''), E'\\n'"
        " ORDER BY id), '')) FROM road_edges WHERE city_id = :c"
    )


def stored_network_matches(conn: Connection, city_id: int, edges: gpd.GeoDataFrame) -> bool:
    """True when the city's stored edges are exactly ``edges`` (in order). One query."""
    count, digest = conn.execute(text(_fingerprint_sql()), {"c": city_id}).one()
    if count != len(edges):
        return False
    lines = (
        f"{geom}|{road_class}|{'t' if oneway else 'f'}|{name or ''}"
        for geom, road_class, oneway, name in zip(
            ewkb_hex(edges.geometry),
            edges["road_class"].astype(str).tolist(),
            edges["oneway"].astype(bool).tolist(),
            _optional_text(edges["name"]),
            strict=True,
        )
    )
    return hashlib.md5("\n".join(lines).encode(), usedforsecurity=False).hexdigest() == digest


def replace_road_network(
    conn: Connection, city_id: int, nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame
) -> NetworkWrite:
    """Make ``nodes``/``edges`` the city's network, unless it is already exactly that."""
    if stored_network_matches(conn, city_id, edges):
        return NetworkWrite({"road_nodes": 0, "road_edges": 0, "road_edge_costs": 0}, 0, True)
    conn.execute(
        text(
            "DELETE FROM road_edge_costs c USING road_edges e "
            "WHERE e.id = c.edge_id AND e.city_id = :c"
        ),
        {"c": city_id},
    )
    removed = conn.execute(text("DELETE FROM road_edges WHERE city_id = :c"), {"c": city_id})
    conn.execute(text("DELETE FROM road_nodes WHERE city_id = :c"), {"c": city_id})
    counts = load_road_network(conn, city_id, nodes, edges)
    return NetworkWrite(counts, removed.rowcount, False)


def _repeat(value: object) -> Iterable[object]:
    while True:
        yield value


def _optional_text(values: pd.Series) -> list[str | None]:
    return [None if v is None or pd.isna(v) else str(v) for v in values]
