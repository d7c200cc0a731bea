"""Road travel times to one point, in the database: snapping and a bounded pgRouting search.

Points snap to the nearest road *edge* (KNN ``<->`` on the GiST index, re-ranked on the
spheroid), so travel starts or ends part-way along it. Times are found by one reverse
``pgr_drivingDistance`` from the target point (a virtual vertex -1 joined to its edge's
ends), limited to ``limit_s`` seconds on the edges within ``limit_s · v_max`` of it: every
path of time ≤ ``limit_s`` lies inside that disk, so every time ≤ ``limit_s`` is exact.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, text

from geodata.routing.vehicle_profiles import SPEEDS_KMH
from geodata.vocabulary import VehicleProfile

__all__ = [
    "MAX_SNAP_M",
    "Snap",
    "bbox_around",
    "route_paths",
    "snap_points",
    "time_to_target",
    "top_speed_ms",
]

#: A point farther than this from every road is off the network (metres). Vehicles report
#: from roads; this allows for GPS error and unmapped alleys (gang) near a road.
MAX_SNAP_M = 300.0
METRES_PER_DEGREE_LAT = 110_574.0  # the shortest degree of latitude (at the equator)
EVERYTHING_S = 1e12  # a search limit that no path reaches
#: Ids of the virtual edges joining the target point to its edge's ends (pgRouting uses -1
#: itself to mark the end of a path, so these avoid it).
ARRIVE_FROM_SOURCE, ARRIVE_FROM_TARGET = -10, -20


def top_speed_ms(profile: str) -> float:
    """The fastest any edge can be driven with ``profile``, in m/s."""
    return max(SPEEDS_KMH[VehicleProfile(profile)].values()) / 3.6


@dataclass(frozen=True)
class Snap:
    """A point placed on a road edge at ``frac`` (0 at source, 1 at target) of its length."""

    edge: int
    source: int
    target: int
    cost_s: float
    reverse_cost_s: float  # negative: one-way, no travel target → source
    frac: float
    snap_m: float  # distance from the point to the edge


_SNAP = """
SELECT q.key, e.id AS edge, e.source, e.target, e.cost_s, e.reverse_cost_s,
       ST_LineLocatePoint(e.geom, q.pt) AS frac,
       ST_Distance(e.geom::geography, q.pt::geography) AS snap_m
FROM (SELECT unnest(CAST(:keys AS bigint[])) AS key,
             ST_SetSRID(ST_MakePoint(unnest(CAST(:lons AS float8[])),
                                     unnest(CAST(:lats AS float8[]))), 4326) AS pt) q
CROSS JOIN LATERAL (
    SELECT e.* FROM road_routing_edges e
    WHERE e.profile = :profile AND e.city_id = :city_id
    ORDER BY e.geom <-> q.pt LIMIT 4
) e
"""


def snap_points(
    conn: Connection, city_id: int, profile: str, points: Mapping[int, tuple[float, float]]
) -> dict[int, Snap]:
    """Nearest edge (within :data:`MAX_SNAP_M`) of each ``key → (lon, lat)``, in one statement.

    Keys missing from the result are off the network.
    """
    if not points:
        return {}
    keys = list(points)
    rows = conn.execute(
        text(_SNAP),
        {
            "keys": keys,
            "lons": [points[key][0] for key in keys],
            "lats": [points[key][1] for key in keys],
            "city_id": city_id,
            "profile": VehicleProfile(profile).value,
        },
    ).all()
    nearest: dict[int, Snap] = {}
    for row in sorted(rows, key=lambda r: (r.key, r.snap_m, r.edge)):
        if row.key not in nearest and row.snap_m <= MAX_SNAP_M:
            nearest[row.key] = Snap(
                row.edge, row.source, row.target, row.cost_s, row.reverse_cost_s,
                min(max(row.frac, 0.0), 1.0), row.snap_m,
            )  # fmt: skip
    return nearest


def bbox_around(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """A lon/lat box that contains every point within ``radius_m`` of (lon, lat)."""
    dlat = radius_m / METRES_PER_DEGREE_LAT
    shrink = max(math.cos(math.radians(min(abs(lat) + dlat, 89.9))), 1e-6)
    dlon = radius_m / (METRES_PER_DEGREE_LAT * shrink)
    return (lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def _reversed_edges_sql(
    profile: str, target: Snap, bbox: tuple[float, float, float, float] | None
) -> str:
    """The profile's graph reversed (so one search from the target gives times *to* it),
    restricted to ``bbox``, plus the target as vertex -1. Only numbers we computed are
    interpolated."""
    where = f"e.profile = '{VehicleProfile(profile).value}'"
    if bbox is not None:
        where += " AND e.geom && ST_MakeEnvelope({:.8f}, {:.8f}, {:.8f}, {:.8f}, 4326)".format(
            *bbox
        )
    virtual = [
        f"SELECT {ARRIVE_FROM_SOURCE}::bigint, -1::bigint, {int(target.source)}::bigint, "
        f"{target.frac * target.cost_s!r}::float8, -1::float8"
    ]
    if target.reverse_cost_s >= 0:
        virtual.append(
            f"SELECT {ARRIVE_FROM_TARGET}::bigint, -1::bigint, {int(target.target)}::bigint, "
            f"{(1 - target.frac) * target.reverse_cost_s!r}::float8, -1::float8"
        )
    return (
        "SELECT e.id, e.target AS source, e.source AS target, e.cost_s AS cost, "
        f"e.reverse_cost_s AS reverse_cost FROM road_routing_edges e WHERE {where} "
        "UNION ALL " + " UNION ALL ".join(virtual)
    )


def time_to_target(
    origin: Snap, target: Snap, times: Mapping[int, float]
) -> tuple[float, int] | None:
    """Least seconds from a snapped origin to the snapped target, and the node it leaves by.

    Node 0 means the direct run along the edge both share. None: no known path.
    """
    options: list[tuple[float, int]] = []
    if origin.target in times:
        options.append(((1 - origin.frac) * origin.cost_s + times[origin.target], origin.target))
    if origin.reverse_cost_s >= 0 and origin.source in times:
        options.append((origin.frac * origin.reverse_cost_s + times[origin.source], origin.source))
    if origin.edge == target.edge:
        if origin.frac <= target.frac:
            options.append(((target.frac - origin.frac) * origin.cost_s, 0))
        elif origin.reverse_cost_s >= 0:
            options.append(((origin.frac - target.frac) * origin.reverse_cost_s, 0))
    return min(options) if options else None


@dataclass(frozen=True)
class RoutePath:
    """A road path: its length in metres and its geometry as WKT (EPSG:4326)."""

    length_m: float
    wkt: str


_ROUTES = """
WITH path AS (
    SELECT end_vid, path_seq, edge FROM pgr_dijkstra(:edges, -1::bigint,
        CAST(:exits AS bigint[]), directed => true)
    WHERE edge <> -1
),
legs AS (
    SELECT o.key, o.exit_node, 0 AS seq, ST_LineSubstring(e.geom, LEAST(o.frac, o.to_frac),
           GREATEST(o.frac, o.to_frac)) AS geom,
           e.length_m * abs(o.to_frac - o.frac) AS length_m
    FROM unnest(CAST(:keys AS bigint[]), CAST(:exit_nodes AS bigint[]),
                CAST(:edges_of AS bigint[]), CAST(:fracs AS float8[]), CAST(:to_fracs AS float8[]))
         AS o(key, exit_node, edge, frac, to_frac)
    JOIN road_edges e ON e.id = o.edge
    UNION ALL
    SELECT o.key, o.exit_node, p.path_seq,
           CASE p.edge WHEN :from_source THEN ST_LineSubstring(e.geom, 0, :to_frac)
                       WHEN :from_target THEN ST_LineSubstring(e.geom, :to_frac, 1)
                       ELSE e.geom END,
           CASE p.edge WHEN :from_source THEN e.length_m * :to_frac
                       WHEN :from_target THEN e.length_m * (1 - :to_frac)
                       ELSE e.length_m END
    FROM unnest(CAST(:keys AS bigint[]), CAST(:exit_nodes AS bigint[])) AS o(key, exit_node)
    JOIN path p ON p.end_vid = o.exit_node
    JOIN road_edges e ON e.id = CASE WHEN p.edge < 0 THEN :target_edge ELSE p.edge END
)
SELECT key, sum(length_m) AS length_m, ST_AsText(ST_LineMerge(ST_Collect(geom ORDER BY seq)))
       AS wkt
FROM legs GROUP BY key
"""


def route_paths(
    conn: Connection,
    profile: str,
    target: Snap,
    origins: Mapping[int, tuple[Snap, int]],
    *,
    bbox: tuple[float, float, float, float] | None,
) -> dict[int, RoutePath]:
    """Road path of each ``key → (origin snap, exit node)`` to ``target``, in one statement.

    The path is: along the origin's edge to its exit node, the shortest path from there
    (one-to-many ``pgr_dijkstra`` on the same reversed, bounded graph), then along the
    target's edge to the target point. Exit node 0 is the direct run along a shared edge.
    """
    if not origins:
        return {}
    keys, exit_nodes, edges_of, fracs, to_fracs = [], [], [], [], []
    for key, (origin, exit_node) in origins.items():
        keys.append(key)
        exit_nodes.append(exit_node)
        edges_of.append(origin.edge)
        fracs.append(origin.frac)
        if exit_node == 0:
            to_fracs.append(target.frac)
        else:
            to_fracs.append(1.0 if exit_node == origin.target else 0.0)
    arrivals = {exit_node for exit_node in exit_nodes if exit_node != 0}
    rows = conn.execute(
        text(_ROUTES),
        {
            "edges": _reversed_edges_sql(profile, target, bbox),
            "exits": sorted(arrivals) or [-1],
            "keys": keys,
            "exit_nodes": exit_nodes,
            "edges_of": edges_of,
            "fracs": fracs,
            "to_fracs": to_fracs,
            "from_source": ARRIVE_FROM_SOURCE,
            "from_target": ARRIVE_FROM_TARGET,
            "to_frac": target.frac,
            "target_edge": target.edge,
        },
    ).all()
    return {int(row.key): RoutePath(float(row.length_m), row.wkt) for row in rows}
