"""``tanggap units import``: a roster (CSV or XLSX) into a city made from a box."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from geodata.importers.city_create import NewCity, create_city
from geodata.importers.outcome import ImportOutcome, ImportRefusedError
from geodata.importers.sources import SourceFile
from geodata.importers.stations import StationFields, import_stations
from geodata.importers.units import import_units, read_mapping
from tests.geodata.importers.conftest import database_content
from tests.geodata.importers.test_city_commands import tanggap

ROSTER = pd.DataFrame(
    {
        "Call sign": ["DMK-01", "DMK-02", "AMB-01", "POL-01"],
        "Agency": ["Damkar", "DAMKAR", "PSC 119", "police"],
        "Home posko": ["Pos Damkar Utara", "pos damkar utara", "Puskesmas Kota", ""],
        "Vehicle profile": ["mobil pemadam", "fire_engine", "", "motor"],
        "Status": ["siaga", "", "available", "rusak"],
        "Crew size": ["5", "4", "", "2"],
    }
)


@pytest.fixture
def city(engine: Engine, tmp_path: Path) -> str:
    """Kota Uji from a box, with two posko (Damkar, a puskesmas)."""
    (tmp_path / "posko.csv").write_text(
        "nama,lat,lon\nPos Damkar Utara,-5.09,119.42\nPuskesmas Kota,-5.15,119.45\n"
    )
    with engine.begin() as conn:
        create_city(conn, NewCity("73.99", "Kota Uji", "WITA"), bbox="119.38,-5.20,119.50,-5.08")
        import_stations(conn, SourceFile(tmp_path / "posko.csv"), city_code="73.99",
                        fields=StationFields())  # fmt: skip
    return "73.99"


def _units(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT u.call_sign, a.code, s.name, u.vehicle_profile, u.status, u.crew_size "
            "FROM units u JOIN agencies a ON a.id = u.agency_id "
            "LEFT JOIN stations s ON s.id = u.home_station_id ORDER BY u.call_sign"))]  # fmt: skip


def _import(engine: Engine, path: Path, mapping: Path | None = None) -> ImportOutcome:
    with engine.begin() as conn:
        roster = read_mapping(mapping)
        return import_units(conn, SourceFile(path), city_code="73.99", mapping=roster)


EXPECTED = [
    ("AMB-01", "PSC119", "Puskesmas Kota", "ambulance", "available", None),
    ("DMK-01", "DAMKAR", "Pos Damkar Utara", "fire_engine", "available", 5),
    ("DMK-02", "DAMKAR", "Pos Damkar Utara", "fire_engine", "available", 4),
    ("POL-01", "POLRES", None, "motorbike", "out_of_service", 2),
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_roster_is_imported_once_and_again_changes_nothing(
    engine: Engine, city: str, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"armada{suffix}"
    if suffix == ".csv":
        ROSTER.to_csv(path, index=False)
    else:
        ROSTER.to_excel(path, index=False, sheet_name="Armada")
    outcome = _import(engine, path)
    assert outcome.loaded == {"units new": 4, "units updated": 0, "units unchanged": 0}
    assert outcome.rejects == () and outcome.rejects_file is None
    assert _units(engine) == EXPECTED
    before = database_content(engine)
    again = _import(engine, path)
    assert again.loaded == {"units new": 0, "units updated": 0, "units unchanged": 4}
    assert database_content(engine) == before
    changed = ROSTER.assign(**{"Crew size": ["6", "4", "", "2"]})
    changed.to_csv(path.with_suffix(".csv"), index=False)
    third = _import(engine, path.with_suffix(".csv"))
    assert third.loaded == {"units new": 0, "units updated": 1, "units unchanged": 3}
    assert _units(engine)[1][-1] == 6


def test_bad_rows_are_rejected_by_row_and_field_then_fixed_and_reimported(
    engine: Engine, city: str, tmp_path: Path
) -> None:
    bad = pd.concat([ROSTER, pd.DataFrame({
        "Call sign": ["X-01", "X-02", "DMK-01", "X-04"],
        "Agency": ["Dinas Pertamanan", "Damkar", "Damkar", "BPBD"],
        "Home posko": ["", "Pos Tidak Ada", "", ""],
        "Vehicle profile": ["car", "car", "car", "kapal"],
        "Status": ["", "", "", "on_scene"],
        "Crew size": ["", "0", "", "2.5"],
    })], ignore_index=True)  # fmt: skip
    path = tmp_path / "armada.csv"
    bad.to_csv(path, index=False)
    outcome = _import(engine, path)
    assert outcome.loaded["units new"] == 4
    found = {(r.row, r.field) for r in outcome.rejects}
    assert found == {
        (6, "Agency"), (7, "Home posko"), (7, "Crew size"), (8, "Call sign"),
        (9, "Vehicle profile"), (9, "Status"), (9, "Crew size"),
    }  # fmt: skip
    messages = " ".join(r.message for r in outcome.rejects)
    assert "no agency 'Dinas Pertamanan'" in messages and "DAMKAR" in messages
    assert "already on row 2" in messages and "'kapal' is not a vehicle profile" in messages
    rejected = pd.read_csv(outcome.rejects_file, dtype=str, keep_default_na=False)
    assert rejected["reject_row"].tolist() == ["6", "7", "8", "9"]
    assert rejected["Call sign"].tolist() == ["X-01", "X-02", "DMK-01", "X-04"]
    # fixed in place (the reject columns are ignored), one left as it was
    rejected.loc[0, "Agency"] = "Dishub"
    rejected.loc[1, ["Home posko", "Crew size"]] = ["", "3"]
    rejected.loc[3, ["Vehicle profile", "Status", "Crew size"]] = ["mobil", "", "2"]
    rejected = rejected.drop(index=2)  # the second DMK-01: a duplicate, deleted
    rejected.to_csv(outcome.rejects_file, index=False)
    before = _units(engine)
    fixed = _import(engine, outcome.rejects_file)
    assert fixed.loaded == {"units new": 3, "units updated": 0, "units unchanged": 0}
    assert fixed.rejects == ()
    after = _units(engine)
    assert [u for u in after if u[0] in ("DMK-01",)] == [u for u in before if u[0] == "DMK-01"]
    assert {u[0] for u in after} - {u[0] for u in before} == {"X-01", "X-02", "X-04"}


def test_a_mapping_names_the_columns_and_the_words(
    engine: Engine, city: str, tmp_path: Path
) -> None:
    pd.DataFrame({"Kode": ["T-1"], "OPD": ["Dinkes"], "Jenis": ["Mobil Jenazah"]}).to_csv(
        tmp_path / "armada.csv", index=False
    )
    (tmp_path / "peta.yaml").write_text(
        "columns: {call_sign: Kode, agency: OPD, vehicle_profile: Jenis}\n"
        "values:\n  agency: {Dinkes: PSC119}\n  vehicle_profile: {Mobil Jenazah: car}\n"
    )
    outcome = _import(engine, tmp_path / "armada.csv", tmp_path / "peta.yaml")
    assert outcome.loaded["units new"] == 1 and outcome.rejects == ()
    assert _units(engine) == [("T-1", "PSC119", None, "car", "available", None)]
    (tmp_path / "salah.yaml").write_text("columns: {callsign: Kode}\n")
    with pytest.raises(ImportRefusedError, match="unknown role"):
        read_mapping(tmp_path / "salah.yaml")


def test_a_roster_without_a_call_sign_column_is_refused(
    engine: Engine, city: str, tmp_path: Path
) -> None:
    pd.DataFrame({"Nama": ["A"], "OPD": ["Damkar"]}).to_csv(tmp_path / "a.csv", index=False)
    with pytest.raises(ImportRefusedError, match="no column for call_sign"):
        _import(engine, tmp_path / "a.csv")


def test_the_command_imports_and_reports(engine: Engine, city: str, tmp_path: Path) -> None:
    ROSTER.to_csv(tmp_path / "armada.csv", index=False)
    done = tanggap(engine, "units", "import", str(tmp_path / "armada.csv"), "--city", city)
    assert done.returncode == 0, done.stderr
    assert "units new" in done.stderr
    missing = tanggap(engine, "units", "import", str(tmp_path / "armada.csv"), "--city", "1.1")
    assert missing.returncode == 2 and "city create" in missing.stderr
