"""Call logs in their real shapes: one row per unit response, value maps, field rejects.

The key answer: the response (received → first unit on scene) median and 90th percentile
that Tanggap's analytics read from an imported unit-response log equal a pandas computation
on the same file, where keeping each incident's first row in the file does not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from dashboard.cli.main import app
from geodata.analytics.response_intervals import IntervalQuery, incident_intervals
from geodata.analytics.statistics import interval_summary
from geodata.importers.incident_logs import import_incident_log
from geodata.importers.log_mapping import parse_mapping, read_mapping_file
from geodata.importers.outcome import ImportOutcome
from geodata.importers.sources import SourceFile
from geodata.load.units_from_logs import create_log_units
from tests.geodata.importers.cad_logs import (
    KNOWN_UNITS,
    MAPPINGS,
    cad_export,
    file_first_row_response,
    first_on_scene,
    utc,
    write_cad,
)
from tests.geodata.importers.conftest import database_content

CAD = MAPPINGS / "cad-unit-response.yaml"
WHOLE_WEEK = IntervalQuery(
    datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 5, 20, tzinfo=UTC),
    categories=("fire", "health", "traffic_accident"),
)  # fmt: skip


@pytest.fixture
def fleet(engine: Engine, tiny_city: int) -> int:
    """Damkar and PSC 119 of the tiny city with the units of :data:`KNOWN_UNITS`."""
    with engine.begin() as conn:
        for code, kind in (("DAMKAR", "fire"), ("PSC119", "ambulance")):
            agency = conn.execute(
                text(
                    "INSERT INTO agencies (city_id, code, name, kind) VALUES (:c, :code, :name, "
                    ":kind) RETURNING id"
                ),
                {"c": tiny_city, "code": code, "name": code, "kind": kind},
            ).scalar_one()
            profile = "fire_engine" if kind == "fire" else "ambulance"
            conn.execute(
                text(
                    "INSERT INTO units (agency_id, call_sign, vehicle_profile) VALUES (:a, :s, :p)"
                ),
                [{"a": agency, "s": sign, "p": profile} for sign in KNOWN_UNITS[code]],
            )
    return tiny_city


def run(engine: Engine, log: Path, mapping: Path = CAD) -> ImportOutcome:
    with engine.begin() as conn:
        return import_incident_log(conn, SourceFile(log), SourceFile(mapping), city_code="00.01")


def incidents(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql_query(
            text(
                "SELECT external_id, category, priority, status, received_at, dispatched_at, "
                "en_route_at, on_scene_at, cleared_at FROM incidents ORDER BY external_id"
            ),
            conn,
        ).set_index("external_id")


def dispatch_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM dispatches")).scalar_one())


def test_first_on_scene_response_equals_pandas_on_the_same_file(
    engine: Engine, fleet: int, tmp_path: Path
) -> None:
    log = write_cad(cad_export(seed=13, incidents=400), tmp_path / "cad.csv")
    outcome = run(engine, log)
    expected = first_on_scene(log)
    assert outcome.loaded["incidents new"] == len(expected) == 400
    assert outcome.rejected_rows == 0
    raw = pd.read_csv(log, dtype=str, keep_default_na=False)
    assert outcome.loaded["dispatches new"] == len(raw) == dispatch_count(engine)
    with engine.connect() as conn:
        frame = incident_intervals(conn, fleet, WHOLE_WEEK)
    summary = interval_summary(frame).set_index("interval")
    response = expected["response_s"].dropna()
    assert summary.loc["response", "n"] == len(response)
    assert summary.loc["response", "median_s"] == pytest.approx(response.quantile(0.5))
    assert summary.loc["response", "p90_s"] == pytest.approx(response.quantile(0.9))
    with engine.connect() as conn:  # closed here: a leaked connection warns in a later test
        ids = pd.read_sql_query(text("SELECT id AS incident_id, external_id FROM incidents"), conn)
    by_id = frame.merge(ids, on="incident_id").set_index("external_id")
    pd.testing.assert_series_equal(
        by_id["response_s"].sort_index(), expected["response_s"].sort_index(),
        check_names=False,
    )  # fmt: skip
    # The file is shuffled: its first row per incident is not the first unit on scene.
    assert file_first_row_response(log).median() > response.median() * 1.05


def test_an_inconsistent_time_empties_that_field_and_keeps_the_row(
    engine: Engine, fleet: int, tmp_path: Path
) -> None:
    frame = cad_export(seed=1, incidents=3)
    first = frame.index[frame["Incident Number"] == frame.loc[0, "Incident Number"]][0]
    en_route = pd.Timestamp(frame.loc[first, "En Route"] or frame.loc[first, "Dispatched"])
    frame.loc[first, "En Route"] = f"{en_route:%Y-%m-%d %H:%M:%S}"
    frame.loc[first, "On Scene"] = f"{en_route - pd.Timedelta(seconds=46):%Y-%m-%d %H:%M:%S}"
    log = write_cad(frame, tmp_path / "cad.csv")
    outcome = run(engine, log)
    assert outcome.rejected_rows == 0 and outcome.rejected_fields == 1
    (reject,) = outcome.rejects
    assert (reject.row, reject.field, reject.kept) == (first + 2, "On Scene", True)
    shown = en_route - pd.Timedelta(seconds=46)
    assert reject.message == (
        f"on_scene_at {shown:%Y-%m-%d %H:%M:%S} WIB is before en_route_at "
        f"{en_route:%Y-%m-%d %H:%M:%S} WIB: left empty"
    )
    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT d.assigned_at, d.en_route_at, d.on_scene_at FROM dispatches d "
                "JOIN units u ON u.id = d.unit_id JOIN incidents i ON i.id = d.incident_id "
                "WHERE u.call_sign = :s AND i.external_id = :k"
            ),
            {"s": frame.loc[first, "Unit"], "k": frame.loc[first, "Incident Number"]},
        ).one()
    # the row's call processing and turnout are kept; only its on-scene time is empty
    assert stored.assigned_at == utc(frame.loc[first, "Dispatched"])
    assert stored.en_route_at == utc(frame.loc[first, "En Route"])
    assert stored.on_scene_at is None
    rejected = pd.read_csv(outcome.rejects_file, dtype=str, keep_default_na=False)
    assert rejected[["reject_row", "reject_field", "reject_kept"]].values.tolist() == [
        [str(first + 2), "On Scene", "yes"]
    ]


def test_reimporting_the_fixed_rejects_changes_only_the_fixed_rows(
    engine: Engine, fleet: int, tmp_path: Path
) -> None:
    good = cad_export(seed=7, incidents=60)
    bad = good.copy()
    broken = [3, 10, 17, 25]
    bad.loc[broken[0], "On Scene"] = "kemarin"  # unreadable
    bad.loc[broken[1], "Clear"] = "2026-05-01 00:00:00"  # before the call
    bad.loc[broken[2], "Priority"] = "Z"  # no such code
    bad.loc[broken[3], "Incident Number"] = ""  # no id: the row is lost
    log = write_cad(bad, tmp_path / "cad.csv")
    first = run(engine, log)
    assert sorted({r.row - 2 for r in first.rejects}) == broken
    assert first.rejected_rows == 1 and first.rejected_fields == 3
    before = incidents(engine)
    rejected = pd.read_csv(first.rejects_file, dtype=str, keep_default_na=False)
    fixed = rejected.set_index(rejected["reject_row"].astype(int) - 2)
    for column in good.columns:
        fixed[column] = good.loc[fixed.index, column]  # the user fixes each row
    fixed.to_csv(tmp_path / "fixed.csv", index=False)
    again = run(engine, tmp_path / "fixed.csv")
    assert again.rejects == ()
    after = incidents(engine)

    def shown(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.map(lambda value: "" if pd.isna(value) else str(value))

    differs = shown(after) != shown(before.reindex(after.index))
    changed = sorted(after.index[differs.any(axis=1)])
    touched = sorted(set(good.loc[broken, "Incident Number"]))
    assert set(changed) <= set(touched) and changed  # nothing else moved
    # and now the stored incidents are exactly those of the good file
    expected = first_on_scene(write_cad(good, tmp_path / "good.csv"))
    assert (
        after["on_scene_at"].sort_index().tolist()
        == expected["on_scene"].dt.tz_convert("UTC").sort_index().tolist()
    )
    assert dispatch_count(engine) == len(good)
    again_twice = database_content(engine)
    run(engine, tmp_path / "fixed.csv")
    assert database_content(engine) == again_twice


def test_value_maps_and_unknown_codes_name_the_value_and_the_allowed_ones(
    engine: Engine, fleet: int, tmp_path: Path
) -> None:
    frame = cad_export(seed=3, incidents=40)
    frame.loc[5, "Priority"] = "zz"
    log = write_cad(frame, tmp_path / "cad.csv")
    outcome = run(engine, log)
    (reject,) = outcome.rejects
    assert (reject.row, reject.field, reject.kept) == (7, "Priority", True)
    assert reject.message == (
        "priority 'zz' is not in the mapping's values.priority (mapped: E, A, 1, 2, 3, 4)"
    )
    stored = incidents(engine)["priority"]
    codes = frame.groupby("Incident Number")["Priority"].agg(
        lambda c: min({"E": 1, "A": 1, "1": 1, "2": 2, "3": 3}.get(v, 9) for v in c)
    )
    codes = codes.where(codes < 9, 2)  # only the row with 'zz': the emergency default
    assert stored.sort_index().tolist() == codes.sort_index().tolist()


def test_unknown_call_signs_are_reported_or_created_as_the_mapping_says(
    engine: Engine, fleet: int, tmp_path: Path
) -> None:
    frame = cad_export(seed=5, incidents=50, unknown_share=0.2)
    unknown = frame["Unit"].str.startswith("X-")
    log = write_cad(frame, tmp_path / "cad.csv")
    reported = run(engine, log)
    assert reported.rejected_rows == 0
    assert {r.row - 2 for r in reported.rejects} == set(frame.index[unknown])
    assert all("is not known in this city" in r.message for r in reported.rejects)
    assert dispatch_count(engine) == (~unknown).sum()
    # the rows of unknown units still count for their incident's first on scene
    stored = incidents(engine)
    expected = first_on_scene(log)
    assert (
        stored["on_scene_at"].sort_index().tolist()
        == expected["on_scene"].dt.tz_convert("UTC").sort_index().tolist()
    )
    mapping = yaml.safe_load(CAD.read_text(encoding="utf-8"))
    mapping.update(unknown_units="create", agency="DAMKAR")
    creating = tmp_path / "create.yaml"
    creating.write_text(yaml.safe_dump(mapping), encoding="utf-8")
    created = run(engine, log, creating)
    assert created.loaded["units created"] == frame.loc[unknown, "Unit"].nunique()
    assert created.rejects == () and dispatch_count(engine) == len(frame)
    with engine.connect() as conn:
        made = conn.execute(
            text(
                "SELECT u.call_sign, a.code, u.vehicle_profile FROM units u JOIN agencies a ON "
                "a.id = u.agency_id WHERE u.call_sign LIKE 'X-%' ORDER BY 1"
            )
        ).all()
    assert {(code, profile) for _, code, profile in made} == {("DAMKAR", "fire_engine")}
    assert run(engine, log, creating).loaded["units created"] == 0


def test_a_time_the_database_would_refuse_is_a_row_numbered_reject(
    engine: Engine, fleet: int, tmp_path: Path
) -> None:
    """The issue's crash: a unit-response log read one row per incident, then its rejected
    rows (the other units) imported again, merged other units' times into an incident and
    broke its order. Now they are refused again; in the right shape they merge as first
    and last times, a clash with what is stored is a field reject; a value the database
    refuses is a row reject while the rest is written."""
    frame = cad_export(seed=11, incidents=30)
    counts = frame["Incident Number"].value_counts()
    i1, i2 = frame.index[frame["Incident Number"] == counts.index[counts == 2][0]]
    d = pd.Timestamp(frame.loc[i1, "Dispatched"])

    def at(seconds: int) -> str:
        return f"{d + pd.Timedelta(seconds=seconds):%Y-%m-%d %H:%M:%S}"

    # the first row (kept) has no en-route time; another unit's row was en route after it
    # arrived: merged into one incident, the database would refuse its order
    frame.loc[i1, ["En Route", "On Scene", "Transport", "Clear"]] = ["", at(300), "", at(3000)]
    frame.loc[i2, ["Dispatched", "En Route", "On Scene", "Transport", "Clear"]] = [
        at(0), at(400), at(500), "", at(3500)
    ]  # fmt: skip
    log = write_cad(frame, tmp_path / "cad.csv")
    per_row = yaml.safe_load(CAD.read_text(encoding="utf-8"))
    per_row["shape"] = "incident"
    per_row["columns"]["units"] = per_row["columns"].pop("call_sign")
    del per_row["columns"]["transporting_at"]
    wrong = tmp_path / "per-row.yaml"
    wrong.write_text(yaml.safe_dump(per_row), encoding="utf-8")
    first = run(engine, log, wrong)
    assert first.rejected_rows == len(frame) - 30
    assert all("needs shape: unit_response" in r.message for r in first.rejects if not r.kept)
    before = database_content(engine)
    again = run(engine, first.rejects_file, wrong)  # the same rows: not merged, refused again
    assert again.rejected_rows == first.rejected_rows
    assert all(r.message.startswith("still a duplicate of incident") for r in again.rejects)
    assert database_content(engine) == before
    fixed = run(engine, first.rejects_file)  # now in the right shape: merged, first/last
    clashes = [r for r in fixed.rejects if "left empty" in r.message]
    assert [(r.field, r.kept) for r in clashes] == [("En Route", True)]
    second = pd.read_csv(first.rejects_file, dtype=str, keep_default_na=False)
    assert second.loc[clashes[0].row - 2, "reject_row"] == str(i2 + 2)  # that other unit
    assert clashes[0].message == (
        f"first en route {at(400)} WIB is after first on scene {at(300)} WIB: left empty "
        f"(the other time was stored before) [row {i2 + 2} of the log it was first rejected "
        "from]"
    )
    stored = incidents(engine)
    expected = first_on_scene(log)
    assert (
        stored["on_scene_at"].sort_index().tolist()
        == expected["on_scene"].dt.tz_convert("UTC").sort_index().tolist()
    )
    assert dispatch_count(engine) == len(frame)
    # a value the database itself refuses (an id longer than its 128 characters)
    frame.loc[0, "Incident Number"] = "F" * 200
    other = yaml.safe_load(CAD.read_text(encoding="utf-8"))
    other["source"] = "cad-other"
    (tmp_path / "other.yaml").write_text(yaml.safe_dump(other), encoding="utf-8")
    refused = run(engine, write_cad(frame, tmp_path / "long.csv"), tmp_path / "other.yaml")
    assert [(r.row, r.kept) for r in refused.rejects if not r.kept] == [(2, False)]
    assert [r.message for r in refused.rejects if r.row == i2 + 2] == [
        f"the incident's first en route {at(400)} WIB is after first on scene {at(300)} WIB: "
        "left empty"
    ]  # the clash within the file itself
    assert refused.rejects[0].message == (
        "the database refused this incident (value too long for type character varying(128)); "
        "nothing of it was stored"
    )
    stored_ids = frame["Incident Number"].nunique() - 1
    assert refused.loaded["incidents new"] == stored_ids  # the others, in one transaction
    assert refused.loaded["dispatches new"] == len(frame) - 1


def test_the_112_ticket_forwarded_to_several_opd(
    engine: Engine, fleet: int, tmp_path: Path
) -> None:
    columns = ["No Tiket", "Kategori", "Status Tiket", "Urgensi", "Koordinat",
               "Alamat Kejadian", "Nama Pelapor", "No Telepon", "Waktu Lapor",
               "Diteruskan Ke", "Unit OPD", "Waktu Diteruskan", "Waktu Berangkat",
               "Waktu Tiba", "Waktu Selesai"]  # fmt: skip
    rows = [
        ["112-0001", "KECELAKAAN", "DARURAT", "Kritis", "-5.10, 105.05", "Jl. A", "Budi",
         "0812", "04/05/2026 08:00:00", "PSC 119", "M-1", "04/05/2026 08:01:10",
         "04/05/2026 08:02:00", "04/05/2026 08:14:30", "04/05/2026 09:00:00"],
        ["112-0001", "KECELAKAAN", "DARURAT", "Kritis", "-5.10, 105.05", "Jl. A", "Budi",
         "0812", "04/05/2026 08:00:00", "Polres", "POL-7", "04/05/2026 08:01:40",
         "04/05/2026 08:03:00", "04/05/2026 08:11:00", "04/05/2026 08:40:00"],
        ["112-0001", "KECELAKAAN", "DARURAT", "Kritis", "-5.10, 105.05", "Jl. A", "Budi",
         "0812", "04/05/2026 08:00:00", "Dinas Pemadam Kebakaran", "E-1",
         "04/05/2026 08:02:00", "04/05/2026 08:04:00", "04/05/2026 08:20:00",
         "04/05/2026 09:30:00"],
        ["112-0002", "KEBAKARAN", "ISENG", "Rendah", None, None, None, None,
         "04/05/2026 10:00:00", None, None, None, None, None, None],
    ]  # fmt: skip
    log = tmp_path / "tiket.csv"
    pd.DataFrame(rows, columns=columns).to_csv(log, index=False)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO agencies (city_id, code, name, kind) VALUES (:c, 'POLRES', "
                 "'Polres', 'police')"), {"c": fleet},
        )  # fmt: skip
    outcome = run(engine, log, MAPPINGS / "ticket-112-opd.yaml")
    assert outcome.rejects == ()
    assert outcome.loaded["units created"] == 1 and outcome.loaded["dispatches new"] == 3
    stored = incidents(engine)
    crash = stored.loc["112-0001"]
    assert (crash["category"], crash["priority"]) == ("traffic_accident", 1)
    assert crash["dispatched_at"] == utc("2026-05-04 08:01:10")  # first forwarded
    assert crash["en_route_at"] == utc("2026-05-04 08:02:00")
    assert crash["on_scene_at"] == utc("2026-05-04 08:11:00")  # the police came first
    assert crash["cleared_at"] == utc("2026-05-04 09:30:00")  # Damkar left last
    assert stored.loc["112-0002", "category"] == "prank"  # the outcome, not the category
    with engine.connect() as conn:
        police = conn.execute(
            text("SELECT a.code FROM units u JOIN agencies a ON a.id = u.agency_id "
                 "WHERE u.call_sign = 'POL-7'")
        ).scalar_one()  # fmt: skip
    assert police == "POLRES"  # created in its row's OPD, not the mapping's default


@pytest.mark.parametrize("name", sorted(p.name for p in MAPPINGS.glob("*.yaml")))
def test_every_example_mapping_is_valid(name: str) -> None:
    mapping = parse_mapping(read_mapping_file(MAPPINGS / name), name=name)
    assert mapping.shape in ("incident", "unit_response")
    assert np.all([column.strip() for column in mapping.all_columns().values()])


def test_the_command_imports_a_cad_export_and_its_fixed_rejects(
    engine: Engine, fleet: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TANGGAP_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    good = cad_export(seed=21, incidents=25)
    bad = good.copy()
    bad.loc[4, "Clear"] = "2026-05-01 00:00:00"
    log = write_cad(bad, tmp_path / "cad.csv")
    runner = CliRunner()
    command = ["incidents", "import", str(log), "--mapping", str(CAD), "--city", "00.01"]
    done = runner.invoke(app, command)
    assert done.exit_code == 0, done.output
    assert "incidents new" in done.output and "fields left empty (row kept)" in done.output
    assert "cad.rejected.csv" in done.output
    rejected = pd.read_csv(tmp_path / "cad.rejected.csv", dtype=str, keep_default_na=False)
    assert rejected["reject_row"].tolist() == ["6"] and rejected["reject_kept"].tolist() == ["yes"]
    rejected.loc[0, "Clear"] = good.loc[4, "Clear"]
    rejected.to_csv(tmp_path / "fixed.csv", index=False)
    fixed = runner.invoke(app, [*command[:2], str(tmp_path / "fixed.csv"), *command[3:]])
    assert fixed.exit_code == 0, fixed.output
    assert stored_count(fixed.output, "incidents updated") == 1
    assert stored_count(fixed.output, "dispatches updated") == 1
    bad_mapping = tmp_path / "bad.yaml"
    bad_mapping.write_text(CAD.read_text(encoding="utf-8").replace("unit_response", "per_unit"))
    refused = runner.invoke(app, [*command[:3], "--mapping", str(bad_mapping), "--city", "00.01"])
    assert refused.exit_code == 2 and "shape must be one of incident, unit_response" in (
        refused.output
    )
    assert "Nothing was written." in refused.output


def stored_count(output: str, what: str) -> int:
    """The count on the summary table's line ``what``."""
    line = next(line for line in output.splitlines() if what in line)
    return int(line.replace("│", " ").split()[-1].replace(",", ""))


def test_a_log_never_creates_a_call_sign_another_agency_holds(engine: Engine, fleet: int) -> None:
    """Call signs are the city's (the fleet's rule): a log naming Damkar's E-1 under PSC 119
    creates no second E-1; a new call sign is created in the agency the row names."""
    with engine.begin() as conn:
        created = create_log_units(conn, fleet, [("E-1", "PSC119"), ("M-9", "PSC119")])
        held = conn.execute(text("SELECT count(*) FROM units WHERE call_sign = 'E-1'")).scalar()
    assert [(unit.call_sign, unit.agency) for unit in created] == [("M-9", "PSC119")]
    assert held == 1
