"""The demo city written out as a city's files and loaded back through the file importers.

The session's demo database was loaded by :func:`geodata.load.city_load.load_city`; here the same
city goes through ``import-areas``, ``import-roads``, ``import-stations`` and ``incidents
import`` from GeoJSON, GeoPackage and CSV files, and must come out the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL

from geodata.demo import DemoCity
from geodata.importers.areas import AreaFields, import_areas
from geodata.importers.incident_logs import import_incident_log
from geodata.importers.roads import NetworkOptions, RoadFields, import_roads
from geodata.importers.sources import SourceFile
from geodata.importers.stations import StationFields, import_stations
from geodata.vocabulary import AgencyKind, IncidentCategory

SAMPLE = 3_000
TIMES = ["received_at", "dispatched_at", "en_route_at", "on_scene_at", "cleared_at"]


@pytest.fixture(scope="module")
def demo_engine(demo_url: URL) -> Iterator[Engine]:
    engine = create_engine(demo_url)
    yield engine
    engine.dispose()


def write_city_files(city: DemoCity, folder: Path) -> dict[str, Path]:
    names = ("kec.geojson", "kel.geojson", "roads.gpkg", "log.csv", "map.yaml")
    files = {name: folder / name for name in names}
    city.kecamatan.to_file(files["kec.geojson"])
    city.kelurahan.to_file(files["kel.geojson"])
    city.road_edges[["road_class", "name", "oneway", "geometry"]].to_file(files["roads.gpkg"])
    for kind, stations in city.stations.merge(city.agencies, on="agency_code").groupby("kind"):
        frame = pd.DataFrame(
            {
                "kode": stations["station_code"],
                "nama": stations["name_x"],
                "lat": stations.geometry.y,
                "lon": stations.geometry.x,
            }
        )
        files[f"posko-{kind}"] = folder / f"posko-{kind}.csv"
        frame.to_csv(files[f"posko-{kind}"], index=False)
    log = city.incidents.iloc[:SAMPLE]
    export = pd.DataFrame(log.drop(columns="geometry"))
    export["lokasi"] = [f"{p.y:.9f}, {p.x:.9f}" for p in log.geometry]
    for column in TIMES:
        export[column] = export[column].map(lambda t: t.isoformat() if pd.notna(t) else "")
    export.to_csv(files["log.csv"], index=False)
    mapping = {
        "source": "demo",
        "columns": {
            "external_id": "external_id", "category": "category", "priority": "priority",
            "address": "address", "coordinates": "lokasi", "caller_name": "caller_name",
            "caller_phone": "caller_phone", **{column: column for column in TIMES},
        },
        "categories": {category.value: category.value for category in IncidentCategory},
    }  # fmt: skip
    files["map.yaml"].write_text(yaml.safe_dump(mapping), encoding="utf-8")
    return files


def test_the_demo_city_comes_back_the_same_through_the_importers(
    engine: Engine, demo_engine: Engine, demo_city: DemoCity, tmp_path: Path
) -> None:
    files = write_city_files(demo_city, tmp_path)
    code = demo_city.code
    with engine.begin() as conn:
        kec = AreaFields("name", "code", population="population")
        import_areas(conn, SourceFile(files["kec.geojson"]), city_code=code, level="kecamatan",
                     fields=kec, create=(demo_city.name, demo_city.timezone))  # fmt: skip
        kel = AreaFields("name", "code", population="population", parent="kecamatan_code")
        import_areas(
            conn, SourceFile(files["kel.geojson"]), city_code=code, level="kelurahan", fields=kel
        )
        roads = import_roads(
            conn, SourceFile(files["roads.gpkg"]), city_code=code,
            fields=RoadFields("road_class", "name", "oneway"), options=NetworkOptions(snap_m=0.0),
        )  # fmt: skip
        for kind in AgencyKind:
            if f"posko-{kind.value}" in files:
                import_stations(conn, SourceFile(files[f"posko-{kind.value}"]), city_code=code,
                                fields=StationFields(code="kode", agency=kind))  # fmt: skip
        log = import_incident_log(
            conn, SourceFile(files["log.csv"]), SourceFile(files["map.yaml"]), city_code=code
        )
    assert roads.rejects == () and log.rejects == ()
    assert roads.loaded["connected components"] == 1
    assert log.loaded["incidents new"] == SAMPLE

    areas = ("SELECT a.level, a.code, a.name, a.population, p.code AS parent, "
             "round(ST_Area(a.geom::geography)) AS m2 FROM admin_areas a "
             "LEFT JOIN admin_areas p ON p.id = a.parent_id ORDER BY a.level, a.code")  # fmt: skip
    network = ("SELECT count(*), round(sum(length_m)), count(*) FILTER (WHERE oneway), "
               "string_agg(DISTINCT road_class, ',') FROM road_edges")  # fmt: skip
    posko = ("SELECT a.kind, count(*) FROM stations s JOIN agencies a ON a.id = s.agency_id "
             "GROUP BY 1 ORDER BY 1")  # fmt: skip
    incidents = ("SELECT i.external_id, i.category, i.priority, i.status, " + ", ".join(TIMES)
                 + ", a.code AS kelurahan FROM incidents i LEFT JOIN admin_areas a ON a.id = "
                 "i.area_id WHERE i.external_id = ANY(:ids) ORDER BY i.external_id")  # fmt: skip
    ids = {"ids": demo_city.incidents["external_id"].iloc[:SAMPLE].tolist()}
    for sql, params in ((areas, {}), (network, {}), (posko, {}), (incidents, ids)):
        with engine.connect() as imported, demo_engine.connect() as loaded:
            assert (
                imported.execute(text(sql), params).all() == loaded.execute(text(sql), params).all()
            )
