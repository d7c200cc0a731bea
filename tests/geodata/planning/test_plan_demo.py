"""The planner on the demo city: the matrix against pgRouting, and whole runs."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from geodata.analytics.standards import AnalyticsConfig
from geodata.planning.candidates import kelurahan_candidates
from geodata.planning.matrix import travel_matrix
from geodata.planning.plan import run_plan
from geodata.planning.request import PlanRequest
from geodata.planning.solver import SolveStatus
from geodata.routing.road_graph import RoadGraph

NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def demo(demo_url: URL):
    engine = create_engine(demo_url)
    with engine.connect() as conn:
        city_id = conn.execute(text("SELECT id FROM cities ORDER BY id LIMIT 1")).scalar_one()
    yield engine, int(city_id)
    engine.dispose()


def test_matrix_equals_pgrouting_for_a_sample_of_pairs(demo) -> None:
    engine, city_id = demo
    rng = np.random.default_rng(11)
    with engine.connect() as conn:
        graph = RoadGraph.from_database(conn, city_id, "fire_engine")
        sites = rng.choice(len(graph.node_ids), 12, replace=False)
        demand = rng.choice(len(graph.node_ids), 400, replace=False)
        matrix = travel_matrix(graph, sites, demand, bound_s=1200.0)
        expected = pd.read_sql_query(
            text(
                "SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost("
                "'SELECT id, source, target, cost_s AS cost, reverse_cost_s AS reverse_cost "
                "FROM road_routing_edges WHERE profile = ''fire_engine'' AND city_id = ' || :c, "
                "CAST(:starts AS bigint[]), CAST(:ends AS bigint[]), directed => true)"
            ),
            conn,
            params={
                "c": city_id,
                "starts": graph.node_ids[sites].tolist(),
                "ends": graph.node_ids[demand].tolist(),
            },
        )
    dense = matrix.travel_s.toarray()
    dense[dense == 0] = np.nan
    stored = matrix.travel_s
    rows = np.repeat(np.arange(stored.shape[0]), np.diff(stored.indptr))
    dense = np.full(stored.shape, np.inf)
    dense[rows, stored.indices] = stored.data
    row_of = {int(n): i for i, n in enumerate(graph.node_ids[sites])}
    col_of = {int(n): j for j, n in enumerate(graph.node_ids[demand])}
    pg = np.full(stored.shape, np.inf)
    pg[np.diag_indices(0)] = 0
    for start, end, cost in expected.itertuples(index=False):
        pg[row_of[int(start)], col_of[int(end)]] = cost
    for i, s in enumerate(sites):  # pgRouting leaves out a node's path to itself
        pg[i, demand == s] = 0.0
    pg[pg > 1200.0] = np.inf
    within = np.isfinite(pg)
    assert within.sum() > 300, "the sample has pairs within the bound"
    assert (within == np.isfinite(dense)).all()
    np.testing.assert_allclose(dense[within], pg[within], rtol=1e-9, atol=1e-6)


def test_direction_is_the_one_a_unit_drives(demo) -> None:
    engine, city_id = demo
    with engine.connect() as conn:
        graph = RoadGraph.from_database(conn, city_id, "fire_engine")
        one_way = conn.execute(
            text("SELECT source, target FROM road_edges WHERE city_id = :c AND oneway LIMIT 1"),
            {"c": city_id},
        ).one()
    u, v = graph.positions(np.array(one_way))
    out = travel_matrix(graph, [u], [v], 600.0).travel_s.toarray()[0, 0]
    back = travel_matrix(graph, [v], [u], 600.0).travel_s.toarray()
    assert out == pytest.approx(graph.arcs[u, v])
    assert back.size == 1 and (back[0, 0] == 0 or back[0, 0] > out)


def test_kelurahan_candidates_are_snapped_with_their_distance(demo) -> None:
    engine, city_id = demo
    with engine.connect() as conn:
        graph = RoadGraph.from_database(conn, city_id, "fire_engine")
        areas = pd.read_sql_query(
            text("SELECT count(*) FROM admin_areas WHERE level = 'kelurahan' AND city_id = :c"),
            conn,
            params={"c": city_id},
        )
        from geodata.planning.sources import kelurahan

        frame = kelurahan_candidates(graph, kelurahan(conn, city_id), max_snap_m=300.0)
    assert len(frame) == int(areas.iloc[0, 0])
    ok = frame[frame["status"] == "ok"]
    assert (ok["snap_m"] <= 300).all() and (ok["node_pos"] >= 0).all()
    assert set(frame["status"]) <= {"ok", "off_network", "isolated"}


@pytest.mark.parametrize("model", ["mclp", "backup", "lscp", "p_median", "p_center"])
def test_every_model_runs_on_the_demo_city(demo, model: str) -> None:
    engine, city_id = demo
    request = PlanRequest(
        agency_kind="fire",
        model=model,
        k=2,
        share=0.8,
        category_weights={"fire": 1.0},
        population=True,
        time_limit_s=20,
        grid_spacing_m=1500,
    )
    with engine.connect() as conn:
        outcome = run_plan(conn, city_id, request, AnalyticsConfig(), now=NOW)
    exact, greedy = outcome.exact, outcome.greedy
    assert exact.status in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT)
    if model in ("mclp", "backup"):
        assert exact.objective >= greedy.objective - 1e-9
        assert outcome.after.demand_share >= outcome.before.demand_share
    if model in ("p_median", "p_center"):
        assert exact.objective <= greedy.objective + 1e-9
    if model != "lscp":
        assert len(exact.chosen) == 2
    existing = outcome.sites[outcome.sites["existing"]]
    assert existing["open_after"].all(), "existing posko kept (fixed)"
    total = outcome.replay[outcome.replay["category"] == "all"].iloc[0]
    assert total["reached_after"] >= total["reached_before"]
    print(model, outcome.summary()["after"], outcome.summary()["before"], outcome.timings)
