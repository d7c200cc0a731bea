"""Demand for the planner: past incidents (weights per category), population by kelurahan
spread onto the road network or H3 cells, or both combined with a chosen weight.

Every demand point sits on a road node (its nearest within the snap distance); a point
with none is kept with its status and counts as not reached. Population is spread by one
stated method (:class:`SpreadMethod`):

- ``equal``: the kelurahan's people split equally over the road nodes inside it;
- ``road_length``: split in proportion to the road length meeting at each node (half of
  every edge touching it, node to node in a straight line): more street, more people;
- ``h3``: split over the H3 cells whose centre lies in the kelurahan, by cell area (as
  the coverage page samples the city), each cell's centre snapped to its nearest node.

A kelurahan with no road node inside puts its people at a point inside it, snapped.

Frame columns (:data:`DEMAND_COLUMNS`): demand_id, kind (incident / population), lon,
lat, node_pos, snap_m, status (ok, off_network, no_coordinates), weight, population
(people the point stands for; 0 for incidents), category and incident_id (incidents),
area_code (kelurahan).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike

from geodata.analytics.coverage import sample_cells
from geodata.planning.errors import NoDemandWeightError, PlanningInputError
from geodata.planning.snapping import local_metres, road_pattern, snap
from geodata.routing.road_graph import RoadGraph

__all__ = [
    "DEMAND_COLUMNS",
    "SpreadMethod",
    "combine_demand",
    "incident_demand",
    "population_demand",
]

DEMAND_COLUMNS = (
    "demand_id",
    "kind",
    "lon",
    "lat",
    "node_pos",
    "snap_m",
    "status",
    "weight",
    "population",
    "category",
    "incident_id",
    "area_code",
)


class SpreadMethod(StrEnum):
    """How a kelurahan's population is spread onto demand points."""

    EQUAL = "equal"
    ROAD_LENGTH = "road_length"
    H3 = "h3"


def _frame(
    graph: RoadGraph, lon: ArrayLike, lat: ArrayLike, max_snap_m: float, **columns: object
) -> pd.DataFrame:
    snapped = snap(graph, lon, lat, max_snap_m)
    lon_a = np.asarray(lon, dtype=float)
    located = np.isfinite(lon_a) & np.isfinite(np.asarray(lat, dtype=float))
    status = np.where(snapped.node_pos >= 0, "ok", "off_network").astype(object)
    status[~located] = "no_coordinates"
    frame = pd.DataFrame(
        {
            "lon": lon_a,
            "lat": np.asarray(lat, dtype=float),
            "node_pos": snapped.node_pos,
            "snap_m": snapped.snap_m,
            "status": status,
            **columns,
        }
    )
    return frame


def incident_demand(
    incidents: pd.DataFrame,
    graph: RoadGraph,
    category_weights: Mapping[str, float],
    *,
    max_snap_m: float,
) -> pd.DataFrame:
    """Past incidents (incident_id, category, lon, lat, area_code) as demand: each of a
    chosen category weighs that category's weight; other categories are left out."""
    bad = {c: w for c, w in category_weights.items() if not (np.isfinite(w) and w >= 0)}
    if bad:
        raise PlanningInputError("category_weights", f"weights must be ≥ 0: {bad}")
    chosen = incidents[incidents["category"].isin(list(category_weights))].reset_index(drop=True)
    weights = chosen["category"].map(dict(category_weights)).astype(float).to_numpy()
    frame = _frame(
        graph,
        chosen["lon"],
        chosen["lat"],
        max_snap_m,
        weight=weights,
        population=0.0,
        kind="incident",
        category=chosen["category"].to_numpy(),
        incident_id=chosen["incident_id"].to_numpy(),
        area_code=chosen.get("area_code", pd.Series([None] * len(chosen))).to_numpy(),
    )
    frame.loc[frame["status"] == "no_coordinates", "weight"] = 0.0
    return _numbered(frame, "i")


def _numbered(frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
    frame["demand_id"] = [f"{prefix}{i + 1}" for i in range(len(frame))]
    return frame[list(DEMAND_COLUMNS)]


def _node_road_length(graph: RoadGraph) -> np.ndarray:
    """Half the straight-line length (m) of every edge meeting at each node."""
    pattern = road_pattern(graph).tocoo()
    keep = pattern.row < pattern.col
    u, v = pattern.row[keep], pattern.col[keep]
    origin = (float(np.mean(graph.lon)), float(np.mean(graph.lat)))
    xy = local_metres(graph.lon, graph.lat, origin)
    length = np.linalg.norm(xy[u] - xy[v], axis=1)
    return np.bincount(u, length / 2, len(graph.node_ids)) + np.bincount(
        v, length / 2, len(graph.node_ids)
    )


def population_demand(
    areas: gpd.GeoDataFrame,
    graph: RoadGraph,
    *,
    method: str = SpreadMethod.EQUAL,
    max_snap_m: float,
    resolution: int = 9,
) -> pd.DataFrame:
    """Kelurahan population (code, name, population, geometry) spread onto demand points
    by ``method`` (see the module); weight = people. Kelurahan without a known
    population are left out."""
    method = SpreadMethod(method)
    has_people = pd.to_numeric(areas["population"], errors="coerce").fillna(0) > 0
    known = gpd.GeoDataFrame(
        {"code": areas["code"].to_numpy(), "population": areas["population"].to_numpy()},
        geometry=areas.geometry.to_numpy(),
        crs=4326,
    )[has_people.to_numpy()]
    if known.empty:
        raise NoDemandWeightError("population", "no kelurahan has a known population")
    if method == SpreadMethod.H3:
        return _by_cells(known, graph, max_snap_m, resolution)
    nodes = gpd.GeoDataFrame(
        {"node_pos": np.arange(len(graph.node_ids))},
        geometry=shapely.points(graph.lon, graph.lat),
        crs=4326,
    )
    joined = gpd.sjoin(nodes, known[["code", "geometry"]], predicate="within", how="inner")
    share = (
        np.ones(len(joined))
        if method == SpreadMethod.EQUAL
        else _node_road_length(graph)[joined["node_pos"].to_numpy()]
    )
    joined = joined.assign(_share=np.maximum(share, 1e-9))
    empty = known[~known["code"].isin(joined["code"])]
    points = empty.geometry.representative_point()
    loose = _frame(
        graph, points.x, points.y, max_snap_m, area_code=empty["code"].to_numpy(), _share=1.0
    )
    placed = pd.DataFrame(
        {
            "lon": graph.lon[joined["node_pos"]],
            "lat": graph.lat[joined["node_pos"]],
            "node_pos": joined["node_pos"].to_numpy(),
            "snap_m": 0.0,
            "status": "ok",
            "area_code": joined["code"].to_numpy(),
            "_share": joined["_share"].to_numpy(),
        }
    )
    return _spread(pd.concat([placed, loose], ignore_index=True), known)


def _spread(points: pd.DataFrame, known: gpd.GeoDataFrame) -> pd.DataFrame:
    population = known.set_index("code")["population"].astype(float)
    total = points.groupby("area_code")["_share"].transform("sum")
    people = population.reindex(points["area_code"]).to_numpy() * points["_share"] / total
    frame = points.drop(columns="_share").assign(
        weight=people.to_numpy(),
        population=people.to_numpy(),
        kind="population",
        category=None,
        incident_id=None,
    )
    return _numbered(frame.reset_index(drop=True), "p")


def _by_cells(
    known: gpd.GeoDataFrame, graph: RoadGraph, max_snap_m: float, resolution: int
) -> pd.DataFrame:
    cells = sample_cells(known[["code", "geometry"]], resolution)
    points = _frame(
        graph,
        cells["lon"],
        cells["lat"],
        max_snap_m,
        area_code=cells["code"].to_numpy(),
        _share=cells["area_km2"].to_numpy(),
    )
    return _spread(points, known)


def combine_demand(
    incidents: pd.DataFrame | None, population: pd.DataFrame | None, incident_share: float
) -> pd.DataFrame:
    """Both kinds in one frame: incidents weigh ``incident_share`` of the total, people
    the rest (each kind's weights scaled to sum to its share)."""
    if not 0.0 <= incident_share <= 1.0:
        raise PlanningInputError("incident_share", f"must be between 0 and 1: {incident_share}")
    parts = []
    for frame, share in ((incidents, incident_share), (population, 1.0 - incident_share)):
        if frame is None or frame.empty or share == 0:
            continue
        total = float(frame["weight"].sum())
        if total > 0:
            parts.append(frame.assign(weight=frame["weight"] * share / total))
    if not parts:
        raise NoDemandWeightError("demand", "the chosen demand has no weight")
    return pd.concat(parts, ignore_index=True)[list(DEMAND_COLUMNS)]
