"""Benchmark: nearest responding unit by road travel time on a 100,000-edge network.

Run: ``.venv/bin/python benchmarks/bench_recommend.py [--side 227] [--units 1000]``

Builds a throwaway embedded PostGIS cluster with a synthetic city of ≈100k edges and 1,000
units, then measures in the same run:
- Tanggap: one recommendation (k = 10) per incident, and a batch of 100 incidents;
- (a) naive: one pgRouting call over the whole graph per eligible unit (``pgr_dijkstraCost``
  from the unit's nearest node to the incident's nearest node), timed on a sample of units
  and scaled to all eligible units;
- (b) straight-line KNN alone (``ORDER BY position <-> point LIMIT 10``), which is fast but
  not what a supervisor needs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, Engine, create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic_city import grid_network, points_near_edges
from geodata.db import migrate
from geodata.db.embedded import EmbeddedPostgres
from geodata.load.city_load import ewkt, load_responders, load_road_network
from geodata.responders import DEFAULT_RESPONSE_AGENCIES
from geodata.routing.recommend import recommend_units

#: Unit fleet: (agency kind, vehicle profile, share of units)
FLEET = (
    ("ambulance", "ambulance", 0.4),
    ("police", "car", 0.3),
    ("fire", "fire_engine", 0.2),
    ("disaster", "car", 0.1),
)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000.0


def build_city(engine: Engine, side: int, n_units: int) -> tuple[int, list[int]]:
    nodes, edges = grid_network(side)
    with engine.begin() as conn:
        city_id = conn.execute(
            text(
                "INSERT INTO cities (code, name, timezone, boundary) VALUES ('00.99', "
                "'Kota Benchmark', 'Asia/Jakarta', ST_Multi(ST_GeomFromEWKT(:b))) RETURNING id"
            ),
            {"b": ewkt(shapely.box(*nodes.total_bounds))},
        ).scalar_one()
        load_road_network(conn, city_id, nodes, edges)
        positions = points_near_edges(edges, n_units, seed=11)
        kinds, profiles = [], []
        for kind, profile, share in FLEET:
            kinds += [kind] * round(share * n_units)
            profiles += [profile] * round(share * n_units)
        units = pd.DataFrame(
            {
                "call_sign": [f"U{i:04d}" for i in range(n_units)],
                "agency_code": kinds[:n_units],
                "station_code": None,
                "capability": None,
                "vehicle_profile": profiles[:n_units],
                "status": "available",
            }
        )
        agencies = pd.DataFrame(
            {
                "agency_code": [f[0] for f in FLEET],
                "name": [f[0] for f in FLEET],
                "kind": [f[0] for f in FLEET],
            }
        )
        empty = gpd.GeoDataFrame({"station_code": [], "name": [], "agency_code": []}, geometry=[])
        load_responders(conn, city_id, agencies, empty, units)
        conn.execute(
            text(
                "UPDATE units SET last_position = ST_SetSRID(ST_MakePoint(p.x, p.y), 4326), "
                "last_position_at = now() FROM unnest(CAST(:c AS text[]), CAST(:x AS float8[]), "
                "CAST(:y AS float8[])) AS p(c, x, y) WHERE call_sign = p.c"
            ),
            {
                "c": list(units["call_sign"]),
                "x": positions[:, 0].tolist(),
                "y": positions[:, 1].tolist(),
            },
        )
        incidents = points_near_edges(edges, 100, seed=12, offset_m=15)
        ids = (
            conn.execute(
                text(
                    "INSERT INTO incidents (city_id, source, external_id, category, priority, "
                    "received_at, geom) SELECT :c, 'bench', 'B' || n, 'health', 1, now(), "
                    "ST_SetSRID(ST_MakePoint(x, y), 4326) FROM unnest(CAST(:x AS float8[]), "
                    "CAST(:y AS float8[])) WITH ORDINALITY AS p(x, y, n) RETURNING id"
                ),
                {"c": city_id, "x": incidents[:, 0].tolist(), "y": incidents[:, 1].tolist()},
            )
            .scalars()
            .all()
        )
        conn.execute(text("ANALYZE"))
    print(f"city: {len(edges):,} edges, {len(nodes):,} nodes, {n_units:,} units, 100 incidents")
    return city_id, list(ids)


def naive_per_unit(conn: Connection, incident_id: int, sample: int) -> tuple[float, int]:
    """ms per whole-graph pgRouting call (mean of ``sample`` units) and eligible unit count."""
    target = conn.execute(
        text(
            "SELECT n.id FROM incidents i CROSS JOIN LATERAL (SELECT id FROM road_nodes "
            "ORDER BY geom <-> i.geom LIMIT 1) n WHERE i.id = :i"
        ),
        {"i": incident_id},
    ).scalar_one()
    units = (
        conn.execute(
            text(
                "SELECT n.id FROM units u JOIN agencies a ON a.id = u.agency_id CROSS JOIN LATERAL "
                "(SELECT id FROM road_nodes ORDER BY geom <-> u.last_position LIMIT 1) n "
                "WHERE a.kind = 'ambulance' AND u.status = 'available' ORDER BY u.id"
            )
        )
        .scalars()
        .all()
    )
    edges = (
        "SELECT e.id, e.source, e.target, c.cost_s AS cost, c.reverse_cost_s AS "
        "reverse_cost FROM road_edges e JOIN road_edge_costs c ON c.edge_id = e.id "
        "AND c.profile = 'ambulance'"
    )
    times = [
        timed(
            lambda u=unit: conn.execute(
                text(
                    "SELECT agg_cost FROM pgr_dijkstraCost(:e, CAST(:u AS bigint), "
                    "CAST(:t AS bigint), "
                    "directed => true)"
                ),
                {"e": edges, "u": u, "t": target},
            ).all()
        )
        for unit in units[:sample]
    ]
    return statistics.mean(times), len(units)


def knn_only(conn: Connection, incident_id: int) -> None:
    conn.execute(
        text(
            "SELECT u.id FROM units u JOIN agencies a ON a.id = u.agency_id, incidents i "
            "WHERE i.id = :i AND a.kind = 'ambulance' AND u.status = 'available' "
            "ORDER BY u.last_position <-> i.geom LIMIT 10"
        ),
        {"i": incident_id},
    ).all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=227, help="grid side (≈100k edges at 227)")
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--naive-sample", type=int, default=15, help="units timed per incident")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="tanggap-bench-"))
    base.chmod(0o755)
    cluster = EmbeddedPostgres(base, durable=False)
    cluster.start()
    try:
        engine = create_engine(cluster.url())
        migrate.upgrade(engine)
        _, incidents = build_city(engine, args.side, args.units)
        agencies = DEFAULT_RESPONSE_AGENCIES
        with engine.connect() as conn:
            for incident in incidents[:3]:  # warm the caches
                recommend_units(conn, [incident], agencies, k=10)
            ours = [
                timed(lambda i=i: recommend_units(conn, [i], agencies, k=10)) for i in incidents
            ]
            batch_ms = timed(lambda: recommend_units(conn, incidents, agencies, k=10))
            knn = [timed(lambda i=i: knn_only(conn, i)) for i in incidents]
            naive = [naive_per_unit(conn, i, args.naive_sample) for i in incidents[:3]]
        per_call = statistics.mean(n for n, _ in naive)
        eligible = naive[0][1]
        naive_ms = per_call * eligible
        p50, p95 = percentile(ours, 50), percentile(ours, 95)
        print(f"Tanggap, one recommendation (k=10): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        print(f"Tanggap, batch of 100 incidents: {batch_ms:.0f} ms ({batch_ms / 100:.1f} ms each)")
        print(
            f"(a) naive pgRouting per unit: {per_call:.1f} ms per call × {eligible} eligible "
            f"units = {naive_ms / 1000:.1f} s per recommendation "
            f"(measured on {args.naive_sample} units × 3 incidents)"
        )
        print(
            f"(b) straight-line KNN alone: p50 {percentile(knn, 50):.2f} ms, "
            f"p95 {percentile(knn, 95):.2f} ms (ignores roads and one-way streets)"
        )
        print(
            f"ratio: Tanggap p95 is {naive_ms / p95:,.0f}× faster than (a); "
            f"{p95 / percentile(knn, 95):,.0f}× slower than (b)"
        )
        engine.dispose()
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
