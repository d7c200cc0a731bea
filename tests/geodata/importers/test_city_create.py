"""``tanggap city create``: a city from its boundary alone, as a new user runs it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import typer.main
from shapely import Polygon, box
from sqlalchemy import Engine, text

from dashboard.cli.main import app
from tests.conftest import SHARED_REALDATA
from tests.geodata.importers.conftest import database_content
from tests.geodata.importers.test_city_commands import tanggap

METRO = SHARED_REALDATA / "boundaries" / "metro_kabkota.geojson"
METRO_KELURAHAN = SHARED_REALDATA / "boundaries" / "metro_desa_kelurahan.geojson"
STANDARD = {"PSC119", "DAMKAR", "BPBD", "POLRES", "DISHUB", "BASARNAS"}


def _city(engine: Engine, code: str) -> tuple[str, str, float, set[str]]:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT id, name, timezone, ST_Area(boundary::geography) / 1e6 AS km2 "
                 "FROM cities WHERE code = :c"), {"c": code},
        ).one()  # fmt: skip
        agencies = set(
            conn.execute(text("SELECT code FROM agencies WHERE city_id = :c"), {"c": row.id})
            .scalars()
        )  # fmt: skip
    return row.name, row.timezone, float(row.km2), agencies


@pytest.mark.realdata
@pytest.mark.skipif(not METRO.is_file(), reason="../shared/realdata is absent")
def test_kota_metro_from_its_boundary_then_its_kelurahan(engine: Engine) -> None:
    made = tanggap(engine, "city", "create", "--boundary", str(METRO), "--code", "18.72",
                   "--city-name", "Kota Metro", "--timezone", "WIB")  # fmt: skip
    assert made.returncode == 0, made.stderr
    name, zone, km2, agencies = _city(engine, "18.72")
    assert (name, zone, agencies) == ("Kota Metro", "Asia/Jakarta", STANDARD)
    assert km2 == pytest.approx(73.15, rel=0.01)  # SOURCES.md
    before = database_content(engine)
    again = tanggap(engine, "city", "create", "--boundary", str(METRO), "--code", "18.72",
                    "--city-name", "Kota Metro", "--timezone", "Asia/Jakarta")  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "city unchanged" in again.stderr
    assert database_content(engine) == before
    kelurahan = tanggap(engine, "city", "import-areas", str(METRO_KELURAHAN), "--level",
                        "kelurahan", "--city", "18.72", "--name-field", "nama", "--code-field",
                        "kode", "--parent-field", "kode_kecamatan")  # fmt: skip
    assert kelurahan.returncode == 0, kelurahan.stderr
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM admin_areas")).scalar_one() == 22


def test_a_first_look_from_a_box_in_wita_then_renamed(engine: Engine) -> None:
    made = tanggap(engine, "city", "create", "--bbox", "119.38,-5.20,119.50,-5.08", "--code",
                   "73.71", "--city-name", "Kota Makasar", "--timezone", "wita")  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "city new" in made.stderr
    name, zone, km2, agencies = _city(engine, "73.71")
    assert (name, zone, agencies) == ("Kota Makasar", "Asia/Makassar", STANDARD)
    assert 150 < km2 < 200
    renamed = tanggap(engine, "city", "create", "--bbox", "119.38,-5.20,119.50,-5.08", "--code",
                      "73.71", "--city-name", "Kota Makassar", "--timezone", "WITA")  # fmt: skip
    assert renamed.returncode == 0 and "city updated" in renamed.stderr
    assert _city(engine, "73.71")[0] == "Kota Makassar"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM agencies")).scalar_one() == 6
        actions = conn.execute(text("SELECT action FROM audit_log ORDER BY id")).scalars().all()
    assert actions == ["city.create", "city.create"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bbox", "-5.20,119.38,-5.08,119.50"], "look swapped"),
        (["--bbox", "2.30,48.80,2.40,48.90"], "not in Indonesia"),
        (["--bbox", "119.50,-5.20,119.38,-5.08"], "minimum must come before"),
        (["--bbox", "119.38,-5.20,119.50"], "four numbers"),
        (["--bbox", "119.38,-5.20,119.50,-5.08", "--timezone", "WITT"], "'WITT' is not a time"),
        (["--bbox", "119.38,-5.20,119.50,-5.08", "--timezone", "Asia/Bandung"], "WIT (Asia/"),
    ],
)
def test_bad_boxes_and_zones_are_refused_and_nothing_is_stored(
    engine: Engine, args: list[str], message: str
) -> None:
    before = database_content(engine)
    refused = tanggap(engine, "city", "create", "--code", "73.71", "--city-name", "X", *args)
    assert refused.returncode == 2, refused.stderr
    assert message in refused.stderr and "Traceback" not in refused.stderr
    assert "Nothing was written" in refused.stderr
    assert database_content(engine) == before


def test_bad_boundary_files_are_refused(engine: Engine, tmp_path: Path) -> None:
    swapped = tmp_path / "swapped.geojson"
    gpd.GeoDataFrame(geometry=[box(-5.2, 119.38, -5.08, 119.5)], crs=4326).to_file(swapped)
    empty = tmp_path / "empty.geojson"
    empty.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    points = tmp_path / "points.geojson"
    gpd.GeoDataFrame(geometry=gpd.points_from_xy([119.4], [-5.1]), crs=4326).to_file(points)
    for path, message in (
        (swapped, "look swapped"),
        (empty, "has no features"),
        (points, "no usable polygon"),
    ):
        refused = tanggap(engine, "city", "create", "--boundary", str(path), "--code", "73.71",
                          "--city-name", "X")  # fmt: skip
        assert refused.returncode == 2 and message in refused.stderr, refused.stderr
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cities")).scalar_one() == 0


def test_a_bow_tie_boundary_is_repaired(engine: Engine, tmp_path: Path) -> None:
    bow_tie = Polygon([(119.38, -5.20), (119.50, -5.08), (119.50, -5.20), (119.38, -5.08)])
    path = tmp_path / "bowtie.geojson"
    gpd.GeoDataFrame(geometry=[bow_tie], crs=4326).to_file(path)
    made = tanggap(engine, "city", "create", "--boundary", str(path), "--code", "73.71",
                   "--city-name", "Kota X")  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "repaired with make_valid" in " ".join(made.stderr.split())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT bool_and(ST_IsValid(boundary)) FROM cities")).scalar()


_HINTED = re.compile(r"(?<![\w-])--([a-z][a-z-]+)")


def _options_of(command: Any) -> set[str]:
    found = {opt for p in command.params for opt in p.opts if opt.startswith("--")}
    if hasattr(command, "commands"):  # a group (typer's click may not be click's)
        for sub in command.commands.values():
            found |= _options_of(sub)
    return found


def test_every_option_a_message_names_exists() -> None:
    """Every ``--option`` the importers and the CLI name in a hint is a real option."""
    root = Path(__file__).resolve().parents[3]
    real = _options_of(typer.main.get_command(app))
    named = {}
    for folder in ("geodata/importers", "geodata/load", "dashboard/cli"):
        for source in (root / folder).glob("*.py"):
            for line in source.read_text().splitlines():
                if "typer.Option(" in line:
                    continue
                for option in _HINTED.findall(line):
                    named.setdefault(f"--{option}", source.name)
    assert named, "no hints found: the pattern is wrong"
    assert {option: where for option, where in named.items() if option not in real} == {}


def _command(path: list[str]) -> Any:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


def _check_message(message: str, ran: list[str]) -> None:
    """The options of each `tanggap …` snippet exist in that command; the others in ``ran``."""
    for snippet in re.findall(r"`tanggap ([^`]+)`", message):
        words = snippet.split()
        path = [w for w in words[:2] if re.fullmatch(r"[a-z][a-z-]*", w)]
        path = path if path and path[0] in ("city", "units", "incidents", "users") else path[:1]
        assert set(_HINTED.findall(snippet)) <= {o[2:] for o in _options_of(_command(path))}, (
            snippet
        )
    loose = set(_HINTED.findall(re.sub(r"`[^`]+`", "", message)))
    assert loose <= {o[2:] for o in _options_of(_command(ran))}, message


def test_the_hints_of_a_missing_city_name_the_options_of_their_command(
    engine: Engine, tmp_path: Path
) -> None:
    areas = tmp_path / "kecamatan.geojson"
    gpd.GeoDataFrame({"kode": ["1"], "nama": ["A"]}, geometry=[box(119.4, -5.2, 119.5, -5.1)],
                     crs=4326).to_file(areas)  # fmt: skip
    posko = tmp_path / "posko.csv"
    posko.write_text("nama,lat,lon\nPos Damkar,-5.1,119.4\n")
    runs = (
        ["city", "import-areas", str(areas), "--level", "kecamatan", "--city", "99.99",
         "--name-field", "nama", "--code-field", "kode"],
        ["city", "import-stations", str(posko), "--city", "99.99"],
    )  # fmt: skip
    for args in runs:
        refused = tanggap(engine, *args)
        assert refused.returncode == 2, refused.stderr
        message = " ".join(refused.stderr.split())
        assert "city create" in message
        _check_message(message, args[:2])
