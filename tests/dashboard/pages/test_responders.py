"""The responder rule is one setting: a city that sends police to fires sees it in dispatch,
on the live queue and on the wall alike (``TANGGAP_RESPONSE_AGENCIES``)."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine

from dashboard.live_feed import LiveFeed, LiveOptions, frames_of
from geodata.routing.recommend import recommend_units
from geodata.settings import Settings
from layers.live_queue import QueueFilter, incident_queue
from layers.wall import alert_lines
from tests.geodata.networks import grid_city, store_city, store_incident, store_units


def test_a_configured_mapping_reaches_dispatch_the_live_queue_and_the_wall(
    engine: Engine, monkeypatch: object
) -> None:
    monkeypatch.setenv("TANGGAP_RESPONSE_AGENCIES", '{"fire": ["fire", "police"]}')  # type: ignore[attr-defined]
    settings = Settings(database_url="postgresql://unused")
    assert settings.response_agencies["fire"] == ("fire", "police")

    city = grid_city(np.random.default_rng(7), 8, oneway_share=0.0, drop_share=0.0)
    lon, lat = city.nodes.geometry.x.mean(), city.nodes.geometry.y.mean()
    with engine.begin() as conn:
        city_id = store_city(conn, city)
        store_units(
            conn,
            city_id,
            [
                ("DMK-1", "fire", "fire_engine", lon + 0.002, lat),
                ("POL-1", "police", "car", lon - 0.002, lat),
                ("AMB-1", "ambulance", "ambulance", lon, lat + 0.002),
            ],
        )
        incident_id = store_incident(conn, city_id, "fire", lon, lat)
        dispatch = recommend_units(conn, [incident_id], settings.response_agencies)[0]

    state = LiveFeed(engine, LiveOptions.from_settings(settings)).state(city_id)
    assert state is not None
    queue, _ = incident_queue(frames_of(state).incidents, QueueFilter(), state.built_at_s, "id")
    wall = alert_lines(state.incidents, 0, state.built_at_s, "Asia/Jakarta", "id")

    assert set(dispatch.options) == {"fire", "police"}  # dispatch ranks both agencies
    assert [row.agencies for row in queue] == ["Damkar, Polisi"]  # the queue waits for both
    assert len(wall) == 1 and wall[0].endswith("→ Damkar, Polisi")  # and so does the wall
    police_only = QueueFilter(agencies=frozenset({"police"}))
    assert len(incident_queue(state.incidents, police_only, state.built_at_s, "id")[0]) == 1
