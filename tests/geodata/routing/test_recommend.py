"""Recommendations are exact: checked against networkx's Dijkstra on the same stored edges."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, text

from geodata.responders import DEFAULT_RESPONSE_AGENCIES
from geodata.routing.recommend import nearest_stations, recommend_units
from tests.geodata.networks import GridCity, grid_city, store_city, store_incident, store_units

Placement = tuple[int, float]  # (edge id in the generated city, fraction along it)


def on_edge(city: GridCity, edge_id: int, frac: float) -> tuple[float, float]:
    line = city.edges.geometry.iloc[edge_id - 1]
    point = line.interpolate(frac, normalized=True)
    return point.x, point.y


def expected_times(
    conn: Connection, city_id: int, profile: str, units: dict[str, Placement], incident: Placement
) -> tuple[dict[str, float], dict[str, float]]:
    """Seconds and metres from each unit to the incident, by networkx on the stored edges.

    Points split their edges; the generated edge ids equal the stored ones in order.
    """
    rows = conn.execute(
        text(
            "SELECT e.id, e.source, e.target, e.length_m, c.cost_s, c.reverse_cost_s "
            "FROM road_edges e JOIN road_edge_costs c ON c.edge_id = e.id AND c.profile = :p "
            "WHERE e.city_id = :c ORDER BY e.id"
        ),
        {"p": profile, "c": city_id},
    ).all()
    first_id = rows[0].id
    on: dict[int, list[tuple[float, object]]] = {}
    for name, (edge, frac) in {**units, "__incident__": incident}.items():
        on.setdefault(edge, []).append((frac, name))
    graph = nx.DiGraph()
    for row in rows:
        chain = [(0.0, row.source), *sorted(on.get(row.id - first_id + 1, [])), (1.0, row.target)]
        for (f0, a), (f1, b) in itertools.pairwise(chain):
            share = f1 - f0
            graph.add_edge(a, b, time=share * row.cost_s, metres=share * row.length_m)
            if row.reverse_cost_s >= 0:
                graph.add_edge(b, a, time=share * row.reverse_cost_s, metres=share * row.length_m)
    to_incident = graph.reverse(copy=False)
    times = nx.single_source_dijkstra_path_length(to_incident, "__incident__", weight="time")
    paths = nx.single_source_dijkstra_path(to_incident, "__incident__", weight="time")
    metres = {
        name: sum(graph[a][b]["metres"] for a, b in zip(path[::-1], path[::-1][1:], strict=False))
        for name, path in paths.items()
        if name in units
    }
    return {name: times[name] for name in units if name in times}, metres


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        yield connection
        connection.rollback()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 2**32 - 1),
    size=st.integers(3, 9),
    oneway_share=st.sampled_from([0.0, 0.3, 0.7]),
    n_units=st.integers(1, 12),
    k=st.integers(1, 6),
)
def test_ranking_equals_independent_dijkstra(
    conn: Connection, seed: int, size: int, oneway_share: float, n_units: int, k: int
) -> None:
    rng = np.random.default_rng(seed)
    city = grid_city(rng, size, oneway_share=oneway_share, drop_share=0.15)
    if len(city.edges) == 0:
        return
    with conn.begin_nested() as savepoint:
        city_id = store_city(conn, city)
        placements = {
            f"AMB-{i:02d}": (
                int(rng.integers(1, len(city.edges) + 1)),
                float(rng.uniform(0.05, 0.95)),
            )
            for i in range(n_units)
        }
        units = [(name, "ambulance", "ambulance", *on_edge(city, *where))
                 for name, where in placements.items()]  # fmt: skip
        store_units(conn, city_id, units)
        incident_at = (int(rng.integers(1, len(city.edges) + 1)), float(rng.uniform(0.05, 0.95)))
        incident_id = store_incident(conn, city_id, "health", *on_edge(city, *incident_at))
        result = recommend_units(
            conn, [incident_id], DEFAULT_RESPONSE_AGENCIES, k=k, with_routes=True
        )
        again = recommend_units(
            conn, [incident_id], DEFAULT_RESPONSE_AGENCIES, k=k, with_routes=True
        )
        want, want_metres = expected_times(conn, city_id, "ambulance", placements, incident_at)
        savepoint.rollback()

    assert result == again  # identical from run to run
    options = result[0].options["ambulance"]
    assert sorted(o.call_sign for o in options) == sorted(placements)  # nobody dropped
    ranked = [o for o in options if o.outcome == "ranked"]
    assert [o.travel_time_s for o in ranked] == pytest.approx(sorted(want.values())[:k], rel=1e-6)
    for option in ranked:
        assert option.travel_time_s == pytest.approx(want[option.call_sign], rel=1e-6)
        assert option.road_distance_m == pytest.approx(
            want_metres[option.call_sign], rel=1e-3, abs=0.5
        )
    for option in options:
        if option.call_sign not in want:  # no road path: never ranked
            assert option.outcome in ("unreachable", "slower")
            if k >= n_units:
                assert option.outcome == "unreachable"
        elif option.outcome != "ranked":
            assert want[option.call_sign] >= ranked[-1].travel_time_s * (1 - 1e-9)


def test_one_way_streets_are_honoured(conn: Connection) -> None:
    """A ring of one-way streets: the unit just past the incident must go all the way round."""
    ring = [(0, 0), (1, 0), (1, 1), (0, 1)]
    city = grid_city(np.random.default_rng(0), 2, oneway_share=1.0, drop_share=0.0)
    lon = [105.30 + 0.0009 * x for x, _ in ring]
    lat = [-5.12 + 0.0009 * y for _, y in ring]
    city.nodes.geometry = shapely.points(lon, lat)
    pairs = [(1, 2), (2, 3), (3, 4), (4, 1)]  # counter-clockwise, one way
    city.edges["source"] = [a for a, _ in pairs]
    city.edges["target"] = [b for _, b in pairs]
    city.edges["oneway"] = True
    city.edges["road_class"] = "local"
    city.edges.geometry = [
        shapely.LineString([(lon[a - 1], lat[a - 1]), (lon[b - 1], lat[b - 1])]) for a, b in pairs
    ]
    city_id = store_city(conn, city)
    # The incident at the middle of edge 1 (node 1 → 2); BEHIND just before it, AHEAD just after.
    behind, ahead = on_edge(city, 1, 0.3), on_edge(city, 1, 0.7)
    store_units(conn, city_id, [("BEHIND", "ambulance", "ambulance", *behind),
                                ("AHEAD", "ambulance", "ambulance", *ahead)])  # fmt: skip
    incident_id = store_incident(conn, city_id, "health", *on_edge(city, 1, 0.5))
    options = recommend_units(conn, [incident_id], DEFAULT_RESPONSE_AGENCIES)[0].options
    times = {o.call_sign: o.travel_time_s for o in options["ambulance"]}
    edge_s = conn.execute(text("SELECT cost_s FROM road_edge_costs WHERE profile = 'ambulance' "
                               "ORDER BY edge_id LIMIT 1")).scalar_one()  # fmt: skip
    assert times["BEHIND"] == pytest.approx(0.2 * edge_s)
    assert times["AHEAD"] == pytest.approx(0.8 * edge_s + 3 * edge_s, rel=1e-2)


def test_off_network_units_and_snap_distance_are_reported(conn: Connection) -> None:
    city = grid_city(np.random.default_rng(1), 4, oneway_share=0.0, drop_share=0.0)
    city_id = store_city(conn, city)
    lon, lat = on_edge(city, 1, 0.5)
    metres_per_degree = 110_574.0
    store_units(
        conn, city_id,
        [("NEAR", "ambulance", "ambulance", lon, lat + 30 / metres_per_degree),
         ("FIELD", "ambulance", "ambulance", lon, lat - 3000 / metres_per_degree)],
    )  # fmt: skip
    incident_id = store_incident(conn, city_id, "health", *on_edge(city, 5, 0.5))
    recommendation = recommend_units(conn, [incident_id], DEFAULT_RESPONSE_AGENCIES)[0]
    by_sign = {o.call_sign: o for o in recommendation.options["ambulance"]}
    assert by_sign["FIELD"].outcome == "off_network"
    assert by_sign["NEAR"].outcome == "ranked"
    assert by_sign["NEAR"].snap_distance_m == pytest.approx(30, abs=6)  # nearest edge, not node
    assert recommendation.snap_distance_m == pytest.approx(0, abs=0.01)


def test_each_responding_agency_gets_its_own_ranking(conn: Connection) -> None:
    city = grid_city(np.random.default_rng(2), 5, oneway_share=0.0, drop_share=0.0)
    city_id = store_city(conn, city)
    store_units(
        conn, city_id,
        [("AMB-1", "ambulance", "ambulance", *on_edge(city, 3, 0.5)),
         ("POL-1", "police", "car", *on_edge(city, 8, 0.5)),
         ("DMK-1", "fire", "fire_engine", *on_edge(city, 2, 0.5))],
    )  # fmt: skip
    crash = store_incident(conn, city_id, "traffic_accident", *on_edge(city, 10, 0.5))
    options = recommend_units(conn, [crash], DEFAULT_RESPONSE_AGENCIES)[0].options
    assert set(options) == {"ambulance", "police"}  # no fire engine for a crash by default
    assert [o.call_sign for o in options["ambulance"]] == ["AMB-1"]
    assert [o.call_sign for o in options["police"]] == ["POL-1"]


def test_busy_units_are_not_offered_and_posko_stands_in_for_position(conn: Connection) -> None:
    city = grid_city(np.random.default_rng(3), 4, oneway_share=0.0, drop_share=0.0)
    city_id = store_city(conn, city)
    ids = store_units(
        conn, city_id,
        [("A", "ambulance", "ambulance", *on_edge(city, 1, 0.5)),
         ("B", "ambulance", "ambulance", *on_edge(city, 2, 0.5))],
    )  # fmt: skip
    conn.execute(text("UPDATE units SET status = 'dispatched' WHERE id = :id"), {"id": ids["A"]})
    incident_id = store_incident(conn, city_id, "health", *on_edge(city, 4, 0.5))
    options = recommend_units(conn, [incident_id], DEFAULT_RESPONSE_AGENCIES)[0].options
    assert [o.call_sign for o in options["ambulance"]] == ["B"]
    assert options["ambulance"][0].from_station is False


def test_nearest_posko_of_each_agency_by_road(conn: Connection) -> None:
    """Two fire posko: the one nearer in a straight line is behind a one-way street."""
    city = grid_city(np.random.default_rng(4), 6, oneway_share=0.4, drop_share=0.1)
    city_id = store_city(conn, city)
    posko = {"DMK-A": on_edge(city, 3, 0.5), "DMK-B": on_edge(city, 40, 0.5),
             "PSC-A": on_edge(city, 25, 0.5)}  # fmt: skip
    kinds = {"DMK-A": "fire", "DMK-B": "fire", "PSC-A": "ambulance"}
    for kind in sorted(set(kinds.values())):
        conn.execute(
            text("INSERT INTO agencies (city_id, code, name, kind) VALUES (:c, :k, :n, :kind)"),
            {"c": city_id, "k": kind, "n": kind, "kind": kind},
        )
    for name, (lon, lat) in posko.items():
        conn.execute(
            text("INSERT INTO stations (agency_id, code, name, geom) SELECT id, :n, :name, "
                 "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) FROM agencies WHERE code = :k"),
            {"n": name, "name": name, "lon": lon, "lat": lat, "k": kinds[name]},
        )  # fmt: skip
    point_at = (12, 0.3)
    found = {s.agency_kind: s for s in nearest_stations(conn, city_id, *on_edge(city, *point_at))}
    fire_times, _ = expected_times(
        conn, city_id, "fire_engine", {"DMK-A": (3, 0.5), "DMK-B": (40, 0.5)}, point_at
    )
    assert set(found) == {"fire", "ambulance"}
    assert found["fire"].station_name == min(fire_times, key=fire_times.__getitem__)
    assert found["fire"].travel_time_s == pytest.approx(min(fire_times.values()), rel=1e-6)
    assert found["fire"].vehicle_profile == "fire_engine"
    assert found["ambulance"].station_name == "PSC-A"
