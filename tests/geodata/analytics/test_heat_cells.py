"""Heat cells: the fast H3 indexing equals H3 point by point; per-cell statistics equal
numpy over the points of each cell; kelurahan rates use the known population only."""

from __future__ import annotations

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import box

from geodata.analytics.heat_cells import (
    HEAT_COLUMNS,
    area_heat,
    cell_polygons,
    h3_cells,
    h3_heat,
    resolution_for_zoom,
)


def one_by_one(lat: np.ndarray, lon: np.ndarray, resolution: int) -> np.ndarray:
    to_cell = h3.api.basic_int.latlng_to_cell
    return np.array(
        [to_cell(y, x, resolution) for y, x in zip(lat, lon, strict=True)], dtype=np.uint64
    )


@pytest.mark.parametrize("resolution", [6, 7, 8, 9, 10, 11])
def test_fast_indexing_equals_h3_point_by_point(resolution: int) -> None:
    rng = np.random.default_rng(resolution)
    lat, lon = rng.uniform(-6.4, -6.1, 60_000), rng.uniform(106.7, 107.0, 60_000)  # Jakarta
    np.testing.assert_array_equal(h3_cells(lat, lon, resolution), one_by_one(lat, lon, resolution))


def test_points_hugging_hexagon_edges_get_their_own_hexagon() -> None:
    """Points a few millimetres either side of every edge and vertex of a patch of cells."""
    centre = h3.latlng_to_cell(-5.1, 105.3, 9)
    lat, lon = [], []
    for cell in h3.grid_disk(centre, 3):
        ring = np.array(h3.cell_to_boundary(cell))
        for (y0, x0), (y1, x1) in zip(ring, np.roll(ring, -1, axis=0), strict=True):
            for t in np.linspace(0, 1, 25):
                y, x = y0 + t * (y1 - y0), x0 + t * (x1 - x0)
                for dy, dx in ((1e-8, 0), (-1e-8, 0), (0, 1e-8), (0, -1e-8)):
                    lat.append(y + dy)
                    lon.append(x + dx)
    lat_a, lon_a = np.array(lat), np.array(lon)
    np.testing.assert_array_equal(h3_cells(lat_a, lon_a, 9), one_by_one(lat_a, lon_a, 9))


def test_missing_coordinates_get_no_cell() -> None:
    cells = h3_cells([np.nan, -5.1, -5.1], [105.3, np.nan, 105.3], 8)
    assert (
        cells[0] == 0
        and cells[1] == 0
        and cells[2] == h3.api.basic_int.latlng_to_cell(-5.1, 105.3, 8)
    )
    assert h3_cells([np.nan], [np.nan], 8).tolist() == [0]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), resolution=st.integers(5, 11), spread=st.floats(0.001, 0.5))
def test_fast_indexing_property(seed: int, resolution: int, spread: float) -> None:
    rng = np.random.default_rng(seed)
    lat, lon = -5.1 + rng.uniform(-spread, spread, 3000), 105.3 + rng.uniform(-spread, spread, 3000)
    np.testing.assert_array_equal(h3_cells(lat, lon, resolution), one_by_one(lat, lon, resolution))


def test_hexagon_statistics_equal_numpy_per_cell() -> None:
    rng = np.random.default_rng(7)
    n = 5000
    frame = pd.DataFrame(
        {
            "lat": rng.uniform(-5.15, -5.05, n),
            "lon": rng.uniform(105.25, 105.35, n),
            "response_s": np.where(rng.random(n) < 0.1, np.nan, rng.lognormal(6, 0.5, n)),
            "closed": True,
        }
    )
    heat = h3_heat(frame, 8, target_s=600, min_count=30)
    cells = one_by_one(frame["lat"].to_numpy(), frame["lon"].to_numpy(), 8)
    assert list(heat.columns) == [*HEAT_COLUMNS, "geometry"] and heat.crs.to_epsg() == 4326
    assert heat["rows"].sum() == n
    for row in heat.itertuples(index=False):
        values = frame["response_s"].to_numpy()[cells == h3.str_to_int(row.cell_id)]
        used = values[~np.isnan(values)]
        assert row.rows == len(values) and row.n == len(used)
        if not len(used):
            assert np.isnan(row.p90_s) and row.too_few
            continue
        assert row.p90_s == pytest.approx(np.percentile(used, 90))
        assert row.median_s == pytest.approx(np.median(used))
        assert row.compliance == pytest.approx(np.mean(used <= 600))
        assert row.too_few == (len(used) < 30)
        assert row.geometry.equals(cell_polygons([row.cell_id])[0])
        assert np.isnan(row.per_10k)


def test_cell_polygons_are_lon_lat_hexagons() -> None:
    cell = h3.latlng_to_cell(-5.1, 105.3, 8)
    polygon = cell_polygons([cell])[0]
    assert len(polygon.exterior.coords) == 7  # six corners, closed
    assert polygon.contains(gpd.points_from_xy([105.3], [-5.1])[0])


def test_kelurahan_heat_keeps_every_area_and_rates_known_populations() -> None:
    areas = gpd.GeoDataFrame(
        {
            "code": ["K1", "K2", "K3"],
            "name": ["Satu", "Dua", "Tiga"],
            "population": [20_000, None, 0],
        },
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs=4326,
    )
    frame = pd.DataFrame(
        {
            "kelurahan_code": ["K1"] * 4 + ["K2"] * 2 + [None],
            "response_s": [60, 120, 180, np.nan, 300, 400, 500],
            "closed": True,
        }
    )
    heat = area_heat(frame, areas, target_s=150, min_count=3).set_index("cell_id")
    assert heat["rows"].to_dict() == {"K1": 4, "K2": 2, "K3": 0}
    assert heat.loc["K1", "per_10k"] == pytest.approx(4 / 20_000 * 10_000)
    assert np.isnan(heat.loc["K2", "per_10k"]) and np.isnan(heat.loc["K3", "per_10k"])
    assert heat.loc["K1", "median_s"] == 120 and heat.loc["K1", "compliance"] == pytest.approx(
        2 / 3
    )
    assert heat["too_few"].to_dict() == {"K1": False, "K2": True, "K3": True}


def test_resolution_follows_the_zoom() -> None:
    assert [resolution_for_zoom(z) for z in (3, 11, 12, 12.6, 13, 18)] == [6, 7, 8, 9, 9, 10]
