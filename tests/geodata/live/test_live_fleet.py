"""A retired unit leaves the live picture (map, wall, posko counts) but keeps its history."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine, text

from geodata.live.queries import read_live_rows
from geodata.live.state import advance
from geodata.map_queries import station_points
from geodata.operations.fleet import UnitChange, change_unit
from geodata.operations.units import list_units
from geodata.responders import DEFAULT_RESPONSE_AGENCIES
from tests.geodata.networks import grid_city, store_city, store_units


def test_a_retired_unit_is_off_the_live_picture_and_in_the_history(engine: Engine) -> None:
    city = grid_city(np.random.default_rng(5), 5, oneway_share=0.0, drop_share=0.0)
    lon, lat = float(city.nodes.geometry.x.mean()), float(city.nodes.geometry.y.mean())
    with engine.begin() as conn:
        city_id = store_city(conn, city, "00.41")
        store_units(conn, city_id, [("AMB-1", "ambulance", "ambulance", lon, lat),
                                    ("AMB-2", "ambulance", "ambulance", lon, lat)])  # fmt: skip
        station = conn.execute(text(
            "INSERT INTO stations (agency_id, code, name, geom) SELECT id, 'P1', 'Pos', "
            "ST_SetSRID(ST_MakePoint(:x, :y), 4326) FROM agencies RETURNING id"),
            {"x": lon, "y": lat}).scalar_one()  # fmt: skip
        conn.execute(text("UPDATE units SET home_station_id = :s"), {"s": station})
        change_unit(conn, city_id, "AMB-2", UnitChange(retired=True), actor="tests")
        live = read_live_rows(conn, city_id, DEFAULT_RESPONSE_AGENCIES)
        posko = station_points(conn, city_id)
        listed = [u["call_sign"] for u in list_units(conn, city_id)]
        everyone = [u["call_sign"] for u in list_units(conn, city_id, with_retired=True)]
    assert live.units["call_sign"].tolist() == ["AMB-1"]
    assert live.stations["units"].tolist() == [1] and posko["units"].tolist() == [1]
    assert listed == ["AMB-1"] and everyone == ["AMB-1", "AMB-2"]


def test_a_unit_retired_between_two_ticks_leaves_at_the_next(engine: Engine) -> None:
    city = grid_city(np.random.default_rng(5), 5, oneway_share=0.0, drop_share=0.0)
    lon, lat = float(city.nodes.geometry.x.mean()), float(city.nodes.geometry.y.mean())
    with engine.begin() as conn:
        city_id = store_city(conn, city, "00.42")
        store_units(conn, city_id, [("AMB-1", "ambulance", "ambulance", lon, lat),
                                    ("AMB-2", "ambulance", "ambulance", lon, lat)])  # fmt: skip
    with engine.begin() as conn:
        rows = read_live_rows(conn, city_id, DEFAULT_RESPONSE_AGENCIES)
    first = advance(None, rows, city_id=city_id, stale_after_s=600)
    with engine.begin() as conn:
        change_unit(conn, city_id, "AMB-2", UnitChange(retired=True), actor="tests")
    with engine.begin() as conn:
        partial = read_live_rows(conn, city_id, DEFAULT_RESPONSE_AGENCIES,
                                 changed_since_s=first.incidents_read_s - 1)  # fmt: skip
    second = advance(first, partial, city_id=city_id, stale_after_s=600)
    assert not partial.complete and len(partial.retired_unit_ids) == 1
    shown = second.units.loc[second.units["unit_id"] >= 0, "call_sign"].tolist()
    assert sorted(first.units.loc[first.units["unit_id"] >= 0, "call_sign"]) == ["AMB-1", "AMB-2"]
    assert shown == ["AMB-1"] and second.version > first.version
