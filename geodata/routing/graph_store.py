"""Each profile's road graph, reversed and packed, kept in PostgreSQL for bounded searches.

A recommendation on a kabupaten searches a disk of tens of thousands of edges (the k-th
nearest unit of an agency whose units wait at a few dozen posko is minutes away); handing
those edges to pgRouting row by row cost ~100 ms per search. Instead the profile's whole
graph is stored once per city as one packed row in ``road_graphs`` (node ids, CSR arrays of
the *reversed* arcs, in seconds; about 6 MB for 250,000 edges), read in one binary fetch
(~10–25 ms) and searched with SciPy's Dijkstra up to the search's limit (a few ms), as
often as the limit doubles and for as many incidents as share the read (a surge).

The row is derived data: a statement trigger on ``road_routing_edges`` deletes a city's
rows whenever its routing edges change, and the next reader rebuilds it from the tables
(:class:`~geodata.routing.road_graph.RoadGraph`, two statements) and stores it in a short
transaction of its own (so a page that only reads still leaves it for the next). The row
has no foreign key (so storing never waits on a caller's uncommitted city); a city's
deletion removes its routing edges, and with them every stored graph. A graph built from
edges that changed while it was being stored stays until the next change: networks change
by imports, not while dispatching.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from geodata.routing.road_graph import RoadGraph
from geodata.vocabulary import VehicleProfile

__all__ = ["ReverseGraph", "reverse_graph"]

_COLUMNS = ("node_ids", "lon", "lat", "indptr", "indices", "weights")
_READ = (
    "SELECT node_ids, lon, lat, indptr, indices, weights FROM road_graphs "
    "WHERE city_id = %(city_id)s AND profile = %(profile)s"
)


@dataclass(frozen=True)
class ReverseGraph:
    """One profile's network with every arc turned around: row ``i`` of ``arcs`` lists the
    nodes from which node ``node_ids[i]`` is reached directly, with the seconds it takes.

    ``arcs`` has one more row, the *target*: a virtual node whose two entries (the last two
    of ``indices``/``data``) each search sets to the target's arrival nodes and costs, so no
    search copies the graph. One search at a time per instance (each request has its own).
    """

    node_ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    arcs: csr_array

    def forward(self) -> csr_array:
        """The network the right way round (row = where one leaves from), without the
        target row: for searches *from* places, such as the travel-time surface."""
        n = len(self.node_ids)
        return csr_array(self.arcs[:n, :n].T)

    def times_to(
        self, arrivals: dict[int, float], wanted: set[int], limit_s: float
    ) -> dict[int, float]:
        """Seconds from each ``wanted`` node to a target reached from ``arrivals`` (node id
        → seconds from that node to the target), for those within ``limit_s``; exact."""
        n = len(self.node_ids)
        rows = self._rows(np.fromiter(arrivals, dtype=np.int64, count=len(arrivals)))
        entries = [(int(r), cost) for r, cost in zip(rows, arrivals.values(), strict=True)
                   if r >= 0]  # fmt: skip
        if not entries:
            return {}
        while len(entries) < 2:
            entries.append((n, 0.0))  # a loop on the target itself: no path through it
        self.arcs.indices[-2:] = [entries[0][0], entries[1][0]]
        self.arcs.data[-2:] = [entries[0][1], entries[1][1]]
        seconds = dijkstra(self.arcs, directed=True, indices=n, limit=limit_s)
        nodes = np.fromiter(wanted, dtype=np.int64, count=len(wanted))
        at = self._rows(nodes)
        reached = at >= 0
        values = np.full(len(nodes), np.inf)
        values[reached] = seconds[at[reached]]
        keep = np.isfinite(values)
        return dict(zip(nodes[keep].tolist(), values[keep].tolist(), strict=True))

    def _rows(self, node_ids: np.ndarray) -> np.ndarray:
        """Row of each node id, −1 for ids not in the graph."""
        rows = np.searchsorted(self.node_ids, node_ids)
        rows = np.minimum(rows, len(self.node_ids) - 1)
        return np.where(self.node_ids[rows] == node_ids, rows, -1) if len(rows) else rows


def _packed(graph: RoadGraph) -> tuple[bytes, ...]:
    reverse = csr_array(graph.arcs.T)  # row = arrival node, columns = where one comes from
    reverse.sort_indices()
    return (
        graph.node_ids.astype("<i8").tobytes(),
        graph.lon.astype("<f8").tobytes(),
        graph.lat.astype("<f8").tobytes(),
        reverse.indptr.astype("<i4").tobytes(),
        reverse.indices.astype("<i4").tobytes(),
        reverse.data.astype("<f8").tobytes(),
    )


def _unpacked(
    node_ids: bytes, lon: bytes, lat: bytes, indptr: bytes, indices: bytes, weights: bytes
) -> ReverseGraph:
    """The stored graph with its target row appended (arrays in SciPy's own types, so that a
    search converts nothing)."""
    ids = np.frombuffer(node_ids, dtype="<i8").astype(np.int64)
    n = len(ids)
    row_starts = np.frombuffer(indptr, dtype="<i4").astype(np.int32)
    columns = np.concatenate([np.frombuffer(indices, dtype="<i4"), [n, n]]).astype(np.int32)
    seconds = np.concatenate([np.frombuffer(weights, dtype="<f8"), [0.0, 0.0]])
    pointers = np.concatenate([row_starts, [row_starts[-1] + 2]]).astype(np.int32)
    arcs = csr_array((seconds, columns, pointers), shape=(n + 1, n + 1))
    return ReverseGraph(ids, np.frombuffer(lon, dtype="<f8"), np.frombuffer(lat, dtype="<f8"), arcs)


def reverse_graph(conn: Connection, city_id: int, profile: str) -> ReverseGraph:
    """The profile's reversed graph: one binary read of its stored row, or built and stored.

    Cost: one statement when stored (binary transfer, no per-row work); otherwise the two
    statements of :meth:`RoadGraph.from_database` and one insert in a savepoint.
    """
    profile = VehicleProfile(profile).value
    key = {"city_id": city_id, "profile": profile}
    raw: Any = conn.connection.driver_connection  # psycopg's: bytea in binary, not hex
    with raw.cursor(binary=True) as cursor:
        cursor.execute(_READ, key)
        row = cursor.fetchone()
    if row is not None:
        return _unpacked(*(bytes(part) for part in row))
    parts = _packed(RoadGraph.from_database(conn, city_id, profile))
    try:  # its own short transaction: kept whether or not the caller's commits
        with conn.engine.begin() as writer:
            # Never wait on the caller's own transaction (which may hold the old row).
            writer.execute(text("SET LOCAL lock_timeout = '1s'"))
            writer.execute(
                text(f"INSERT INTO road_graphs (city_id, profile, {', '.join(_COLUMNS)}) "
                     f"VALUES (:city_id, :profile, {', '.join(':' + c for c in _COLUMNS)}) "
                     "ON CONFLICT (city_id, profile) DO NOTHING"),
                {**key, **dict(zip(_COLUMNS, parts, strict=True))},
            )  # fmt: skip
    except DBAPIError:  # not stored this time (e.g. the database is read-only): rebuilt later
        pass
    return _unpacked(*parts)
