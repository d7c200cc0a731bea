"""Modelled travel time over the road network from the nearest origin (posko or unit).

The surface is one multi-source shortest-path tree computed by pgRouting in the database:
a virtual vertex 0 is joined to every origin's nearest road node by a zero-cost one-way
edge, and one ``pgr_drivingDistance`` call from vertex 0 gives each node the drive time
from its nearest origin (the nearest-facility partition). pgRouting 3.4's own multi-start
``equicost`` mode runs one Dijkstra per start vertex; the virtual source runs one in all
(measured in ``benchmarks/bench_analytics.py``). Edges and costs of one vehicle profile are
read from ``road_routing_edges`` (no join; seconds; one-way edges have a negative reverse
cost).

What is modelled: the drive from the origin's nearest road node to each node, at the
profile's planning speeds (:mod:`geodata.vehicle_profiles`). Not modelled: call
processing, turnout, access off the road network, traffic of the hour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, text

from geodata.analytics._binary_copy import read_numeric
from geodata.vocabulary import UnitStatus, VehicleProfile

__all__ = [
    "VIRTUAL_SOURCE",
    "available",
    "reached_cte",
    "station_origins",
    "travel_time_surface",
    "unit_origins",
]

#: The vertex id of the virtual source; road node ids start at 1.
VIRTUAL_SOURCE = 0

_NEAREST_NODE = """
CROSS JOIN LATERAL (
    SELECT n.id, n.geom FROM road_nodes n WHERE n.city_id = :city_id
    ORDER BY n.geom <-> o.geom LIMIT 1
) node
"""

_STATIONS = f"""
SELECT o.id AS origin_id, o.name AS label, ST_X(o.geom) AS lon, ST_Y(o.geom) AS lat,
       node.id AS node_id, ST_Distance(o.geom::geography, node.geom::geography) AS snap_m
FROM (SELECT s.* FROM stations s JOIN agencies a ON a.id = s.agency_id
      WHERE a.city_id = :city_id AND a.kind = :kind) o
{_NEAREST_NODE}
ORDER BY o.id
"""

_UNITS = """
SELECT o.id AS origin_id, o.call_sign AS label, o.status, o.from_position,
       ST_X(o.geom) AS lon, ST_Y(o.geom) AS lat,
       node.id AS node_id, ST_Distance(o.geom::geography, node.geom::geography) AS snap_m
FROM (
    SELECT u.id, u.call_sign, u.status,
           (u.last_position_at >= :fresh_since) AS from_position,
           CASE WHEN u.last_position_at >= :fresh_since THEN u.last_position ELSE s.geom END
               AS geom
    FROM units u
    JOIN agencies a ON a.id = u.agency_id
    LEFT JOIN stations s ON s.id = u.home_station_id
    WHERE a.city_id = :city_id AND a.kind = :kind
) o
LEFT JOIN LATERAL (
    SELECT n.id, n.geom FROM road_nodes n WHERE n.city_id = :city_id AND o.geom IS NOT NULL
    ORDER BY n.geom <-> o.geom LIMIT 1
) node ON true
ORDER BY o.id
"""


def reached_cte(city_id: int, profile: str, start_nodes: Sequence[int], max_s: float) -> str:
    """``WITH reached(node, agg_cost) AS (…)``: the one pgRouting call, as SQL text.

    Built from validated values only (integers, a VehicleProfile, a finite number), since
    the surface is read through COPY, which takes no bind parameters.
    """
    profile = VehicleProfile(profile).value
    if not math.isfinite(max_s):
        raise ValueError("max_s must be a finite number of seconds")
    starts = ",".join(str(int(node)) for node in start_nodes)
    edges = (
        "SELECT e.id, e.source, e.target, e.cost_s AS cost, e.reverse_cost_s AS reverse_cost "
        "FROM road_routing_edges e "
        f"WHERE e.profile = '{profile}' AND e.city_id = {int(city_id)} "
        f"UNION ALL SELECT -o, 0, o, 0.0, -1.0 FROM unnest('{{{starts}}}'::bigint[]) AS o"
    )
    return (
        "WITH reached AS (SELECT node, agg_cost FROM pgr_drivingDistance("
        f"$edges${edges}$edges$, {VIRTUAL_SOURCE}, {float(max_s)!r}, directed => true))"
    )


def _surface_query(city_id: int, profile: str, start_nodes: Sequence[int], max_s: float) -> str:
    nodes = (
        "SELECT n.id::int8 AS node_id, ST_X(n.geom) AS lon, ST_Y(n.geom) AS lat, {travel} "
        f"FROM road_nodes n {{join}} WHERE n.city_id = {int(city_id)} ORDER BY n.id"
    )
    if not start_nodes:
        VehicleProfile(profile)
        return nodes.format(travel="'NaN'::float8 AS travel_s", join="")
    return (
        reached_cte(city_id, profile, start_nodes, max_s)
        + " "
        + nodes.format(
            travel="COALESCE(r.agg_cost, 'NaN')::float8 AS travel_s",
            join="LEFT JOIN reached r ON r.node = n.id",
        )
    )


def station_origins(conn: Connection, city_id: int, agency_kind: str) -> pd.DataFrame:
    """The posko of an agency kind and their nearest road node; one statement.

    Columns: origin_id (station id), label (name), lon, lat, node_id, snap_m (metres
    from the posko to that node, on the spheroid).
    """
    return pd.read_sql_query(
        text(_STATIONS), conn, params={"city_id": city_id, "kind": agency_kind}
    )


def unit_origins(
    conn: Connection, city_id: int, agency_kind: str, now: datetime, max_position_age_s: float
) -> pd.DataFrame:
    """Every unit of an agency kind, where it is now and its nearest road node.

    A unit is at its last reported position if that is at most ``max_position_age_s``
    old at ``now`` (tz-aware), else at its home posko (``from_position`` says which);
    node_id is None when it has neither. Columns: origin_id (unit id), label (call
    sign), status, from_position, lon, lat, node_id, snap_m. Filter on
    ``status == "available"`` for live coverage. One statement.
    """
    fresh_since = pd.Timestamp(now) - pd.Timedelta(seconds=max_position_age_s)
    frame = pd.read_sql_query(
        text(_UNITS),
        conn,
        params={"city_id": city_id, "kind": agency_kind, "fresh_since": fresh_since},
    )
    frame["from_position"] = frame["from_position"].astype("boolean").fillna(False).astype(bool)
    return frame


def available(origins: pd.DataFrame) -> pd.DataFrame:
    """The units of :func:`unit_origins` that can be sent now and have a place."""
    return origins[(origins["status"] == UnitStatus.AVAILABLE.value) & origins["node_id"].notna()]


def travel_time_surface(
    conn: Connection,
    city_id: int,
    start_nodes: Sequence[int],
    profile: str,
    max_s: float,
) -> pd.DataFrame:
    """Drive time from the nearest of ``start_nodes`` to every road node of the city.

    Parameters: start_nodes, road node ids (e.g. ``station_origins(...).node_id``);
    profile, a :class:`~geodata.vocabulary.VehicleProfile` value; max_s, where the
    search stops (seconds). Returns node_id, lon, lat (EPSG:4326) and travel_s (seconds;
    NaN beyond ``max_s``, unreachable, or when there is no start node), one row per node.

    Performance contract: one statement, one Dijkstra in pgRouting whatever the number of
    origins, read back through binary COPY (no Python object per node).
    """
    starts = sorted({int(node) for node in start_nodes})
    query = _surface_query(city_id, profile, starts, max_s)
    columns = {"node_id": "int8", "lon": "float8", "lat": "float8", "travel_s": "float8"}
    return read_numeric(conn, query, columns)
