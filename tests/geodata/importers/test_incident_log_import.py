"""``incidents import``: historical call logs (CSV, XLSX) with a mapping, rejects to a file."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from geodata.importers.incident_logs import import_incident_log
from geodata.importers.log_cells import parse_point
from geodata.importers.outcome import ImportOutcome, ImportRefusedError
from geodata.importers.sources import SourceFile
from tests.geodata.importers.conftest import database_content

MAPPING = """
source: sipd-112-uji
city: "00.01"
timezone: Asia/Jakarta
columns:
  external_id: No Tiket
  category: Kategori
  coordinates: Lokasi
  address: Alamat
  received_at: Waktu Lapor
  dispatched_at: Waktu Kirim
  on_scene_at: {column: Waktu Tiba, timezone: Asia/Makassar}
  cleared_at: Waktu Selesai
  units: Unit
  caller_phone: No HP
categories:
  KEBAKARAN: fire
  KECELAKAAN LALU LINTAS: traffic_accident
  KESEHATAN: health
  PRANK: prank
priorities: {fire: 1}
"""

COLUMNS = ["No Tiket", "Kategori", "Lokasi", "Alamat", "Waktu Lapor", "Waktu Kirim", "Waktu Tiba",
           "Waktu Selesai", "Unit", "No HP"]  # fmt: skip
#: Rows 2..11 of the sheet: good ones and every kind of bad one.
ROWS = [
    ["T-001", "KEBAKARAN", "-5.10, 105.05", "Jl. Uji 1", "2026-03-01 08:00:00",
     "2026-03-01 08:03:00", "2026-03-01 09:20:00", "2026-03-01 09:00:00", "DMK-01, DMK-02",
     "0812"],
    ["T-002", "KECELAKAAN LALU LINTAS", "-5.15, 105.15", None, "2026-03-01 09:00:00", None,
     None, None, None, None],
    ["T-003", "KEBAKARAN", "105.10, -5.10", None, "2026-03-01 10:00:00", None, None, None,
     None, None],
    ["T-004", "KESEHATAN", "-5.10, 105.10", None, "kemarin sore", None, None, None, None, None],
    ["T-005", "KEBANJIRAN", "-5.10, 105.10", None, "2026-03-01 11:00:00", None, None, None,
     None, None],
    ["T-006", "KESEHATAN", "-5.10, 105.10", None, "2026-03-01 12:00:00", None, None,
     "2026-03-01 11:00:00", None, None],
    ["T-001", "KESEHATAN", "-5.10, 105.10", None, "2026-03-01 13:00:00", None, None, None,
     None, None],
    ["T-007", " kesehatan ", None, None, "2026-03-01T14:00:00+07:00", None, None, None, None,
     None],
    ["T-008", "KESEHATAN", "-6.5, 106.9", None, "2026-03-01 15:00:00", None, None, None, None,
     None],
    ["T-009", "PRANK", None, None, "2026-03-01 16:00:00", None, None, None, None, None],
]  # fmt: skip
#: Rows not stored, and the column at fault.
BAD = {
    4: "Lokasi",
    5: "Waktu Lapor",
    6: "Kategori",
    8: "No Tiket",
    10: "Lokasi",
}
#: Rows stored without the value of one column (left empty and reported).
KEPT = {2: "Unit", 7: "Waktu Selesai"}


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "pemetaan.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


@pytest.fixture
def fire_unit(engine: Engine, tiny_city: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "WITH a AS (INSERT INTO agencies (city_id, code, name, kind) VALUES "
                "(:c, 'DAMKAR', 'Damkar Uji', 'fire') RETURNING id) INSERT INTO units "
                "(agency_id, call_sign, vehicle_profile) SELECT id, 'DMK-01', 'fire_engine' FROM a"
            ),
            {"c": tiny_city},
        )


def log_csv(path: Path, rows: list[list[object]] = ROWS) -> Path:
    pd.DataFrame(rows, columns=COLUMNS).to_csv(path, index=False)
    return path


def run(engine: Engine, log: Path, mapping: Path) -> ImportOutcome:
    with engine.begin() as conn:
        return import_incident_log(conn, SourceFile(log), SourceFile(mapping))


def stored(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql_query(
            text(
                "SELECT i.external_id, i.category, i.priority, i.status, i.received_at, "
                "i.on_scene_at, a.name AS kelurahan, ST_X(i.geom) AS lon FROM incidents i "
                "LEFT JOIN admin_areas a ON a.id = i.area_id ORDER BY i.external_id"
            ),
            conn,
        )


def test_good_rows_load_and_each_bad_row_is_named_with_its_column(
    engine: Engine, fire_unit: None, mapping: Path, tmp_path: Path
) -> None:
    outcome = run(engine, log_csv(tmp_path / "log.csv"), mapping)
    assert outcome.loaded["incidents new"] == 5 and outcome.loaded["dispatches new"] == 1
    assert outcome.loaded["incidents without a location"] == 2
    assert {r.row: r.field for r in outcome.rejects if not r.kept} == BAD
    assert {r.row: r.field for r in outcome.rejects if r.kept} == KEPT
    assert outcome.rejected_rows == 5 and outcome.rejected_fields == 2
    messages = {r.row: r.message for r in outcome.rejects}
    assert "look swapped" in messages[4]
    assert messages[5].startswith("received_at: cannot read 'kemarin sore' as a time")
    assert messages[6].startswith("category 'KEBANJIRAN' is not in the mapping's categories")
    assert messages[7] == (
        "cleared_at 2026-03-01 11:00:00 WIB is before received_at 2026-03-01 12:00:00 WIB: "
        "left empty"
    )
    assert messages[8].startswith("duplicate of row 2 (id T-001); a log with one row per unit")
    assert messages[2].startswith("unit 'DMK-02' is not known in this city")
    assert any("DMK-02" in warning for warning in outcome.warnings)
    incidents = stored(engine)
    assert incidents["external_id"].tolist() == ["T-001", "T-002", "T-006", "T-007", "T-009"]
    assert incidents["kelurahan"].tolist()[:2] == ["Barat", "Timur"]
    assert incidents["priority"].tolist() == [1, 2, 2, 2, 4]  # mapping, then emergency/other
    assert incidents["status"].tolist() == [
        "cleared", "received", "received", "received", "received"
    ]  # fmt: skip
    wita = incidents.loc[0, "on_scene_at"]
    assert wita == pd.Timestamp(datetime(2026, 3, 1, 1, 20, tzinfo=UTC))  # 09:20 WITA


def test_the_rejects_file_can_be_fixed_and_imported_again(
    engine: Engine, fire_unit: None, mapping: Path, tmp_path: Path
) -> None:
    outcome = run(engine, log_csv(tmp_path / "log.csv"), mapping)
    assert outcome.rejects_file == tmp_path / "log.rejected.csv"
    rejected = pd.read_csv(outcome.rejects_file, dtype=str, keep_default_na=False)
    assert rejected["reject_row"].tolist() == ["2", "4", "5", "6", "7", "8", "10"]
    assert rejected["reject_field"].tolist() == [KEPT[2], *list(BAD.values())[:3], KEPT[7],
                                                 *list(BAD.values())[3:]]  # fmt: skip
    assert rejected["reject_kept"].tolist() == ["yes", "no", "no", "no", "yes", "no", "no"]
    assert rejected["No Tiket"].tolist() == [
        "T-001", "T-003", "T-004", "T-005", "T-006", "T-001", "T-008"
    ]  # fmt: skip
    rejected = rejected.set_index("reject_row")
    rejected.loc["4", "Lokasi"] = "-5.10, 105.10"  # the call taker swapped them: fixed
    rejected.loc["5", "Waktu Lapor"] = "2026-03-01 10:30:00"
    rejected.loc["7", "Waktu Selesai"] = "2026-03-01 12:40:00"
    rejected = rejected.drop(index="8")  # the duplicate: not an incident of its own
    rejected.to_csv(tmp_path / "fixed.csv", index=False)
    again = run(engine, tmp_path / "fixed.csv", mapping)
    assert again.loaded["incidents new"] == 2 and again.loaded["incidents updated"] == 1
    assert again.loaded["incidents unchanged"] == 1  # row 2, still with its unknown unit
    assert again.rejected_rows == 2  # still an unknown category and a place outside the city
    assert stored(engine).set_index("external_id").loc["T-006", "status"] == "cleared"


def test_the_same_log_twice_changes_nothing(
    engine: Engine, fire_unit: None, mapping: Path, tmp_path: Path
) -> None:
    log = log_csv(tmp_path / "log.csv")
    run(engine, log, mapping)
    before = database_content(engine)
    again = run(engine, log, mapping)
    assert again.loaded["incidents unchanged"] == 5 and again.loaded["incidents new"] == 0
    assert again.loaded["dispatches new"] == 0
    assert database_content(engine) == before


def test_an_xlsx_log_with_excel_dates_loads_like_the_csv(
    engine: Engine, fire_unit: None, mapping: Path, tmp_path: Path
) -> None:
    frame = pd.DataFrame(ROWS, columns=COLUMNS)
    real_dates = frame["Waktu Lapor"].str.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$").fillna(False)
    frame["Waktu Lapor"] = frame["Waktu Lapor"].astype(object)
    frame.loc[real_dates, "Waktu Lapor"] = pd.to_datetime(frame.loc[real_dates, "Waktu Lapor"])
    frame.to_excel(tmp_path / "log.xlsx", index=False, sheet_name="Laporan")
    outcome = run(engine, tmp_path / "log.xlsx", mapping)
    assert {r.row: r.field for r in outcome.rejects if not r.kept} == BAD
    via_csv = run(engine, log_csv(tmp_path / "log.csv"), mapping)
    assert via_csv.loaded["incidents unchanged"] == 5  # the same incidents, to the second


def test_a_mapping_naming_a_missing_column_is_refused_before_anything(
    engine: Engine, fire_unit: None, tmp_path: Path
) -> None:
    mapping = tmp_path / "salah.yaml"
    mapping.write_text(MAPPING.replace("Waktu Lapor", "Jam Lapor"), encoding="utf-8")
    before = database_content(engine)
    with pytest.raises(ImportRefusedError) as refused:
        run(engine, log_csv(tmp_path / "log.csv"), mapping)
    assert str(refused.value).startswith(
        "column 'Jam Lapor' (for received_at) is not in log.csv; its columns are: No Tiket, "
        "Kategori, Lokasi, Alamat, Waktu Lapor,"
    )
    assert database_content(engine) == before
    mapping.write_text(MAPPING.replace("KESEHATAN: health", "KESEHATAN: medical"), "utf-8")
    with pytest.raises(ImportRefusedError, match="'medical' is not a Tanggap category"):
        run(engine, log_csv(tmp_path / "log.csv"), mapping)
    mapping.write_text(MAPPING.replace("columns:", "kolom:"), "utf-8")
    with pytest.raises(ImportRefusedError, match=r"unknown keys \['kolom'\]"):
        run(engine, log_csv(tmp_path / "log.csv"), mapping)


@pytest.mark.parametrize(
    ("text_value", "lat_first", "expected"),
    [
        ("-6.0123, 106.0456", True, (106.0456, -6.0123)),
        ("-6,0123; 106,0456", True, (106.0456, -6.0123)),
        ("(106.0456 -6.0123)", False, (106.0456, -6.0123)),
        ("-6.0123,106.0456", True, (106.0456, -6.0123)),
        ("Jl. Merdeka", True, None),
    ],
)
def test_one_column_coordinates(
    text_value: str, lat_first: bool, expected: tuple[float, float] | None
) -> None:
    assert parse_point(text_value, lat_first=lat_first) == expected


def test_the_command_shows_a_summary_and_refuses_with_status_2(
    engine: Engine, fire_unit: None, mapping: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "TANGGAP_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    command = [sys.executable, "-m", "dashboard", "incidents", "import"]
    log = str(log_csv(tmp_path / "log.csv"))
    done = subprocess.run(
        [*command, log, "--mapping", str(mapping)], capture_output=True, text=True, env=env,
        timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "incidents new" in done.stderr and "Rejected, by field" in done.stderr
    assert "log.rejected.csv" in done.stderr
    refused = subprocess.run(
        [*command, log, "--mapping", str(mapping), "--city", "36.72"], capture_output=True,
        text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "no city with code 36.72 is loaded" in refused.stderr
    assert "Nothing was written." in refused.stderr
