"""The city's road network as a directed graph for SciPy's ``csgraph``, read in two statements.

Shared by everything that searches the whole network at once (the travel-time surface, the
planner's travel-time matrix, the simulator's routes); single dispatch recommendations
search a bounded disk with pgRouting instead (:mod:`geodata.routing.network_search`).

Nodes come from ``road_nodes``, arcs from ``road_routing_edges`` (seconds, one profile; a
one-way edge has a negative reverse cost). Each statement returns one bytea packing its
rows' columns in network byte order, so that 100,000 edges cross the wire as one message,
not as 100,000 rows (the read, not the search, was the bottleneck before).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_array
from sqlalchemy import Connection, TextClause, text

from geodata.vocabulary import VehicleProfile

__all__ = ["RoadGraph", "read_arcs", "read_nodes", "road_graph"]

# The packed columns are NOT NULL: a NULL would drop its row from string_agg.
_NODES = text("""
SELECT string_agg(int8send(id) || float8send(ST_X(geom)) || float8send(ST_Y(geom)), ''::bytea
                  ORDER BY id)
FROM road_nodes WHERE city_id = :city_id
""")
_NODE = np.dtype([("node_id", ">i8"), ("lon", ">f8"), ("lat", ">f8")])
_EDGES = text("""
SELECT string_agg(int8send(source) || int8send(target) || float8send(cost_s)
                  || float8send(reverse_cost_s), ''::bytea)
FROM road_routing_edges WHERE profile = :profile AND city_id = :city_id
""")
_EDGE = np.dtype([("source", ">i8"), ("target", ">i8"), ("cost", ">f8"), ("reverse", ">f8")])


def _packed(
    conn: Connection, statement: TextClause, params: dict[str, object], dtype: np.dtype
) -> np.ndarray:
    """The one packed value ``statement`` returns, as records of ``dtype`` (none if NULL)."""
    raw = conn.execute(statement, params).scalar_one()
    return np.frombuffer(b"" if raw is None else bytes(raw), dtype=dtype)


def read_nodes(conn: Connection, city_id: int) -> np.ndarray:
    """The city's road nodes, sorted by id: records of node_id, lon, lat (EPSG:4326)."""
    return _packed(conn, _NODES, {"city_id": city_id}, _NODE)


def read_arcs(conn: Connection, city_id: int, profile: str) -> np.ndarray:
    """The city's edges for one profile: records of source, target, cost, reverse (s)."""
    profile = VehicleProfile(profile).value
    return _packed(conn, _EDGES, {"city_id": city_id, "profile": profile}, _EDGE)


def road_graph(
    node_ids: np.ndarray,
    source: np.ndarray,
    target: np.ndarray,
    cost: np.ndarray,
    reverse: np.ndarray,
) -> csr_array:
    """The directed graph of the edges over ``node_ids`` (sorted), as a CSR matrix.

    Arc weights in seconds: ``cost`` from source to target, ``reverse`` back (negative: no
    way back). Of parallel arcs the faster is kept. An arc of cost 0 stays an arc.
    """
    u_of, v_of = np.searchsorted(node_ids, source), np.searchsorted(node_ids, target)
    forward, back = cost >= 0, reverse >= 0
    u = np.concatenate([u_of[forward], v_of[back]])
    v = np.concatenate([v_of[forward], u_of[back]])
    w = np.concatenate([cost[forward], reverse[back]])
    n = len(node_ids)
    if len(w) == 0:
        return csr_array((n, n))
    key = u.astype(np.int64) * n + v  # one number per (from, to) pair
    order = np.argsort(key, kind="stable")
    key, w = key[order], w[order]
    firsts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    w, key = np.minimum.reduceat(w, firsts), key[firsts]
    indptr = np.searchsorted(key // n, np.arange(n + 1))
    return csr_array((w, key % n, indptr), shape=(n, n))


@dataclass(frozen=True)
class RoadGraph:
    """One profile's drivable network: node ids (sorted), their lon/lat, the arcs (s).

    Row ``i`` of ``arcs`` is node ``node_ids[i]``; an arc ``arcs[i, j]`` is the seconds to
    drive from node ``i`` to node ``j``.
    """

    profile: str
    node_ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    arcs: csr_array

    @classmethod
    def from_database(
        cls, conn: Connection, city_id: int, profile: str, nodes: np.ndarray | None = None
    ) -> RoadGraph:
        """Read the graph of ``profile`` (two statements; one if ``nodes`` are given)."""
        nodes = read_nodes(conn, city_id) if nodes is None else nodes
        node_ids = nodes["node_id"].astype(np.int64)
        arcs = read_arcs(conn, city_id, profile)
        graph = road_graph(
            node_ids, arcs["source"].astype(np.int64), arcs["target"].astype(np.int64),
            arcs["cost"].astype(float), arcs["reverse"].astype(float),
        )  # fmt: skip
        return cls(VehicleProfile(profile).value, node_ids, nodes["lon"].astype(float),
                   nodes["lat"].astype(float), graph)  # fmt: skip

    def positions(self, node_ids: np.ndarray) -> np.ndarray:
        """Row numbers of the given node ids; ids not in the graph are left out."""
        wanted = np.asarray(node_ids, dtype=np.int64)
        return np.searchsorted(self.node_ids, wanted[np.isin(wanted, self.node_ids)])
