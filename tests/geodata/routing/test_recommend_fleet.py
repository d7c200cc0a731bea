"""A unit imported from a roster is routed by its own vehicle and agency; retired, never."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from geodata.importers.sources import SourceFile
from geodata.importers.stations import StationFields, import_stations
from geodata.importers.units import import_units, read_mapping
from geodata.load.responder_store import create_standard_agencies
from geodata.operations.fleet import UnitChange, change_unit
from geodata.responders import DEFAULT_RESPONSE_AGENCIES
from geodata.routing.recommend import recommend_surge, recommend_units
from geodata.routing.vehicle_profiles import SPEEDS_KMH
from geodata.vocabulary import VehicleProfile
from tests.geodata.networks import grid_city, store_city, store_incident


def test_imported_units_are_ranked_by_their_own_vehicle_and_retired_ones_never(
    engine: Engine, tmp_path: Path
) -> None:
    city = grid_city(np.random.default_rng(7), 7, oneway_share=0.0, drop_share=0.0)
    corner = city.nodes.geometry.iloc[0]
    far = city.nodes.geometry.iloc[-1]
    (tmp_path / "posko.csv").write_text(f"nama,lat,lon\nPolsek Pojok,{corner.y},{corner.x}\n")
    pd.DataFrame({
        "call_sign": ["POL-MTR", "POL-MBL", "AMB-1"],
        "agency": ["Polres", "POLRES", "PSC119"],
        "posko": ["Polsek Pojok", "Polsek Pojok", "Polsek Pojok"],
        "jenis kendaraan": ["sepeda motor", "mobil patroli", ""],
    }).to_csv(tmp_path / "armada.csv", index=False)  # fmt: skip
    with engine.begin() as conn:
        city_id = store_city(conn, city, "00.31")
        create_standard_agencies(conn, city_id, "Kota Grid")
        import_stations(conn, SourceFile(tmp_path / "posko.csv"), city_code="00.31",
                        fields=StationFields())  # fmt: skip
        outcome = import_units(conn, SourceFile(tmp_path / "armada.csv"), city_code="00.31",
                               mapping=read_mapping(None))  # fmt: skip
        assert outcome.loaded["units new"] == 3 and outcome.rejects == ()
        crime = store_incident(conn, city_id, "crime", far.x, far.y, "C-1")
        health = store_incident(conn, city_id, "health", far.x, far.y, "H-1")
        found = recommend_units(conn, [crime, health], DEFAULT_RESPONSE_AGENCIES, k=5)
    by_sign = {o.call_sign: o for o in found[0].ranked("police")}
    assert {s: o.vehicle_profile for s, o in by_sign.items()} == {
        "POL-MTR": "motorbike", "POL-MBL": "car"}  # fmt: skip
    assert by_sign["POL-MTR"].from_station and by_sign["POL-MBL"].from_station
    # the same roads from the same posko: the motorbike is faster on every road class
    assert all(SPEEDS_KMH[VehicleProfile.MOTORBIKE][c] > SPEEDS_KMH[VehicleProfile.CAR][c]
               for c in SPEEDS_KMH[VehicleProfile.CAR])  # fmt: skip
    assert by_sign["POL-MTR"].travel_time_s < by_sign["POL-MBL"].travel_time_s
    # the agency decides who answers: the ambulance (its agency's usual vehicle) for health
    assert [(o.call_sign, o.vehicle_profile) for o in found[1].ranked("ambulance")] == [
        ("AMB-1", "ambulance")]  # fmt: skip
    with engine.begin() as conn:
        change_unit(conn, city_id, "POL-MTR", UnitChange(retired=True), actor="tests")
        standing = conn.execute(text(
            "SELECT status FROM units WHERE call_sign = 'POL-MTR'")).scalar_one()  # fmt: skip
        # retirement alone keeps it out, whatever its status says
        conn.execute(text("UPDATE units SET status = 'available' WHERE call_sign = 'POL-MTR'"))
        again = recommend_units(conn, [crime], DEFAULT_RESPONSE_AGENCIES, k=5)
        surge = recommend_surge(conn, [crime], DEFAULT_RESPONSE_AGENCIES, k=5)
    for answer in (again, surge):
        signs = [o.call_sign for opts in answer[0].options.values() for o in opts]
        assert "POL-MTR" not in signs and "POL-MBL" in signs
    assert standing == "out_of_service"
