"""Heat cells: incidents aggregated into H3 hexagons or kelurahan polygons.

Each cell carries the statistics of :mod:`.statistics` (rows, n, median_s, p90_s, mean_s,
compliance, too_few) and, for kelurahan, population and incidents per 10,000 residents.
Hexagons are H3 (Uber's hierarchical grid, v4 API), resolution from the settings or the
map's zoom; an H3 cell has no population of its own, so the rate is kelurahan-only.

:func:`h3_cells` indexes a million points in a fraction of a second without a vectorised
H3 binding: points are bucketed into small lat/lon squares (at most a quarter of the hexagon edge);
a square whose four corners fall in one hexagon lies wholly inside it (hexagon edges are
straight lines at this scale, and a square narrower than an edge cannot hold two of its
vertices), so its points take that hexagon; only points in squares cut by a hexagon
edge are indexed one by one. The result equals ``h3.latlng_to_cell`` per point (tested).
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike, NDArray

from geodata.analytics.statistics import STATISTIC_COLUMNS, Target, grouped_statistics

__all__ = [
    "HEAT_COLUMNS",
    "area_heat",
    "cell_polygons",
    "h3_cells",
    "h3_heat",
    "resolution_for_zoom",
]

#: Columns of every heat frame, in order (plus geometry).
HEAT_COLUMNS = ("cell_id", "name", *STATISTIC_COLUMNS, "too_few", "population", "per_10k")
KM_PER_DEGREE = 111.32
#: Squares per hexagon edge length, at least: a square's diagonal (√2/4 ≈ 0.35 of an edge)
#: is shorter than any edge, so a square never holds two hexagon vertices.
MIN_SUBDIVISION = 4


def h3_cells(lat: ArrayLike, lon: ArrayLike, resolution: int) -> NDArray[np.uint64]:
    """The H3 cell (as uint64) of each point (degrees, EPSG:4326); 0 where not finite.

    Cost: one H3 call per distinct square corner plus one per point near a hexagon edge.
    """
    lat_a, lon_a = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    out = np.zeros(len(lat_a), dtype=np.uint64)
    located = np.isfinite(lat_a) & np.isfinite(lon_a)
    if not located.any():
        return out
    la, lo = lat_a[located], lon_a[located]
    step = _square_step(la, lo, resolution)
    iy, ix = np.floor(la / step).astype(np.int64), np.floor(lo / step).astype(np.int64)
    y0, x0 = iy.min(), ix.min()
    width = int(ix.max() - x0) + 2
    squares, inverse = np.unique((iy - y0) * width + (ix - x0), return_inverse=True)
    corner_keys = np.concatenate([squares, squares + 1, squares + width, squares + width + 1])
    corners, corner_index = np.unique(corner_keys, return_inverse=True)
    corner_y, corner_x = np.divmod(corners, width)
    corner_cells = _index(((corner_y + y0) * step).tolist(), ((corner_x + x0) * step).tolist(),
                          resolution)  # fmt: skip
    by_square = corner_cells[corner_index].reshape(4, len(squares))
    whole = (by_square == by_square[0]).all(axis=0)
    cells = np.where(whole, by_square[0], np.uint64(0))[inverse]
    edge = np.flatnonzero(cells == 0)
    cells[edge] = _index(la[edge].tolist(), lo[edge].tolist(), resolution)
    out[located] = cells
    return out


def _square_step(lat: NDArray[np.float64], lon: NDArray[np.float64], resolution: int) -> float:
    """Side of the squares in degrees, balancing corner look-ups against edge points.

    With s squares per edge, a hexagon holds about 2.6 s² squares and a share of about
    2.3 / s of the points falls in squares cut by an edge; the total number of look-ups
    ``2.6 s² · hexagons + 2.3 N / s`` is least at s = (1.15 N / (2.6 · hexagons))^(1/3).
    """
    edge_km = h3.average_hexagon_edge_length(resolution, unit="km")
    height_km = (lat.max() - lat.min()) * KM_PER_DEGREE + edge_km
    width_km = (lon.max() - lon.min()) * KM_PER_DEGREE * np.cos(np.radians(lat.mean())) + edge_km
    hexagons = height_km * width_km / h3.average_hexagon_area(resolution, unit="km^2")
    per_edge = max((1.15 * len(lat) / (2.6 * hexagons)) ** (1 / 3), MIN_SUBDIVISION)
    return float(edge_km / KM_PER_DEGREE / per_edge)


def _index(lat: list[float], lon: list[float], resolution: int) -> NDArray[np.uint64]:
    to_cell = h3.api.basic_int.latlng_to_cell
    return np.fromiter(
        (to_cell(y, x, resolution) for y, x in zip(lat, lon, strict=True)),
        dtype=np.uint64,
        count=len(lat),
    )


def cell_polygons(cells: ArrayLike) -> list[shapely.Polygon]:
    """The hexagon of each H3 cell (uint64 or hex string) as a lon/lat polygon."""
    polygons = []
    for cell in np.asarray(cells).tolist():
        index = h3.str_to_int(cell) if isinstance(cell, str) else int(cell)
        ring = h3.api.basic_int.cell_to_boundary(index)
        polygons.append(shapely.Polygon([(lng, lat) for lat, lng in ring]))
    return polygons


def resolution_for_zoom(zoom: float) -> int:
    """An H3 resolution whose hexagons are a few dozen pixels wide at a web-map zoom.

    Zoom 11 (a whole kota) → 7, 12 → 8, 13 → 9, capped to 6…10.
    """
    return int(np.clip(round(zoom) - 4, 6, 10))


def _finish(stats: pd.DataFrame, geometry: Sequence[shapely.Geometry]) -> gpd.GeoDataFrame:
    for column in HEAT_COLUMNS:
        if column not in stats:
            stats[column] = np.nan
    return gpd.GeoDataFrame(stats[list(HEAT_COLUMNS)], geometry=geometry, crs=4326)


def h3_heat(
    frame: pd.DataFrame,
    resolution: int,
    *,
    interval: str = "response",
    target_s: Target | None = None,
    min_count: int = 10,
) -> gpd.GeoDataFrame:
    """Per H3 hexagon holding at least one located incident: its statistics and shape.

    ``frame`` has lon, lat and the interval columns (:mod:`.response_intervals`).
    ``cell_id`` is the H3 index as a hex string; population and per_10k are NaN.
    """
    cells = h3_cells(frame["lat"], frame["lon"], resolution)
    located = frame.assign(_cell=cells)[cells != 0]
    if isinstance(target_s, pd.Series):
        target_s = target_s[cells != 0]
    stats = grouped_statistics(
        located, "_cell", interval=interval, target_s=target_s, min_count=min_count
    )
    stats["cell_id"] = [h3.int_to_str(int(cell)) for cell in stats["_cell"]]
    stats["name"] = ""
    return _finish(stats, cell_polygons(stats["_cell"].to_numpy()))


def area_heat(
    frame: pd.DataFrame,
    areas: gpd.GeoDataFrame,
    *,
    level: str = "kelurahan",
    interval: str = "response",
    target_s: Target | None = None,
    min_count: int = 10,
) -> gpd.GeoDataFrame:
    """Per area of ``areas`` (code, name, population, geometry), even those without incidents.

    per_10k = incidents (rows) / population × 10,000, NaN where the population is unknown
    or zero. ``level`` names the frame's area columns (``kelurahan_code`` …).
    """
    stats = grouped_statistics(
        frame, f"{level}_code", interval=interval, target_s=target_s, min_count=min_count
    ).set_index(f"{level}_code")
    joined = pd.DataFrame(
        {"cell_id": areas["code"].to_numpy(), "name": areas["name"].to_numpy()}
    ).join(stats, on="cell_id")
    for column in ("rows", "n", "excluded"):
        joined[column] = joined[column].fillna(0).astype(int)
    joined["too_few"] = joined["n"] < min_count
    population = pd.to_numeric(areas["population"], errors="coerce").to_numpy(dtype=float)
    joined["population"] = population
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = joined["rows"].to_numpy(dtype=float) / population * 10_000
    joined["per_10k"] = np.where(population > 0, rate, np.nan)
    return _finish(joined, list(areas.geometry))
