"""The shared road graph: arcs as stored (one-way, parallel, free), read from the database."""

from __future__ import annotations

import numpy as np
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from geodata.routing.road_graph import RoadGraph, road_graph


def test_parallel_arcs_keep_the_faster_and_free_arcs_stay_arcs() -> None:
    ids = np.array([10, 20, 30])
    graph = road_graph(
        ids,
        source=np.array([10, 10, 20, 30]),
        target=np.array([20, 20, 30, 10]),
        cost=np.array([9.0, 4.0, 0.0, 1.0]),
        reverse=np.array([-1.0, 6.0, -1.0, 2.5]),
    )
    rows = np.repeat(np.arange(3), np.diff(graph.indptr))
    stored = zip(rows, graph.indices, graph.data, strict=True)
    arcs = {(int(u), int(v)): float(w) for u, v, w in stored}
    # The faster of two parallel roads each way; the free arc (cost 0) stored as an arc,
    # not dropped as a sparse zero; no arc against a one-way street.
    assert arcs == {(0, 1): 4.0, (1, 0): 6.0, (1, 2): 0.0, (2, 0): 1.0, (0, 2): 2.5}


def test_demo_graph_has_every_node_and_no_arc_against_a_one_way_street(demo_url: URL) -> None:
    engine = create_engine(demo_url)
    with engine.connect() as conn:
        city_id = conn.execute(text("SELECT id FROM cities ORDER BY id LIMIT 1")).scalar_one()
        graph = RoadGraph.from_database(conn, city_id, "car")
        nodes = conn.execute(
            text("SELECT count(*) FROM road_nodes WHERE city_id = :c"), {"c": city_id}
        ).scalar_one()
        one_way = conn.execute(
            text("SELECT source, target FROM road_edges WHERE city_id = :c AND oneway "
                 "AND NOT EXISTS (SELECT 1 FROM road_edges b WHERE b.city_id = :c "
                 "AND b.source = road_edges.target AND b.target = road_edges.source) LIMIT 50"),
            {"c": city_id},
        ).all()  # fmt: skip
    engine.dispose()
    assert len(graph.node_ids) == nodes and graph.arcs.shape == (nodes, nodes)
    assert one_way, "the demo city has one-way streets"
    for source, target in one_way:
        u, v = graph.positions(np.array([source, target]))
        assert graph.arcs[u, v] > 0 and graph.arcs[v, u] == 0
