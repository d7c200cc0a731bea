"""The ``tanggap city …`` commands as a user runs them: real processes, a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pyrosm
from shapely import LineString, box
from sqlalchemy import Engine, text


def tanggap(engine: Engine, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TANGGAP_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


def test_a_city_from_osm_then_its_areas_roads_and_posko_from_files(
    engine: Engine, tmp_path: Path
) -> None:
    outline = box(24.935, 60.160, 24.955, 60.180)
    gpd.GeoDataFrame({"kode": ["01"], "nama": ["Kluuvi"]}, geometry=[outline], crs=4326).to_file(
        tmp_path / "kecamatan.geojson"
    )
    osm = tanggap(
        engine, "city", "import-osm", pyrosm.get_data("helsinki_pbf"), "--boundary",
        str(tmp_path / "kecamatan.geojson"), "--name", "Helsinki", "--code", "FI.091",
        "--timezone", "Europe/Helsinki",
    )  # fmt: skip
    assert osm.returncode == 0, osm.stderr
    assert "edges in the largest component" in osm.stderr and "posko of DAMKAR" in osm.stderr
    areas = tanggap(
        engine, "city", "import-areas", str(tmp_path / "kecamatan.geojson"), "--level",
        "kecamatan", "--city", "FI.091", "--name-field", "nama", "--code-field", "kode",
    )  # fmt: skip
    assert areas.returncode == 0, areas.stderr
    gpd.GeoDataFrame(
        {"KELAS": ["Jalan Lokal", "Jalan Tol"]},
        geometry=[
            LineString([(24.94, 60.17), (24.95, 60.17)]),
            LineString([(24.945, 60.16), (24.945, 60.175)]),
        ],
        crs=4326,
    ).to_file(tmp_path / "jalan.gpkg")
    roads = tanggap(
        engine, "city", "import-roads", str(tmp_path / "jalan.gpkg"), "--city", "FI.091",
        "--class-field", "KELAS", "--split-crossings",
    )  # fmt: skip
    assert roads.returncode == 0, roads.stderr
    (tmp_path / "posko.csv").write_text("nama,lat,lon\nPos Damkar Kallio,60.172,24.95\n")
    posko = tanggap(
        engine, "city", "import-stations", str(tmp_path / "posko.csv"), "--city", "FI.091"
    )
    assert posko.returncode == 0, posko.stderr
    with engine.connect() as conn:
        counts = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM admin_areas), (SELECT count(*) FROM road_edges), "
                "(SELECT count(*) FROM stations s JOIN agencies a ON a.id = s.agency_id "
                "WHERE a.code = 'DAMKAR')"
            )
        ).one()
    assert tuple(counts) == (1, 4, 2)  # the two crossing lines split in four; OSM's + ours


def test_a_refused_file_exits_with_status_2_and_no_traceback(
    engine: Engine, tmp_path: Path
) -> None:
    (tmp_path / "empty.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    result = tanggap(
        engine, "city", "import-areas", str(tmp_path / "empty.geojson"), "--level", "kelurahan",
        "--city", "36.72", "--name-field", "nama", "--code-field", "kode", "--city-name", "Kota X",
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "empty.geojson has no features" in result.stderr
