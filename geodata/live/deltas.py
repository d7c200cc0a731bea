"""The change from one live version to the next, as small bytes, and its replay.

Within an epoch slots never move and only grow in number, and every slot that changed in
version ``v`` has ``changed == v`` (see :mod:`geodata.live.state`). So the slots of ``after``
marked ``changed == after.version`` (with their slot numbers), the slot counts, the posko
when they changed and the header turn ``before`` into ``after`` exactly: a tick costs what
changed, not the city. The bytes are JSON (a few rows; NaN kept as JSON's ``NaN``).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from geodata.live.state import LiveState, TodayCounts

__all__ = ["DeltaError", "apply_delta", "decode_delta", "delta_of", "encode_delta"]

_SLOTTED = ("incidents", "units")


class DeltaError(ValueError):
    """A delta that does not follow the state it is applied to (another epoch or version)."""


def _changed_rows(frame: pd.DataFrame, version: int) -> dict[str, Any]:
    slots = np.flatnonzero(frame["changed"].to_numpy() == version)
    return {
        "length": len(frame),
        "slots": slots.tolist(),
        "columns": {name: frame[name].to_numpy()[slots].tolist() for name in frame.columns},
    }


def delta_of(before: LiveState, after: LiveState) -> dict[str, Any]:
    """What turns ``before`` (version v − 1) into ``after`` (version v) of the same epoch."""
    if after.epoch != before.epoch or after.version != before.version + 1:
        raise DeltaError(
            f"no delta from {before.epoch}/{before.version} to {after.epoch}/{after.version}"
        )
    return {
        "epoch": after.epoch,
        "version": after.version,
        "built_at_s": after.built_at_s,
        "stations_changed": after.stations_changed,
        "today": after.today.__dict__,
        "today_changed": after.today_changed,
        "incidents_read_s": after.incidents_read_s,
        "full_read_s": after.full_read_s,
        **{name: _changed_rows(getattr(after, name), after.version) for name in _SLOTTED},
        "stations": (
            {name: after.stations[name].tolist() for name in after.stations.columns}
            if after.stations_changed == after.version
            else None
        ),
    }


def _replayed(frame: pd.DataFrame, rows: dict[str, Any]) -> pd.DataFrame:
    extra = rows["length"] - len(frame)
    if extra < 0:
        raise DeltaError("a delta never removes slots (that is a new epoch)")
    slots = np.asarray(rows["slots"], dtype=np.intp)
    columns = {}
    for name in frame.columns:
        values = frame[name].to_numpy()
        grown = np.concatenate([values, np.empty(extra, dtype=values.dtype)]) if extra else (
            values.copy()
        )  # fmt: skip
        if len(slots):
            grown[slots] = np.asarray(rows["columns"][name], dtype=values.dtype)
        columns[name] = grown
    return pd.DataFrame(columns)


def apply_delta(state: LiveState, delta: dict[str, Any]) -> LiveState:
    """``state`` moved on by ``delta`` (which must follow it: same epoch, next version)."""
    if delta["epoch"] != state.epoch or delta["version"] != state.version + 1:
        raise DeltaError(
            f"delta {delta['epoch']}/{delta['version']} does not follow "
            f"{state.epoch}/{state.version}"
        )
    stations = state.stations
    if delta["stations"] is not None:
        stations = pd.DataFrame(
            {name: np.asarray(delta["stations"][name], dtype=stations[name].to_numpy().dtype)
             for name in stations.columns}
        )  # fmt: skip
    return replace(
        state,
        version=delta["version"],
        built_at_s=delta["built_at_s"],
        incidents=_replayed(state.incidents, delta["incidents"]),
        units=_replayed(state.units, delta["units"]),
        stations=stations,
        stations_changed=delta["stations_changed"],
        today=TodayCounts(**delta["today"]),
        today_changed=delta["today_changed"],
        incidents_read_s=delta["incidents_read_s"],
        full_read_s=delta["full_read_s"],
    )


def encode_delta(delta: dict[str, Any]) -> bytes:
    return json.dumps(delta, separators=(",", ":")).encode()


def decode_delta(payload: bytes) -> dict[str, Any]:
    try:
        delta: dict[str, Any] = json.loads(payload)
    except ValueError as error:
        raise DeltaError(f"not a live delta: {error}") from None
    return delta
