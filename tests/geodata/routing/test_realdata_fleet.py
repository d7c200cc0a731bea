"""Kota Cilegon from its real boundary, areas, government roads and facilities, with a
roster the test makes from its posko: a fire call and a health call ranked by road."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from geodata.importers.areas import AreaFields, import_areas
from geodata.importers.city_create import NewCity, create_city
from geodata.importers.roads import NetworkOptions, RoadFields, import_roads
from geodata.importers.sources import SourceFile
from geodata.importers.stations import StationFields, import_stations
from geodata.importers.units import import_units, read_mapping
from geodata.responders import DEFAULT_RESPONSE_AGENCIES
from geodata.routing.recommend import recommend_units
from tests.conftest import SHARED_REALDATA
from tests.geodata.networks import store_incident

BOUNDARIES, ROADS, POIS = (SHARED_REALDATA / name for name in ("boundaries", "roads", "pois"))
pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not (BOUNDARIES / "cilegon_kabkota.geojson").is_file(),
                       reason="../shared/realdata is absent"),
]  # fmt: skip


def test_cilegon_from_its_files_ranks_its_roster_by_road(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        create_city(conn, NewCity("36.72", "Kota Cilegon", "WIB"),
                    boundary=SourceFile(BOUNDARIES / "cilegon_kabkota.geojson"))  # fmt: skip
        city_id = conn.execute(text("SELECT id FROM cities")).scalar_one()
        for level, name in (("kecamatan", "cilegon_kecamatan"),
                            ("kelurahan", "cilegon_desa_kelurahan")):  # fmt: skip
            parent = "kode_kecamatan" if level == "kelurahan" else None
            import_areas(conn, SourceFile(BOUNDARIES / f"{name}.geojson",
                                          rejects=tmp_path / f"{name}.csv"),
                         city_code="36.72", level=level,
                         fields=AreaFields("nama", "kode", parent=parent))  # fmt: skip
        import_roads(conn, SourceFile(ROADS / "cilegon_roads_by_status_dputr2016.geojson"),
                     city_code="36.72", fields=RoadFields("NAMOBJ", name="KET"),
                     options=NetworkOptions(snap_m=1.0))  # fmt: skip
        for layer in ("hospitals", "police_military"):
            import_stations(conn, SourceFile(POIS / f"cilegon_{layer}.geojson",
                                             rejects=tmp_path / f"{layer}.csv"),
                            city_code="36.72", fields=StationFields(name="TOPONIM"))  # fmt: skip
        posko = conn.execute(text(
            "SELECT s.name, a.code FROM stations s JOIN agencies a ON a.id = s.agency_id "
            "ORDER BY a.code, s.name")).all()  # fmt: skip
    roster = pd.DataFrame(
        [(f"{'AMB' if code == 'PSC119' else 'POL'}-{i:02d}", code, name,
          "ambulans" if code == "PSC119" else "sepeda motor", 2)
         for i, (name, code) in enumerate(posko, start=1)],
        columns=["kode unit", "opd", "posko", "jenis kendaraan", "awak"],
    )  # fmt: skip
    roster.to_excel(tmp_path / "armada_cilegon.xlsx", index=False)
    with engine.begin() as conn:
        outcome = import_units(conn, SourceFile(tmp_path / "armada_cilegon.xlsx"),
                               city_code="36.72", mapping=read_mapping(None))  # fmt: skip
        assert outcome.rejects == () and outcome.loaded["units new"] == len(posko) >= 15
        # a traffic accident at the Cilegon toll gate: ambulances and police answer
        accident = store_incident(conn, city_id, "traffic_accident", 106.0393, -6.0135, "KL-1")
        [found] = recommend_units(
            conn, [accident], DEFAULT_RESPONSE_AGENCIES, k=5, with_routes=True
        )
    for kind, profile in (("ambulance", "ambulance"), ("police", "motorbike")):
        ranked = found.ranked(kind)
        assert len(ranked) == 5, kind
        times = [o.travel_time_s for o in ranked]
        assert times == sorted(times) and all(t is not None and 0 < t < 3600 for t in times)
        assert {o.vehicle_profile for o in ranked} == {profile}
        assert all(o.from_station and o.road_distance_m >= o.straight_distance_m * 0.99
                   for o in ranked)  # fmt: skip
