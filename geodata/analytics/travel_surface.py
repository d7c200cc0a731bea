"""Modelled travel time over the road network from the nearest origin (posko or unit).

The surface is one multi-source shortest-path tree: SciPy's Dijkstra (``min_only``) over
the road graph of one vehicle profile (stored packed, :mod:`geodata.routing.graph_store`,
the same graph recommendations search), which gives each node the drive time from its
nearest origin (the nearest-facility partition) in one pass, whatever the number of origins.

Why not pgRouting here: ``pgr_drivingDistance`` builds its graph from an SQL result on
every call, which took longer than the whole surface does this way (2.1× on a 99,904-edge
network with 50 posko, ``benchmarks/bench_analytics.py``); the tests check this surface
against it.

What is modelled: the drive from the origin's nearest road node to each node, at the
profile's planning speeds (:mod:`geodata.routing.vehicle_profiles`). Not modelled: call
processing, turnout, access off the road network, traffic of the hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra
from sqlalchemy import Connection, text

from geodata.operations.units import IN_SERVICE
from geodata.routing.graph_store import reverse_graph
from geodata.vocabulary import UnitStatus, VehicleProfile

__all__ = [
    "available",
    "station_origins",
    "travel_time_surface",
    "unit_origins",
]

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

_UNITS = f"""
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
    WHERE a.city_id = :city_id AND a.kind = :kind AND {IN_SERVICE}
) o
LEFT JOIN LATERAL (
    SELECT n.id, n.geom FROM road_nodes n WHERE n.city_id = :city_id AND o.geom IS NOT NULL
    ORDER BY n.geom <-> o.geom LIMIT 1
) node ON true
ORDER BY o.id
"""


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

    Parameters: start_nodes, road node ids (e.g. ``station_origins(...).node_id``; ids
    not in the city are ignored); profile, a :class:`~geodata.vocabulary.VehicleProfile`
    value; max_s, where the search stops (seconds). Returns node_id, lon, lat (EPSG:4326)
    and travel_s (seconds; NaN beyond ``max_s``, unreachable, or when there is no start
    node), one row per node, by node id.

    Performance contract: one binary read of the profile's packed graph
    (:mod:`geodata.routing.graph_store`; built from two packed statements the first time);
    one Dijkstra whatever the number of origins; no Python object per node or edge.
    """
    profile = VehicleProfile(profile).value
    if not np.isfinite(max_s):
        raise ValueError("max_s must be a finite number of seconds")
    graph = reverse_graph(conn, city_id, profile)
    surface = pd.DataFrame({
        "node_id": graph.node_ids, "lon": graph.lon.astype(float),
        "lat": graph.lat.astype(float), "travel_s": np.full(len(graph.node_ids), np.nan),
    })  # fmt: skip
    wanted = np.unique(np.asarray(list(start_nodes), dtype=np.int64))
    starts = np.searchsorted(graph.node_ids, wanted[np.isin(wanted, graph.node_ids)])
    if len(starts) == 0:
        return surface
    travel_s = dijkstra(graph.forward(), directed=True, indices=starts, min_only=True,
                        limit=max_s)  # fmt: skip
    surface["travel_s"] = np.where(np.isfinite(travel_s), travel_s, np.nan)
    return surface
