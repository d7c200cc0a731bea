"""Isochrone bands: one trace per band present, gaps outlined, bands equal geodata's."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import box

from geodata.analytics.coverage import BANDS_S as GEODATA_BANDS
from layers.analytics.coverage_map import (
    BANDS_S,
    band_names,
    coverage_curve_figure,
    isochrone_figure,
    isochrone_static,
)
from layers.city_map import MapView


def cells() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "cell_id": ["a", "b", "c"],
            "name": ["X", "Y", "Z"],
            "travel_s": [100.0, 700.0, np.nan],
            "band": [0, 2, -1],
            "covered": [True, False, False],
        },
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs=4326,
    )


ORIGINS = pd.DataFrame({"lon": [0.5], "lat": [0.5], "label": ["Posko 1"]})


def test_bands_are_those_of_the_model() -> None:
    assert BANDS_S == GEODATA_BANDS
    assert band_names(BANDS_S, "id") == [
        "≤ 5 menit",
        "5–10 menit",
        "10–15 menit",
        "15–20 menit",
        "> 20 menit",
        "Tidak terjangkau",
    ]


def test_isochrone_traces_per_band_with_gaps_outlined() -> None:
    figure = isochrone_figure(cells(), ORIGINS, MapView(1.5, 0.5, 7), budget_s=600)
    names = [trace.name for trace in figure.data if trace.type == "choroplethmap"]
    assert names == ["≤ 5 menit", "10–15 menit", "Tidak terjangkau"]
    assert list(figure.data[1].marker.line.color) == ["#b71c1c"]  # beyond the budget
    assert list(figure.data[-1].text) == ["Posko 1"]
    static = isochrone_static(cells(), ORIGINS, language="en")
    assert [t.name for t in static.data][:3] == ["≤ 5 min", "10–15 min", "Not reached"]


def test_curve_marks_the_budget() -> None:
    curve = pd.DataFrame(
        {
            "budget_s": [0.0, 600.0],
            "area_share": [0.0, 0.5],
            "population_share": [np.nan, np.nan],
            "incident_share": [0.0, 1.0],
        }
    )
    figure = coverage_curve_figure(curve, budget_s=600)
    assert len(figure.data) == 2 and figure.layout.shapes[0].x0 == 10.0
