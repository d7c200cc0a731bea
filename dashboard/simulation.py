"""``tanggap simulate``: a live day in the demo city, driven through the public API only.

Calls arrive as a Poisson process with the demo generator's category mix, hourly rhythm
and priority triage (``geodata.demo``); emergencies get the nearest available unit of
their first responding agency (``Settings.response_agencies``), which turns out, drives the
road network at its profile's speeds (the shared :mod:`geodata.routing.road_graph`)
reporting its position every ``tick_s``, works on scene,
clears the incident and drives home. Non-emergency calls are closed by the call taker.
Every write goes over HTTP with an integration token; the road geometry is read once
from the database (read-only), to route on it. ``speedup`` compresses durations and
drives faster; the run stops after ``duration_s`` or ``max_calls`` calls, whichever first.
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import numpy as np
from scipy.sparse.csgraph import dijkstra
from sqlalchemy import Connection

from geodata.demo import (
    CALL_PROCESSING_S,
    CATEGORY_SHARES,
    HOURLY_PROFILE,
    PRIORITY_SHARES,
    SCENE_MIN,
    TURNOUT_S,
)
from geodata.responders import DEFAULT_RESPONSE_AGENCIES, ResponseAgencies, primary_kind
from geodata.routing.road_graph import RoadGraph, read_nodes
from geodata.vocabulary import EMERGENCY_CATEGORIES, IncidentCategory, VehicleProfile

__all__ = ["ApiClient", "Roads", "SimulationOptions", "run_simulation"]

#: Seconds (simulated) a call taker needs to close a call that sends no one.
CLOSE_CALL_S = (40.0, 150.0)


@dataclass(frozen=True)
class SimulationOptions:
    """How long and how fast to simulate.

    ``duration_s`` and ``tick_s`` (how often moving units report) are real seconds;
    ``rate_per_h`` is calls per simulated hour at an average hour of the day; ``speedup``
    is simulated seconds per real second (durations shrink, vehicles drive faster).
    """

    duration_s: float = 300.0
    max_calls: int = 200
    rate_per_h: float = 120.0
    speedup: float = 5.0
    tick_s: float = 2.0
    seed: int = 112
    timezone: str = "Asia/Jakarta"
    #: Who responds to each category (``Settings.response_agencies``): the first kind goes.
    responders: ResponseAgencies = field(default_factory=lambda: DEFAULT_RESPONSE_AGENCIES)


class ApiClient:
    """A keep-alive JSON client of the Tanggap API (loopback or wherever ``base`` points)."""

    def __init__(self, base: str, token: str, timeout_s: float = 10.0) -> None:
        parts = urlsplit(base)
        self._connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout_s
        )
        self._headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        payload = None if body is None else json.dumps(body, default=str)
        for attempt in (1, 2):  # one retry on a dropped keep-alive connection
            try:
                self._connection.request(method, "/api/v1" + path, payload, self._headers)
                response = self._connection.getresponse()
                data = response.read()
                return response.status, json.loads(data) if data else None
            except (ConnectionError, http.client.HTTPException):
                self._connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._connection.close()


@dataclass(frozen=True)
class Roads:
    """The city's road graph for every vehicle profile (one node table), to route units on."""

    graphs: dict[str, RoadGraph]

    @classmethod
    def from_database(cls, conn: Connection, city_id: int) -> Roads:
        """Read the nodes once and each profile's arcs (1 + 4 statements, read-only)."""
        nodes = read_nodes(conn, city_id)
        return cls({p.value: RoadGraph.from_database(conn, city_id, p.value, nodes)
                    for p in VehicleProfile})  # fmt: skip

    @property
    def lon(self) -> np.ndarray:
        return next(iter(self.graphs.values())).lon

    @property
    def lat(self) -> np.ndarray:
        return next(iter(self.graphs.values())).lat

    def nearest(self, lon: float, lat: float) -> int:
        return int(np.argmin((self.lon - lon) ** 2 + (self.lat - lat) ** 2))

    def route(self, profile: str, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """(node rows, cumulative seconds) of the fastest route; just the start if none."""
        arcs = self.graphs[profile].arcs
        _, previous = dijkstra(arcs, indices=start, return_predecessors=True)
        if start != end and previous[end] < 0:
            return np.array([start]), np.array([0.0])
        path = [end]
        while path[-1] != start:
            path.append(int(previous[path[-1]]))
        path.reverse()
        legs = [arcs[u, v] for u, v in itertools.pairwise(path)]
        return np.array(path), np.concatenate([[0.0], np.cumsum(legs)])


@dataclass
class Trip:
    """A unit on the road: where along its route it is at a simulated time."""

    nodes: np.ndarray
    at_s: np.ndarray
    started: float
    arrive: Callable[[], None]

    def position(self, graph: Roads, now: float) -> tuple[float, float, bool]:
        """(lon, lat, arrived) at simulated time ``now``, interpolated along the route."""
        elapsed = now - self.started
        if elapsed >= self.at_s[-1]:
            end = self.nodes[-1]
            return float(graph.lon[end]), float(graph.lat[end]), True
        leg = int(np.searchsorted(self.at_s, elapsed, side="right")) - 1
        share = (elapsed - self.at_s[leg]) / max(self.at_s[leg + 1] - self.at_s[leg], 1e-9)
        u, v = self.nodes[leg], self.nodes[leg + 1]
        lon = graph.lon[u] + share * (graph.lon[v] - graph.lon[u])
        lat = graph.lat[u] + share * (graph.lat[v] - graph.lat[u])
        return float(lon), float(lat), False


@dataclass
class World:
    """What the simulator knows: units (from the API), trips, timers, counts."""

    graph: Roads
    api: ApiClient
    options: SimulationOptions
    rng: np.random.Generator
    units: dict[str, dict[str, Any]]
    clock: Callable[[], float]
    trips: dict[str, Trip] = field(default_factory=dict)
    timers: list[tuple[float, Callable[[], None]]] = field(default_factory=list)
    open_ids: set[int] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("calls", "dispatches", "positions", "cleared", "refused"), 0))  # fmt: skip

    def now(self) -> float:
        """Simulated seconds since the start."""
        return self.clock() * self.options.speedup

    def later(self, delay_s: float, action: Callable[[], None]) -> None:
        self.timers.append((self.now() + delay_s, action))

    def write(self, method: str, path: str, body: Any) -> Any:
        status, answer = self.api.call(method, path, body)
        if status >= 400:
            self.counts["refused"] += 1  # e.g. a unit taken by a supervisor meanwhile
            return None
        return answer


def lognormal(rng: np.random.Generator, median: float, sigma: float) -> float:
    return float(rng.lognormal(math.log(median), sigma))


def draw_call(rng: np.random.Generator, graph: Roads) -> dict[str, Any]:
    """One call: category by the demo's shares, priority by its triage, a place on a road."""
    categories = list(CATEGORY_SHARES)
    shares = np.array([CATEGORY_SHARES[c] for c in categories])
    category = categories[int(rng.choice(len(categories), p=shares / shares.sum()))]
    priority = 4
    if category in PRIORITY_SHARES:
        priority = int(rng.choice(4, p=np.array(PRIORITY_SHARES[category]))) + 1
    node = int(rng.integers(len(graph.lon)))
    jitter = rng.normal(0, 0.00008, 2)
    return {"category": category.value, "priority": priority,
            "lon": round(float(graph.lon[node] + jitter[0]), 6),
            "lat": round(float(graph.lat[node] + jitter[1]), 6)}  # fmt: skip


def nearest_free_unit(world: World, kind: str, lon: float, lat: float) -> str | None:
    free = [u for u in world.units.values()
            if u["agency_kind"] == kind and u["status"] == "available" and u["call_sign"]
            not in world.trips and u["lon"] is not None]  # fmt: skip
    if not free:
        return None
    best = min(free, key=lambda u: (u["lon"] - lon) ** 2 + (u["lat"] - lat) ** 2)
    return str(best["call_sign"])


def drive(world: World, sign: str, lon: float, lat: float, arrive: Callable[[], None]) -> None:
    unit = world.units[sign]
    graph = world.graph
    nodes, at_s = graph.route(unit["vehicle_profile"], graph.nearest(unit["lon"], unit["lat"]),
                              graph.nearest(lon, lat))  # fmt: skip
    world.trips[sign] = Trip(nodes, at_s, world.now(), arrive)


def set_status(world: World, sign: str, status: str) -> None:
    if world.write("PUT", f"/units/{sign}/status", {"status": status}) is not None:
        world.units[sign]["status"] = status


def respond(world: World, incident_id: int, call: dict[str, Any]) -> None:
    """Dispatch, turn out, drive, work on scene, clear, go home: the unit's whole cycle."""
    kind = primary_kind(call["category"], world.options.responders)
    sign = None if kind is None else nearest_free_unit(world, kind, call["lon"], call["lat"])
    if sign is None:  # nobody free: the call waits, and is closed at the end of the run
        return
    if world.write("POST", f"/incidents/{incident_id}/dispatches", {"unit": sign}) is None:
        return
    world.counts["dispatches"] += 1
    world.units[sign]["status"] = "dispatched"
    rng = world.rng

    def clear() -> None:
        # Clearing the incident stands its units down (available), then they drive home.
        _close(world, incident_id)
        unit = world.units[sign]
        unit["status"] = "available"
        drive(world, sign, unit["home_lon"], unit["home_lat"], lambda: None)

    def on_scene() -> None:
        set_status(world, sign, "on_scene")
        world.later(60 * (SCENE_MIN[0] + SCENE_MIN[1] * rng.beta(2.0, 3.5)), clear)

    def turn_out() -> None:
        set_status(world, sign, "en_route")
        drive(world, sign, call["lon"], call["lat"], on_scene)

    world.later(lognormal(rng, *TURNOUT_S), turn_out)


def new_call(world: World) -> None:
    call = draw_call(world.rng, world.graph)
    world.counts["calls"] += 1
    body = {**call, "external_id": f"SIM-{world.options.seed}-{int(time.time())}-"
            f"{world.counts['calls']}", "received_at": datetime.now(UTC).isoformat()}  # fmt: skip
    answer = world.write("POST", "/incidents", body)
    if answer is None:
        return
    incident_id = int(answer["id"])
    world.open_ids.add(incident_id)
    if IncidentCategory(call["category"]) in EMERGENCY_CATEGORIES:
        delay = lognormal(world.rng, *CALL_PROCESSING_S)
        world.later(delay, lambda: respond(world, incident_id, call))
    else:
        close = world.rng.uniform(*CLOSE_CALL_S)
        world.later(close, lambda: _close(world, incident_id))


def _close(world: World, incident_id: int) -> None:
    if world.write("POST", f"/incidents/{incident_id}/events", {"status": "cleared"}):
        world.counts["cleared"] += 1
        world.open_ids.discard(incident_id)


def report_positions(world: World) -> None:
    """Move every unit on the road and report all their fixes in one batch."""
    fixes, arrived = [], []
    stamp = datetime.now(UTC).isoformat()
    for sign, trip in world.trips.items():
        lon, lat, done = trip.position(world.graph, world.now())
        world.units[sign].update(lon=lon, lat=lat)
        fixes.append({"unit": sign, "lon": round(lon, 6), "lat": round(lat, 6), "at": stamp})
        if done:
            arrived.append(sign)
    if fixes and world.write("POST", "/units/positions", {"positions": fixes}) is not None:
        world.counts["positions"] += len(fixes)
    for sign in arrived:
        world.trips.pop(sign).arrive()


def run_simulation(
    api: ApiClient, graph: Roads, options: SimulationOptions, say: Callable[[str], None]
) -> dict[str, int]:
    """Run until ``duration_s`` (real) or ``max_calls``; returns what was done."""
    _, listing = api.call("GET", "/units")
    units = {u["call_sign"]: {**u, "lon": u["lon"] or u["home_lon"],
                               "lat": u["lat"] or u["home_lat"]}
             for u in listing["units"] if u["home_lon"] is not None}  # fmt: skip
    started = time.monotonic()
    world = World(graph, api, options, np.random.default_rng(options.seed), units,
                  clock=lambda: time.monotonic() - started)  # fmt: skip
    mean_rate = options.rate_per_h / 3600 / float(np.mean(HOURLY_PROFILE))
    next_call, next_tick = 0.0, 0.0
    while time.monotonic() - started < options.duration_s:
        now = world.now()
        if now >= next_call and world.counts["calls"] < options.max_calls:
            new_call(world)
            hour = datetime.now(ZoneInfo(options.timezone)).hour
            next_call = now + world.rng.exponential(1 / (mean_rate * HOURLY_PROFILE[hour]))
        for due, action in sorted(world.timers, key=lambda t: t[0]):
            if due <= now:
                world.timers.remove((due, action))
                action()
        if time.monotonic() - started >= next_tick:
            report_positions(world)
            next_tick += options.tick_s
            say(", ".join(f"{k} {v}" for k, v in world.counts.items()))
        time.sleep(0.05)
    for incident_id in sorted(world.open_ids):  # leave the city as we found it
        _close(world, incident_id)
    return world.counts
