"""Choosing units: the nearest free unit of the right kind, in the order calls come in.

Rows are processed in order of assignment and a unit is busy from its assignment until it
clears, so a unit is on one incident at a time. Calls still open at `end` keep their
units; an open call whose kind has no free unit left waits, undispatched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from geodata.vocabulary import UnitStatus

from ._facilities import Facilities
from ._roads import RoadNetwork

__all__ = ["NAT", "Rows", "Trips", "assign_units", "candidate_stations"]

#: Missing time (numpy's NaT as int64 nanoseconds).
NAT = np.iinfo(np.int64).min
_NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Trips:
    """Dispatch rows before their units are chosen; times and durations in ns."""

    call: NDArray[np.intp]
    #: The first unit sent to its call (False: the police unit joining at a crash).
    first: NDArray[np.bool_]
    assigned: NDArray[np.int64]
    turnout: NDArray[np.int64]
    #: Candidate stations of the right kind, nearest first (-1 past the last one).
    station: NDArray[np.intp]
    #: Travel from each candidate station.
    travel: NDArray[np.int64]
    #: On scene until cleared.
    scene: NDArray[np.int64]
    #: The call is kept open at `end`: its unit stays busy and must be in service.
    hold: NDArray[np.bool_]
    #: Uniform draw in [0, 1) choosing among the free units of a station.
    pick: NDArray[np.float64]


@dataclass
class Rows:
    """Dispatch rows in order of assignment; unit -1 where no unit was sent (yet)."""

    call: NDArray[np.intp]
    first: NDArray[np.bool_]
    unit: NDArray[np.intp]
    #: assigned, en_route, on_scene, cleared: ns since the epoch, NAT when absent.
    times: dict[str, NDArray[np.int64]]
    #: No unit was free for this open call by `end`: the call waits (it stays open).
    waiting: NDArray[np.bool_]


def candidate_stations(
    points_m: NDArray[np.float64],
    kind: NDArray[np.object_],
    facilities: Facilities,
    roads: RoadNetwork,
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Stations of each point's kind by straight-line distance (metres), nearest first.

    Columns past the number of stations of a kind hold -1 and an infinite distance.
    """
    station_kind = facilities.stations["kind"].to_numpy(dtype=object)
    station_xy = roads.node_xy[facilities.stations["node"].to_numpy()]
    kinds = np.unique(kind)
    width = max([int(np.sum(station_kind == k)) for k in kinds], default=1)
    station = np.full((len(kind), width), -1, dtype=np.intp)
    distance = np.full((len(kind), width), np.inf)
    for agency_kind in kinds:
        rows = kind == agency_kind
        candidates = np.flatnonzero(station_kind == agency_kind)
        count = len(candidates)
        found, nearest = cKDTree(station_xy[candidates]).query(points_m[rows], k=count)
        distance[rows, :count] = np.reshape(found, (-1, count))
        station[rows, :count] = candidates[np.reshape(nearest, (-1, count))]
    return station, distance


def assign_units(trips: Trips, facilities: Facilities, end_ns: int) -> Rows:
    """Give each row, in time order, a free unit of the nearest station that has one.

    Rows still busy at `end` (held calls, or clearing after `end`) skip units out of
    service and, if every unit of the kind is busy, wait: no unit, no times, and the call
    stays open (a crash's police row waits with its ambulance). A row that clears before
    `end` and finds no free unit takes the nearest station's unit that frees first, a
    rare overlap kept so that the history stays complete. Python loop over rows (~12k
    for a year), a few tens of milliseconds.
    """
    units_at = [
        np.flatnonzero(facilities.unit_station == s).tolist()
        for s in range(len(facilities.stations))
    ]
    in_service = (facilities.units["status"] != UnitStatus.OUT_OF_SERVICE.value).tolist()
    busy_until = [NAT] * len(facilities.units)
    unit = np.full(len(trips.call), -1, dtype=np.intp)
    chosen = np.zeros(len(trips.call), dtype=np.intp)
    ready = (trips.assigned + trips.turnout + trips.scene).tolist()  # cleared, minus travel
    waiting: set[int] = set()  # calls whose first unit waits; only membership is asked
    calls, assigned_ns = trips.call.tolist(), trips.assigned.tolist()
    for r, (call, assigned) in enumerate(zip(calls, assigned_ns, strict=True)):
        if assigned > end_ns or call in waiting:
            continue
        finish = [ready[r] + t for t in trips.travel[r].tolist()]
        for c, s in enumerate(trips.station[r].tolist()):
            in_service_only = bool(trips.hold[r]) or finish[c] > end_ns
            free = [
                u
                for u in (units_at[s] if s >= 0 else [])
                if busy_until[u] < assigned and (in_service[u] or not in_service_only)
            ]
            if free:
                unit[r], chosen[r] = free[int(trips.pick[r] * len(free))], c
                break
        if unit[r] < 0 and (trips.hold[r] or finish[0] > end_ns):
            waiting.add(call)
            continue
        if unit[r] < 0:
            unit[r] = min(units_at[int(trips.station[r, 0])], key=busy_until.__getitem__)
        done = _NEVER if trips.hold[r] else finish[chosen[r]]
        busy_until[unit[r]] = max(busy_until[unit[r]], done)
    return _rows(trips, unit, chosen, end_ns)


def _rows(trips: Trips, unit: NDArray[np.intp], chosen: NDArray[np.intp], end_ns: int) -> Rows:
    """Step times from the station each row was served from; waiting rows are all NAT."""
    en_route = trips.assigned + trips.turnout
    on_scene = en_route + trips.travel[np.arange(len(chosen)), chosen]
    times = {
        "assigned": trips.assigned.copy(),
        "en_route": en_route,
        "on_scene": on_scene,
        "cleared": on_scene + trips.scene,
    }
    waiting = (unit < 0) & (trips.assigned <= end_ns)
    for values in times.values():
        values[waiting] = NAT
    return Rows(trips.call, trips.first, unit, times, waiting)
