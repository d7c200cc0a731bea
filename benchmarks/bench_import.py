"""Benchmark: importing a city of ≈100,000 road edges from a government line layer.

Run: ``.venv/bin/python benchmarks/bench_import.py [--side 225] [--seed 7]``

Writes a synthetic DPUTR-style road layer to a GeoPackage: ``side`` streets each way,
digitised as long lines of 3-12 blocks that share a vertex at every intersection, with an
extra vertex mid-block, 2 % of line ends stopping 0.4-1.5 m short (near-misses), 3 % of
blocks missing and 5 % of minor streets one-way; ≈ 2·side·(side-1) edges once noded. Then,
on a throwaway embedded PostGIS cluster (fsync on), it measures in the same run:

- Tanggap: ``import_roads`` as ``tanggap city import-roads`` runs it (read, node and snap,
  components, COPY of nodes, edges and four cost profiles, one transaction), then the same
  file again (nothing to write);
- baselines given the noded network: (a) one INSERT per row of the same nodes, edges and
  costs into the same tables (timed on a share of the edges and scaled: it is linear),
  (b) ``GeoDataFrame.to_postgis`` of the edges alone (no nodes, costs, keys or noding: a
  floor for writing the geometry, not an import).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy import Engine, create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geodata.db import migrate
from geodata.db.embedded import EmbeddedPostgres
from geodata.importers.cities import upsert_city
from geodata.importers.roads import NetworkOptions, RoadFields, import_roads
from geodata.importers.sources import SourceFile

SPACING_M = 80.0
UTM = "EPSG:32748"
ORIGIN = (480_000.0, 9_420_000.0)  # UTM 48S, near Kota Metro
CITY_CODE = "99.98"


def street_lines(side: int, seed: int) -> gpd.GeoDataFrame:
    """Long street lines over a jittered grid, cut into digitised pieces (see module doc)."""
    rng = np.random.default_rng(seed)
    grid = np.stack(np.meshgrid(np.arange(side), np.arange(side), indexing="ij"), axis=-1)
    xy = grid * SPACING_M + rng.uniform(-8, 8, size=grid.shape) + ORIGIN
    rows, kinds, oneway = [], [], []
    for axis in (0, 1):
        for line in range(side):
            points = xy[line] if axis == 0 else xy[:, line]
            kind = (
                "JALAN ARTERI"
                if line % 12 == 0
                else "JALAN KOLEKTOR"
                if line % 4 == 0
                else "JALAN LOKAL"
            )
            one_way = kind == "JALAN LOKAL" and rng.random() < 0.05
            start = 0
            while start < side - 1:
                end = min(start + int(rng.integers(3, 13)), side - 1)
                piece = [points[start]]
                for k in range(start, end):
                    middle = (points[k] + points[k + 1]) / 2 + rng.normal(0, 1.5, 2)
                    piece += [middle, points[k + 1]]
                piece = np.array(piece)
                if rng.random() < 0.04:  # the digitiser stopped short of the junction
                    tip = 0 if rng.random() < 0.5 else -1
                    inward = piece[1 if tip == 0 else -2] - piece[tip]
                    piece[tip] += inward / np.linalg.norm(inward) * rng.uniform(0.4, 1.5)
                rows.append(piece)
                kinds.append(kind)
                oneway.append("ya" if one_way else None)
                start = end
    lines = [shapely.LineString(piece) for piece in rows]
    frame = gpd.GeoDataFrame({"FUNGSI": kinds, "SATU_ARAH": oneway}, geometry=lines, crs=UTM)
    return _remove_blocks(frame, rng)


def _remove_blocks(frame: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Drop 3 % of minor blocks (not built, or not in the survey) by cutting lines there."""
    pieces, kinds, oneway = [], [], []
    for geometry, kind, one_way in zip(
        frame.geometry, frame["FUNGSI"], frame["SATU_ARAH"], strict=True
    ):
        coords = shapely.get_coordinates(geometry)
        cut = [
            k for k in range(0, len(coords) - 1, 2) if kind == "JALAN LOKAL" and rng.random() < 0.03
        ]
        bounds = [0, *[c for k in cut for c in (k, k + 2)], len(coords) - 1]
        for a, b in zip(bounds[::2], bounds[1::2], strict=True):
            if b > a:
                pieces.append(shapely.LineString(coords[a : b + 1]))
                kinds.append(kind)
                oneway.append(one_way)
    return gpd.GeoDataFrame(
        {"FUNGSI": kinds, "SATU_ARAH": oneway}, geometry=pieces, crs=UTM
    ).to_crs(4326)


def timed_import(engine: Engine, path: Path) -> tuple[float, dict[str, float], dict[str, int]]:
    marks: dict[str, float] = {}
    started = time.perf_counter()

    def progress(step: str, done: int, total: int) -> None:
        marks[step] = time.perf_counter() - started

    with engine.begin() as conn:
        outcome = import_roads(
            conn,
            SourceFile(path),
            city_code=CITY_CODE,
            fields=RoadFields("FUNGSI", oneway="SATU_ARAH"),
            options=NetworkOptions(),
            progress=progress,
        )
    return time.perf_counter() - started, marks, outcome.loaded


def baseline_row_by_row(engine: Engine, city_id: int, share: float) -> tuple[float, int]:
    """One INSERT per row of the same network (nodes, edges, 4 costs per edge) into a second
    city, on the first ``share`` of the edges; returns (seconds scaled to all edges, rows)."""
    with engine.connect() as conn:
        edges = conn.execute(
            text("SELECT id, source, target, road_class, name, oneway, length_m, "
                 "encode(ST_AsBinary(geom), 'hex') FROM road_edges WHERE city_id = :c ORDER BY id"),
            {"c": city_id},
        ).all()  # fmt: skip
        sample = edges[: max(1, int(len(edges) * share))]
        wanted = sorted({node for edge in sample for node in (edge[1], edge[2])})
        nodes = conn.execute(
            text(
                "SELECT id, encode(ST_AsBinary(geom), 'hex') FROM road_nodes WHERE id = ANY(:ids)"
            ),
            {"ids": wanted},
        ).all()
        costs = conn.execute(
            text("SELECT edge_id, profile, cost_s, reverse_cost_s FROM road_edge_costs "
                 "WHERE edge_id = ANY(:ids)"),
            {"ids": [edge[0] for edge in sample]},
        ).all()  # fmt: skip
    insert_node = text(
        "INSERT INTO road_nodes (city_id, geom) VALUES "
        "(:c, ST_GeomFromWKB(decode(:g, 'hex'), 4326)) RETURNING id"
    )
    insert_edge = text(
        "INSERT INTO road_edges (city_id, source, target, road_class, name, oneway, length_m, "
        "geom) VALUES (:c, :s, :t, :k, :n, :o, :l, ST_GeomFromWKB(decode(:g, 'hex'), 4326)) "
        "RETURNING id"
    )
    insert_cost = text(
        "INSERT INTO road_edge_costs (edge_id, profile, cost_s, reverse_cost_s) "
        "VALUES (:e, :p, :c, :r)"
    )
    started = time.perf_counter()
    with engine.begin() as conn:
        other = conn.execute(
            text("INSERT INTO cities (code, name, timezone) VALUES ('99.97', 'Naive', "
                 "'Asia/Jakarta') RETURNING id")
        ).scalar_one()  # fmt: skip
        node_ids = {
            node_id: conn.execute(insert_node, {"c": other, "g": wkb}).scalar_one()
            for node_id, wkb in nodes
        }
        edge_ids = {}
        for edge_id, source, target, road_class, name, oneway, length_m, wkb in sample:
            edge_ids[edge_id] = conn.execute(
                insert_edge,
                {"c": other, "s": node_ids[source], "t": node_ids[target], "k": road_class,
                 "n": name, "o": oneway, "l": length_m, "g": wkb},
            ).scalar_one()  # fmt: skip
        for edge_id, profile, cost, reverse in costs:
            conn.execute(
                insert_cost, {"e": edge_ids[edge_id], "p": profile, "c": cost, "r": reverse}
            )
    seconds = time.perf_counter() - started
    return seconds * len(edges) / len(sample), len(nodes) + len(sample) + len(costs)


def baseline_to_postgis(engine: Engine, edges: gpd.GeoDataFrame) -> float:
    started = time.perf_counter()
    edges[["road_class", "name", "oneway", "geometry"]].to_postgis(
        "baseline_gpd", engine, index=False
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=225, help="streets each way (225 ≈ 100k edges)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--baseline-share", type=float, default=0.2, help="share of edges the naive baseline times"
    )
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="tanggap-bench-import-"))
    base.chmod(0o755)
    cluster = EmbeddedPostgres(base / "cluster", durable=True)
    cluster.start()
    try:
        layer = street_lines(args.side, args.seed)
        path = base / "jalan.gpkg"
        layer.to_file(path)
        engine = create_engine(cluster.url())
        migrate.upgrade(engine)
        outline = shapely.box(*layer.total_bounds).buffer(0.002)
        with engine.begin() as conn:
            upsert_city(conn, CITY_CODE, "Kota Bench (synthetic)", "Asia/Jakarta", outline)
        vertices = shapely.get_num_coordinates(layer.geometry.to_numpy()).sum()
        print(f"layer: {len(layer):,} lines, {vertices:,} vertices")
        seconds, marks, loaded = timed_import(engine, path)
        steps = ", ".join(f"{step} at {at:.1f} s" for step, at in marks.items())
        print(f"Tanggap import-roads: {seconds:.1f} s ({steps})")
        for key, count in loaded.items():
            print(f"  {key}: {count:,}")
        again, _, loaded_again = timed_import(engine, path)
        unchanged = loaded_again.get("road edges unchanged", 0)
        print(f"Tanggap, the same file again ({unchanged:,} edges unchanged): {again:.1f} s")
        with engine.connect() as conn:
            city_id = conn.execute(
                text("SELECT id FROM cities WHERE code = :c"), {"c": CITY_CODE}
            ).scalar_one()
            edges = gpd.read_postgis(
                text("SELECT road_class, name, oneway, geom FROM road_edges"), conn, geom_col="geom"
            ).rename_geometry("geometry")
        row_by_row, rows = baseline_row_by_row(engine, city_id, args.baseline_share)
        print(
            f"baseline (a) one INSERT per row into the same tables: {row_by_row:.1f} s "
            f"(timed on {rows:,} rows for {args.baseline_share:.0%} of the edges, scaled)"
        )
        to_postgis = baseline_to_postgis(engine, edges)
        print(f"baseline (b) GeoDataFrame.to_postgis of the edges alone: {to_postgis:.1f} s")
        print(f"ratio Tanggap / (a): {seconds / row_by_row:.2f}")
        print(f"ratio Tanggap / (b): {seconds / to_postgis:.2f}")
        print(f"target: under 120 s for ≈100,000 edges: {'met' if seconds < 120 else 'NOT met'}")
        engine.dispose()
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
