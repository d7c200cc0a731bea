"""Dispatch view: ETA formatting, option rows, and the map with the fastest route bold."""

from __future__ import annotations

import pandas as pd
import pytest

from layers.dispatch_view import DispatchTarget, dispatch_map_figure, format_eta, option_rows


def options() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": [7, 3, 9],
            "call_sign": ["AMB-07", "AMB-03", "AMB-09"],
            "agency_kind": ["ambulance"] * 3,
            "agency_name": ["PSC 119"] * 3,
            "vehicle_profile": ["ambulance", "motorbike", "ambulance"],
            "from_station": [False, True, False],
            "lon": [105.301, 105.305, 105.33],
            "lat": [-5.111, -5.115, -5.13],
            "straight_distance_m": [443.0, 632.4, 3100.0],
            "outcome": ["ranked", "ranked", "off_network"],
            "travel_time_s": [46.4, 245.0, None],
            "road_distance_m": [443.2, 887.0, None],
            "snap_distance_m": [3.2, 12.9, None],
            "route_wkt": ["LINESTRING(105.301 -5.111, 105.302 -5.112)",
                          "MULTILINESTRING((105.305 -5.115, 105.303 -5.113),"
                          "(105.303 -5.113, 105.302 -5.112))", None],
        }
    )  # fmt: skip


@pytest.mark.parametrize(
    ("seconds", "shown"), [(46.4, "0:46"), (245.0, "4:05"), (3600, "60:00"), (None, "–")]
)
def test_eta_in_minutes_and_seconds(seconds: float | None, shown: str) -> None:
    assert format_eta(seconds) == shown


def test_rows_say_what_a_supervisor_needs() -> None:
    rows = option_rows(options(), "id")
    assert [r["call_sign"] for r in rows] == ["AMB-07", "AMB-03", "AMB-09"]
    assert rows[0] | {"agency": "Ambulans (PSC 119)"} == rows[0]
    assert (rows[0]["eta"], rows[0]["road"], rows[0]["straight"], rows[0]["snap"]) == (
        "0:46", "0.44 km", "0.44 km", "3 m",
    )  # fmt: skip
    assert rows[1]["from"] == "posko" and rows[1]["vehicle"] == "motor"
    assert [r["outcome_label"] for r in rows[:2]] == ["Urutan 1", "Urutan 2"]
    assert rows[2]["outcome_label"] == "Jauh dari jalan" and rows[2]["eta"] == "–"
    assert option_rows(options(), "en")[2]["outcome_label"] == "Off the road network"


def test_map_draws_the_fastest_route_bold_and_every_unit() -> None:
    figure = dispatch_map_figure(DispatchTarget(105.302, -5.112, "#1 Kebakaran"), options(), [])
    routes = [t for t in figure.data if t.mode == "lines"]
    assert [t.line.width for t in routes] == [6, 2]
    assert routes[0].name == "Rute AMB-07" and routes[0].showlegend
    assert list(routes[1].lon) == [105.305, 105.303, None, 105.303, 105.302, None]
    units = next(t for t in figure.data if t.name == "Ambulans (PSC 119)")
    assert list(units.lon) == [105.301, 105.305, 105.33]
    # centred on the incident and the ranked units: lon 105.301 … 105.305
    assert figure.layout.map.center.lon == pytest.approx(105.303)
