"""``import-roads``: a government line layer noded, snapped, cut to its largest component."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pytest
from shapely import LineString
from shapely.affinity import translate
from sqlalchemy import Engine, text

from geodata.importers.outcome import ImportOutcome, ImportRefusedError
from geodata.importers.roads import NetworkOptions, RoadFields, import_roads
from geodata.importers.sources import SourceFile
from tests.geodata.importers.conftest import database_content

#: A point inside the tiny city (105.0-105.2 E, 5.2-5.0 S) in UTM 48S metres.
ORIGIN = (511_000.0, 9_436_000.0)
FIELDS = RoadFields(road_class="FUNGSI", name="NAMA", oneway="SATU_ARAH")

#: Roads drawn in metres from ORIGIN, as a DPUTR layer digitises them.
ROADS = [
    ("Jalan Arteri Primer", "Jl. Sudirman", None, [(0, 0), (1000, 0), (2000, 0)]),
    ("JALAN LOKAL", "Jl. Melati", None, [(1000, -1000), (1000, 0), (1000, 1000)]),
    ("JALAN LOKAL", "Jl. Mawar", None, [(1500, 1000), (1500, 1.2)]),  # stops 1.2 m short
    ("JALAN SETAPAK", "Gg. Sempit", "ya", [(0, 0), (0, 500)]),  # one-way, drawn northwards
    ("JALAN LOKAL", "Jl. Terpencil", None, [(3000, 3000), (3500, 3000)]),  # on its own
    ("REL KERETA", "Rel", None, [(0, 100), (2000, 100)]),  # not a road class
    ("JALAN TOL", "Tol Layang", None, [(500, -500), (500, 500)]),  # flies over Jl. Sudirman
    ("JALAN LOKAL", "Jl. Kenanga", None, [(0, 500), (1000, 1000)]),
    ("JALAN LOKAL", "Jl. Luar Kota", None, [(15000, 0), (15500, 0)]),  # beyond the margin
]


def road_layer(
    path: Path, roads: list[tuple[str, str, str | None, list[tuple[float, float]]]] = ROADS
) -> Path:
    frame = gpd.GeoDataFrame(
        {
            "FUNGSI": [r[0] for r in roads],
            "NAMA": [r[1] for r in roads],
            "SATU_ARAH": [r[2] for r in roads],
        },
        geometry=[translate(LineString(r[3]), *ORIGIN) for r in roads],
        crs=32748,
    )
    frame.to_file(path)
    return path


def run(engine: Engine, path: Path, options: NetworkOptions | None = None) -> ImportOutcome:
    options = options or NetworkOptions()
    with engine.begin() as conn:
        return import_roads(
            conn, SourceFile(path), city_code="00.01", fields=FIELDS, options=options
        )


def travel_time_s(engine: Engine, start: tuple[float, float], end: tuple[float, float]) -> float:
    """pgRouting ambulance time between the stored nodes nearest two points (UTM offsets)."""
    nearest = (
        "SELECT id FROM road_nodes ORDER BY geom <-> ST_Transform(ST_SetSRID(ST_MakePoint(:x, :y),"
        " 32748), 4326) LIMIT 1"
    )
    with engine.connect() as conn:
        a, b = (
            conn.execute(text(nearest), {"x": ORIGIN[0] + x, "y": ORIGIN[1] + y}).scalar_one()
            for x, y in (start, end)
        )
        return conn.execute(
            text(
                "SELECT max(agg_cost) FROM pgr_dijkstra('SELECT e.id, e.source, e.target, c.cost_s "
                "AS cost, c.reverse_cost_s AS reverse_cost FROM road_edges e JOIN road_edge_costs c"
                " ON c.edge_id = e.id AND c.profile = ''ambulance''', :a, :b, directed => true)"
            ),
            {"a": a, "b": b},
        ).scalar_one()


def test_the_layer_is_noded_and_cut_to_its_largest_component(
    engine: Engine, tiny_city: int, tmp_path: Path
) -> None:
    outcome = run(engine, road_layer(tmp_path / "jalan.gpkg"))
    loaded = outcome.loaded
    assert loaded["lines read"] == 8  # the railway is rejected before noding
    assert loaded["dead ends snapped (near-miss)"] == 1
    assert loaded["edges after noding"] == 3 + 2 + 1 + 1 + 1 + 1 + 1 + 1
    assert loaded["edges outside the city and margin"] == 1
    assert loaded["connected components"] == 3  # the city's roads, Jl. Terpencil, the flyover
    assert loaded["edges in the largest component"] == loaded["road edges written"] == 8
    assert [(r.row, r.field) for r in outcome.rejects] == [(6, "FUNGSI")]
    assert "road class 'REL KERETA' is not known" in outcome.rejects[0].message
    with engine.connect() as conn:
        classes = dict(
            conn.execute(text("SELECT name, road_class FROM road_edges GROUP BY 1, 2")).all()
        )
    assert classes == {
        "Jl. Sudirman": "arterial", "Jl. Melati": "local", "Jl. Mawar": "local",
        "Gg. Sempit": "service", "Jl. Kenanga": "local",
    }  # fmt: skip


def test_one_way_streets_are_routed_one_way_only(
    engine: Engine, tiny_city: int, tmp_path: Path
) -> None:
    run(engine, road_layer(tmp_path / "jalan.gpkg"))
    local, arterial, service = 25 / 3.6, 45 / 3.6, 10 / 3.6  # ambulance speeds, m/s
    forward = travel_time_s(engine, (0, 0), (0, 500))
    back = travel_time_s(engine, (0, 500), (0, 0))
    assert forward == pytest.approx(500 / service, rel=2e-3)  # straight up the gang
    around = math.hypot(1000, 500) / local + 1000 / local + 1000 / arterial
    assert back == pytest.approx(around, rel=2e-3)  # round by Jl. Kenanga and Jl. Melati


def test_crossings_join_only_when_asked(engine: Engine, tiny_city: int, tmp_path: Path) -> None:
    loaded = run(
        engine, road_layer(tmp_path / "jalan.gpkg"), NetworkOptions(split_at_crossings=True)
    ).loaded
    assert loaded["connected components"] == 2
    assert loaded["edges in the largest component"] == 8 + 1 + 2  # Sudirman and the tol split


def test_the_same_layer_twice_changes_nothing_and_a_new_one_replaces_it(
    engine: Engine, tiny_city: int, tmp_path: Path
) -> None:
    path = road_layer(tmp_path / "jalan.gpkg")
    run(engine, path)
    before = database_content(engine)
    again = run(engine, path)
    assert again.loaded["road edges unchanged"] == 8 and "road edges written" not in again.loaded
    assert database_content(engine) == before
    without_mawar = road_layer(tmp_path / "baru.gpkg", [*ROADS[:2], ROADS[3], ROADS[7]])
    replaced = run(engine, without_mawar).loaded
    assert replaced["old road edges replaced"] == 8 and replaced["road edges written"] == 6
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM road_edge_costs")).scalar_one() == 4 * 6
        assert conn.execute(text("SELECT count(*) FROM road_nodes")).scalar_one() == 6


def test_a_failure_after_the_import_leaves_the_database_as_it_was(
    engine: Engine, tiny_city: int, tmp_path: Path
) -> None:
    before = database_content(engine)
    with pytest.raises(RuntimeError, match="power cut"), engine.begin() as conn:
        import_roads(
            conn, SourceFile(road_layer(tmp_path / "j.gpkg")), city_code="00.01", fields=FIELDS
        )
        raise RuntimeError("power cut")
    assert database_content(engine) == before


def test_bad_layers_are_refused_before_anything_is_written(
    engine: Engine, tiny_city: int, tmp_path: Path
) -> None:
    path = road_layer(tmp_path / "jalan.gpkg")
    missing_column = pytest.raises(ImportRefusedError, match=r"column 'KELAS' \(for road class\)")
    with missing_column, engine.begin() as conn:
        import_roads(conn, SourceFile(path), city_code="00.01", fields=RoadFields("KELAS"))
    no_city = pytest.raises(ImportRefusedError, match=r"no city with code 36\.72 is loaded")
    with no_city, engine.begin() as conn:
        import_roads(conn, SourceFile(path), city_code="36.72", fields=FIELDS)
    unknown = RoadFields("FUNGSI", class_map={"REL KERETA": "railway"})
    bad_map = pytest.raises(
        ImportRefusedError, match=r"--class-map: not road classes: \['railway'\]"
    )
    with bad_map, engine.begin() as conn:
        import_roads(conn, SourceFile(path), city_code="00.01", fields=unknown)
    assert database_content(engine)["road_edges"][0] == 0
