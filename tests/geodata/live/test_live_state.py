"""Slots of the live picture: stable, versioned, compacted; patched equals reloaded."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.live.state import (
    COMPACT_MIN_FREE,
    INCIDENT_FIELDS,
    UNIT_FIELDS,
    LiveRows,
    LiveState,
    TodayCounts,
    advance,
)

NOW = 1_780_000_000.0
TODAY = TodayCounts(calls=10, prank_ghost=4, responded=2, median_response_s=540.0)


def incidents(*rows: tuple[int, str, int, float]) -> pd.DataFrame:
    """(id, category, priority, age in seconds) → open incident rows."""
    return pd.DataFrame(
        {
            "incident_id": [r[0] for r in rows],
            "category": [r[1] for r in rows],
            "priority": [r[2] for r in rows],
            "status": ["received"] * len(rows),
            "received_at_s": [int(NOW - r[3]) for r in rows],
            "lon": [105.0 + r[0] / 1000 for r in rows],
            "lat": [-5.0 - r[0] / 1000 for r in rows],
            "kecamatan": ["Uji"] * len(rows),
            "kelurahan": [None] * len(rows),
            "agencies": ["fire"] * len(rows),
        },
        columns=[f for f in INCIDENT_FIELDS if f != "age_class"],
    )


def units(*rows: tuple[int, float | None, float]) -> pd.DataFrame:
    """(id, lon or None, seconds since the last report) → unit rows."""
    return pd.DataFrame(
        {
            "unit_id": [r[0] for r in rows],
            "call_sign": [f"AMB-{r[0]:02d}" for r in rows],
            "agency_kind": ["ambulance"] * len(rows),
            "agency_name": ["PSC 119"] * len(rows),
            "status": ["available"] * len(rows),
            "lon": [np.nan if r[1] is None else r[1] for r in rows],
            "lat": [np.nan if r[1] is None else -5.1 for r in rows],
            "position_at_s": [-1 if r[1] is None else int(NOW - r[2]) for r in rows],
        },
        columns=[f for f in UNIT_FIELDS if f != "stale"],
    )


STATIONS = pd.DataFrame(
    {"station_id": [1], "name": ["Posko"], "agency_name": ["Damkar"], "agency_kind": ["fire"],
     "units": [2], "units_available": [1], "lon": [105.1], "lat": [-5.1]}
)  # fmt: skip


def rows(incident_rows: pd.DataFrame, unit_rows: pd.DataFrame, now: float = NOW) -> LiveRows:
    return LiveRows(incident_rows, unit_rows, STATIONS, TODAY, now)


def step(previous: LiveState | None, live: LiveRows) -> LiveState:
    return advance(previous, live, city_id=1, stale_after_s=300)


def test_first_state_puts_incidents_oldest_first_with_age_classes_and_stale_units() -> None:
    state = step(None, rows(incidents((7, "fire", 1, 60), (3, "health", 2, 4000)),
                            units((1, 105.1, 30), (2, 105.2, 900), (3, None, 0))))  # fmt: skip
    assert (state.version, state.epoch) == (1, 1)
    assert list(state.incidents["incident_id"]) == [3, 7]
    assert list(state.incidents["age_class"]) == [2, 0]
    assert list(state.units["stale"]) == [0, 1, 0]
    assert len(state.located_units()) == 2


def test_nothing_changed_keeps_the_version() -> None:
    live = rows(incidents((1, "fire", 1, 60)), units((1, 105.1, 30)))
    first = step(None, live)
    again = step(first, rows(live.incidents, live.units, NOW + 1))
    assert again.version == first.version and again.built_at_s == NOW + 1


def test_a_moved_unit_changes_its_slot_only() -> None:
    first = step(None, rows(incidents((1, "fire", 1, 60)), units((1, 105.1, 30), (2, 105.2, 30))))
    moved = step(first, rows(incidents((1, "fire", 1, 60)), units((1, 105.1, 30), (2, 105.25, 1))))
    assert moved.version == 2
    assert list(moved.units["changed"]) == [1, 2]
    assert list(moved.incidents["changed"]) == [1]


def test_a_cleared_incident_frees_its_slot_and_a_new_one_takes_it() -> None:
    first = step(None, rows(incidents((1, "fire", 1, 60), (2, "health", 2, 30)), units()))
    cleared = step(first, rows(incidents((2, "health", 2, 30)), units()))
    assert list(cleared.incidents["incident_id"]) == [-1, 2]
    assert np.isnan(cleared.incidents["lon"][0])
    refilled = step(cleared, rows(incidents((2, "health", 2, 30), (9, "crime", 3, 0)), units()))
    assert list(refilled.incidents["incident_id"]) == [9, 2]
    assert list(refilled.incidents["added"]) == [3, 1]
    assert refilled.epoch == first.epoch


def test_many_free_slots_start_a_new_compact_epoch() -> None:
    many = incidents(*[(i, "prank", 4, 60) for i in range(1, 2 * COMPACT_MIN_FREE)])
    first = step(None, rows(many, units()))
    few = step(first, rows(incidents((5, "prank", 4, 60)), units()))
    assert few.epoch == first.epoch + 1
    assert list(few.incidents["incident_id"]) == [5]


def apply_changes(view: pd.DataFrame, state_slots: pd.DataFrame, since: int) -> pd.DataFrame:
    """What a viewer at version ``since`` holds after receiving the changed slots."""
    changed = state_slots.index[state_slots["changed"] > since]
    grown = view.reindex(range(len(state_slots)))
    grown.loc[changed] = state_slots.loc[changed, view.columns]
    return grown


worlds = st.lists(
    st.lists(st.tuples(st.integers(1, 40), st.sampled_from(["fire", "health"]),
                       st.integers(1, 4), st.floats(0, 9000)),
             max_size=25, unique_by=lambda r: r[0]),
    min_size=1, max_size=8,
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(worlds, st.integers(0, 7))
def test_a_viewer_patched_from_any_version_equals_the_state(
    sequence: list[list[tuple[int, str, int, float]]], start: int
) -> None:
    states = []
    state = None
    for t, world in enumerate(sequence):
        state = step(state, rows(incidents(*world), units(), NOW + t))
        states.append(state)
    assert state is not None
    viewer = states[min(start, len(states) - 1)]
    if viewer.epoch != state.epoch:
        return  # a viewer of an older epoch reloads in full
    fields = list(INCIDENT_FIELDS)
    patched = apply_changes(viewer.incidents[fields], state.incidents, viewer.version)
    pd.testing.assert_frame_equal(
        patched.reset_index(drop=True), state.incidents[fields], check_dtype=False
    )


def changed_rows(before: pd.DataFrame, after: pd.DataFrame, key: str) -> pd.DataFrame:
    """The rows of ``after`` that are new or differ from ``before``'s row of the same key."""
    merged = after.merge(before, how="left", on=key, suffixes=("", "_was"))
    same = np.ones(len(merged), dtype=bool)
    for column in (c for c in after.columns if c != key):
        now, was = merged[column], merged[f"{column}_was"]
        same &= ((now == was) | (now.isna() & was.isna())).to_numpy()
    return after[~same]


def changes_between(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """What an incremental read returns: incidents new or changed, and those gone as cleared."""
    cleared = before[~before["incident_id"].isin(after["incident_id"])].assign(status="cleared")
    return pd.concat([changed_rows(before, after, "incident_id"), cleared], ignore_index=True)


fleets = st.lists(
    st.lists(st.tuples(st.integers(1, 12), st.one_of(st.none(), st.floats(105.0, 105.2)),
                       st.sampled_from([10.0, 900.0])),
             max_size=12, unique_by=lambda r: r[0]),
    min_size=8, max_size=8,
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(worlds, fleets, st.integers(0, 7))
def test_incremental_reads_give_the_state_complete_reads_give(
    sequence: list[list[tuple[int, str, int, float]]],
    fleet: list[list[tuple[int, float | None, float]]],
    start: int,
) -> None:
    complete = partial = None
    partial_states = []
    incidents_before, units_before = incidents(), units()
    for t, world in enumerate(sequence):
        incidents_now, at = incidents(*world), NOW + t * 400
        # Units are only ever added or changed between complete reads, never removed.
        units_now = pd.concat([units_before, units(*fleet[t])]).drop_duplicates(
            "unit_id", keep="last").sort_values("unit_id").reset_index(drop=True)  # fmt: skip
        complete = step(complete, rows(incidents_now, units_now, at))
        delta = LiveRows(changes_between(incidents_before, incidents_now),
                         changed_rows(units_before, units_now, "unit_id"), STATIONS, TODAY, at,
                         complete=False)  # fmt: skip
        partial = step(partial, delta if partial is not None else rows(incidents_now, units_now))
        partial_states.append(partial)
        incidents_before, units_before = incidents_now, units_now
    assert complete is not None and partial is not None

    def by_id(state: LiveState) -> tuple[pd.DataFrame, pd.DataFrame]:
        held_units = state.units[state.units["unit_id"] >= 0]
        return (
            state.open_incidents()[list(INCIDENT_FIELDS)]
            .sort_values("incident_id").reset_index(drop=True),
            held_units[list(UNIT_FIELDS)].sort_values("unit_id").reset_index(drop=True),
        )  # fmt: skip

    for got, expected in zip(by_id(partial), by_id(complete), strict=True):
        pd.testing.assert_frame_equal(got, expected)
    viewer = partial_states[min(start, len(partial_states) - 1)]
    if viewer.epoch == partial.epoch:
        for frame, fields in (("incidents", INCIDENT_FIELDS), ("units", UNIT_FIELDS)):
            held, now = getattr(viewer, frame), getattr(partial, frame)
            patched = apply_changes(held[list(fields)], now, viewer.version)
            pd.testing.assert_frame_equal(
                patched.reset_index(drop=True), now[list(fields)], check_dtype=False
            )


def test_an_incremental_read_that_frees_many_slots_compacts_with_everything_kept() -> None:
    many = incidents(*[(i, "fire", 2, 500.0) for i in range(1, COMPACT_MIN_FREE + 101)])
    fleet = units((1, 105.1, 30), (2, 105.2, 30))
    first = step(None, rows(many, fleet))
    closed = many.iloc[: COMPACT_MIN_FREE + 50].assign(status="cleared")
    later = NOW + 200  # the open ones are now 700 s old: past the first age class bound
    delta = LiveRows(closed, units((2, 105.3, 0)), STATIONS, TODAY, later, complete=False)
    second = step(first, delta)
    assert second.epoch == first.epoch + 1  # compacted: viewers reload
    kept = second.open_incidents()
    assert sorted(kept["incident_id"]) == list(range(COMPACT_MIN_FREE + 51, COMPACT_MIN_FREE + 101))
    assert (kept["age_class"] == 1).all()  # aged as of the read, not as first seen
    held = second.units.set_index("unit_id")
    assert held.loc[1, "lon"] == 105.1 and held.loc[2, "lon"] == 105.3  # both units kept
