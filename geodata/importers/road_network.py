"""From road lines to a routable network: node, clip to the city, keep the largest component.

Shared by the OpenStreetMap and the government-layer importers. Noding and tolerances work
in the city's UTM zone (metres); the result is in EPSG:4326, in the shape
:func:`geodata.load.road_store.replace_road_network` writes. Where any edge is one-way,
the largest *strongly* connected component is kept, so that every node kept can be reached
from every other one and left again; otherwise the largest connected one.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from shapely.geometry.base import BaseGeometry

from geodata.importers.road_noding import NodingStats, node_lines

__all__ = ["NetworkReport", "RoadNetwork", "build_network", "largest_component"]

EDGE_COLUMNS = ("source", "target", "road_class", "name", "oneway")


@dataclass(frozen=True)
class NetworkReport:
    """What building the network did: noding, clipping, components."""

    noding: NodingStats
    edges_noded: int
    edges_outside: int
    components: int
    strongly: bool
    nodes_kept: int
    edges_kept: int

    @property
    def largest_share(self) -> float:
        """Share of the edges inside the clip that the largest component holds."""
        inside = self.edges_noded - self.edges_outside
        return self.edges_kept / inside if inside else 0.0


@dataclass(frozen=True)
class RoadNetwork:
    """Nodes (``node_id``, geometry) and edges (:data:`EDGE_COLUMNS`, geometry), EPSG:4326."""

    nodes: gpd.GeoDataFrame
    edges: gpd.GeoDataFrame
    report: NetworkReport


def largest_component(
    source: NDArray[np.intp], target: NDArray[np.intp], oneway: NDArray[np.bool_], n_nodes: int
) -> tuple[NDArray[np.bool_], int, bool]:
    """Which edges lie in the largest component (by nodes), how many components, strongly?

    One-way edges count in one direction only; with none, strong and weak coincide.
    """
    strongly = bool(oneway.any())
    rows = np.concatenate([source, target[~oneway]])
    cols = np.concatenate([target, source[~oneway]])
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_nodes, n_nodes)).tocsr()
    count, label = connected_components(
        graph, directed=True, connection="strong" if strongly else "weak"
    )
    biggest = np.bincount(label).argmax() if n_nodes else 0
    keep = (label[source] == biggest) & (label[target] == biggest)
    return keep, int(count), strongly


def build_network(
    lines: gpd.GeoDataFrame,
    *,
    utm: str,
    clip: BaseGeometry | None = None,
    snap_m: float = 0.0,
    split_at_crossings: bool = False,
) -> RoadNetwork:
    """Node ``lines`` (columns ``road_class``, ``name``, ``oneway``) into a routable network.

    Parameters
    ----------
    utm
        Metric CRS to work in, e.g. ``EPSG:32748``.
    clip
        Area in EPSG:4326 (the city plus its margin): edges not touching it are dropped.
    snap_m, split_at_crossings
        See :func:`geodata.importers.road_noding.node_lines`.
    """
    metric = lines.to_crs(utm)
    noded = node_lines(
        metric.geometry.to_numpy(), snap_m=snap_m, split_at_crossings=split_at_crossings
    )
    inside = np.ones(len(noded.geometry), dtype=bool)
    if clip is not None:
        area = gpd.GeoSeries([clip], crs=4326).to_crs(utm).iloc[0]
        inside = shapely.intersects(area, noded.geometry)
    source, target = noded.source[inside], noded.target[inside]
    attributes = lines.iloc[noded.line[inside]]
    oneway = attributes["oneway"].to_numpy(dtype=bool)
    used, renumbered = np.unique(np.concatenate([source, target]), return_inverse=True)
    source, target = renumbered[: len(source)], renumbered[len(source) :]
    keep, components, strongly = largest_component(source, target, oneway, len(used))
    kept_nodes, node_index = np.unique(
        np.concatenate([source[keep], target[keep]]), return_inverse=True
    )
    n_kept = int(keep.sum())
    xy = noded.node_xy[used[kept_nodes]]
    node_geometry = gpd.GeoSeries(shapely.points(xy), crs=utm).to_crs(4326)
    nodes = gpd.GeoDataFrame(
        {"node_id": np.arange(1, len(kept_nodes) + 1, dtype=np.int64)},
        geometry=node_geometry.to_numpy(),
        crs=4326,
    )
    edge_geometry = gpd.GeoSeries(noded.geometry[inside][keep], crs=utm).to_crs(4326)
    edges = gpd.GeoDataFrame(
        {
            "source": node_index[:n_kept] + 1,
            "target": node_index[n_kept:] + 1,
            "road_class": attributes["road_class"].to_numpy()[keep],
            "name": _names(attributes["name"])[keep],
            "oneway": oneway[keep],
        },
        geometry=edge_geometry.to_numpy(),
        crs=4326,
    )
    report = NetworkReport(
        noding=noded.stats,
        edges_noded=len(noded.geometry),
        edges_outside=int((~inside).sum()),
        components=components,
        strongly=strongly,
        nodes_kept=len(nodes),
        edges_kept=n_kept,
    )
    return RoadNetwork(nodes, edges, report)


def _names(names: pd.Series) -> NDArray[np.object_]:
    values = names.astype(object).to_numpy()
    return np.array([None if pd.isna(v) or v == "" else str(v) for v in values], dtype=object)
