"""Incident lifecycles and dispatches: who was sent, and when each step happened.

Intervals are plausible assumptions (lognormal call processing with a ~2 min median,
~1.5 min turnout, travel at 25-40 km/h over 1.35x the straight-line distance from the
nearest suitable posko with a heavy right tail, 20-120 min on scene). Times are int64
nanoseconds since the epoch (UTC); NaT is numpy's int64 minimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from geodata.responders import ResponseAgencies
from geodata.vocabulary import IncidentCategory, IncidentStatus, UnitStatus

from ._dispatch import NAT, Rows, Trips, assign_units, candidate_stations
from ._facilities import Facilities
from ._incidents import Calls
from ._roads import RoadNetwork

__all__ = ["Lifecycle", "as_utc", "external_ids", "run_lifecycle"]

_S = 10**9  # nanoseconds per second
_NEVER = np.iinfo(np.int64).max
_C = IncidentCategory
#: Share of calls where the second agency kind of the response rule also sends a unit, by
#: category (assumed: police at 40 % of traffic accidents; the demo's BPBD and Basarnas
#: work alone). The kinds come from ``geodata.responders``, passed in.
SECOND_AGENCY_SHARE: dict[IncidentCategory, float] = {_C.TRAFFIC_ACCIDENT: 0.4}
#: Lognormal (median s, sigma) of call processing and of turnout (assumed).
CALL_PROCESSING_S = (120.0, 0.55)
TURNOUT_S = (90.0, 0.6)
SECOND_UNIT_DELAY_S = (30.0, 240.0)
#: Travel: detour over the straight line, speed range km/h, noise sigma; a tail share of
#: trips is slowed by a Pareto factor (jams, wrong turns), capped (assumed).
DETOUR_FACTOR = 1.35
SPEED_KMH = (25.0, 40.0)
TRAVEL_NOISE_SIGMA = 0.3
TRAVEL_TAIL_SHARE = 0.08
TRAVEL_TAIL_MAX = 5.0
MIN_TRAVEL_S = 45.0
#: On scene until cleared, minutes: 20 + 100 * Beta(2, 3.5), mode ~40 min (assumed).
SCENE_MIN = (20.0, 100.0)
#: Call handling of non-emergency calls, seconds (assumed).
CALL_HANDLING_S = (30.0, 300.0)
#: Share of emergencies whose log misses en route (2/3) or on scene (1/3).
MISSING_STEP_SHARE = 0.03
#: Calls in the last hours are still open; their number is kept within OPEN_COUNT.
OPEN_WINDOW_H = 3
OPEN_COUNT = (10, 25)
#: Dispatcher accounts by 8-hour shift (07-15, 15-23, 23-07 WIB) and the supervisor's share.
DISPATCHERS = ("dispatcher.pagi.demo", "dispatcher.sore.demo", "dispatcher.malam.demo")
SUPERVISOR = "supervisor.demo"
SUPERVISOR_SHARE = 0.1
_STEPS = ("dispatched", "en_route", "on_scene", "cleared")


@dataclass(frozen=True)
class Lifecycle:
    """Step times (ns, NAT when absent) and status per call, dispatch rows, unit status."""

    times: dict[str, NDArray[np.int64]]
    status: NDArray[np.object_]
    dispatches: pd.DataFrame
    unit_status: NDArray[np.object_]


def run_lifecycle(
    calls: Calls,
    facilities: Facilities,
    roads: RoadNetwork,
    end_ns: int,
    rng: np.random.Generator,
    responders: ResponseAgencies,
) -> Lifecycle:
    """Time every step of every call, dispatch the nearest free suitable units.

    Calls kept open at `end` (see :func:`_held_calls`) and calls with a step after `end`
    are open: their steps after `end` are blank and they are not cleared; units on them
    are busy. Everything else is cleared.
    """
    count = len(calls.received_ns)
    kind_of = {category: kinds[0] for category, kinds in responders.items() if kinds}
    responder = pd.Series(calls.category).map(kind_of).fillna("").to_numpy(dtype=object)
    silent = responder == ""
    handling = np.round(rng.uniform(*CALL_HANDLING_S, int(silent.sum()))).astype(np.int64)
    handled = np.full(count, NAT, dtype=np.int64)
    handled[silent] = calls.received_ns[silent] + handling * _S
    held = _held_calls(calls.received_ns, ~silent, end_ns)
    trips = _trips(calls, responder, held, facilities, roads, rng, responders)
    rows = assign_units(trips, facilities, end_ns)
    _mark_missing_steps(rows, rng)
    open_call = held | np.isin(np.arange(count), rows.call[rows.waiting])
    for values in _incident_times(handled, rows).values():
        open_call |= values > end_ns
    for step, values in rows.times.items():
        values[(values > end_ns) | ((step == "cleared") & held[rows.call])] = NAT
    times = _incident_times(handled, rows)
    for step, values in times.items():
        values[(values > end_ns) | ((step == "cleared") & open_call)] = NAT
    status = np.full(count, IncidentStatus.CLEARED.value, dtype=object)
    status[open_call] = _last_step(times, open_call)
    dispatches = _dispatch_frame(calls, facilities, rows, rng)
    return Lifecycle(times, status, dispatches, _unit_status(rows, facilities))


def _seconds(values: NDArray[np.float64]) -> NDArray[np.int64]:
    """Durations in whole seconds (at least one), as ns: steps are strictly ordered."""
    return np.maximum(np.round(values), 1).astype(np.int64) * _S


def _trips(
    calls: Calls,
    responder: NDArray[np.object_],
    held: NDArray[np.bool_],
    facilities: Facilities,
    roads: RoadNetwork,
    rng: np.random.Generator,
    responders: ResponseAgencies,
) -> Trips:
    """Every unit to send, sorted by assignment time, with its candidate stations."""
    emergency = np.flatnonzero(responder != "")
    processing = rng.lognormal(np.log(CALL_PROCESSING_S[0]), CALL_PROCESSING_S[1], len(emergency))
    dispatched = calls.received_ns[emergency] + _seconds(processing)
    joined, second_kind = _second_agencies(calls.category[emergency], responders, rng)
    second_after = dispatched[joined] + _seconds(rng.uniform(*SECOND_UNIT_DELAY_S, len(joined)))
    assigned = np.concatenate([dispatched, second_after])
    order = np.argsort(assigned, kind="stable")
    call = np.concatenate([emergency, emergency[joined]])[order]
    first = np.concatenate([np.ones(len(emergency), bool), np.zeros(len(joined), bool)])[order]
    kind = np.concatenate([responder[emergency], second_kind])[order]
    station, distance_m = candidate_stations(calls.xy[call], kind, facilities, roads)

    size = len(call)
    speed_ms = rng.uniform(*SPEED_KMH, size) / 3.6
    slowed = np.where(rng.random(size) < TRAVEL_TAIL_SHARE, 1.0 + rng.pareto(2.0, size), 1.0)
    factor = rng.lognormal(0.0, TRAVEL_NOISE_SIGMA, size) * np.minimum(slowed, TRAVEL_TAIL_MAX)
    travel_s = distance_m * DETOUR_FACTOR / speed_ms[:, None] * factor[:, None]
    travel_s = np.where(station >= 0, np.maximum(travel_s, MIN_TRAVEL_S), 0.0)
    scene_min = SCENE_MIN[0] + SCENE_MIN[1] * rng.beta(2.0, 3.5, size)
    return Trips(
        call=call,
        first=first,
        assigned=assigned[order],
        turnout=_seconds(rng.lognormal(np.log(TURNOUT_S[0]), TURNOUT_S[1], size)),
        station=station,
        travel=_seconds(travel_s),
        scene=_seconds(scene_min * 60.0),
        hold=held[call],
        pick=rng.random(size),
    )


def _second_agencies(
    categories: NDArray[np.object_], responders: ResponseAgencies, rng: np.random.Generator
) -> tuple[NDArray[np.intp], NDArray[np.object_]]:
    """Which emergencies (positions) also get their second agency kind, and that kind."""
    joined, kinds = [], []
    for category, share in SECOND_AGENCY_SHARE.items():
        if len(responders.get(category, ())) < 2:
            continue
        calls = np.flatnonzero(categories == category.value)
        chosen = calls[rng.random(len(calls)) < share]
        joined.append(chosen)
        kinds.append(np.full(len(chosen), responders[category][1], dtype=object))
    if not joined:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=object)
    return np.concatenate(joined), np.concatenate(kinds)


def _held_calls(
    received_ns: NDArray[np.int64], emergency: NDArray[np.bool_], end_ns: int
) -> NDArray[np.bool_]:
    """Calls kept open at `end`, whatever their step times.

    Those received in the last OPEN_WINDOW_H hours (at most the latest OPEN_COUNT[1]),
    topped up with the latest emergencies to OPEN_COUNT[0] on a quiet night. Calls are
    sorted by arrival.
    """
    count = len(received_ns)
    recent = min(int((received_ns > end_ns - OPEN_WINDOW_H * 3_600 * _S).sum()), OPEN_COUNT[1])
    held = np.zeros(count, dtype=bool)
    held[count - recent :] = True
    shortfall = OPEN_COUNT[0] - recent
    if shortfall > 0:
        older_emergencies = np.flatnonzero(emergency & ~held)
        held[older_emergencies[max(len(older_emergencies) - shortfall, 0) :]] = True
    return held


def _mark_missing_steps(rows: Rows, rng: np.random.Generator) -> None:
    """Blank en route or on scene for a few incidents, in all their rows, as logs do."""
    calls = np.unique(rows.call)
    missing = rng.random(len(calls)) < MISSING_STEP_SHARE
    step = np.where(rng.random(len(calls)) < 2.0 / 3.0, "en_route", "on_scene")
    for name in ("en_route", "on_scene"):
        rows.times[name][np.isin(rows.call, calls[missing & (step == name)])] = NAT


def _incident_times(handled: NDArray[np.int64], rows: Rows) -> dict[str, NDArray[np.int64]]:
    """Incident step times from its dispatch rows: the first unit dispatched, en route and
    on scene, the last one cleared; `handled` is when non-emergency calls were closed."""
    times: dict[str, NDArray[np.int64]] = {}
    for step, column in (("dispatched", "assigned"), ("en_route", "en_route"),
                         ("on_scene", "on_scene")):  # fmt: skip
        values = rows.times[column]
        present = values != NAT
        earliest = np.full(len(handled), _NEVER, dtype=np.int64)
        np.minimum.at(earliest, rows.call[present], values[present])
        times[step] = np.where(earliest == _NEVER, NAT, earliest)
    cleared = handled.copy()
    np.maximum.at(cleared, rows.call, rows.times["cleared"])  # NAT is the smallest int64
    times["cleared"] = cleared
    return times


def _last_step(times: dict[str, NDArray[np.int64]], rows: NDArray[np.bool_]) -> NDArray[np.object_]:
    """Incident status from the last step reached: received, dispatched, en route, on scene."""
    last = np.full(int(rows.sum()), IncidentStatus.RECEIVED.value, dtype=object)
    for step in ("dispatched", "en_route", "on_scene"):
        last[times[step][rows] != NAT] = IncidentStatus(step).value
    return last


def _unit_status(rows: Rows, facilities: Facilities) -> NDArray[np.object_]:
    """Units on a dispatch that has not cleared show its last step; others keep theirs."""
    status = facilities.units["status"].to_numpy(dtype=object).copy()
    active = (rows.unit >= 0) & (rows.times["assigned"] != NAT) & (rows.times["cleared"] == NAT)
    for step, unit_status in (("assigned", UnitStatus.DISPATCHED),
                              ("en_route", UnitStatus.EN_ROUTE),
                              ("on_scene", UnitStatus.ON_SCENE)):  # fmt: skip
        reached = active & (rows.times[step] != NAT)
        status[rows.unit[reached]] = unit_status.value
    return status


def _dispatch_frame(
    calls: Calls, facilities: Facilities, rows: Rows, rng: np.random.Generator
) -> pd.DataFrame:
    """One row per unit sent, in call order; dispatches not made by `end` are left out."""
    call, unit, times = rows.call, rows.unit, rows.times
    order = np.lexsort((times["assigned"], call))
    made = order[times["assigned"][order] != NAT]
    assigned = pd.to_datetime(times["assigned"][made], utc=True)
    shift = ((assigned.tz_convert("Asia/Jakarta").hour.to_numpy() - 7) % 24) // 8
    who = np.asarray(DISPATCHERS, dtype=object)[shift]
    who[rng.random(len(made)) < SUPERVISOR_SHARE] = SUPERVISOR
    frame = pd.DataFrame(
        {
            "external_id": _external_ids(call[made]),
            "call_sign": facilities.units["call_sign"].to_numpy(dtype=object)[unit[made]],
            "assigned_by": who,
        }
    )
    for column, step in (("assigned_at", "assigned"), ("en_route_at", "en_route"),
                         ("on_scene_at", "on_scene"), ("cleared_at", "cleared")):  # fmt: skip
        frame[column] = as_utc(times[step][made])
    return frame


def _external_ids(call_index: NDArray[np.intp]) -> NDArray[np.object_]:
    """'DEMO-000001' for the first call received, and so on."""
    return np.char.mod("DEMO-%06d", call_index + 1).astype(object)


def external_ids(count: int) -> NDArray[np.object_]:
    """External ids of `count` calls in arrival order."""
    return _external_ids(np.arange(count))


def as_utc(values_ns: NDArray[np.int64]) -> pd.Series:
    """int64 ns (NAT for missing) as a datetime64[ns, UTC] series."""
    return pd.Series(values_ns.view("M8[ns]")).dt.tz_localize("UTC")
