"""Benchmarks of the analytics: heatmap aggregation and the travel-time surface.

Run: ``.venv/bin/python benchmarks/bench_analytics.py``. Each figure is measured against a
naive baseline in the same run, on the same data, and the two results are checked equal.

1. Aggregating 1,000,000 incidents into H3 heat cells (target under 1 s): ``h3_heat``
   (bucketed H3 indexing + one pandas group-by) against a Python loop indexing each
   point with H3 and a numpy percentile per cell.
2. A full travel-time surface over a 100,000-edge network from 50 posko (target under
   200 ms): ``travel_time_surface`` (the graph read as two packed values, one SciPy
   multi-source Dijkstra) against pgRouting in the same database: one
   ``pgr_drivingDistance`` per posko and the minimum over posko (the naive baseline), one
   call from a virtual source joined to every posko (what Tanggap did before), and
   pgRouting's own multi-start ``equicost`` call. Every result is checked against the
   per-posko minimum. The network is a jittered grid written with ``load_road_network``
   into a throwaway embedded PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, create_engine, text

from geodata.analytics.heat_cells import h3_heat
from geodata.analytics.travel_surface import station_origins, travel_time_surface
from geodata.db import migrate
from geodata.db.embedded import EmbeddedPostgres
from geodata.load.city_load import ewkt, load_responders, load_road_network

INCIDENTS = 1_000_000
GRID = 224  # 224 × 224 nodes: 99,904 edges
STATIONS = 50
MAX_S = 7200.0


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time (s) of ``repeat`` runs after one warm-up run, and the last result.

    The best, as ``timeit`` advises: on a shared machine the others only add noise.
    """
    result = function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def naive_heat(frame: pd.DataFrame, resolution: int, target_s: float) -> pd.DataFrame:
    """The baseline: one H3 call and one list append per incident, numpy per cell."""
    values: dict[int, list[float]] = {}
    to_cell = h3.api.basic_int.latlng_to_cell
    for lat, lon, response in zip(
        frame["lat"].tolist(), frame["lon"].tolist(), frame["response_s"].tolist(), strict=True
    ):
        values.setdefault(to_cell(lat, lon, resolution), []).append(response)
    rows = []
    for cell, cell_values in values.items():
        array = np.array(cell_values)
        used = array[~np.isnan(array)]
        rows.append(
            {
                "cell_id": h3.int_to_str(cell),
                "rows": len(array),
                "n": len(used),
                "p90_s": np.percentile(used, 90) if len(used) else np.nan,
                "median_s": np.median(used) if len(used) else np.nan,
                "compliance": np.mean(used <= target_s) if len(used) else np.nan,
                "geometry": shapely.Polygon(
                    [(x, y) for y, x in h3.cell_to_boundary(h3.int_to_str(cell))]
                ),
            }
        )
    return pd.DataFrame(rows).sort_values("cell_id").reset_index(drop=True)


def bench_heatmap() -> dict[str, float]:
    rng = np.random.default_rng(112)
    frame = pd.DataFrame(
        {
            "lat": rng.uniform(-5.16, -5.06, INCIDENTS),
            "lon": rng.uniform(105.25, 105.36, INCIDENTS),
            "response_s": np.where(
                rng.random(INCIDENTS) < 0.05, np.nan, rng.lognormal(np.log(480), 0.5, INCIDENTS)
            ),
            "closed": True,
        }
    )
    fast_s, fast = timed(lambda: h3_heat(frame, 8, target_s=900.0), repeat=5)
    slow_s, slow = timed(lambda: naive_heat(frame, 8, 900.0), repeat=3)
    fast = fast.sort_values("cell_id").reset_index(drop=True)
    assert fast["cell_id"].tolist() == slow["cell_id"].tolist()
    np.testing.assert_allclose(fast["p90_s"], slow["p90_s"], equal_nan=True)
    np.testing.assert_array_equal(fast["rows"], slow["rows"])
    print(f"heatmap of {INCIDENTS:,} incidents into {len(fast)} H3 res-8 cells")
    print(f"  h3_heat            {fast_s * 1000:8.0f} ms  (best of 5)")
    print(
        f"  naive Python loop  {slow_s * 1000:8.0f} ms  (best of 3) → {slow_s / fast_s:.1f}× slower"
    )
    return {"heat_s": fast_s, "heat_baseline_s": slow_s}


def grid_network(rng: np.random.Generator) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """A jittered street grid (~100 m blocks) with arterials every 16 streets, collectors
    every 4, and alternating one-way residential streets (still strongly connected)."""
    step = 0.0009
    rows, cols = np.meshgrid(np.arange(GRID), np.arange(GRID), indexing="ij")
    lon = 105.2 + cols * step + rng.uniform(-0.25, 0.25, rows.shape) * step
    lat = -5.2 + rows * step + rng.uniform(-0.25, 0.25, rows.shape) * step
    xy = np.column_stack([lon.ravel(), lat.ravel()])
    nodes = gpd.GeoDataFrame(
        {"node_id": np.arange(1, xy.shape[0] + 1)}, geometry=shapely.points(xy), crs=4326
    )
    parts = []
    for horizontal in (True, False):
        r = rows[:, :-1] if horizontal else rows[:-1, :]
        c = cols[:, :-1] if horizontal else cols[:-1, :]
        source = r * GRID + c + 1
        target = source + (1 if horizontal else GRID)
        street = r if horizontal else c
        road_class = np.where(
            street % 16 == 0, "arterial", np.where(street % 4 == 0, "collector", "residential")
        )
        oneway = (road_class == "residential") & (street % 8 == 2)
        flip = oneway & ((street // 8) % 2 == 1)
        parts.append(
            pd.DataFrame(
                {
                    "source": np.where(flip, target, source).ravel(),
                    "target": np.where(flip, source, target).ravel(),
                    "road_class": road_class.ravel(),
                    "oneway": oneway.ravel(),
                }
            )
        )
    edges = pd.concat(parts, ignore_index=True)
    edges["edge_id"] = np.arange(1, len(edges) + 1)
    edges["name"] = None
    lines = shapely.linestrings(np.stack([xy[edges["source"] - 1], xy[edges["target"] - 1]], 1))
    return nodes, gpd.GeoDataFrame(edges, geometry=lines, crs=4326)


def load_bench_city(conn: Connection, rng: np.random.Generator) -> int:
    nodes, edges = grid_network(rng)
    city_id = conn.execute(
        text(
            "INSERT INTO cities (code, name, timezone, boundary) VALUES ('00.00', 'Bench', "
            "'Asia/Jakarta', ST_Multi(ST_Envelope(ST_GeomFromEWKT(:b)))) RETURNING id"
        ),
        {"b": ewkt(shapely.MultiPoint(shapely.get_coordinates(nodes.geometry)))},
    ).scalar_one()
    load_road_network(conn, city_id, nodes, edges)
    posko = nodes.geometry.iloc[rng.choice(len(nodes), STATIONS, replace=False)]
    load_responders(
        conn,
        city_id,
        pd.DataFrame({"agency_code": ["DAMKAR"], "name": ["Damkar Bench"], "kind": ["fire"]}),
        gpd.GeoDataFrame(
            {
                "station_code": [f"P{i}" for i in range(STATIONS)],
                "name": [f"Posko {i}" for i in range(STATIONS)],
                "agency_code": "DAMKAR",
            },
            geometry=list(posko),
            crs=4326,
        ),
        pd.DataFrame(
            columns=[
                "call_sign",
                "agency_code",
                "station_code",
                "capability",
                "vehicle_profile",
                "status",
            ]
        ),
    )
    conn.execute(text("ANALYZE"))
    return int(city_id)


EDGES_SQL = (
    "SELECT e.id, e.source, e.target, c.cost_s AS cost, c.reverse_cost_s AS reverse_cost "
    "FROM road_edges e JOIN road_edge_costs c ON c.edge_id = e.id "
    "WHERE e.city_id = {city} AND c.profile = 'car'"
)


def per_station(conn: Connection, city_id: int, starts: list[int]) -> pd.Series:
    """The baseline: one pgr_drivingDistance per posko, then the minimum over posko."""
    best: pd.Series | None = None
    for start in starts:
        reached = pd.read_sql_query(
            text("SELECT node, agg_cost FROM pgr_drivingDistance(:sql, :start, :max_s, true)"),
            conn,
            params={"sql": EDGES_SQL.format(city=city_id), "start": start, "max_s": MAX_S},
        ).set_index("node")["agg_cost"]
        best = reached if best is None else best.combine(reached, min, fill_value=np.inf)
    assert best is not None
    return best


def equicost(conn: Connection, city_id: int, starts: list[int]) -> pd.Series:
    """pgRouting's own multi-start call with equicost = true, for comparison."""
    return pd.read_sql_query(
        text(
            "SELECT node, agg_cost FROM pgr_drivingDistance(:sql, CAST(:starts AS bigint[]), "
            ":max_s, directed => true, equicost => true)"
        ),
        conn,
        params={"sql": EDGES_SQL.format(city=city_id), "starts": starts, "max_s": MAX_S},
    ).set_index("node")["agg_cost"]


def virtual_source(conn: Connection, city_id: int, starts: list[int]) -> pd.Series:
    """pgRouting from a virtual vertex 0 joined to every posko by a free one-way edge."""
    edges = (
        EDGES_SQL.format(city=city_id)
        + " UNION ALL SELECT -o, 0, o, 0.0, -1.0 FROM unnest('{"
        + ",".join(str(int(node)) for node in starts)
        + "}'::bigint[]) AS o"
    )
    return pd.read_sql_query(
        text("SELECT node, agg_cost FROM pgr_drivingDistance(:sql, 0, :max_s, true)"),
        conn,
        params={"sql": edges, "max_s": MAX_S},
    ).set_index("node")["agg_cost"]


def surface_of(conn: Connection, city_id: int) -> Callable[[], pd.DataFrame]:
    """The surface as the coverage page computes it: posko origins, then the surface."""

    def surface() -> pd.DataFrame:
        origins = station_origins(conn, city_id, "fire")
        return travel_time_surface(conn, city_id, origins["node_id"].tolist(), "car", MAX_S)

    return surface


def bench_surface() -> dict[str, float]:
    base = Path(tempfile.mkdtemp(prefix="tanggap-bench-"))
    base.chmod(0o755)  # the unprivileged server user must reach it when we run as root
    cluster = EmbeddedPostgres(base, durable=False)
    cluster.start()
    try:
        engine = create_engine(cluster.url())
        migrate.upgrade(engine)
        with engine.begin() as conn:
            city_id = load_bench_city(conn, np.random.default_rng(50))
        with engine.connect() as conn:
            edges = conn.execute(text("SELECT count(*) FROM road_edges")).scalar_one()
            starts = station_origins(conn, city_id, "fire")["node_id"].tolist()
            fast_s, fast = timed(surface_of(conn, city_id), repeat=7)
            virtual_s, virtual = timed(lambda: virtual_source(conn, city_id, starts), repeat=5)
            equi_s, equi = timed(lambda: equicost(conn, city_id, starts), repeat=3)
            slow_s, slow = timed(lambda: per_station(conn, city_id, starts), repeat=2)
        engine.dispose()
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
    mine = fast.set_index("node_id")["travel_s"]
    reference = slow.reindex(mine.index).to_numpy()
    print(f"travel-time surface: {edges:,} edges, {len(fast):,} nodes, {len(starts)} posko")
    for name, values in (("travel_time_surface", mine), ("virtual source", virtual),
                         ("equicost", equi)):  # fmt: skip
        got = values.reindex(mine.index).to_numpy()
        wrong = ~np.isclose(got, reference, rtol=1e-9, equal_nan=True)
        print(f"  {name}: {int(wrong.sum())} of {len(wrong):,} nodes differ from the per-posko "
              "minimum")  # fmt: skip
    rows = (
        ("SciPy Dijkstra on packed arrays", fast_s, "best of 7, origins + read + graph + search"),
        ("pgRouting, virtual source", virtual_s, f"best of 5, {virtual_s / fast_s:.1f}× the time"),
        ("pgRouting equicost, one call", equi_s, f"best of 3, {equi_s / fast_s:.1f}× the time"),
        ("pgRouting per posko, then min", slow_s, f"best of 2, {slow_s / fast_s:.1f}× the time"),
    )
    for name, seconds, note in rows:
        print(f"  {name:<32} {seconds * 1000:8.0f} ms  ({note})")
    return {
        "surface_s": fast_s,
        "virtual_source_s": virtual_s,
        "equicost_s": equi_s,
        "surface_baseline_s": slow_s,
    }


def main() -> None:
    print(
        f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} CPUs"
    )
    results = {**bench_heatmap(), **bench_surface()}
    print(
        "targets: heatmap < 1 s:",
        "met" if results["heat_s"] < 1 else "MISSED",
        "| surface < 200 ms:",
        "met" if results["surface_s"] < 0.2 else "MISSED",
    )


if __name__ == "__main__":
    main()
