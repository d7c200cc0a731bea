"""Candidate sites for new posko: given points, an uploaded file, or generated ones, each
snapped to the road network and marked usable or not, with the reason.

A candidate is never dropped: one off the network (no road node within the snap
distance), on a road piece cut off from the main network, outside the city, without
coordinates, or on the same road node as an earlier candidate stays in the frame with
its ``status`` (the models use the ``ok`` ones only).

Frame columns (:data:`CANDIDATE_COLUMNS`): candidate_id, name, source (point, file,
grid, kelurahan, parcel), lon, lat (EPSG:4326), node_pos (row in the road graph, −1 if
none), node_id, snap_m (metres to that node), status (:class:`CandidateStatus`).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike
from shapely.geometry.base import BaseGeometry

from geodata.planning.errors import CoordinatesOutsideCityError, NoCandidatesError
from geodata.planning.snapping import local_metres, road_pattern, snap
from geodata.routing.road_graph import RoadGraph

__all__ = [
    "CANDIDATE_COLUMNS",
    "CandidateStatus",
    "combine_candidates",
    "grid_candidates",
    "kelurahan_candidates",
    "parcel_candidates",
    "point_candidates",
    "refuse_all_outside",
    "usable",
]

CANDIDATE_COLUMNS = (
    "candidate_id",
    "name",
    "source",
    "lon",
    "lat",
    "node_pos",
    "node_id",
    "snap_m",
    "status",
)


class CandidateStatus(StrEnum):
    """Whether a candidate can be used, and if not, why."""

    OK = "ok"
    NO_COORDINATES = "no_coordinates"
    OUTSIDE_CITY = "outside_city"
    OFF_NETWORK = "off_network"  # no road node within the snap distance
    ISOLATED = "isolated"  # on a road piece cut off from the main network
    DUPLICATE = "duplicate"  # on the same road node as an earlier candidate


def point_candidates(
    graph: RoadGraph,
    names: Sequence[str],
    lon: ArrayLike,
    lat: ArrayLike,
    *,
    max_snap_m: float,
    boundary: BaseGeometry | None = None,
    source: str = "point",
) -> pd.DataFrame:
    """Candidates at the given places (degrees), snapped; see the module's columns."""
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    snapped = snap(graph, lon_a, lat_a, max_snap_m)
    status = np.full(len(lon_a), CandidateStatus.OK.value, dtype=object)
    status[~snapped.on_main] = CandidateStatus.ISOLATED.value
    status[snapped.node_pos < 0] = CandidateStatus.OFF_NETWORK.value
    if boundary is not None:
        located = np.isfinite(lon_a) & np.isfinite(lat_a)
        inside = np.zeros(len(lon_a), dtype=bool)
        inside[located] = shapely.contains_xy(boundary, lon_a[located], lat_a[located])
        status[~inside] = CandidateStatus.OUTSIDE_CITY.value
    status[~(np.isfinite(lon_a) & np.isfinite(lat_a))] = CandidateStatus.NO_COORDINATES.value
    node_pos = snapped.node_pos
    frame = pd.DataFrame(
        {
            "candidate_id": [f"{source}-{i + 1}" for i in range(len(lon_a))],
            "name": [str(name) for name in names],
            "source": source,
            "lon": lon_a,
            "lat": lat_a,
            "node_pos": node_pos,
            "node_id": np.where(node_pos >= 0, graph.node_ids[np.maximum(node_pos, 0)], -1),
            "snap_m": snapped.snap_m,
            "status": status,
        }
    )
    return frame


def usable(candidates: pd.DataFrame) -> pd.DataFrame:
    """The candidates a model can use (status ok); refused when there is none."""
    ok = candidates[candidates["status"] == CandidateStatus.OK.value]
    if ok.empty:
        counts = candidates["status"].value_counts().to_dict()
        detail = ", ".join(f"{n} {status}" for status, n in counts.items()) or "none given"
        raise NoCandidatesError("candidates", f"no usable candidate site ({detail})")
    return ok


def combine_candidates(*frames: pd.DataFrame) -> pd.DataFrame:
    """One frame of several, numbered afresh (c1, c2…); a candidate on the road node of an
    earlier usable one is marked duplicate (listed, not used twice)."""
    frame = pd.concat([f for f in frames if len(f)], ignore_index=True) if frames else None
    if frame is None or frame.empty:
        return pd.DataFrame(columns=list(CANDIDATE_COLUMNS))
    frame = frame.reset_index(drop=True)
    frame["candidate_id"] = [f"c{i + 1}" for i in range(len(frame))]
    ok = frame["status"] == CandidateStatus.OK.value
    repeated = ok & frame["node_pos"].where(ok).duplicated(keep="first")
    frame.loc[repeated, "status"] = CandidateStatus.DUPLICATE.value
    return frame[list(CANDIDATE_COLUMNS)]


def _intersections(graph: RoadGraph) -> np.ndarray:
    """Positions of nodes where three or more roads meet (either direction)."""
    pattern = road_pattern(graph).tocsr()
    return np.flatnonzero(np.diff(pattern.indptr) >= 3)


def grid_candidates(
    graph: RoadGraph, spacing_m: float, *, boundary: BaseGeometry | None = None
) -> pd.DataFrame:
    """One road intersection per grid square of ``spacing_m`` metres: the one nearest the
    square's centre (squares without an intersection get none). Names say the square."""
    if not spacing_m > 0:
        raise NoCandidatesError("spacing_m", "the grid spacing must be above 0 metres")
    nodes = _intersections(graph)
    if boundary is not None and len(nodes):
        nodes = nodes[shapely.contains_xy(boundary, graph.lon[nodes], graph.lat[nodes])]
    if len(nodes) == 0:
        return point_candidates(graph, [], [], [], max_snap_m=0.0, source="grid")
    origin = (float(graph.lon[nodes].min()), float(graph.lat[nodes].min()))
    xy = local_metres(graph.lon[nodes], graph.lat[nodes], origin)
    cell = np.floor(xy / spacing_m).astype(np.int64)
    offset = np.linalg.norm(xy - (cell + 0.5) * spacing_m, axis=1)
    order = np.lexsort((offset, cell[:, 1], cell[:, 0]))
    keys = cell[order]
    first = np.r_[True, (np.diff(keys, axis=0) != 0).any(axis=1)]
    chosen = nodes[order[first]]
    names = [f"Grid {int(c[0])}-{int(c[1])}" for c in keys[first]]
    return point_candidates(
        graph,
        names,
        graph.lon[chosen],
        graph.lat[chosen],
        max_snap_m=1.0,
        boundary=boundary,
        source="grid",
    )


def kelurahan_candidates(
    graph: RoadGraph, areas: gpd.GeoDataFrame, *, max_snap_m: float
) -> pd.DataFrame:
    """One candidate per kelurahan (code, name, geometry): a point inside it near its
    centre (``representative_point``), snapped to the nearest road node."""
    points = areas.geometry.representative_point()
    return point_candidates(
        graph, list(areas["name"]), points.x, points.y, max_snap_m=max_snap_m, source="kelurahan"
    )


def parcel_candidates(
    graph: RoadGraph,
    parcels: gpd.GeoDataFrame,
    *,
    max_snap_m: float,
    boundary: BaseGeometry | None = None,
    name_column: str | None = None,
) -> pd.DataFrame:
    """One candidate per parcel of public land (polygons, EPSG:4326): a point inside it,
    snapped; named from ``name_column`` (else "Persil <n>")."""
    if parcels.empty:
        raise NoCandidatesError("file", "the parcel layer has no polygons")
    points = parcels.geometry.representative_point()
    names = (
        list(parcels[name_column].astype(str))
        if name_column
        else [f"Persil {i + 1}" for i in range(len(parcels))]
    )
    frame = point_candidates(
        graph, names, points.x, points.y, max_snap_m=max_snap_m, boundary=boundary, source="parcel"
    )
    refuse_all_outside(frame, "file")
    return frame


def refuse_all_outside(frame: pd.DataFrame, field: str) -> None:
    if len(frame) and (frame["status"] == CandidateStatus.OUTSIDE_CITY.value).all():
        raise CoordinatesOutsideCityError(
            field,
            f"all {len(frame)} places lie outside the city (longitude "
            f"{frame['lon'].min():.4f}…{frame['lon'].max():.4f}, latitude "
            f"{frame['lat'].min():.4f}…{frame['lat'].max():.4f}): are the coordinates "
            "swapped, or is the file for another city?",
        )
