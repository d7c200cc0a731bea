"""A government road layer (GeoJSON, GeoPackage, Shapefile) made into the city's network.

The lines are classed from a functional-class column (:mod:`.road_classes`), noded with
near-misses snapped (:mod:`.road_noding`), clipped to the city plus a margin, and cut to
their largest connected component; the disconnected pieces are reported, not stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
from sqlalchemy import Connection

from geodata.importers.cities import CityRecord, audit_import, require_city
from geodata.importers.city_area import DEFAULT_MARGIN_M, CityArea
from geodata.importers.outcome import (
    ImportOutcome,
    ImportRefusedError,
    Progress,
    Reject,
    no_progress,
)
from geodata.importers.rejects import finish
from geodata.importers.road_classes import FUNCTION_KEYWORDS, classes_from_values
from geodata.importers.road_network import RoadNetwork, build_network
from geodata.importers.sources import SourceFile
from geodata.importers.tables import is_blank, require_columns
from geodata.importers.vector_files import read_vector
from geodata.load.road_store import replace_road_network
from geodata.vocabulary import RoadClass

__all__ = [
    "DEFAULT_SNAP_M",
    "RoadFields",
    "import_roads",
    "network_summary",
    "prepare_road_lines",
    "store_network",
]

#: Near-miss tolerance for government layers, metres: ends that stop short of the road
#: they join by up to this much are joined (digitising slack at 1:5,000 is ~1-2 m).
DEFAULT_SNAP_M = 2.0
_FORWARD = {"yes", "y", "ya", "true", "1", "satu arah", "one way", "oneway"}
_REVERSE = {"-1", "reverse"}


@dataclass(frozen=True)
class RoadFields:
    """Columns of the road layer, and how class values map to road classes."""

    road_class: str
    name: str | None = None
    oneway: str | None = None
    class_map: Mapping[str, str] = field(default_factory=dict)
    default_class: RoadClass | None = None


def prepare_road_lines(
    frame: gpd.GeoDataFrame, fields: RoadFields
) -> tuple[gpd.GeoDataFrame, list[Reject]]:
    """Lines with road_class, name and oneway (drawn in driving direction); rejects."""
    try:
        classes = classes_from_values(frame[fields.road_class].tolist(), fields.class_map)
    except ValueError as error:
        raise ImportRefusedError(f"--class-map: {error}") from None
    classes.index = frame.index
    if fields.default_class is not None:
        classes = classes.where(classes.notna(), fields.default_class)
    rejects = [
        Reject(
            int(row),
            fields.road_class,
            f"road class '{frame.at[row, fields.road_class]}' is not known (keywords: "
            f"{', '.join(k for k, _ in FUNCTION_KEYWORDS)}; or OSM highway values): map it "
            "with --class-map or give --default-class",
        )
        for row in classes.index[classes.isna()]
    ]
    keep = classes.notna()
    direction = _directions(frame[fields.oneway] if fields.oneway else None, frame.index)
    geometry = frame.geometry.where(direction >= 0, frame.geometry.reverse())
    names = frame[fields.name] if fields.name else pd.Series(None, index=frame.index)
    lines = gpd.GeoDataFrame(
        {
            "road_class": [c.value if c is not None else None for c in classes],
            "name": [None if is_blank(n) else str(n).strip() for n in names],
            "oneway": (direction != 0).to_numpy(),
        },
        geometry=geometry.to_numpy(),
        index=frame.index,
        crs=4326,
    )
    return lines.loc[keep.to_numpy()], rejects


def _directions(values: pd.Series | None, index: pd.Index) -> pd.Series:
    if values is None:
        return pd.Series(0, index=index)
    text = values.map(lambda v: "" if is_blank(v) else str(v).strip().lower())
    return text.map(lambda v: 1 if v in _FORWARD else -1 if v in _REVERSE else 0)


def network_summary(network: RoadNetwork) -> dict[str, int]:
    """Counts of a built network, for the summary table."""
    report = network.report
    return {
        "lines read": report.noding.lines,
        "edges after noding": report.edges_noded,
        "vertices added at crossings": report.noding.crossings_added,
        "vertices merged (near-miss)": report.noding.vertices_merged,
        "dead ends snapped (near-miss)": report.noding.ends_snapped,
        "edges outside the city and margin": report.edges_outside,
        "connected components": report.components,
        "edges in the largest component": report.edges_kept,
        "nodes in the largest component": report.nodes_kept,
    }


def store_network(
    conn: Connection, city: CityRecord, network: RoadNetwork, action: str
) -> dict[str, int]:
    """Replace the city's network (or keep it when identical); counts written."""
    write = replace_road_network(conn, city.id, network.nodes, network.edges)
    if write.unchanged:
        return {"road edges unchanged": len(network.edges)}
    counts = {
        "road edges written": write.counts["road_edges"],
        "road nodes written": write.counts["road_nodes"],
        "road edge costs written": write.counts["road_edge_costs"],
        "old road edges replaced": write.removed_edges,
    }
    audit_import(conn, city.id, action, {**network_summary(network), **counts})
    return counts


@dataclass(frozen=True)
class NetworkOptions:
    """How lines become a network: near-miss tolerance (m), crossings, margin (m)."""

    snap_m: float = DEFAULT_SNAP_M
    split_at_crossings: bool = False
    margin_m: float = DEFAULT_MARGIN_M


def import_roads(
    conn: Connection,
    source: SourceFile,
    *,
    city_code: str,
    fields: RoadFields,
    options: NetworkOptions = NetworkOptions(),
    progress: Progress = no_progress,
) -> ImportOutcome:
    """Make the lines of ``source`` the city's road network, inside ``conn``'s transaction."""
    city = require_city(conn, city_code)
    area = CityArea.from_boundary(city.boundary, options.margin_m)
    path = source.path
    progress("reading the road layer", 0, 3)
    layer = read_vector(path, "line", crs=source.crs, near=city.boundary, layer=source.layer)
    wanted = {"road class": fields.road_class}
    wanted |= {"name": fields.name} if fields.name else {}
    wanted |= {"one-way": fields.oneway} if fields.oneway else {}
    require_columns(layer.attributes, wanted, path.name)
    lines, rejects = prepare_road_lines(layer.frame, fields)
    if lines.empty:
        raise ImportRefusedError(f"{path.name}: no usable road line (see the rejected rows)")
    progress("noding the lines and finding components", 1, 3)
    network = build_network(
        lines,
        utm=area.utm,
        clip=area.area,
        snap_m=options.snap_m,
        split_at_crossings=options.split_at_crossings,
    )
    if network.edges.empty:
        raise ImportRefusedError(f"{path.name}: no road lies within the city and its margin")
    progress("writing the network", 2, 3)
    loaded = {**network_summary(network), **store_network(conn, city, network, "city.import_roads")}
    progress("done", 3, 3)
    return finish(
        loaded, [*layer.rejects, *rejects], layer.warnings, layer.attributes, source.rejects_path
    )
