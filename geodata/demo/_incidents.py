"""Synthetic 112 calls: when they come in, what they are, where, and who is calling.

The shares and rhythms below are plausible assumptions, not measurements: they follow the
shape reported by Indonesian 112 centers (most calls are prank, ghost or dropped; health
leads the emergencies), the daily cycle of any emergency line (quiet 01-05, busy late
morning and evening), busier weekend evenings on the road, and floods in the rainy season.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from geodata.vocabulary import IncidentCategory, RoadClass

from ._areas import Areas
from ._names import FIRST_NAMES, PHONE_PREFIXES, SURNAMES
from ._roads import RoadNetwork

__all__ = ["Calls", "draw_calls"]

_C = IncidentCategory


def _by_hour(hours: list[int], values: list[float]) -> NDArray[np.float64]:
    """A 24-hour profile interpolated between (hour, value) knots."""
    return np.interp(np.arange(24), hours, values)


#: Share of all calls per category (assumed; prank+ghost+dropped 62 %, info+complaint 13 %).
CATEGORY_SHARES: dict[IncidentCategory, float] = {
    _C.PRANK: 0.30, _C.GHOST: 0.17, _C.DROPPED: 0.15, _C.INFORMATION: 0.085,
    _C.COMPLAINT: 0.045, _C.HEALTH: 0.095, _C.TRAFFIC_ACCIDENT: 0.055, _C.FIRE: 0.035,
    _C.CRIME: 0.025, _C.FLOOD: 0.014, _C.ANIMAL_RESCUE: 0.012, _C.OTHER_RESCUE: 0.006,
    _C.SEARCH_RESCUE: 0.004, _C.LANDSLIDE: 0.003, _C.EARTHQUAKE: 0.001,
}  # fmt: skip
#: Relative call rate per local hour 00..23 (WIB): quiet 01-05, peaks 10-12 and 19-21.
HOURLY_PROFILE = np.array([
    0.55, 0.35, 0.25, 0.22, 0.25, 0.40, 0.65, 0.90, 1.10, 1.30, 1.45, 1.50,
    1.40, 1.30, 1.25, 1.25, 1.30, 1.40, 1.50, 1.60, 1.55, 1.30, 1.05, 0.80,
])  # fmt: skip
#: Category-specific hourly multipliers: children's prank calls after school, commuter
#: crashes, night-time crime, cooking-hour fires (assumed shapes).
HOURLY_MULTIPLIER: dict[IncidentCategory, NDArray[np.float64]] = {
    _C.PRANK: _by_hour([0, 7, 13, 17, 21, 23], [0.3, 0.6, 1.5, 1.6, 1.0, 0.5]),
    _C.TRAFFIC_ACCIDENT: _by_hour([0, 4, 7, 12, 17, 20, 23], [0.8, 0.6, 1.6, 1.0, 1.5, 1.2, 1.0]),
    _C.CRIME: _by_hour([0, 3, 8, 14, 20, 23], [2.2, 1.6, 0.6, 0.8, 1.3, 1.9]),
    _C.FIRE: _by_hour([0, 6, 11, 16, 19, 23], [0.6, 0.8, 1.3, 1.2, 1.2, 0.8]),
}
#: Traffic crashes and crime on Friday to Sunday evenings (and the small hours after).
WEEKEND_EVENING_FACTOR = 1.45
WEEKEND_EVENING_CATEGORIES = (_C.TRAFFIC_ACCIDENT, _C.CRIME)
#: Relative rate per month Jan..Dec: rainy season Nov-Mar, dry season Jul-Oct (BMKG norms).
_RAINY = np.array([3.0, 3.0, 2.5, 1.2, 0.6, 0.3, 0.2, 0.2, 0.3, 0.8, 2.0, 3.0])
MONTHLY_FACTOR: dict[IncidentCategory, NDArray[np.float64]] = {
    _C.FLOOD: _RAINY,
    _C.LANDSLIDE: _RAINY,
    _C.FIRE: np.array([0.7, 0.7, 0.8, 0.9, 1.0, 1.1, 1.3, 1.5, 1.5, 1.3, 0.9, 0.8]),
}
#: Priority shares 1 (critical) .. 4 (low) per emergency category (assumed triage mix).
PRIORITY_SHARES: dict[IncidentCategory, tuple[float, float, float, float]] = {
    _C.HEALTH: (0.20, 0.45, 0.30, 0.05), _C.FIRE: (0.45, 0.40, 0.15, 0.0),
    _C.TRAFFIC_ACCIDENT: (0.25, 0.50, 0.25, 0.0), _C.CRIME: (0.10, 0.40, 0.40, 0.10),
    _C.FLOOD: (0.20, 0.50, 0.30, 0.0), _C.LANDSLIDE: (0.40, 0.40, 0.20, 0.0),
    _C.EARTHQUAKE: (0.30, 0.40, 0.30, 0.0), _C.SEARCH_RESCUE: (0.40, 0.40, 0.20, 0.0),
    _C.ANIMAL_RESCUE: (0.0, 0.20, 0.50, 0.30), _C.OTHER_RESCUE: (0.10, 0.40, 0.40, 0.10),
}  # fmt: skip
#: Crash locations favour main roads: weight per road class (assumed).
CRASH_ROAD_WEIGHT = {
    RoadClass.ARTERIAL: 8.0, RoadClass.COLLECTOR: 4.0, RoadClass.LOCAL: 1.5,
    RoadClass.RESIDENTIAL: 0.6,
}  # fmt: skip
#: Flood-prone strip along a synthetic river: half-width and weight boost (assumed).
RIVER_WIDTH_M = 350.0
RIVER_BOOST = 8.0
#: Callers stand beside the street: offset from the centre line, sd and cap, metres.
OFFSET_SD_M = 8.0
OFFSET_MAX_M = 20.0
#: Most prank calls come from repeat callers: their share, how many numbers, and the
#: Zipf exponent of their activity (the top number calls a few times a day; assumed).
PRANK_REPEAT_SHARE = 0.6
PRANK_NUMBERS = 1_000
PRANK_ZIPF = 1.0
ANONYMOUS = (_C.GHOST, _C.DROPPED)


@dataclass(frozen=True)
class Calls:
    """Calls sorted by arrival; times are int64 ns since the epoch (UTC), xy local metres."""

    received_ns: NDArray[np.int64]
    category: NDArray[np.object_]
    priority: NDArray[np.int64]
    xy: NDArray[np.float64]
    address: NDArray[np.object_]
    caller_name: NDArray[np.object_]
    caller_phone: NDArray[np.object_]


def draw_calls(
    count: int, end: datetime, areas: Areas, roads: RoadNetwork, rng: np.random.Generator
) -> Calls:
    """Draw `count` calls received in (end - 365 days, end] with the rhythm above."""
    categories = list(CATEGORY_SHARES)
    shares = np.array([CATEGORY_SHARES[c] for c in categories])
    per_category = rng.multinomial(count, shares / shares.sum())
    category = np.repeat(np.array([c.value for c in categories], dtype=object), per_category)
    received = np.concatenate(
        [_arrival_times(c, n, end, rng) for c, n in zip(categories, per_category, strict=True)]
    )
    order = np.argsort(received, kind="stable")
    received, category = received[order], category[order]
    xy, edge = _locations(category, areas, roads, rng)
    return Calls(
        received_ns=received,
        category=category,
        priority=_priorities(category, rng),
        xy=xy,
        address=_addresses(xy, edge, areas, roads, rng),
        caller_name=_caller_names(category, rng),
        caller_phone=_caller_phones(category, rng),
    )


def _arrival_times(
    category: IncidentCategory, count: int, end: datetime, rng: np.random.Generator
) -> NDArray[np.int64]:
    """Arrival times (ns) of one category: an hourly slot by intensity, a second within it."""
    start = pd.Timestamp(end - timedelta(days=365))
    slots = pd.date_range(start, periods=365 * 24, freq="h")
    local = (slots + pd.Timedelta(minutes=30)).tz_convert("Asia/Jakarta")
    hour, weekday = local.hour.to_numpy(), local.day_of_week.to_numpy()
    weight = HOURLY_PROFILE[hour] * HOURLY_MULTIPLIER.get(category, np.ones(24))[hour]
    weight = weight * MONTHLY_FACTOR.get(category, np.ones(12))[local.month.to_numpy() - 1]
    if category in WEEKEND_EVENING_CATEGORIES:
        evening = ((weekday >= 4) & (hour >= 18)) | ((weekday >= 5) & (hour < 3))
        weight = weight * np.where(evening, WEEKEND_EVENING_FACTOR, 1.0)
    slot = rng.choice(len(slots), size=count, p=weight / weight.sum())
    second = rng.integers(1, 3_601, size=count)  # (slot start, slot end]
    return np.asarray(start.value + slot * 3_600 * 10**9 + second * 10**9, dtype=np.int64)


def _priorities(category: NDArray[np.object_], rng: np.random.Generator) -> NDArray[np.int64]:
    """Priority 1..4 by the triage mix of the category; non-emergencies are 4."""
    cumulative = np.zeros((len(category), 4))
    cumulative[:] = (0.0, 0.0, 0.0, 1.0)
    for emergency, shares in PRIORITY_SHARES.items():
        cumulative[category == emergency.value] = np.cumsum(shares)
    return np.asarray((rng.random(len(category))[:, None] >= cumulative).sum(axis=1) + 1)


def _locations(
    category: NDArray[np.object_], areas: Areas, roads: RoadNetwork, rng: np.random.Generator
) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Points beside streets, weighted by residents per metre of street, and the edge used."""
    start, stop = roads.node_xy[roads.source], roads.node_xy[roads.target]
    middle = (start + stop) / 2.0
    length = np.hypot(*(stop - start).T)
    kelurahan = areas.kelurahan_at(middle[:, 0], middle[:, 1])
    density = np.where(kelurahan >= 0, areas.density_per_km2()[kelurahan], 0.0)
    base = density * length
    road_weight = {road_class.value: w for road_class, w in CRASH_ROAD_WEIGHT.items()}
    crash = base * pd.Series(roads.road_class).map(road_weight).fillna(1.0).to_numpy(float)
    # a meandering river across the city; its banks flood
    angle, phase = rng.uniform(0.0, np.pi), rng.uniform(0.0, 2.0 * np.pi)
    along = middle[:, 0] * np.cos(angle) + middle[:, 1] * np.sin(angle)
    across = -middle[:, 0] * np.sin(angle) + middle[:, 1] * np.cos(angle)
    river = rng.uniform(-1_500.0, 1_500.0) + 500.0 * np.sin(along / 900.0 + phase)
    wet = base * (1.0 + RIVER_BOOST * np.exp(-(((across - river) / RIVER_WIDTH_M) ** 2)))
    weights = {_C.TRAFFIC_ACCIDENT.value: crash, _C.FLOOD.value: wet, _C.LANDSLIDE.value: wet}
    edge = np.empty(len(category), dtype=np.intp)
    groups = [(c, category == c) for c in weights]
    groups.append(("", ~np.isin(category, list(weights))))
    for key, rows in groups:
        weight = weights.get(key, base)
        edge[rows] = rng.choice(len(weight), size=int(rows.sum()), p=weight / weight.sum())
    share = rng.random(len(edge))[:, None]
    direction = (stop - start)[edge] / length[edge, None]
    normal = np.column_stack([-direction[:, 1], direction[:, 0]])
    offset = np.clip(rng.normal(0.0, OFFSET_SD_M, len(edge)), -OFFSET_MAX_M, OFFSET_MAX_M)
    xy = start[edge] + share * (stop - start)[edge] + offset[:, None] * normal
    return xy, edge


def _addresses(
    xy: NDArray[np.float64],
    edge: NDArray[np.intp],
    areas: Areas,
    roads: RoadNetwork,
    rng: np.random.Generator,
) -> NDArray[np.object_]:
    """'Jl. Melati III No. 12, Kel. Sukamaju': street of the edge, kelurahan of the point."""
    kelurahan = areas.kelurahan_at(xy[:, 0], xy[:, 1])
    names = areas.kelurahan["name"].to_numpy(dtype=object)
    street = pd.Series(roads.name[edge])
    number = pd.Series(rng.integers(1, 151, len(edge))).astype(str)
    numbered = pd.Series(rng.random(len(edge)) < 0.55)
    street = street.where(~numbered, street + " No. " + number)
    address = street + ", Kel. " + pd.Series(names[kelurahan])
    return address.to_numpy(dtype=object)


def _caller_names(category: NDArray[np.object_], rng: np.random.Generator) -> NDArray[np.object_]:
    """Common Indonesian names, many of them single; silent and dropped calls have none."""
    count = len(category)
    first = np.asarray(FIRST_NAMES, dtype=object)[rng.integers(len(FIRST_NAMES), size=count)]
    last = np.asarray(SURNAMES, dtype=object)[rng.integers(len(SURNAMES), size=count)]
    name = np.where(rng.random(count) < 0.6, first + " " + last, first)
    name[np.isin(category, [c.value for c in ANONYMOUS])] = None
    return np.asarray(name, dtype=object)


def _caller_phones(category: NDArray[np.object_], rng: np.random.Generator) -> NDArray[np.object_]:
    """Synthetic mobile numbers '08xx' + 8 digits; prank calls reuse a few numbers."""

    prefixes = np.asarray(PHONE_PREFIXES, dtype=object)

    def numbers(size: int) -> NDArray[np.object_]:
        prefix = prefixes[rng.integers(len(prefixes), size=size)]
        digits = np.char.mod("%08d", rng.integers(0, 10**8, size=size)).astype(object)
        return np.asarray(prefix + digits, dtype=object)

    phone = numbers(len(category))
    prank = np.flatnonzero(category == _C.PRANK.value)
    repeat = prank[rng.random(len(prank)) < PRANK_REPEAT_SHARE]
    pool = numbers(PRANK_NUMBERS)
    popularity = 1.0 / np.arange(1, PRANK_NUMBERS + 1) ** PRANK_ZIPF
    phone[repeat] = pool[
        rng.choice(PRANK_NUMBERS, size=len(repeat), p=popularity / popularity.sum())
    ]
    return phone
