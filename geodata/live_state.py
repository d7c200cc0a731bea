"""The live picture of a city, shared by every viewer: open incidents, units, posko, today.

Rows sit in *slots*, the positions of points in the map's traces, which stay put from one
version to the next: an incident keeps its slot until it is cleared, a new one takes a
free slot or a new one at the end. Each slot records the ``version`` in which it last
changed, so a viewer holding version ``v`` is brought up to date by the slots whose
``changed > v`` alone, whatever the number of viewers. When too many slots are free the
slots are compacted and the ``epoch`` moves on: viewers of an older epoch reload in full.

Pure: :func:`advance` takes the previous state and the rows read now (all open incidents,
or only those changed lately); :func:`encode` and :func:`decode` turn a state into compact
bytes (columnar arrays) and back, without pickle.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "AGE_CLASS_BOUNDS_S",
    "INCIDENT_FIELDS",
    "STATION_FIELDS",
    "UNIT_FIELDS",
    "LiveRows",
    "LiveState",
    "TodayCounts",
    "advance",
    "decode",
    "encode",
]

#: Open incidents by age: class 0 under 10 min, 1 under 30 min, 2 under 2 h, 3 older.
AGE_CLASS_BOUNDS_S = (600, 1800, 7200)
#: Version of the encoded form; a snapshot of another one is rebuilt, not read.
FORMAT = 2
#: Compact the slots (a new epoch) when this many, and this share, of them are free.
COMPACT_MIN_FREE = 256
COMPACT_FREE_SHARE = 0.25

#: Field name → value of a free slot; the value's type is the column's type.
_INCIDENT_EMPTY: dict[str, Any] = {
    "incident_id": -1, "category": "", "priority": 0, "status": "", "received_at_s": -1,
    "lon": np.nan, "lat": np.nan, "kecamatan": "", "kelurahan": "", "agencies": "",
    "age_class": 0,
}  # fmt: skip
_UNIT_EMPTY: dict[str, Any] = {
    "unit_id": -1, "call_sign": "", "agency_kind": "", "agency_name": "", "status": "",
    "lon": np.nan, "lat": np.nan, "position_at_s": -1, "stale": 0,
}  # fmt: skip
_STATION_EMPTY: dict[str, Any] = {
    "station_id": -1, "name": "", "agency_name": "", "agency_kind": "", "units": 0,
    "units_available": 0, "lon": np.nan, "lat": np.nan,
}  # fmt: skip
INCIDENT_FIELDS = tuple(_INCIDENT_EMPTY)
UNIT_FIELDS = tuple(_UNIT_EMPTY)
STATION_FIELDS = tuple(_STATION_EMPTY)


@dataclass(frozen=True)
class TodayCounts:
    """Calls received since local midnight; median received → on scene in seconds."""

    calls: int
    prank_ghost: int
    responded: int
    median_response_s: float | None


@dataclass(frozen=True)
class LiveRows:
    """What the database holds now; times in epoch seconds (UTC) by the database clock.

    incidents: INCIDENT_FIELDS but ``age_class`` (``agencies`` comma-separated kinds);
    units: UNIT_FIELDS but ``stale``; stations: STATION_FIELDS. When ``complete`` is
    False, ``incidents`` holds only the incidents changed lately, cleared ones included (with
    their ``status``), to merge into the previous state's open incidents.
    """

    incidents: pd.DataFrame
    units: pd.DataFrame
    stations: pd.DataFrame
    today: TodayCounts
    now_s: float
    complete: bool = True


@dataclass(frozen=True)
class LiveState:
    """One version of the live picture.

    incidents: one row per slot, INCIDENT_FIELDS plus ``changed`` and ``added`` (versions);
    a free slot has ``incident_id == -1``. units: one row per slot, UNIT_FIELDS plus
    ``changed``; ``stale`` is 1 for a position older than ``stale_after_s``, else 0 (its
    age is not kept: a minute passing must not change the slot and resend it).
    """

    city_id: int
    version: int
    epoch: int
    built_at_s: float
    incidents: pd.DataFrame
    units: pd.DataFrame
    stations: pd.DataFrame
    stations_changed: int
    today: TodayCounts
    today_changed: int
    #: When incidents were last read (in part, or in full), database clock, epoch seconds.
    incidents_read_s: float = 0.0
    full_read_s: float = 0.0

    def open_incidents(self) -> pd.DataFrame:
        """The occupied incident slots, with their slot number as the index."""
        return self.incidents[self.incidents["incident_id"] >= 0]

    def located_units(self) -> pd.DataFrame:
        """Units with a reported position, with their slot number as the index."""
        units = self.units
        return units[(units["unit_id"] >= 0) & units["lon"].notna()]


def advance(
    previous: LiveState | None,
    rows: LiveRows,
    *,
    city_id: int,
    stale_after_s: float,
    after: tuple[int, int] = (0, 0),
) -> LiveState:
    """The state after ``previous`` given ``rows``: same version if nothing visible changed.

    ``stale_after_s``: a unit position older than this (seconds) is stale. ``after``: the
    (epoch, version) to move past when there is no ``previous`` to build on (a snapshot that
    could not be read), so that viewers never see the numbers go back.
    """
    version = after[1] + 1 if previous is None else previous.version + 1
    read: dict[str, Any] = {"incidents_read_s": rows.now_s}
    if rows.complete or previous is None:
        current = rows.incidents
        read["full_read_s"] = rows.now_s
    else:
        current = _merged(previous.open_incidents(), rows.incidents)
    current = current[current["status"] != "cleared"]
    incidents = _with_age_class(current, rows.now_s)
    units = _with_staleness(rows.units, rows.now_s, stale_after_s)
    stations = _typed(rows.stations.sort_values("station_id"), _STATION_EMPTY)
    if previous is None or _needs_compaction(previous.incidents, len(incidents)):
        epoch = after[0] + 1 if previous is None else previous.epoch + 1
        return LiveState(
            city_id, version, epoch, rows.now_s,
            _fresh_slots(incidents.sort_values("received_at_s", kind="stable"), version,
                         _INCIDENT_EMPTY, added=True),
            _fresh_slots(units.sort_values("unit_id"), version, _UNIT_EMPTY, added=False),
            stations, version, rows.today, version, rows.now_s,
            read.get("full_read_s", previous.full_read_s if previous else rows.now_s),
        )  # fmt: skip
    incident_slots, incidents_moved = _reslot(
        previous.incidents, incidents, "incident_id", version, _INCIDENT_EMPTY, added=True
    )
    unit_slots, units_moved = _reslot(
        previous.units, units, "unit_id", version, _UNIT_EMPTY, added=False
    )
    stations_moved = not _same_frame(previous.stations, stations)
    today_moved = previous.today != rows.today
    if not (incidents_moved or units_moved or stations_moved or today_moved):
        return replace(previous, built_at_s=rows.now_s, **read)
    return LiveState(
        city_id=city_id,
        version=version,
        epoch=previous.epoch,
        built_at_s=rows.now_s,
        incidents=incident_slots,
        units=unit_slots,
        stations=stations,
        stations_changed=version if stations_moved else previous.stations_changed,
        today=rows.today,
        today_changed=version if today_moved else previous.today_changed,
        incidents_read_s=rows.now_s,
        full_read_s=read.get("full_read_s", previous.full_read_s),
    )


def _merged(open_rows: pd.DataFrame, changed: pd.DataFrame) -> pd.DataFrame:
    """Open incidents as they were, with the changed ones replaced (or added, or cleared)."""
    kept = open_rows[~open_rows["incident_id"].isin(changed["incident_id"])]
    columns = [name for name in INCIDENT_FIELDS if name != "age_class"]
    return pd.concat([kept[columns], changed[columns]], ignore_index=True)


def _with_age_class(incidents: pd.DataFrame, now_s: float) -> pd.DataFrame:
    age_s = now_s - incidents["received_at_s"].to_numpy(dtype=float)
    classes = np.searchsorted(np.asarray(AGE_CLASS_BOUNDS_S, dtype=float), age_s, side="right")
    return incidents.assign(age_class=classes.astype(np.int64))


def _with_staleness(units: pd.DataFrame, now_s: float, stale_after_s: float) -> pd.DataFrame:
    at = units["position_at_s"].to_numpy(dtype=float)
    age_s = now_s - at
    stale = (at >= 0) & (age_s >= stale_after_s)
    return units.assign(stale=stale.astype(np.int64))


def _needs_compaction(slots: pd.DataFrame, occupied_next: int) -> bool:
    free = len(slots) - occupied_next
    return free >= COMPACT_MIN_FREE and free >= COMPACT_FREE_SHARE * len(slots)


def _fresh_slots(
    frame: pd.DataFrame, version: int, empty: dict[str, Any], *, added: bool
) -> pd.DataFrame:
    slots = _typed(frame.reset_index(drop=True), empty)
    slots["changed"] = np.full(len(slots), version, dtype=np.int64)
    if added:
        slots["added"] = np.full(len(slots), version, dtype=np.int64)
    return slots


def _typed(frame: pd.DataFrame, empty: dict[str, Any]) -> pd.DataFrame:
    """Columns of ``empty`` in order, each in the type of its free-slot value, no NaN text."""
    columns: dict[str, Any] = {}
    for name, blank in empty.items():
        values = frame[name] if name in frame else pd.Series(blank, index=frame.index)
        if isinstance(blank, str):
            columns[name] = values.fillna("").astype(str).to_numpy(dtype=object)
        elif isinstance(blank, float):
            columns[name] = values.to_numpy(dtype=float)
        else:
            columns[name] = values.fillna(blank).to_numpy(dtype=np.int64)
    return pd.DataFrame(columns)


def _reslot(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    key: str,
    version: int,
    empty: dict[str, Any],
    *,
    added: bool,
) -> tuple[pd.DataFrame, bool]:
    """Place ``current`` rows in ``previous``'s slots; returns the slots and whether any moved."""
    current = _typed(current, empty)
    old_keys = previous[key].to_numpy()
    occupied = np.flatnonzero(old_keys >= 0)
    slot_of = pd.Series(occupied, index=old_keys[occupied])
    found = slot_of.reindex(current[key].to_numpy()).to_numpy()
    kept = ~np.isnan(found)
    kept_slots = found[kept].astype(np.intp)
    gone = occupied[~np.isin(old_keys[occupied], current[key].to_numpy())]
    free = np.sort(np.concatenate([np.flatnonzero(old_keys < 0), gone]))
    n_new = int((~kept).sum())
    extra = max(0, n_new - len(free))
    new_slots = np.concatenate([free, len(previous) + np.arange(extra)])[:n_new]
    columns = [*empty, "changed", *(["added"] if added else [])]
    result = {
        name: _grown(previous[name].to_numpy(), extra, empty.get(name, 0)) for name in columns
    }
    kept_rows = current[kept]
    differs = np.zeros(len(kept_slots), dtype=bool)
    for name in empty:
        differs |= _differs(result[name][kept_slots], kept_rows[name].to_numpy())
    for name, blank in empty.items():
        result[name][gone] = blank
        result[name][kept_slots] = kept_rows[name].to_numpy()
        result[name][new_slots] = current[name].to_numpy()[~kept]
    touched = np.concatenate([gone, kept_slots[differs], new_slots])
    result["changed"][touched] = version
    if added:
        result["added"][gone] = 0
        result["added"][new_slots] = version
    return pd.DataFrame(result), len(touched) > 0


def _grown(values: np.ndarray, extra: int, blank: Any) -> np.ndarray:
    if extra == 0:
        return values.copy()
    return np.concatenate([values, np.full(extra, blank, dtype=values.dtype)])


def _differs(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    if old.dtype.kind == "f":
        return ~((old == new) | (np.isnan(old) & np.isnan(new)))
    return np.asarray(old != new, dtype=bool)


def _same_frame(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return a.shape == b.shape and list(a.columns) == list(b.columns) and a.equals(b)


# --- compact bytes -------------------------------------------------------------------------


def _encode_column(values: np.ndarray) -> dict[str, Any]:
    if values.dtype == object:
        codes, uniques = pd.factorize(values)
        return {"codes": _b64(codes.astype(np.int32)), "values": [str(v) for v in uniques]}
    return {"dtype": values.dtype.str, "data": _b64(values)}


def _decode_column(spec: dict[str, Any]) -> np.ndarray:
    if "codes" in spec:
        codes = np.frombuffer(base64.b64decode(spec["codes"]), dtype=np.int32)
        return np.asarray(spec["values"] + [""], dtype=object)[codes]
    return np.frombuffer(base64.b64decode(spec["data"]), dtype=np.dtype(spec["dtype"])).copy()


def _b64(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values).tobytes()).decode("ascii")


def _encode_frame(frame: pd.DataFrame) -> dict[str, Any]:
    return {name: _encode_column(frame[name].to_numpy()) for name in frame.columns}


def _decode_frame(spec: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({name: _decode_column(column) for name, column in spec.items()})


def encode(state: LiveState) -> bytes:
    """Compact bytes for the database: columnar arrays, base64 in JSON (its coordinate and
    code arrays hardly compress, and not compressing saves the producer and every reader)."""
    document = {
        "format": FORMAT,
        "city_id": state.city_id,
        "version": state.version,
        "epoch": state.epoch,
        "built_at_s": state.built_at_s,
        "incidents": _encode_frame(state.incidents),
        "units": _encode_frame(state.units),
        "stations": _encode_frame(state.stations),
        "stations_changed": state.stations_changed,
        "today": state.today.__dict__,
        "today_changed": state.today_changed,
        "incidents_read_s": state.incidents_read_s,
        "full_read_s": state.full_read_s,
    }
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def decode(payload: bytes) -> LiveState:
    """The state :func:`encode` wrote; ``ValueError`` if written in another format."""
    document = json.loads(payload)
    if document.get("format") != FORMAT:
        raise ValueError(f"live snapshot format {document.get('format')}, expected {FORMAT}")
    return LiveState(
        city_id=document["city_id"],
        version=document["version"],
        epoch=document["epoch"],
        built_at_s=document["built_at_s"],
        incidents=_decode_frame(document["incidents"]),
        units=_decode_frame(document["units"]),
        stations=_decode_frame(document["stations"]),
        stations_changed=document["stations_changed"],
        today=TodayCounts(**document["today"]),
        today_changed=document["today_changed"],
        incidents_read_s=document["incidents_read_s"],
        full_read_s=document["full_read_s"],
    )
