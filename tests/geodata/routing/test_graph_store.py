"""The packed road graph: built once and stored, read back identical, emptied when the
network changes, and its bounded search exact on a tiny hand-built line."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import Engine, text

from geodata.routing.graph_store import reverse_graph
from tests.geodata.networks import grid_city, store_city


def stored(conn: object) -> int:
    return int(conn.execute(text("SELECT count(*) FROM road_graphs")).scalar_one())  # type: ignore[attr-defined]


def test_the_graph_is_stored_once_read_back_equal_and_dropped_when_roads_change(
    engine: Engine,
) -> None:
    with engine.begin() as conn:
        city_id = store_city(conn, grid_city(np.random.default_rng(3), 5, oneway_share=0.3,
                                             drop_share=0.1))  # fmt: skip
        built = reverse_graph(conn, city_id, "car")
        assert stored(conn) == 1
        again = reverse_graph(conn, city_id, "car")
        assert np.array_equal(built.node_ids, again.node_ids)
        assert (built.arcs != again.arcs).nnz == 0
        conn.execute(text("UPDATE road_edge_costs SET cost_s = cost_s * 2 WHERE edge_id = "
                          "(SELECT min(edge_id) FROM road_edge_costs)"))  # fmt: skip
        assert stored(conn) == 0  # the routing edges changed: rebuilt by the next reader


def test_times_to_a_point_on_a_one_way_line_are_exact_and_bounded(engine: Engine) -> None:
    """Nodes 1 → 2 → 3 one way, 10 s each; the target sits on the edge 2 → 3 at 40 %."""
    with engine.begin() as conn:
        city_id = store_city(conn, grid_city(np.random.default_rng(1), 2, oneway_share=0.0,
                                             drop_share=0.0))  # fmt: skip
        conn.execute(text("DELETE FROM road_edges WHERE city_id = :c"), {"c": city_id})
        conn.execute(text("DELETE FROM road_nodes WHERE city_id = :c"), {"c": city_id})
        conn.execute(text(
            "INSERT INTO road_nodes (id, city_id, geom) SELECT 100 + n, :c, "
            "ST_SetSRID(ST_MakePoint(105 + n * 0.001, -5), 4326) FROM generate_series(1, 3) n"),
            {"c": city_id})  # fmt: skip
        conn.execute(text(
            "INSERT INTO road_edges (id, city_id, source, target, road_class, oneway, length_m, "
            "geom) SELECT 200 + n, :c, 100 + n, 101 + n, 'local', true, 100, "
            "ST_MakeLine(ST_SetSRID(ST_MakePoint(105 + n * 0.001, -5), 4326), "
            "ST_SetSRID(ST_MakePoint(105.001 + n * 0.001, -5), 4326)) "
            "FROM generate_series(1, 2) n"),
            {"c": city_id})  # fmt: skip
        conn.execute(text(
            "INSERT INTO road_edge_costs (edge_id, profile, cost_s, reverse_cost_s) "
            "SELECT id, 'car', 10, -1 FROM road_edges WHERE city_id = :c"),
            {"c": city_id})  # fmt: skip
        graph = reverse_graph(conn, city_id, "car")
    arrivals = {102: 4.0}  # from node 2, 40 % along 2 → 3 costs 4 s; node 3 cannot go back
    assert graph.times_to(arrivals, {101, 102, 103}, limit_s=100) == pytest.approx(
        {101: 14.0, 102: 4.0}
    )
    assert graph.times_to(arrivals, {101, 102, 103}, limit_s=10) == pytest.approx({102: 4.0})
    assert graph.times_to({999: 1.0}, {101}, limit_s=100) == {}  # not a node of the city


def test_a_caller_holding_the_old_row_gets_its_graph_without_waiting(engine: Engine) -> None:
    with engine.begin() as conn:
        city_id = store_city(conn, grid_city(np.random.default_rng(4), 4, oneway_share=0.0,
                                             drop_share=0.0))  # fmt: skip
    with engine.connect() as conn:
        reverse_graph(conn, city_id, "car")  # stored by its own transaction
        conn.execute(text("UPDATE road_edge_costs SET cost_s = cost_s + 1"))  # deletes the row
        rebuilt = reverse_graph(conn, city_id, "car")  # the writer may not replace it: no wait
        assert rebuilt.arcs.nnz > 0
        conn.rollback()
