"""The demo city through the real loader: every row lands, and the roads route."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL

from geodata.demo import DemoCity
from geodata.load.city_load import CityExistsError, load_city
from geodata.load.demo_loader import DEMO_CITY_CODE, ensure_demo_city


@pytest.fixture(scope="module")
def demo_engine(demo_url: URL) -> Iterator[Engine]:
    engine = create_engine(demo_url)
    yield engine
    engine.dispose()


def count(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def test_every_part_of_the_city_is_stored(demo_engine: Engine, demo_city: DemoCity) -> None:
    expected = {
        "road_nodes": len(demo_city.road_nodes),
        "road_edges": len(demo_city.road_edges),
        "road_edge_costs": 4 * len(demo_city.road_edges),
        "admin_areas": len(demo_city.kecamatan) + len(demo_city.kelurahan),
        "agencies": len(demo_city.agencies),
        "stations": len(demo_city.stations),
        "units": len(demo_city.units),
        "incidents": len(demo_city.incidents),
        "incident_callers": len(demo_city.incidents),
        "dispatches": len(demo_city.dispatches),
    }
    stored = {table: count(demo_engine, f"SELECT count(*) FROM {table}") for table in expected}
    assert stored == expected
    assert expected["road_edges"] >= 20_000 and expected["incidents"] >= 10_000


def test_incidents_get_their_kelurahan_and_times_survive(
    demo_engine: Engine, demo_city: DemoCity
) -> None:
    assert count(demo_engine, "SELECT count(*) FROM incidents WHERE area_id IS NULL") == 0
    open_in_db = count(demo_engine, "SELECT count(*) FROM incidents WHERE status <> 'cleared'")
    assert open_in_db == int((demo_city.incidents["status"] != "cleared").sum())
    first = demo_city.incidents.sort_values("received_at").iloc[0]
    with demo_engine.connect() as conn:
        received = conn.execute(
            text("SELECT received_at FROM incidents WHERE external_id = :id"),
            {"id": first["external_id"]},
        ).scalar_one()
    assert received == first["received_at"].to_pydatetime()


def test_kelurahan_cover_the_city_without_overlap(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        city_m2, kelurahan_m2, overlap_m2 = conn.execute(
            text(
                "SELECT (SELECT ST_Area(boundary::geography) FROM cities), "
                "(SELECT sum(ST_Area(geom::geography)) FROM admin_areas WHERE level='kelurahan'), "
                "(SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0) "
                " FROM admin_areas a JOIN admin_areas b ON a.id < b.id AND a.level = b.level "
                " AND a.level = 'kelurahan' AND ST_Intersects(a.geom, b.geom))"
            )
        ).one()
    assert kelurahan_m2 == pytest.approx(city_m2, rel=1e-6)
    assert overlap_m2 < 1.0  # square metres: float noise on shared edges only


def test_pgrouting_agrees_with_scipy_on_the_stored_network(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        edges = conn.execute(
            text(
                "SELECT e.source, e.target, c.cost_s, c.reverse_cost_s FROM road_edges e "
                "JOIN road_edge_costs c ON c.edge_id = e.id AND c.profile = 'ambulance'"
            )
        ).all()
        nodes = conn.execute(text("SELECT min(id), max(id) FROM road_nodes")).one()
    source, target, cost, reverse = (np.array(column) for column in zip(*edges, strict=True))
    forward = np.concatenate([source, target[reverse >= 0]]) - nodes[0]
    backward = np.concatenate([target, source[reverse >= 0]]) - nodes[0]
    weights = np.concatenate([cost, reverse[reverse >= 0]])
    size = nodes[1] - nodes[0] + 1
    graph = coo_matrix((weights, (forward, backward)), shape=(size, size)).tocsr()
    rng = np.random.default_rng(7)
    pairs = rng.integers(0, size, size=(5, 2))
    expected = dijkstra(graph, directed=True, indices=pairs[:, 0])[np.arange(5), pairs[:, 1]]
    with demo_engine.connect() as conn:
        for (start, end), want in zip(pairs, expected, strict=True):
            got = conn.execute(
                text(
                    "SELECT max(agg_cost) FROM pgr_dijkstra("
                    "'SELECT e.id, e.source, e.target, c.cost_s AS cost, "
                    "c.reverse_cost_s AS reverse_cost FROM road_edges e JOIN road_edge_costs c "
                    "ON c.edge_id = e.id AND c.profile = ''ambulance''', "
                    ":a, :b, directed => true)"
                ),
                {"a": int(start + nodes[0]), "b": int(end + nodes[0])},
            ).scalar()
            assert np.isfinite(want), "the demo network must be strongly connected"
            assert (got or 0.0) == pytest.approx(want, rel=1e-9)


def test_loading_the_same_city_twice_is_refused_and_changes_nothing(
    demo_engine: Engine, demo_city: DemoCity
) -> None:
    before = count(demo_engine, "SELECT count(*) FROM incidents")
    with pytest.raises(CityExistsError, match=DEMO_CITY_CODE), demo_engine.begin() as conn:
        load_city(conn, demo_city, synthetic=True)
    assert ensure_demo_city(demo_engine) is None  # already there: nothing generated
    assert count(demo_engine, "SELECT count(*) FROM incidents") == before
