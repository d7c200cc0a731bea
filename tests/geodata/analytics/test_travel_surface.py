"""The travel-time surface: exact on a hand-built network, and equal to pgRouting's
Dijkstra from every fire posko (the minimum over posko) on the demo city's 22,782 edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL

from geodata.analytics.travel_surface import (
    available,
    station_origins,
    travel_time_surface,
    unit_origins,
)
from tests.geodata.analytics.generated_log import NODES


def by_label(engine: Engine, city_id: int, surface: pd.DataFrame) -> dict[int, float]:
    with engine.connect() as conn:
        first = conn.execute(
            text("SELECT min(id) FROM road_nodes WHERE city_id = :c"), {"c": city_id}
        ).scalar_one()
    return {
        int(n - first + 1): t for n, t in zip(surface["node_id"], surface["travel_s"], strict=True)
    }


def test_hand_built_network_gives_exact_times(
    engine: Engine, responders: int, network: dict[tuple[int, int], float]
) -> None:
    c = network
    with engine.connect() as conn:
        fire = station_origins(conn, responders, "fire")
        surface = travel_time_surface(
            conn, responders, fire["node_id"].tolist(), "fire_engine", 3600
        )
        both = travel_time_surface(
            conn,
            responders,
            [*fire["node_id"], *station_origins(conn, responders, "ambulance")["node_id"]],
            "fire_engine",
            3600,
        )
        short = travel_time_surface(conn, responders, fire["node_id"].tolist(), "fire_engine", 1.0)
    assert fire["label"].tolist() == ["Posko Damkar"] and fire["snap_m"].tolist() == [0.0]
    times = by_label(engine, responders, surface)
    assert times[1] == 0.0
    assert times[2] == pytest.approx(c[1, 2])
    assert times[3] == pytest.approx(c[1, 2] + c[2, 3])
    assert times[5] == pytest.approx(c[1, 2] + c[2, 5])
    assert np.isnan(times[4])  # only reachable against the one-way street
    nearest = by_label(engine, responders, both)
    assert nearest[3] == 0.0 and nearest[2] == pytest.approx(min(c[1, 2], c[2, 3]))
    assert by_label(engine, responders, short)[1] == 0.0
    assert np.isnan(by_label(engine, responders, short)[2])  # beyond max_s


def test_no_origin_means_nothing_is_reached(
    engine: Engine, responders: int, network: dict[tuple[int, int], float]
) -> None:
    with engine.connect() as conn:
        surface = travel_time_surface(conn, responders, [], "car", 3600)
    assert len(surface) == len(NODES) and surface["travel_s"].isna().all()
    with engine.connect() as conn, pytest.raises(ValueError):
        travel_time_surface(conn, responders, [1], "hovercraft", 3600)


def test_live_units_start_where_they_are(
    engine: Engine, responders: int, network: dict[tuple[int, int], float]
) -> None:
    now = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE units SET last_position = ST_SetSRID(ST_MakePoint(105.101, -5.149), 4326), "
                "last_position_at = :fresh WHERE call_sign = 'DMK-1'"
            ),
            {"fresh": now - timedelta(minutes=2)},
        )
        conn.execute(
            text(
                "UPDATE units SET last_position = ST_SetSRID(ST_MakePoint(105.19, -5.10), 4326), "
                "last_position_at = :stale, status = 'out_of_service' WHERE call_sign = 'DMK-2'"
            ),
            {"stale": now - timedelta(hours=3)},
        )
        units = unit_origins(conn, responders, "fire", now, 900)
        node_of = dict(conn.execute(text("SELECT ST_AsText(geom), id FROM road_nodes")).all())  # type: ignore[arg-type]
    row = units.set_index("label")
    assert (
        row.loc["DMK-1", "from_position"]
        and row.loc["DMK-1", "node_id"] == node_of["POINT(105.1 -5.15)"]
    )
    assert not row.loc["DMK-2", "from_position"]  # stale: counted at its posko
    assert row.loc["DMK-2", "node_id"] == node_of["POINT(105.05 -5.1)"]
    assert available(units)["label"].tolist() == ["DMK-1"]


def test_demo_city_surface_equals_pgrouting_from_each_posko(demo_url: URL) -> None:
    engine = create_engine(demo_url)
    with engine.connect() as conn:
        city_id = conn.execute(text("SELECT id FROM cities ORDER BY id LIMIT 1")).scalar_one()
        origins = station_origins(conn, city_id, "fire")
        surface = travel_time_surface(
            conn, city_id, origins["node_id"].tolist(), "fire_engine", 1e7
        )
        edge_count = conn.execute(
            text("SELECT count(*) FROM road_edges WHERE city_id = :c"), {"c": city_id}
        ).scalar_one()
        reached = pd.read_sql_query(
            text(
                "SELECT from_v, node, agg_cost FROM pgr_drivingDistance("
                "'SELECT e.id, e.source, e.target, c.cost_s AS cost, "
                "c.reverse_cost_s AS reverse_cost FROM road_edges e JOIN road_edge_costs c "
                "ON c.edge_id = e.id AND c.profile = ''fire_engine'' WHERE e.city_id = "
                "' || :c, CAST(:starts AS bigint[]), 1e7, directed => true)"
            ),
            conn,
            params={"c": city_id, "starts": origins["node_id"].tolist()},
        )
    engine.dispose()
    assert edge_count == 22_782 and reached["from_v"].nunique() == len(origins) >= 2
    expected = reached.groupby("node")["agg_cost"].min().reindex(surface["node_id"])
    assert expected.notna().sum() > 0.9 * len(surface)
    np.testing.assert_allclose(
        surface["travel_s"].to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-6
    )
