"""A seeded 112 log for the analytics tests, with every answer known from its frames.

The log is generated here, not by the demo generator: its times are whole seconds drawn
from known ranges, a known share of each lifecycle time is missing, and a few incidents
are still open, so exclusions per interval can be counted independently. Also the
five-node road network whose drive times are checked by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from geodata.load.city_load import load_dispatch_history
from geodata.operations.incidents import IncidentReport, upsert_incidents
from geodata.vocabulary import EMERGENCY_CATEGORIES

#: Monday 4 May 2026, 00:00 UTC (07:00 WIB).
T0 = datetime(2026, 5, 4, tzinfo=UTC)
KIND_OF = {
    "fire": "fire",
    "health": "ambulance",
    "traffic_accident": "ambulance",
    "crime": "police",
}
AGENCIES = pd.DataFrame(
    {
        "agency_code": ["DAMKAR", "PSC119", "POLRES"],
        "name": ["Damkar Kota Uji", "PSC 119 Kota Uji", "Polres Kota Uji"],
        "kind": ["fire", "ambulance", "police"],
    }
)
STEPS = ("dispatched_at", "en_route_at", "on_scene_at")


@dataclass(frozen=True)
class Log:
    """The generated log as written: one row per incident (UTC times, NaT where missing)
    and one row per dispatch."""

    incidents: pd.DataFrame
    dispatches: pd.DataFrame
    city_id: int = 0


def generate_log(seed: int, count: int) -> Log:
    """``count`` calls over two weeks from T0; every answer is known from these frames.

    Emergencies: call processing 10-600 s, turnout 0-300 s, travel 30-1800 s; each of
    dispatched/en route/on scene is missing with probability 0.1, independently; 5 % of
    incidents are still open (not cleared). Non-emergency calls have no dispatch.
    """
    rng = np.random.default_rng(seed)
    categories = np.array([*KIND_OF, "flood", "prank", "ghost", "information", "dropped"])
    category = rng.choice(categories, count)
    received = pd.Timestamp(T0) + pd.to_timedelta(rng.integers(0, 14 * 86_400, count), "s")
    emergency = np.isin(category, sorted(c.value for c in EMERGENCY_CATEGORIES))
    durations = [
        rng.integers(10, 601, count),
        rng.integers(0, 301, count),
        rng.integers(30, 1801, count),
    ]
    frame = pd.DataFrame(
        {
            "external_id": [f"U-{i:05d}" for i in range(count)],
            "category": category,
            "priority": rng.integers(1, 5, count),
            "received_at": received,
            "lon": rng.uniform(105.001, 105.199, count),
            "lat": rng.uniform(-5.199, -5.001, count),
        }
    )
    elapsed = pd.Series(received)
    for step, duration in zip(STEPS, durations, strict=True):
        elapsed = elapsed + pd.to_timedelta(duration, "s")
        present = emergency & (rng.random(count) >= 0.1)
        frame[step] = elapsed.where(present)
    open_ = rng.random(count) < 0.05
    last = frame[list(STEPS)].max(axis=1).fillna(frame["received_at"])
    frame["cleared_at"] = (last + pd.Timedelta(minutes=30)).where(~open_)
    frame["closed"] = ~open_
    return Log(frame, _dispatches(frame, rng))


def _dispatches(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One unit per dispatched emergency with the incident's own step times; every
    traffic accident also gets a police unit assigned 60 s later (its own times)."""
    sent = frame[frame["dispatched_at"].notna() & frame["category"].isin(list(KIND_OF))]
    units = {"fire": "DMK-1", "ambulance": "AMB-1", "police": "POL-1"}
    first = pd.DataFrame(
        {
            "external_id": sent["external_id"],
            "call_sign": sent["category"].map(KIND_OF).map(units),
            "assigned_by": "tester",
            "assigned_at": sent["dispatched_at"],
            "en_route_at": sent["en_route_at"],
            "on_scene_at": sent["on_scene_at"],
        }
    )
    crash = sent[sent["category"] == "traffic_accident"]
    second = pd.DataFrame(
        {
            "external_id": crash["external_id"],
            "call_sign": "POL-2",
            "assigned_by": "tester",
            "assigned_at": crash["dispatched_at"] + pd.Timedelta(seconds=60),
            "en_route_at": crash["dispatched_at"] + pd.Timedelta(seconds=120),
            "on_scene_at": crash["dispatched_at"] + pd.Timedelta(seconds=900),
        }
    )
    rows = pd.concat([first, second], ignore_index=True)
    step_times = rows[["assigned_at", "en_route_at", "on_scene_at"]]
    rows["cleared_at"] = step_times.max(axis=1) + pd.Timedelta(hours=1)  # never left open
    return rows


def reports(frame: pd.DataFrame, source: str = "test") -> list[IncidentReport]:
    def at(value: object) -> datetime | None:
        return None if pd.isna(value) else pd.Timestamp(value).to_pydatetime()  # type: ignore[arg-type]

    return [
        IncidentReport(
            source=source,
            external_id=row.external_id,
            category=row.category,
            priority=int(row.priority),
            received_at=at(row.received_at),  # type: ignore[arg-type]
            lon=float(row.lon),
            lat=float(row.lat),
            dispatched_at=at(row.dispatched_at),
            en_route_at=at(row.en_route_at),
            on_scene_at=at(row.on_scene_at),
            cleared_at=at(row.cleared_at),
        )
        for row in frame.itertuples(index=False)
    ]


def write_log(engine: Engine, city_id: int, log: Log) -> None:
    with engine.begin() as conn:
        upsert_incidents(conn, city_id, reports(log.incidents))
        load_dispatch_history(conn, city_id, log.dispatches)


#: n1 (posko Damkar) — n2 — n3 (PSC 119) ← n4 (one-way towards n3); n2 — n5 to the south.
NODES = {
    1: (105.05, -5.10),
    2: (105.10, -5.10),
    3: (105.15, -5.10),
    4: (105.19, -5.10),
    5: (105.10, -5.15),
}
EDGES = [
    (1, 2, "residential", False),
    (2, 3, "arterial", False),
    (4, 3, "local", True),
    (2, 5, "collector", False),
]
