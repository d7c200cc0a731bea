"""A small real app for the trust tests: two cities, units and incidents, one account per
role (and one scoped to the second city), served through Flask's test client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import dash
import numpy as np
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import URL

from dashboard.app import create_app
from geodata.db.embedded import EmbeddedPostgres
from geodata.settings import Settings
from tests.access import Person, add_people
from tests.conftest import TEMPLATE, drop_database, new_database
from tests.geodata.networks import grid_city, store_city, store_incident, store_units


@dataclass(frozen=True)
class TrustCity:
    """The app, its database, people, and the ids the tests poke at."""

    app: dash.Dash
    url: URL
    people: dict[str, Person]
    other_people: dict[str, Person]
    city_code: str
    other_code: str
    incident: int
    other_incident: int
    units: dict[str, int]


@pytest.fixture(scope="module")
def trust(pg_cluster: EmbeddedPostgres, template_url: URL) -> Iterator[TrustCity]:
    url = new_database(pg_cluster, TEMPLATE)
    engine = create_engine(url)
    city = grid_city(np.random.default_rng(3), 8, oneway_share=0.0, drop_share=0.0)
    lon, lat = float(city.nodes.geometry.x.mean()), float(city.nodes.geometry.y.mean())
    with engine.begin() as conn:
        first = store_city(conn, city, "00.10")
        units = store_units(
            conn,
            first,
            [
                ("DMK-1", "fire", "fire_engine", lon + 0.001, lat),
                ("DMK-2", "fire", "fire_engine", lon + 0.004, lat),
                ("AMB-1", "ambulance", "ambulance", lon, lat),
            ],
        )
        incident = store_incident(conn, first, "fire", lon, lat, "F-1")
        conn.exec_driver_sql(
            "INSERT INTO incident_callers (incident_id, caller_name, caller_phone) "
            f"VALUES ({incident}, 'Wahyuningsih Rahasia', '+6281298765432')"
        )
        second = store_city(conn, city, "00.11")
        other_units = store_units(conn, second, [("POL-9", "police", "car", lon, lat + 0.002)])
        other_incident = store_incident(conn, second, "crime", lon, lat, "C-1")
        people = add_people(conn)
        other_people = add_people(conn, city_id=second, suffix=".kota2")
    engine.dispose()
    app = create_app(Settings(database_url=url.render_as_string(hide_password=False)))
    yield TrustCity(app, url, people, other_people, "00.10", "00.11", incident, other_incident,
                    {**units, **other_units})  # fmt: skip
    app.server.config["TANGGAP_ENGINE"].dispose()
    drop_database(pg_cluster, url)
