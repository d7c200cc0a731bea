"""The bounded search of one incident for one vehicle profile's candidates (see
:mod:`geodata.routing.recommend` for why it is exact), in steps that a batch of incidents
(:mod:`geodata.routing.surge`) can drive together."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from geodata.routing.graph_store import ReverseGraph, reverse_graph
from geodata.routing.network_search import (
    EVERYTHING_S,
    MAX_SNAP_M,
    Snap,
    bbox_around,
    snap_points,
    time_to_target,
    top_speed_ms,
)

BOUND_SLACK = 0.99
#: First search limit: the k-th nearest unit's straight-line time at top speed × this + 15 s.
#: On the 100k-edge benchmark the limit needed was 1.51× at the median and 1.75× at p99;
#: a miss costs one more search (doubling), never exactness.
FIRST_LIMIT_FACTOR = 1.8
FIRST_LIMIT_EXTRA_S = 15.0


def extent_lookup(conn: Connection) -> Callable[[int], tuple[float, float, float, float]]:
    """A city's road-network extent, asked lazily (only a search that may have to cover
    the whole network needs it) and once per city for the life of the lookup."""

    @functools.cache
    def extent(city_id: int) -> tuple[float, float, float, float]:
        box = conn.execute(_NETWORK_EXTENT, {"c": city_id}).one()
        return (box.x0, box.y0, box.x1, box.y1)

    return extent


_NETWORK_EXTENT = text(
    "SELECT ST_XMin(b) AS x0, ST_YMin(b) AS y0, ST_XMax(b) AS x1, ST_YMax(b) AS y1 "
    "FROM (SELECT ST_Extent(geom)::geometry AS b FROM road_nodes WHERE city_id = :c) e"
)


GraphLookup = Callable[[int, str], Callable[[], ReverseGraph]]


def graph_lookup(conn: Connection) -> GraphLookup:
    """(city, profile) → a reader of that reversed graph, read at most once for the life of
    the lookup and only if a search needs it."""

    @functools.cache
    def read(city_id: int, profile: str) -> ReverseGraph:
        return reverse_graph(conn, city_id, profile)

    return lambda city_id, profile: functools.partial(read, city_id, profile)


@dataclass
class ProfileSearch:
    """The search of one incident for the candidates of one vehicle profile."""

    conn: Connection
    incident: Any
    profile: str
    target: Snap
    candidates: list[Any]
    network_bbox: Callable[[], tuple[float, float, float, float]]
    graph: Callable[[], ReverseGraph]
    attempted: set[int] = field(default_factory=set)
    snaps: dict[int, Snap] = field(default_factory=dict)
    timed: dict[int, tuple[float, int]] = field(default_factory=dict)
    limit_s: float = 0.0
    bbox: tuple[float, float, float, float] | None = None
    complete: bool = False
    needed: dict[str, int] = field(default_factory=dict)

    def run(self, k: int) -> None:
        """Search with doubling limits until every agency kind has its ``k`` (or all)."""
        self.start(k)
        while True:
            self.snaps.update(snap_points(self.conn, self.incident.city_id, self.profile,
                                          self.reach()))  # fmt: skip
            if self.take(self.times()):
                return
            self.limit_s *= 2

    def start(self, k: int) -> None:
        """The first limit: 1.8 × the k-th nearest unit's straight-line time + 15 s."""
        v_max = top_speed_ms(self.profile)
        self.needed = {kind: min(k, n) for kind, n in _count_by_kind(self.candidates).items()}
        kth = max(
            [c.straight_m for c in self.candidates if c.agency_kind == kind][n - 1]
            for kind, n in self.needed.items()
        )
        self.limit_s = FIRST_LIMIT_FACTOR * kth / v_max + FIRST_LIMIT_EXTRA_S

    def reach(self) -> dict[int, tuple[float, float]]:
        """Set the box of this limit; the units newly within snap reach (to be snapped)."""
        radius_m = self.limit_s * top_speed_ms(self.profile) + self.target.snap_m
        snap_reach_m = radius_m + MAX_SNAP_M
        new = {
            c.unit_id: (c.lon, c.lat)
            for c in self.candidates
            if c.straight_m * BOUND_SLACK <= snap_reach_m and c.unit_id not in self.attempted
        }
        self.attempted |= set(new)
        self.bbox = bbox_around(self.incident.lon, self.incident.lat, radius_m)
        self.complete = len(self.attempted) == len(self.candidates) and _contains(
            self.bbox, self.network_bbox()
        )
        if self.complete:
            self.bbox, self.limit_s = None, EVERYTHING_S
        return new

    def exits(self) -> list[int]:
        return [node for snap in self.snaps.values() for node in (snap.source, snap.target)]

    def times(self) -> dict[int, float]:
        """Seconds from each snapped unit's exit nodes to the target, those within the limit
        (exact: a Dijkstra on the whole reversed graph, stopped at the limit)."""
        arrivals = {self.target.source: self.target.frac * self.target.cost_s}
        if self.target.reverse_cost_s >= 0:
            back = (1 - self.target.frac) * self.target.reverse_cost_s
            arrivals[self.target.target] = min(back, arrivals.get(self.target.target, back))
        return self.graph().times_to(arrivals, set(self.exits()), self.limit_s)

    def take(self, times: dict[int, float]) -> bool:
        """Keep the times within the limit; whether the search is done."""
        self.timed = {
            unit_id: timed
            for unit_id, snap in self.snaps.items()
            if (timed := time_to_target(snap, self.target, times)) is not None
            and timed[0] <= self.limit_s
        }
        within = _count_by_kind([c for c in self.candidates if c.unit_id in self.timed])
        return self.complete or all(within.get(kind, 0) >= n for kind, n in self.needed.items())

    def outcome(self, unit_id: int) -> str:
        if unit_id in self.attempted and unit_id not in self.snaps:
            return "off_network"
        if self.complete and unit_id not in self.timed:
            return "unreachable"
        return "slower"


def _count_by_kind(candidates: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for candidate in candidates:
        counts[candidate.agency_kind] = counts.get(candidate.agency_kind, 0) + 1
    return counts


def _contains(outer: tuple[float, ...], inner: tuple[float, ...]) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and outer[2] >= inner[2]
        and outer[3] >= inner[3]
    )


def run_together(
    conn: Connection, city_id: int, profile: str, searches: list[ProfileSearch], k: int
) -> None:
    """Run many incidents' searches of one profile in shared rounds.

    Each search takes the same steps as :meth:`ProfileSearch.run` alone (its own limits,
    snap reach and the times within its limit, hence the same exact answer); they share the
    profile's graph (read once, see :mod:`geodata.routing.graph_store`) and, per round, one
    statement snapping the units newly in reach of any of them (each unit once).
    """
    for search in searches:
        search.start(k)
    shared: dict[int, Snap] = {}
    tried: set[int] = set()
    active = list(searches)
    while active:
        reached = [search.reach() for search in active]
        wanted = {u: p for new in reached for u, p in new.items() if u not in tried}
        tried |= set(wanted)
        shared.update(snap_points(conn, city_id, profile, wanted))
        unfinished = []
        for search, new in zip(active, reached, strict=True):
            search.snaps.update({u: shared[u] for u in new if u in shared})
            if not search.take(search.times()):
                search.limit_s *= 2
                unfinished.append(search)
        active = unfinished
