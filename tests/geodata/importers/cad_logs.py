"""A seeded CAD export in the unit-response shape, and its answers computed with pandas alone.

Each incident has 1-4 unit rows; the rows are shuffled, so an incident's first row in the
file is rarely its first unit on scene. Times are whole seconds written in WIB without an
offset, as a CAD export does. The columns are those of ``docs/mappings/cad-unit-response.yaml``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

MAPPINGS = Path(__file__).resolve().parents[3] / "docs" / "mappings"
#: Monday 4 May 2026, 08:00 WIB.
T0 = pd.Timestamp("2026-05-04 08:00:00")
TYPES = {"STRUCTURE FIRE": "E", "MVA": "M", "MEDICAL": "M"}
PRIORITY_CODES = ("E", "A", "1", "2", "3")
TIME_COLUMNS = ("Call Received", "Dispatched", "En Route", "On Scene", "Transport", "Clear")
#: Call signs of the city's units: E-* of Damkar, M-* of PSC 119.
KNOWN_UNITS = {"DAMKAR": [f"E-{i}" for i in range(1, 7)], "PSC119": [f"M-{i}" for i in range(1, 5)]}


def cad_export(
    seed: int,
    incidents: int,
    *,
    unknown_share: float = 0.0,
    points: np.ndarray | None = None,
    start: pd.Timestamp = T0,
) -> pd.DataFrame:
    """Rows of a CAD export (text cells, '' where empty), shuffled.

    Calls come in over the 7 days from ``start`` (WIB wall clock), each at one of
    ``points`` (an (n, 2) array of lon, lat, drawn with replacement) or, without them,
    uniformly in the box 105.01–105.19 E, 5.01–5.19 S.

    Per unit: dispatched 20-400 s after the call plus a stagger of 0-120 s per unit already
    sent, en route 0-180 s later, on scene 60-1500 s after that, clear 10-60 min later; en
    route is missing with probability 0.1, on scene with 0.05. ``unknown_share`` of the
    rows name a unit the city does not have (X-1, X-2).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(incidents):
        call_type = str(rng.choice(list(TYPES)))
        received = start + pd.Timedelta(seconds=int(rng.integers(0, 7 * 86_400)))
        if points is None:
            lon, lat = rng.uniform(105.01, 105.19), rng.uniform(-5.19, -5.01)
        else:
            lon, lat = points[int(rng.integers(0, len(points)))]
        pool = [f"{TYPES[call_type]}-{i}" for i in range(1, 5)]
        sent = rng.choice(pool, int(rng.integers(1, 5)), replace=False)
        code = str(rng.choice(PRIORITY_CODES))
        dispatched = received + pd.Timedelta(seconds=int(rng.integers(20, 401)))
        for k, unit in enumerate(sent):
            assigned = dispatched + pd.Timedelta(seconds=k * int(rng.integers(0, 121)))
            en_route = assigned + pd.Timedelta(seconds=int(rng.integers(0, 181)))
            on_scene = en_route + pd.Timedelta(seconds=int(rng.integers(60, 1501)))
            transport = (
                on_scene + pd.Timedelta(seconds=int(rng.integers(300, 900)))
                if call_type == "MEDICAL" and k == 0
                else None
            )
            clear = (transport or on_scene) + pd.Timedelta(seconds=int(rng.integers(600, 3601)))
            call_sign = f"X-{k + 1}" if rng.random() < unknown_share else str(unit)
            rows.append(
                {
                    "Incident Number": f"F26-{number:05d}",
                    "Call Type": call_type,
                    "Priority": code,
                    "Latitude": f"{lat:.6f}",
                    "Longitude": f"{lon:.6f}",
                    "Address": f"Jl. Uji {number}",
                    "Call Received": received,
                    "Unit": call_sign,
                    "Dispatched": assigned,
                    "En Route": en_route if rng.random() >= 0.1 else None,
                    "On Scene": on_scene if rng.random() >= 0.05 else None,
                    "Transport": transport,
                    "Clear": clear,
                }
            )
    frame = pd.DataFrame(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    for column in TIME_COLUMNS:
        frame[column] = frame[column].map(
            lambda t: "" if t is None or pd.isna(t) else f"{t:%Y-%m-%d %H:%M:%S}"
        )
    return frame


def write_cad(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def first_on_scene(path: Path) -> pd.DataFrame:
    """Per incident, read back from the file with pandas only: received, first dispatch,
    first on scene (UTC) and the response in seconds (NaN without an on-scene time)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    times = {
        column: pd.to_datetime(raw[column].replace("", None)).dt.tz_localize("Asia/Jakarta")
        for column in ("Call Received", "Dispatched", "On Scene")
    }
    frame = pd.DataFrame({"incident": raw["Incident Number"], **times})
    per = frame.groupby("incident").agg(
        received=("Call Received", "min"),
        dispatched=("Dispatched", "min"),
        on_scene=("On Scene", "min"),
    )
    per["response_s"] = (per["on_scene"] - per["received"]).dt.total_seconds()
    per["call_processing_s"] = (per["dispatched"] - per["received"]).dt.total_seconds()
    return per


def file_first_row_response(path: Path) -> pd.Series:
    """What keeping the first row of each incident in the file gives: the old, wrong answer."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False).drop_duplicates("Incident Number")
    on_scene = pd.to_datetime(raw["On Scene"].replace("", None))
    return (on_scene - pd.to_datetime(raw["Call Received"])).dt.total_seconds().dropna()


def utc(text: str) -> datetime:
    """A WIB wall-clock time of the export as a UTC datetime."""
    return pd.Timestamp(text).tz_localize("Asia/Jakarta").tz_convert("UTC").to_pydatetime()
