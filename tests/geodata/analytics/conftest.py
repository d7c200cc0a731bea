"""Fixtures of the analytics tests: the tiny two-kelurahan city with posko and units, the
seeded log of :mod:`tests.geodata.analytics.generated_log` written to it, and a five-node
road network."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import pandas as pd
import pytest
from shapely import LineString, Point
from sqlalchemy import Engine, text

from geodata.load.city_load import load_responders, load_road_network
from tests.geodata.analytics.generated_log import (
    AGENCIES,
    EDGES,
    NODES,
    Log,
    generate_log,
    write_log,
)


@pytest.fixture
def responders(engine: Engine, tiny_city: int) -> int:
    """Damkar (posko in Barat), PSC 119 (Timur) and Polres (Barat), two units each."""
    stations = gpd.GeoDataFrame(
        {
            "station_code": ["D1", "P1", "K1"],
            "name": ["Posko Damkar", "PSC", "Polsek"],
            "agency_code": ["DAMKAR", "PSC119", "POLRES"],
        },
        geometry=[Point(105.05, -5.10), Point(105.15, -5.10), Point(105.05, -5.15)],
        crs=4326,
    )
    units = pd.DataFrame(
        {
            "call_sign": ["DMK-1", "DMK-2", "AMB-1", "AMB-2", "POL-1", "POL-2"],
            "agency_code": ["DAMKAR", "DAMKAR", "PSC119", "PSC119", "POLRES", "POLRES"],
            "station_code": ["D1", "D1", "P1", "P1", "K1", "K1"],
            "capability": [None] * 6,
            "vehicle_profile": ["fire_engine"] * 2 + ["ambulance"] * 2 + ["car"] * 2,
            "status": ["available"] * 6,
        }
    )
    with engine.begin() as conn:
        load_responders(conn, tiny_city, AGENCIES, stations, units)
    return tiny_city


@pytest.fixture
def log(engine: Engine, responders: int) -> Log:
    """A 600-call seeded log written to the tiny city."""
    generated = replace(generate_log(20260504, 600), city_id=responders)
    write_log(engine, responders, generated)
    return generated


@pytest.fixture
def network(engine: Engine, responders: int) -> dict[tuple[int, int], float]:
    """Load the five-node network; returns fire-engine cost (s) per (source, target) label."""
    nodes = gpd.GeoDataFrame(
        {"node_id": list(NODES)}, geometry=[Point(xy) for xy in NODES.values()], crs=4326
    )
    edges = gpd.GeoDataFrame(
        {
            "edge_id": range(1, len(EDGES) + 1),
            "source": [e[0] for e in EDGES],
            "target": [e[1] for e in EDGES],
            "road_class": [e[2] for e in EDGES],
            "name": None,
            "oneway": [e[3] for e in EDGES],
        },
        geometry=[LineString([NODES[e[0]], NODES[e[1]]]) for e in EDGES],
        crs=4326,
    )
    with engine.begin() as conn:
        load_road_network(conn, responders, nodes, edges)
        rows = conn.execute(
            text(
                "SELECT e.source, e.target, c.cost_s FROM road_edges e JOIN road_edge_costs c "
                "ON c.edge_id = e.id AND c.profile = 'fire_engine' ORDER BY e.id"
            )
        ).all()
    label = {
        node_id: index + 1
        for index, node_id in enumerate(sorted({r.source for r in rows} | {r.target for r in rows}))
    }
    return {(label[r.source], label[r.target]): r.cost_s for r in rows}
