"""Coverage on two kelurahan with a known surface: west reached in 100 s, east in 1500 s."""

from __future__ import annotations

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import box

from geodata.analytics.coverage import (
    BANDS_S,
    band_index,
    coverage,
    coverage_curve,
    sample_cells,
    snap_times,
)

WEST, EAST = box(105.0, -5.2, 105.1, -5.0), box(105.1, -5.2, 105.2, -5.0)
AREAS = gpd.GeoDataFrame(
    {"code": ["W", "E"], "name": ["Barat", "Timur"], "population": [600, None]},
    geometry=[WEST, EAST],
    crs=4326,
)


def grid_surface(east_s: float = 1500.0) -> pd.DataFrame:
    """Road nodes every 0.005° (none on the border at 105.1): 100 s west, ``east_s`` east."""
    lon, lat = np.meshgrid(np.arange(105.0025, 105.2, 0.005), np.arange(-5.1975, -5.0, 0.005))
    lon, lat = lon.ravel(), lat.ravel()
    return pd.DataFrame(
        {
            "node_id": np.arange(len(lon)),
            "lon": lon,
            "lat": lat,
            "travel_s": np.where(lon < 105.1, 100.0, east_s),
        }
    )


def test_bands_follow_the_isochrone_edges() -> None:
    assert band_index([0, 300, 300.5, 899, 1200, 1201, np.nan]).tolist() == [0, 0, 1, 2, 3, 4, -1]
    assert BANDS_S == (300.0, 600.0, 900.0, 1200.0)


def test_snapping_takes_the_nearest_node_within_reach() -> None:
    surface = pd.DataFrame({"lon": [105.0, 105.01], "lat": [-5.0, -5.0], "travel_s": [10.0, 20.0]})
    times = snap_times(surface, [105.001, 105.009, 105.5, np.nan], [-5.0, -5.0, -5.0, -5.0], 500)
    assert times[:2].tolist() == [10.0, 20.0] and np.isnan(times[2]) and np.isnan(times[3])


def test_area_population_and_incident_shares() -> None:
    result = coverage(
        grid_surface(),
        AREAS,
        budget_s=600,
        resolution=8,
        max_snap_m=1000,
        incident_lonlat=([105.02, 105.05, 105.08, 105.15, np.nan], [-5.1, -5.1, -5.1, -5.1, -5.1]),
    )
    west = h3.api.basic_int.geo_to_cells(WEST, 8)
    east = h3.api.basic_int.geo_to_cells(EAST, 8)
    area = {
        name: sum(h3.api.basic_int.cell_area(c, unit="km^2") for c in cells)
        for name, cells in (("W", west), ("E", east))
    }
    summary = result.summary
    assert summary.area_share == pytest.approx(area["W"] / (area["W"] + area["E"]))
    assert summary.area_share == pytest.approx(0.5, abs=0.03)
    assert summary.population == 600 and summary.population_share == 1.0  # east unknown
    assert (summary.incidents, summary.covered_incidents) == (4, 3)
    assert result.areas["name"].tolist() == ["Timur", "Barat"]  # least covered first
    assert result.areas["area_share"].tolist() == [0.0, 1.0]
    assert set(result.cells.loc[result.cells["code"] == "W", "band"]) == {0}
    assert set(result.cells.loc[result.cells["code"] == "E", "band"]) == {4}
    assert len(result.cells) == len(west) + len(east)


def test_unreached_places_are_not_covered() -> None:
    result = coverage(grid_surface(np.nan), AREAS, budget_s=10_000, resolution=8, max_snap_m=1000)
    assert result.summary.area_share == pytest.approx(0.5, abs=0.03)
    assert set(result.cells.loc[result.cells["code"] == "E", "band"]) == {-1}
    assert result.summary.incidents == 0 and np.isnan(result.summary.incident_share)


def test_a_kelurahan_smaller_than_a_hexagon_still_has_a_sample() -> None:
    tiny = gpd.GeoDataFrame(
        {"code": ["T"], "name": ["Kecil"], "population": [10]},
        geometry=[box(105.0501, -5.1001, 105.0502, -5.1)],
        crs=4326,
    )
    cells = sample_cells(tiny, 7)
    assert len(cells) == 1 and cells["code"].tolist() == ["T"]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), budgets=st.lists(st.floats(0, 3000), min_size=2, max_size=8))
def test_coverage_grows_with_the_time_allowed(seed: int, budgets: list[float]) -> None:
    rng = np.random.default_rng(seed)
    surface = grid_surface()
    surface["travel_s"] = np.where(
        rng.random(len(surface)) < 0.1, np.nan, rng.uniform(0, 2400, len(surface))
    )
    result = coverage(surface, AREAS, budget_s=600, resolution=7, max_snap_m=1000)
    incidents = snap_times(surface, rng.uniform(105, 105.2, 50), rng.uniform(-5.2, -5, 50), 1000)
    curve = coverage_curve(result.cells, result.areas, incidents, sorted(budgets))
    for column in ("area_share", "population_share", "incident_share"):
        assert curve[column].is_monotonic_increasing
        assert curve[column].between(0, 1).all()
    at_budget = coverage_curve(result.cells, result.areas, incidents, [600.0]).iloc[0]
    assert at_budget["area_share"] == pytest.approx(result.summary.area_share)
    assert at_budget["population_share"] == pytest.approx(result.summary.population_share)


def test_a_city_without_areas_has_an_empty_curve_not_an_error() -> None:
    from geodata.analytics.coverage import coverage_curve

    cells = pd.DataFrame({"travel_s": [], "code": [], "area_km2": []})
    areas = pd.DataFrame({"code": [], "population": []})
    curve = coverage_curve(cells, areas, [], [0, 300, 600])
    assert list(curve["budget_s"]) == [0, 300, 600]
    assert curve[["area_share", "population_share", "incident_share"]].isna().all().all()
