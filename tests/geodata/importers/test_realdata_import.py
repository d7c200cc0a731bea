"""Real public data (../shared/realdata): Kota Cilegon and Kota Metro through the importers.

Figures checked against the folder's SOURCES.md: 8 kecamatan / 43 kelurahan and 162.4 km²
for Cilegon, 5 / 22 and 73.1 km² for Metro, each kecamatan's stated area; the function-based
road layer's 30 components; 12 hospitals, 17 puskesmas, 6 police posts. Skipped when absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from sqlalchemy import Engine, text

from geodata.importers.areas import AreaFields, import_areas
from geodata.importers.outcome import ImportOutcome
from geodata.importers.roads import NetworkOptions, RoadFields, import_roads
from geodata.importers.sources import SourceFile
from geodata.importers.stations import StationFields, import_stations
from tests.conftest import SHARED_REALDATA
from tests.geodata.importers.conftest import database_content

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not SHARED_REALDATA.is_dir(), reason="../shared/realdata is absent"),
]
BOUNDARIES, ROADS, POIS = (SHARED_REALDATA / name for name in ("boundaries", "roads", "pois"))
CILEGON, METRO = "36.72", "18.72"


def areas(
    engine: Engine, code: str, path: Path, level: str, tmp: Path, **create: str
) -> ImportOutcome:
    fields = AreaFields("nama", "kode", parent="kode_kecamatan" if level == "kelurahan" else None)
    with engine.begin() as conn:
        return import_areas(
            conn,
            SourceFile(path, rejects=tmp / f"{path.stem}.rejected.csv"),
            city_code=code,
            level=level,
            fields=fields,
            create=(create["name"], "Asia/Jakarta") if create else None,
        )


def load_city_areas(engine: Engine, code: str, prefix: str, name: str, tmp: Path) -> None:
    first = areas(
        engine, code, BOUNDARIES / f"{prefix}_kecamatan.geojson", "kecamatan", tmp, name=name
    )
    second = areas(engine, code, BOUNDARIES / f"{prefix}_desa_kelurahan.geojson", "kelurahan", tmp)
    assert first.rejects == () and second.rejects == ()


def area_km2(engine: Engine, level: str) -> dict[str, float]:
    with engine.connect() as conn:
        return dict(
            conn.execute(
                text(
                    "SELECT code, ST_Area(geom::geography) / 1e6 FROM admin_areas "
                    "WHERE level = :level"
                ),
                {"level": level},
            ).all()
        )


@pytest.mark.parametrize(
    ("code", "prefix", "name", "counts", "total_km2"),
    [
        (CILEGON, "cilegon", "Kota Cilegon", (8, 43), 162.44),
        (METRO, "metro", "Kota Metro", (5, 22), 73.15),
    ],
)
def test_official_boundaries_load_with_their_stated_areas(
    engine: Engine,
    tmp_path: Path,
    code: str,
    prefix: str,
    name: str,
    counts: tuple[int, int],
    total_km2: float,
) -> None:
    load_city_areas(engine, code, prefix, name, tmp_path)
    kecamatan, kelurahan = area_km2(engine, "kecamatan"), area_km2(engine, "kelurahan")
    assert (len(kecamatan), len(kelurahan)) == counts
    assert sum(kecamatan.values()) == pytest.approx(total_km2, rel=2e-3)
    assert sum(kelurahan.values()) == pytest.approx(total_km2, rel=2e-3)
    stated = gpd.read_file(BOUNDARIES / f"{prefix}_kecamatan.geojson").set_index("kode")["area_km2"]
    for kode, km2 in stated.items():
        assert kecamatan[kode] == pytest.approx(km2, rel=2e-3), kode
    with engine.connect() as conn:
        orphans = conn.execute(
            text(
                "SELECT count(*) FROM admin_areas k LEFT JOIN admin_areas p ON p.id = k.parent_id "
                "WHERE k.level = 'kelurahan' AND (p.code IS NULL OR k.code NOT LIKE p.code || '.%')"
            )
        ).scalar_one()
        city_km2 = conn.execute(
            text("SELECT ST_Area(boundary::geography) / 1e6 FROM cities")
        ).scalar_one()
    assert orphans == 0 and city_km2 == pytest.approx(total_km2, rel=2e-3)


def stored_graph(engine: Engine, profile: str = "ambulance") -> tuple[np.ndarray, Any]:
    """The stored road graph of ``profile`` as a sparse matrix of seconds, read by our own
    query (not the routing package): node ids (sorted) and the CSR matrix over them."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT e.source, e.target, c.cost_s, c.reverse_cost_s FROM road_edges e "
                "JOIN road_edge_costs c ON c.edge_id = e.id AND c.profile = :profile"
            ),
            {"profile": profile},
        ).all()
    source, target, cost, reverse = (np.array(column) for column in zip(*rows, strict=True))
    ids = np.unique(np.concatenate([source, target]))
    s, t = np.searchsorted(ids, source), np.searchsorted(ids, target)
    back = reverse >= 0
    graph = coo_matrix(
        (
            np.concatenate([cost, reverse[back]]),
            (np.concatenate([s, t[back]]), np.concatenate([t, s[back]])),
        ),
        shape=(len(ids), len(ids)),
    ).tocsr()
    return ids, graph


def test_the_dputr_road_layer_becomes_one_routable_network(engine: Engine, tmp_path: Path) -> None:
    load_city_areas(engine, CILEGON, "cilegon", "Kota Cilegon", tmp_path)
    path = ROADS / "cilegon_roads_by_status_dputr2016.geojson"
    with engine.begin() as conn:
        outcome = import_roads(
            conn, SourceFile(path), city_code=CILEGON, fields=RoadFields("NAMOBJ", name="KET"),
            options=NetworkOptions(snap_m=1.0),
        )  # fmt: skip
    loaded = outcome.loaded
    assert loaded["lines read"] == 535 and outcome.rejects == ()  # 521 features, some multi-part
    assert loaded["connected components"] <= 10  # SOURCES.md: 8 at 1 m, before the clip
    assert (
        loaded["edges in the largest component"]
        / (loaded["edges after noding"] - loaded["edges outside the city and margin"])
        > 0.95
    )
    ids, graph = stored_graph(engine)
    assert connected_components(graph, directed=True, connection="strong")[0] == 1
    with engine.connect() as conn:
        km = conn.execute(text("SELECT sum(length_m) / 1000 FROM road_edges")).scalar_one()
        a, b = (
            conn.execute(
                text(
                    "SELECT id FROM road_nodes "
                    "ORDER BY geom <-> ST_SetSRID(ST_MakePoint(:x, :y), 4326) LIMIT 1"
                ),
                {"x": x, "y": y},
            ).scalar_one()
            for x, y in ((106.0551, -6.0169), (105.9963, -5.9399))  # RSUD Cilegon, Polsek Merak
        )
        seconds = conn.execute(
            text(
                "SELECT max(agg_cost) FROM pgr_dijkstra('SELECT e.id, e.source, e.target, c.cost_s "
                "AS cost, c.reverse_cost_s AS reverse_cost FROM road_edges e JOIN road_edge_costs c"
                " ON c.edge_id = e.id AND c.profile = ''ambulance''', :a, :b, directed => true)"
            ),
            {"a": a, "b": b},
        ).scalar_one()
    assert 300 < km < 522.5  # SOURCES.md: 522.5 km, national roads running beyond the city
    want = dijkstra(graph, indices=int(np.searchsorted(ids, a)))[np.searchsorted(ids, b)]
    assert seconds == pytest.approx(want, rel=1e-9)
    assert 8 * 60 < seconds < 30 * 60  # ~11 km across the city by ambulance


def test_the_function_layer_has_the_components_sources_md_counts(
    engine: Engine, tmp_path: Path
) -> None:
    load_city_areas(engine, CILEGON, "cilegon", "Kota Cilegon", tmp_path)
    path = ROADS / "cilegon_roads_by_function.geojson"
    with engine.begin() as conn:
        loaded = import_roads(
            conn,
            SourceFile(path),
            city_code=CILEGON,
            fields=RoadFields("FUNGSI", name="NAMA_RUAS"),
            options=NetworkOptions(snap_m=0.0),
        ).loaded
    assert loaded["connected components"] == 30  # SOURCES.md: 30 components, unsnapped
    with engine.connect() as conn:
        classes = dict(
            conn.execute(text("SELECT road_class, count(*) FROM road_edges GROUP BY 1")).all()
        )
    assert set(classes) == {"arterial", "collector", "local", "service"}  # TOL/ARTERI…SETAPAK


def test_posko_from_the_pemkot_facility_layers(engine: Engine, tmp_path: Path) -> None:
    load_city_areas(engine, CILEGON, "cilegon", "Kota Cilegon", tmp_path)
    loaded = {}
    for layer in ("hospitals", "puskesmas", "clinics", "police_military"):
        source = SourceFile(POIS / f"cilegon_{layer}.geojson", rejects=tmp_path / f"{layer}.csv")
        with engine.begin() as conn:
            loaded[layer] = import_stations(
                conn, source, city_code=CILEGON, fields=StationFields(name="TOPONIM")
            )
    assert loaded["hospitals"].loaded["posko of PSC119"] == 12
    assert loaded["puskesmas"].loaded["posko of PSC119"] == 17
    clinics = loaded["clinics"]  # 13 features, of which 2 are pharmacy shops ("TOKO APOTIK")
    assert clinics.loaded["posko of PSC119"] == 11 and clinics.rejected_rows == 2
    police = loaded["police_military"]
    assert (
        police.loaded["posko of POLRES"] == 6 and police.rejected_rows == 3
    )  # navy, Kodim, "KANTOR CILEGON"
    before = database_content(engine)
    with engine.begin() as conn:
        again = import_stations(
            conn, SourceFile(POIS / "cilegon_hospitals.geojson", rejects=tmp_path / "h.csv"),
            city_code=CILEGON, fields=StationFields(name="TOPONIM"),
        )  # fmt: skip
    assert again.loaded["posko unchanged"] == 12 and database_content(engine) == before
