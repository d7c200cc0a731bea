"""The live picture of a city, shared by every viewer: open incidents, units, posko, today.

Rows sit in *slots*, the positions of points in the map's traces, which stay put from one
version to the next: an incident keeps its slot until it is cleared, a new one takes a
free slot or a new one at the end. Each slot records the ``version`` in which it last
changed, so a viewer holding version ``v`` is brought up to date by the slots whose
``changed > v`` alone, whatever the number of viewers. When too many slots are free the
slots are compacted and the ``epoch`` moves on: viewers of an older epoch reload in full.

Pure: :func:`advance` takes the previous state and the rows read now (all open incidents,
or only those changed lately). :mod:`geodata.live.snapshot_codec` turns a state into bytes.
"""

from __future__ import annotations

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
]

#: Open incidents by age: class 0 under 10 min, 1 under 30 min, 2 under 2 h, 3 older.
AGE_CLASS_BOUNDS_S = (600, 1800, 7200)
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
    their ``status``), and ``units`` only the units changed lately, to merge into the
    previous state's (a unit deleted is noticed at the next complete read; one retired
    lately is in ``retired_unit_ids`` and leaves at once).
    """

    incidents: pd.DataFrame
    units: pd.DataFrame
    stations: pd.DataFrame
    today: TodayCounts
    now_s: float
    complete: bool = True
    retired_unit_ids: tuple[int, ...] = ()


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
    is_open = rows.incidents["status"] != "cleared"
    open_rows = _with_age_class(rows.incidents[is_open], rows.now_s)
    # Every open incident (complete rows), or only the changed ones and the ids that closed.
    closed_ids = None
    if rows.complete or previous is None:
        read["full_read_s"] = rows.now_s
    else:
        # int64 even when empty (an empty object array sends np.isin down its slow path)
        closed_ids = rows.incidents.loc[~is_open, "incident_id"].to_numpy(dtype=np.int64)
    units = _with_staleness(rows.units, rows.now_s, stale_after_s)
    stations = _typed(rows.stations.sort_values("station_id"), _STATION_EMPTY)
    if previous is None or _needs_compaction(
        previous.incidents, _occupied_after(previous.incidents, open_rows, closed_ids)
    ):
        epoch = after[0] + 1 if previous is None else previous.epoch + 1
        if previous is not None and closed_ids is not None:
            held = _merged(previous.open_incidents(), open_rows, "incident_id", closed_ids)
            open_rows = _with_age_class(held, rows.now_s)  # the held ones have aged too
            every_unit = _merged(previous.units[previous.units["unit_id"] >= 0], units, "unit_id",
                                 np.asarray(rows.retired_unit_ids, dtype=np.int64))  # fmt: skip
            units = _with_staleness(every_unit, rows.now_s, stale_after_s)
        return LiveState(
            city_id, version, epoch, rows.now_s,
            _fresh_slots(open_rows.sort_values("received_at_s", kind="stable"), version,
                         _INCIDENT_EMPTY, added=True),
            _fresh_slots(units.sort_values("unit_id"), version, _UNIT_EMPTY, added=False),
            stations, version, rows.today, version, rows.now_s,
            read.get("full_read_s", previous.full_read_s if previous else rows.now_s),
        )  # fmt: skip
    incident_slots, incidents_moved = _reslot(
        previous.incidents, open_rows, "incident_id", version, _INCIDENT_EMPTY,
        added=True, gone_keys=closed_ids,
    )  # fmt: skip
    incident_slots, aged = _aged(incident_slots, rows.now_s, version)
    unit_slots, units_moved = _reslot(
        previous.units, units, "unit_id", version, _UNIT_EMPTY, added=False,
        gone_keys=None if closed_ids is None else np.asarray(rows.retired_unit_ids,
                                                             dtype=np.int64),
    )  # fmt: skip
    unit_slots, staled = _staled(unit_slots, rows.now_s, stale_after_s, version)
    stations_moved = not _same_frame(previous.stations, stations)
    today_moved = previous.today != rows.today
    moved = incidents_moved or aged or units_moved or staled
    if not (moved or stations_moved or today_moved):
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


def _occupied_after(slots: pd.DataFrame, open_rows: pd.DataFrame, closed_ids: Any) -> int:
    """How many incident slots will be occupied once ``open_rows`` (and closures) apply."""
    if closed_ids is None:
        return len(open_rows)
    ids = slots["incident_id"].to_numpy(dtype=np.int64)
    held = ids[ids >= 0]
    arrived = ~np.isin(open_rows["incident_id"].to_numpy(dtype=np.int64), held)
    return len(held) - int(np.isin(held, closed_ids).sum()) + int(arrived.sum())


def _merged(
    held: pd.DataFrame, changed: pd.DataFrame, key: str, gone_keys: Any = ()
) -> pd.DataFrame:
    """Rows as they were, with the changed ones replaced or added, those of ``gone_keys`` out."""
    keys = held[key]
    kept = held[~keys.isin(changed[key]) & ~keys.isin(gone_keys)]
    columns = [name for name in changed.columns if name in held.columns]
    return pd.concat([kept[columns], changed[columns]], ignore_index=True)


def _age_classes(received_at_s: np.ndarray, now_s: float) -> np.ndarray:
    age_s = now_s - received_at_s.astype(float)
    bounds = np.asarray(AGE_CLASS_BOUNDS_S, dtype=float)
    return np.searchsorted(bounds, age_s, side="right").astype(np.int64)


def _with_age_class(incidents: pd.DataFrame, now_s: float) -> pd.DataFrame:
    return incidents.assign(age_class=_age_classes(incidents["received_at_s"].to_numpy(), now_s))


def _aged(slots: pd.DataFrame, now_s: float, version: int) -> tuple[pd.DataFrame, bool]:
    """The slots with every open incident's age class as of ``now_s``; whether any moved."""
    occupied = slots["incident_id"].to_numpy() >= 0
    classes = np.where(occupied, _age_classes(slots["received_at_s"].to_numpy(), now_s), 0)
    return _refreshed(slots, "age_class", classes, version)


def _stale(position_at_s: np.ndarray, now_s: float, stale_after_s: float) -> np.ndarray:
    at = position_at_s.astype(float)
    return ((at >= 0) & (now_s - at >= stale_after_s)).astype(np.int64)


def _with_staleness(units: pd.DataFrame, now_s: float, stale_after_s: float) -> pd.DataFrame:
    return units.assign(stale=_stale(units["position_at_s"].to_numpy(), now_s, stale_after_s))


def _staled(
    slots: pd.DataFrame, now_s: float, stale_after_s: float, version: int
) -> tuple[pd.DataFrame, bool]:
    """The unit slots with every position's staleness as of ``now_s``; whether any moved."""
    stale = _stale(slots["position_at_s"].to_numpy(), now_s, stale_after_s)
    return _refreshed(slots, "stale", stale, version)


def _refreshed(
    slots: pd.DataFrame, column: str, values: np.ndarray, version: int
) -> tuple[pd.DataFrame, bool]:
    """The slots with ``column`` set to ``values``, those that differ marked changed."""
    moved = values != slots[column].to_numpy()
    if not moved.any():
        return slots, False
    changed = np.where(moved, version, slots["changed"].to_numpy())
    return slots.assign(**{column: values, "changed": changed}), True


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
    return pd.DataFrame(_arrays(frame, empty))


def _arrays(frame: pd.DataFrame, empty: dict[str, Any]) -> dict[str, np.ndarray]:
    """The columns of :func:`_typed` as NumPy arrays (text as objects, never NaN)."""
    columns: dict[str, np.ndarray] = {}
    for name, blank in empty.items():
        if name not in frame:
            columns[name] = np.full(len(frame), blank, dtype=object if blank == "" else None)
            continue
        values = frame[name]
        if isinstance(blank, str):
            if values.dtype.kind in "biuf":
                values = values.astype(str)
            columns[name] = values.to_numpy(dtype=object, na_value="")
        elif isinstance(blank, float):
            columns[name] = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            columns[name] = values.to_numpy(dtype=np.int64, na_value=blank)
    return columns


def _reslot(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    key: str,
    version: int,
    empty: dict[str, Any],
    *,
    added: bool,
    gone_keys: Any = None,
) -> tuple[pd.DataFrame, bool]:
    """Place ``current`` rows in ``previous``'s slots; returns the slots and whether any moved.

    ``current`` holds every row there is now, or, with ``gone_keys``, only the rows that
    changed: then the other slots stay as they are, but those of ``gone_keys``, freed.
    """
    now = _arrays(current, empty)
    old_keys = previous[key].to_numpy()
    occupied = np.flatnonzero(old_keys >= 0)
    slot_of = pd.Series(occupied, index=old_keys[occupied])
    found = slot_of.reindex(now[key]).to_numpy()
    kept = ~np.isnan(found)
    kept_slots = found[kept].astype(np.intp)
    if gone_keys is None:
        gone = occupied[~np.isin(old_keys[occupied], now[key])]
    else:
        gone = occupied[np.isin(old_keys[occupied], gone_keys)]
    free = np.sort(np.concatenate([np.flatnonzero(old_keys < 0), gone]))
    n_new = int((~kept).sum())
    extra = max(0, n_new - len(free))
    new_slots = np.concatenate([free, len(previous) + np.arange(extra)])[:n_new]
    columns = [*empty, "changed", *(["added"] if added else [])]
    result = {
        name: _grown(previous[name].to_numpy(), extra, empty.get(name, 0)) for name in columns
    }
    differs = np.zeros(len(kept_slots), dtype=bool)
    for name in empty:
        differs |= _differs(result[name][kept_slots], now[name][kept])
    for name, blank in empty.items():
        result[name][gone] = blank
        result[name][kept_slots] = now[name][kept]
        result[name][new_slots] = now[name][~kept]
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
