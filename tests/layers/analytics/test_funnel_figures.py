"""The call funnel's figures: outcome order and colours, stacks, the prank map, hand-offs."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box

from layers.analytics.funnel import (
    OUTCOME_COLOURS,
    handoff_figure,
    outcome_totals_figure,
    outcomes_by_figure,
    prank_map_figure,
)
from layers.city_map import MapView

OUTCOMES = ["emergency", "information", "complaint", "prank", "ghost", "dropped"]


def test_outcome_bars_read_top_down_in_funnel_order() -> None:
    totals = pd.DataFrame(
        {
            "outcome": OUTCOMES,
            "calls": [30, 5, 5, 40, 15, 5],
            "share": [0.3, 0.05, 0.05, 0.4, 0.15, 0.05],
        }
    )
    bar = outcome_totals_figure(totals).data[0]
    assert list(bar.y)[-1] == "Darurat (diteruskan)" and list(bar.x)[-1] == 30
    assert list(bar.marker.color)[-1] == OUTCOME_COLOURS["emergency"]
    assert list(bar.text)[-1] == "30 (30 %)"


def test_calls_by_hour_stack_every_outcome_with_the_nuisance_share() -> None:
    wide = pd.DataFrame({"hour": range(24), **{o: np.ones(24, int) for o in OUTCOMES}})
    wide["total"], wide["nuisance_share"] = 6, 2 / 6
    figure = outcomes_by_figure(wide, "hour", timezone="Asia/Jakarta")
    assert [t.type for t in figure.data] == ["bar"] * 6 + ["scatter"]
    assert figure.data[-1].y[0] == pytest.approx(100 * 2 / 6) and figure.layout.barmode == "stack"


def test_prank_map_and_handoffs() -> None:
    spots = gpd.GeoDataFrame(
        {
            "code": ["A", "B"],
            "name": ["Satu", "Dua"],
            "prank": [9, 1],
            "prank_share": [0.3, 0.1],
            "prank_per_10k": [12.0, np.nan],
        },
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs=4326,
    )
    figure = prank_map_figure(spots, MapView(1, 0.5, 8))
    assert list(figure.data[0].locations) == ["A"] and list(figure.data[1].locations) == ["B"]
    handoffs = pd.DataFrame(
        {
            "agency_name": ["Damkar", None],
            "agency_kind": ["fire", None],
            "handoffs": [10, 2],
            "median_s": [120.0, np.nan],
            "p90_s": [240.0, np.nan],
            "mean_s": [130.0, np.nan],
        }
    )
    bars = handoff_figure(handoffs).data
    assert list(bars[0].y) == ["Damkar (10)"] and list(bars[1].x) == [4.0]
