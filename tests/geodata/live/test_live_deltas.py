"""The delta log: a viewer replaying deltas from any version holds exactly the full snapshot,
through the codec's bytes; deltas refuse to apply out of order; and the store writes small
deltas between full payloads, which readers on other workers replay."""

from __future__ import annotations

import dataclasses
import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from geodata.live import store
from geodata.live.deltas import DeltaError, apply_delta, decode_delta, delta_of, encode_delta
from geodata.live.state import LiveState
from geodata.live.store import SNAPSHOT_EVERY, _write_full, load_state
from tests.geodata.live.test_live_state import NOW, fleets, incidents, rows, step, units, worlds


def assert_same(a: LiveState, b: LiveState) -> None:
    for field in dataclasses.fields(LiveState):
        left, right = getattr(a, field.name), getattr(b, field.name)
        if isinstance(left, pd.DataFrame):
            pd.testing.assert_frame_equal(left, right, check_dtype=True)
        else:
            assert left == right, field.name


def history(
    sequence: list[list[tuple[int, str, int, float]]],
    fleet: list[list[tuple[int, float | None, float]]],
) -> list[LiveState]:
    states: list[LiveState] = []
    state = None
    for t, world in enumerate(sequence):
        state = step(state, rows(incidents(*world), units(*fleet[t % len(fleet)]), NOW + 7 * t))
        if not states or state.version != states[-1].version:
            states.append(state)
    return states


@settings(max_examples=80, deadline=None)
@given(worlds, fleets, st.integers(0, 7))
def test_a_viewer_replaying_deltas_equals_the_full_snapshot(
    sequence: list[list[tuple[int, str, int, float]]],
    fleet: list[list[tuple[int, float | None, float]]],
    start: int,
) -> None:
    states = history(sequence, fleet)
    viewer = states[min(start, len(states) - 1)]
    for before, after in itertools.pairwise(states):
        if before.version < viewer.version:
            continue
        if after.epoch != before.epoch:
            return  # a new epoch: the viewer reloads in full
        viewer = apply_delta(viewer, decode_delta(encode_delta(delta_of(before, after))))
        assert_same(viewer, after)
    assert_same(viewer, states[-1])


def test_a_delta_is_what_changed_and_applies_only_in_order() -> None:
    first = step(None, rows(incidents(*[(i, "fire", 1, 60.0) for i in range(1, 200)]),
                            units((1, 105.1, 10), (2, 105.2, 10))))  # fmt: skip
    moved = step(first, rows(incidents(*[(i, "fire", 1, 60.0) for i in range(1, 200)]),
                             units((1, 105.15, 10), (2, 105.2, 10)), NOW + 1))  # fmt: skip
    delta = delta_of(first, moved)
    assert delta["units"]["slots"] == [0] and delta["incidents"]["slots"] == []
    assert delta["stations"] is None and len(encode_delta(delta)) < 1_500
    with pytest.raises(DeltaError):
        apply_delta(moved, delta)  # already applied
    with pytest.raises(DeltaError):
        delta_of(first, first)


def test_the_store_writes_deltas_between_payloads_and_readers_replay_them(
    engine: Engine, tiny_city: int
) -> None:
    states = [step(None, rows(incidents((1, "fire", 1, 60.0)), units((1, 105.1, 10))))]
    for t in range(1, SNAPSHOT_EVERY + 3):
        moved = units((1, 105.1 + t / 1000, 10))
        states.append(step(states[-1], rows(incidents((1, "fire", 1, 60.0)), moved, NOW + t)))
    states = [dataclasses.replace(s, city_id=tiny_city) for s in states]
    with engine.begin() as conn:
        _write_full(conn, tiny_city, states[0])
        for before, after in itertools.pairwise(states):
            header = store.read_header(conn, tiny_city)
            assert header is not None
            conn.execute(text("INSERT INTO live_deltas VALUES (:c, :v, :e, :p)"),
                         {"c": tiny_city, "v": after.version, "e": after.epoch,
                          "p": encode_delta(delta_of(before, after))})  # fmt: skip
            if after.version - header.payload_version < SNAPSHOT_EVERY:
                conn.execute(text("UPDATE live_snapshots SET version = :v WHERE city_id = :c"),
                             {"v": after.version, "c": tiny_city})  # fmt: skip
            else:
                _write_full(conn, tiny_city, after)
        loaded = load_state(conn, tiny_city)
        header = store.read_header(conn, tiny_city)
        caught_up = store._caught_up(conn, tiny_city, states[3], header)  # type: ignore[arg-type]
        kept = conn.execute(text("SELECT min(version), count(*) FROM live_deltas")).one()
    assert loaded is not None and caught_up is not None
    assert_same(loaded, states[-1])
    assert_same(caught_up, states[-1])
    assert header is not None and header.payload_version == SNAPSHOT_EVERY + 1
    assert kept == (2, SNAPSHOT_EVERY + 2)  # a period before the payload, and those after
