"""Surge recommendations rank many incidents at once exactly as one recommendation each."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine

from geodata.responders import DEFAULT_RESPONSE_AGENCIES
from geodata.routing.recommend import IncidentRecommendation, recommend_surge, recommend_units
from tests.geodata.networks import grid_city, store_city, store_incident, store_units
from tests.geodata.routing.test_recommend import on_edge

#: Agency kind → the profiles its units drive (two for police: both searches are shared).
FLEET = {"ambulance": ("ambulance",), "fire": ("fire_engine",), "police": ("car", "motorbike")}
CATEGORIES = ("health", "fire", "traffic_accident", "crime")


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        yield connection
        connection.rollback()


def comparable(found: list[IncidentRecommendation]) -> list[object]:
    """Everything of the answer, travel times rounded (sums of the same costs may differ in
    the last bits when pgRouting adds them in another order)."""
    return [
        (r.incident_id, r.category, r.snap_distance_m,
         {kind: [(o.unit_id, o.outcome, None if o.travel_time_s is None
                  else round(o.travel_time_s, 6), o.snap_distance_m) for o in options]
          for kind, options in r.options.items()})
        for r in found
    ]  # fmt: skip


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 2**32 - 1),
    size=st.integers(3, 9),
    oneway_share=st.sampled_from([0.0, 0.3, 0.7]),
    n_units=st.integers(1, 14),
    n_incidents=st.integers(1, 7),
    k=st.integers(1, 4),
)
def test_a_surge_equals_one_recommendation_per_incident(
    conn: Connection, seed: int, size: int, oneway_share: float, n_units: int, n_incidents: int,
    k: int,
) -> None:  # fmt: skip
    rng = np.random.default_rng(seed)
    city = grid_city(rng, size, oneway_share=oneway_share, drop_share=0.15)
    if len(city.edges) == 0:
        return
    with conn.begin_nested() as savepoint:
        city_id = store_city(conn, city)
        units = []
        for i in range(n_units):
            kind = str(rng.choice(list(FLEET)))
            profile = str(rng.choice(FLEET[kind]))
            where = on_edge(city, int(rng.integers(1, len(city.edges) + 1)), rng.uniform(0, 1))
            units.append((f"U-{i:02d}", kind, profile, *where))
        store_units(conn, city_id, units)
        incidents = [
            store_incident(conn, city_id, str(rng.choice(CATEGORIES)),
                           *on_edge(city, int(rng.integers(1, len(city.edges) + 1)),
                                    rng.uniform(0, 1)), external_id=str(i))
            for i in range(n_incidents)
        ]  # fmt: skip
        together = recommend_surge(conn, incidents[::-1], DEFAULT_RESPONSE_AGENCIES, k=k)
        one_by_one = [
            found
            for incident in incidents[::-1]
            for found in recommend_units(conn, [incident], DEFAULT_RESPONSE_AGENCIES, k=k)
        ]
        savepoint.rollback()
    assert [r.incident_id for r in together] == incidents[::-1]  # in the order asked
    assert comparable(together) == comparable(one_by_one)


def test_an_empty_surge_is_empty(conn: Connection) -> None:
    assert recommend_surge(conn, [], DEFAULT_RESPONSE_AGENCIES) == []
