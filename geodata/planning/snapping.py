"""Places to road nodes: the nearest node within a snap distance, and whether the node is
on the main network (its largest strongly connected part) or a piece cut off from it.

Distances in a local equirectangular frame around the city (metres, error under 0.5 %
across a kota), as :func:`geodata.analytics.coverage.snap_times` measures them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from geodata.analytics.coverage import METRES_PER_DEGREE
from geodata.routing.road_graph import RoadGraph

__all__ = ["Snap", "local_metres", "main_network", "road_pattern", "snap"]


def local_metres(lon: ArrayLike, lat: ArrayLike, origin: tuple[float, float]) -> NDArray:
    """x, y in metres from ``origin`` (lon, lat degrees), equirectangular."""
    lon0, lat0 = origin
    x = (np.asarray(lon, dtype=float) - lon0) * METRES_PER_DEGREE * np.cos(np.radians(lat0))
    y = (np.asarray(lat, dtype=float) - lat0) * METRES_PER_DEGREE
    return np.column_stack([x, y])


def road_pattern(graph: RoadGraph) -> csr_array:
    """1 where a road joins two nodes in either direction (free arcs of cost 0 included)."""
    arcs = graph.arcs
    ones = csr_array((np.ones(len(arcs.indices)), arcs.indices, arcs.indptr), shape=arcs.shape)
    return csr_array((ones + ones.T).tocsr())


def main_network(graph: RoadGraph) -> NDArray[np.bool_]:
    """Per node, whether it lies in the largest strongly connected component (a unit can
    drive from it to the rest of the city and back)."""
    if len(graph.node_ids) == 0:
        return np.zeros(0, dtype=bool)
    _, labels = connected_components(graph.arcs, directed=True, connection="strong")
    return labels == np.bincount(labels).argmax()


@dataclass(frozen=True)
class Snap:
    """Per place: node position in the graph (−1: none within the snap distance), the
    distance to it (m; to the nearest node even when too far), and whether that node is
    on the main network."""

    node_pos: NDArray[np.intp]
    snap_m: NDArray[np.float64]
    on_main: NDArray[np.bool_]


def snap(graph: RoadGraph, lon: ArrayLike, lat: ArrayLike, max_snap_m: float) -> Snap:
    """Snap places (degrees) to the nearest road node of ``graph``: one k-d tree query."""
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    n = len(lon_a)
    if n == 0 or len(graph.node_ids) == 0:
        return Snap(np.full(n, -1, np.intp), np.full(n, np.inf), np.zeros(n, bool))
    origin = (float(np.mean(graph.lon)), float(np.mean(graph.lat)))
    tree = cKDTree(local_metres(graph.lon, graph.lat, origin))
    located = np.isfinite(lon_a) & np.isfinite(lat_a)
    distance = np.full(n, np.inf)
    nearest = np.full(n, -1, dtype=np.intp)
    if located.any():
        d, i = tree.query(local_metres(lon_a[located], lat_a[located], origin))
        distance[located], nearest[located] = d, i
    node_pos = np.where(distance <= max_snap_m, nearest, -1)
    main = main_network(graph)
    on_main = np.where(nearest >= 0, main[np.maximum(nearest, 0)], False)
    return Snap(node_pos.astype(np.intp), distance, on_main)
