"""``import-stations``: posko from a CSV with coordinates or a vector file, mapped to agencies."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely import Point, box
from sqlalchemy import Engine, text

from geodata.importers.outcome import ImportOutcome, ImportRefusedError
from geodata.importers.sources import SourceFile
from geodata.importers.stations import StationFields, import_stations, kind_from_text
from geodata.vocabulary import AgencyKind
from tests.geodata.importers.conftest import database_content

#: As an office exports it from Excel: semicolons, decimal commas, Indonesian headers.
POSKO_CSV = """nama;lintang;bujur;jenis
Puskesmas Barat;-5,10;105,05;kesehatan
Pos Damkar Timur;-5.12;105.15;pemadam
Polsek Uji;105.1;-5.1;kepolisian
Kantor Camat;-5.1;105.1;pemerintahan
RSUD Jauh;-6.5;106.9;kesehatan
Klinik Sehat;abc;105.1;kesehatan
;-5.1;105.1;kesehatan
Puskesmas Barat;-5,10;105,05;kesehatan
"""


def run(engine: Engine, path: Path, fields: StationFields | None = None) -> ImportOutcome:
    with engine.begin() as conn:
        return import_stations(
            conn, SourceFile(path), city_code="00.01", fields=fields or StationFields()
        )


def stored(engine: Engine) -> list[tuple[str, str, float, float]]:
    with engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                text(
                    "SELECT a.code, s.name, round(ST_X(s.geom)::numeric, 4)::float, "
                    "round(ST_Y(s.geom)::numeric, 4)::float FROM stations s "
                    "JOIN agencies a ON a.id = s.agency_id ORDER BY s.name"
                )
            )
        ]


def test_a_csv_of_posko_loads_the_good_rows_and_names_the_bad_ones(
    engine: Engine, tiny_city: int, tmp_path: Path
) -> None:
    path = tmp_path / "posko.csv"
    path.write_text(POSKO_CSV, encoding="utf-8")
    outcome = run(engine, path)
    assert stored(engine) == [
        ("DAMKAR", "Pos Damkar Timur", 105.15, -5.12),
        ("PSC119", "Puskesmas Barat", 105.05, -5.1),
    ]
    problems = {r.row: (r.field, r.message) for r in outcome.rejects}
    assert sorted(problems) == [4, 5, 6, 7, 8, 9]  # spreadsheet rows (the header is row 1)
    assert problems[4][0] == "coordinates" and "look swapped" in problems[4][1]
    assert problems[5] == ("nama", problems[5][1]) and "cannot tell the agency" in problems[5][1]
    assert "outside the area" in problems[6][1] or "outside the city" in problems[6][1]
    assert problems[7] == ("lintang", "latitude 'abc' is not a number")
    assert problems[8] == ("nama", "the posko has no name")
    assert problems[9][0] == "code" and problems[9][1].startswith("duplicate of row 2")
    with engine.connect() as conn:
        agencies = conn.execute(text("SELECT code, name, kind FROM agencies ORDER BY code")).all()
    assert [tuple(a) for a in agencies] == [
        ("DAMKAR", "Dinas Pemadam Kebakaran (Damkar) Kota Uji", "fire"),
        ("PSC119", "PSC 119 Kota Uji", "ambulance"),
    ]
    rejected = pd.read_csv(outcome.rejects_file, sep=",", dtype=str)  # type: ignore[arg-type]
    assert rejected["nama"].fillna("").tolist() == [
        "Polsek Uji", "Kantor Camat", "RSUD Jauh", "Klinik Sehat", "", "Puskesmas Barat",
    ]  # fmt: skip


def test_the_same_file_twice_changes_nothing_and_a_moved_posko_is_updated(
    engine: Engine, tiny_city: int, tmp_path: Path
) -> None:
    path = tmp_path / "posko.csv"
    path.write_text("kode,nama,lat,lon\nP1,Polsek Uji,-5.10,105.10\n", encoding="utf-8")
    fields = StationFields(code="kode")
    run(engine, path, fields)
    before = database_content(engine)
    assert run(engine, path, fields).loaded["posko unchanged"] == 1
    assert database_content(engine) == before
    path.write_text("kode,nama,lat,lon\nP1,Polsek Uji,-5.11,105.12\n", encoding="utf-8")
    assert run(engine, path, fields).loaded["posko updated"] == 1
    assert stored(engine) == [("POLRES", "Polsek Uji", 105.12, -5.11)]


def test_a_vector_file_with_one_agency_for_all_its_posko(
    engine: Engine, tiny_city: int, tmp_path: Path
) -> None:
    path = tmp_path / "damkar.geojson"
    gpd.GeoDataFrame(
        {"TOPONIM": ["POS A", "MARKAS B"]},
        geometry=[Point(105.02, -5.02), box(105.10, -5.10, 105.11, -5.09)],  # a building outline
        crs=4326,
    ).to_file(path)
    outcome = run(engine, path, StationFields(agency=AgencyKind.FIRE))
    assert outcome.loaded["posko of DAMKAR"] == 2 and outcome.rejects == ()
    assert stored(engine)[0][1:] == ("MARKAS B", 105.105, -5.095)


def test_a_table_without_coordinates_is_refused_with_its_columns(
    engine: Engine, tiny_city: int, tmp_path: Path
) -> None:
    path = tmp_path / "posko.csv"
    path.write_text("nama,alamat\nPolsek Uji,Jl. Uji\n", encoding="utf-8")
    with pytest.raises(
        ImportRefusedError, match=r"no latitude column in posko.csv .* nama, alamat"
    ):
        run(engine, path)
    empty = tmp_path / "kosong.csv"
    empty.write_text("nama,lat,lon\n", encoding="utf-8")
    with pytest.raises(ImportRefusedError, match=r"kosong\.csv has no rows"):
        run(engine, empty)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("RUMAH SAKIT KRAKATAU MEDIKA", AgencyKind.AMBULANCE),
        ("PUSKESMAS PULOMERAK", AgencyKind.AMBULANCE),
        ("KANTOR KEPOLISIAN SEKTOR MERAK", AgencyKind.POLICE),
        ("Pos Pemadam Kebakaran Ciwandan", AgencyKind.FIRE),
        ("Kantor BPBD Kota Cilegon", AgencyKind.DISASTER),
        ("KANTOR KOMANDO DISTRIK MILITER DANDIM 0623", None),
    ],
)
def test_the_agency_is_told_by_the_words_of_the_name(name: str, kind: AgencyKind | None) -> None:
    assert kind_from_text(name) == kind
