"""The heat map: coloured cells exclude those with too few values, which are grey."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely import box

from layers.analytics.coverage_map import BANDS_S
from layers.analytics.heatmap import heat_map_figure, heat_map_static, measure_title
from layers.city_map import MapView

VIEW = MapView(105.1, -5.1, 11)


def cells() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "cell_id": ["a", "b", "c"],
            "name": ["Satu", "Dua", "Tiga"],
            "rows": [40, 12, 3],
            "n": [38, 11, 3],
            "excluded": [2, 1, 0],
            "median_s": [300.0, 420.0, 100.0],
            "p90_s": [600.0, 900.0, 200.0],
            "mean_s": [330.0, 450.0, 120.0],
            "compliance": [0.95, 0.7, 1.0],
            "too_few": [False, False, True],
            "population": [10_000, np.nan, 500],
            "per_10k": [40.0, np.nan, 60.0],
        },
        geometry=[
            box(105, -5.2, 105.1, -5.1),
            box(105.1, -5.2, 105.2, -5.1),
            box(105, -5.1, 105.1, -5.0),
        ],
        crs=4326,
    )


def test_p90_colours_only_cells_with_enough_values_in_minutes() -> None:
    figure = heat_map_figure(cells(), "p90_s", VIEW)
    coloured, grey = figure.data
    assert list(coloured.locations) == ["a", "b"] and list(coloured.z) == [10.0, 15.0]
    assert list(grey.locations) == ["c"] and grey.name == "Data terlalu sedikit (n < 10)"
    assert grey.showscale is False and "(menit)" in coloured.colorbar.title.text
    assert {f["id"] for f in coloured.geojson["features"]} == {"a", "b", "c"}
    assert figure.layout.uirevision == "heat-p90_s" and figure.layout.map.style == "white-bg"


def test_counts_colour_every_cell_and_rates_grey_unknown_population() -> None:
    counts = heat_map_figure(cells(), "rows", VIEW, language="en")
    assert len(counts.data) == 1 and list(counts.data[0].z) == [40, 12, 3]
    rates = heat_map_figure(cells(), "per_10k", VIEW, language="en")
    assert list(rates.data[1].locations) == ["b"] and rates.data[1].name == "Population unknown"
    compliance = heat_map_figure(cells(), "compliance", VIEW)
    assert list(compliance.data[0].z) == [95.0, 70.0] and compliance.data[0].reversescale


def test_the_static_map_for_the_report_draws_classes_without_webgl() -> None:
    figure = heat_map_static(cells(), "p90_s")
    names = [trace.name for trace in figure.data]
    assert names[-1] == "Data terlalu sedikit (n < 10)" and len(names) == 3
    assert all(trace.type == "scatter" and trace.fill == "toself" for trace in figure.data)
    assert figure.layout.yaxis.scaleanchor == "x"


def test_titles_and_unknown_measures() -> None:
    assert measure_title("p90_s", "travel", "en") == "90th percentile of travel (min)"
    assert measure_title("rows", "response", "id") == "Jumlah kejadian"
    with pytest.raises(ValueError, match="unknown measure"):
        heat_map_figure(cells(), "max_s", VIEW)
    assert BANDS_S[0] == 300.0
