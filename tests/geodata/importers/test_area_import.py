"""``import-areas``: kecamatan and kelurahan upserted by code, bad features named by row."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely import Polygon, box
from sqlalchemy import Engine, text

from geodata.importers.areas import AreaFields, import_areas
from geodata.importers.outcome import ImportOutcome, ImportRefusedError
from geodata.importers.sources import SourceFile
from geodata.operations.incidents import IncidentReport, upsert_incidents
from tests.geodata.importers.conftest import database_content

CODE = "99.01"
WEST, EAST = box(105.20, -5.20, 105.25, -5.10), box(105.25, -5.20, 105.30, -5.10)
KECAMATAN = AreaFields(name="nama", code="kode", population="penduduk")
KELURAHAN = AreaFields(name="nama", code="kode", population="penduduk", parent="kode_kec")


def write(path: Path, rows: list[dict[str, object]]) -> Path:
    gpd.GeoDataFrame(rows, geometry="geometry", crs=4326).to_file(path)
    return path


def kecamatan_file(tmp_path: Path) -> Path:
    return write(
        tmp_path / "kecamatan.geojson",
        [
            {"kode": "99.01.01", "nama": "Barat", "penduduk": 1200, "geometry": WEST},
            {"kode": "99.01.02", "nama": "Timur", "penduduk": 800, "geometry": EAST},
        ],
    )


def kelurahan_rows(split_lat: float = -5.15) -> list[dict[str, object]]:
    def halves(polygon: Polygon) -> tuple[Polygon, Polygon]:
        x0, y0, x1, y1 = polygon.bounds
        return box(x0, y0, x1, split_lat), box(x0, split_lat, x1, y1)

    (a, b), (c, d) = halves(WEST), halves(EAST)
    x0, y0, x1, y1 = d.bounds
    bowtie = Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    far = box(105.40, -5.2, 105.45, -5.1)
    rows = [
        ("99.01.01.1001", "Selatan", "500", "99.01.01", a),
        ("99.01.01.1002", "Utara", None, "99.01.01", b),
        ("99.01.02.1001", "Tenggara", "banyak", "99.01.02", c),
        ("99.01.02.1002", "Timur Laut", "300", "99.01.02", bowtie),
        (None, "Tanpa Kode", "10", "99.01.02", c),
        ("99.01.01.1001", "Kembar", "10", "99.01.01", a),
        ("99.01.03.1001", "Jauh", "10", "99.01.03", far),
    ]
    keys = ("kode", "nama", "penduduk", "kode_kec", "geometry")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def run(
    engine: Engine, path: Path, level: str, fields: AreaFields, **kwargs: object
) -> ImportOutcome:
    with engine.begin() as conn:
        return import_areas(
            conn,
            SourceFile(path),
            city_code=CODE,
            level=level,
            fields=fields,
            **kwargs,  # type: ignore[arg-type]
        )


def test_kecamatan_create_the_city_and_kelurahan_attach_to_them(
    engine: Engine, tmp_path: Path
) -> None:
    first = run(
        engine,
        kecamatan_file(tmp_path),
        "kecamatan",
        KECAMATAN,
        create=("Kota Uji", "Asia/Jakarta"),
    )
    assert first.loaded["city new"] == 1 and first.loaded["kecamatan new"] == 2
    path = write(tmp_path / "kelurahan.geojson", kelurahan_rows())
    outcome = run(engine, path, "kelurahan", KELURAHAN)
    assert outcome.loaded["kelurahan new"] == 3
    assert [(r.row, r.field) for r in outcome.rejects] == [
        (3, "penduduk"), (5, "kode"), (6, "kode"), (7, "geometry"),
    ]  # fmt: skip
    messages = {r.row: r.message for r in outcome.rejects}
    assert messages[6] == "code 99.01.01.1001 already used by row 1"
    assert messages[7] == "only 0% of it lies inside the city boundary"
    assert messages[3] == "'banyak' is not a number of people"
    assert outcome.warnings[0].startswith("feature 4: invalid polygon (Self-intersection")
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT k.code, p.code, k.population, round(ST_Area(k.geom::geography)) "
                "FROM admin_areas k JOIN admin_areas p ON p.id = k.parent_id ORDER BY k.code"
            )
        ).all()
        city_km2 = conn.execute(
            text("SELECT ST_Area(boundary::geography) / 1e6 FROM cities")
        ).scalar_one()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("99.01.01.1001", "99.01.01", 500),
        ("99.01.01.1002", "99.01.01", None),
        ("99.01.02.1002", "99.01.02", 300),
    ]
    assert city_km2 == pytest.approx(11.06 * 11.08, rel=0.01)  # 0.1° x 0.1° at 5° S


def test_the_rejects_file_holds_each_bad_row_as_it_was_read(engine: Engine, tmp_path: Path) -> None:
    run(
        engine,
        kecamatan_file(tmp_path),
        "kecamatan",
        KECAMATAN,
        create=("Kota Uji", "Asia/Jakarta"),
    )
    outcome = run(
        engine, write(tmp_path / "kelurahan.geojson", kelurahan_rows()), "kelurahan", KELURAHAN
    )
    assert outcome.rejects_file == tmp_path / "kelurahan.rejected.csv"
    rejected = pd.read_csv(outcome.rejects_file, dtype=str)
    assert rejected["reject_row"].tolist() == ["3", "5", "6", "7"]
    assert rejected["nama"].tolist() == ["Tenggara", "Tanpa Kode", "Kembar", "Jauh"]
    assert rejected.columns[:3].tolist() == ["reject_row", "reject_field", "reject_message"]
    assert rejected["geometry_wkt"].str.startswith("POLYGON").all()


def test_importing_the_same_areas_twice_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    kecamatan = kecamatan_file(tmp_path)
    kelurahan = write(tmp_path / "kelurahan.geojson", kelurahan_rows())
    run(engine, kecamatan, "kecamatan", KECAMATAN, create=("Kota Uji", "Asia/Jakarta"))
    run(engine, kelurahan, "kelurahan", KELURAHAN)
    before = database_content(engine)
    assert run(engine, kecamatan, "kecamatan", KECAMATAN).loaded["kecamatan unchanged"] == 2
    assert run(engine, kelurahan, "kelurahan", KELURAHAN).loaded["kelurahan unchanged"] == 3
    assert database_content(engine) == before


def test_moved_boundaries_move_the_incidents_to_their_new_kelurahan(
    engine: Engine, tmp_path: Path
) -> None:
    run(
        engine,
        kecamatan_file(tmp_path),
        "kecamatan",
        KECAMATAN,
        create=("Kota Uji", "Asia/Jakarta"),
    )
    run(engine, write(tmp_path / "a.geojson", kelurahan_rows(-5.15)), "kelurahan", KELURAHAN)
    with engine.begin() as conn:
        city_id = conn.execute(text("SELECT id FROM cities")).scalar_one()
        report = IncidentReport(
            "cad", "1", "fire", 1, pd.Timestamp("2026-01-01T08:00Z").to_pydatetime(), 105.22, -5.14
        )
        upsert_incidents(conn, city_id, [report])
    where = "SELECT a.name FROM incidents i JOIN admin_areas a ON a.id = i.area_id"
    with engine.connect() as conn:
        assert conn.execute(text(where)).scalar_one() == "Utara"
    moved = run(
        engine, write(tmp_path / "b.geojson", kelurahan_rows(-5.13)), "kelurahan", KELURAHAN
    )
    assert moved.loaded["kelurahan updated"] == 3
    assert moved.loaded["incidents moved to another kelurahan"] == 1
    with engine.connect() as conn:
        assert conn.execute(text(where)).scalar_one() == "Selatan"


def test_kelurahan_loaded_first_are_linked_when_their_kecamatan_come(
    engine: Engine, tmp_path: Path
) -> None:
    kelurahan = write(tmp_path / "kelurahan.geojson", kelurahan_rows()[:2])
    run(
        engine,
        kelurahan,
        "kelurahan",
        AreaFields("nama", "kode"),
        create=("Kota Uji", "Asia/Jakarta"),
    )
    outcome = run(engine, kecamatan_file(tmp_path), "kecamatan", KECAMATAN)
    assert outcome.loaded["kelurahan linked to their kecamatan"] == 2


def test_a_missing_column_is_named_with_the_columns_there_are(
    engine: Engine, tmp_path: Path
) -> None:
    with pytest.raises(ImportRefusedError) as refused:
        run(
            engine,
            kecamatan_file(tmp_path),
            "kecamatan",
            AreaFields("NAMA", "kode"),
            create=("Kota Uji", "Asia/Jakarta"),
        )
    assert str(refused.value) == (
        "column 'NAMA' (for name) is not in kecamatan.geojson; its columns are: kode, nama, "
        "penduduk, geometry_wkt. Did you mean 'nama'?"
    )
    with pytest.raises(ImportRefusedError, match=r"pass --city-name \(and --timezone\)"):
        run(engine, kecamatan_file(tmp_path), "kecamatan", KECAMATAN)
    assert database_content(engine)["cities"][0] == 0
