"""Coverage against a response standard: which share of area, people and past incidents
the modelled drive from the nearest origin reaches within the travel budget.

Formulation. The city is sampled by H3 hexagons whose centre lies in a kelurahan (each
belongs to exactly one kelurahan; a kelurahan too small to hold a centre gets the
hexagon of its representative point). A place takes the modelled time of its nearest
road node (:mod:`.travel_surface`), or is unreachable when no node is within
``max_snap_m``. With budget B = target − allowance (:class:`.standards.ResponseStandard`):

- area share = Σ area of hexagons with time ≤ B / Σ area of all hexagons;
- population share = Σ_k pop_k · (area share of kelurahan k) / Σ_k pop_k, over the
  kelurahan whose population is known (people spread evenly within a kelurahan: an
  assumption, stated with the figure);
- incident share = share of the given past incidents whose place has time ≤ B.

Pure numpy/scipy/h3; distances for snapping in a local equirectangular frame (metres,
error under 0.5 % across a kota).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from geodata.analytics.heat_cells import cell_polygons

__all__ = [
    "BANDS_S",
    "Coverage",
    "CoverageSummary",
    "band_index",
    "coverage",
    "coverage_curve",
    "sample_cells",
    "snap_times",
]

#: Isochrone band edges, seconds: 0-5, 5-10, 10-15, 15-20 minutes, then beyond.
BANDS_S = (300.0, 600.0, 900.0, 1200.0)
METRES_PER_DEGREE = 111_320.0


def band_index(travel_s: ArrayLike, bands: Sequence[float] = BANDS_S) -> NDArray[np.int64]:
    """Band of each time: 0 for ≤ bands[0], …, len(bands) beyond the last, −1 if NaN."""
    values = np.asarray(travel_s, dtype=float)
    index = np.searchsorted(np.asarray(bands, dtype=float), values, side="left")
    return np.where(np.isnan(values), -1, index).astype(np.int64)


def _metres(
    lon: NDArray[np.float64], lat: NDArray[np.float64], origin: tuple[float, float]
) -> NDArray[np.float64]:
    lon0, lat0 = origin
    x = (lon - lon0) * METRES_PER_DEGREE * np.cos(np.radians(lat0))
    return np.column_stack([x, (lat - lat0) * METRES_PER_DEGREE])


def snap_times(
    surface: pd.DataFrame, lon: ArrayLike, lat: ArrayLike, max_snap_m: float
) -> NDArray[np.float64]:
    """The modelled time (s) at each place: that of its nearest road node of ``surface``.

    NaN where the place is not located, no node is within ``max_snap_m`` metres, or the
    nearest node was not reached. One k-d tree query for all places.
    """
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    result = np.full(len(lon_a), np.nan)
    located = np.isfinite(lon_a) & np.isfinite(lat_a)
    if surface.empty or not located.any():
        return result
    origin = (float(surface["lon"].mean()), float(surface["lat"].mean()))
    tree = cKDTree(_metres(surface["lon"].to_numpy(), surface["lat"].to_numpy(), origin))
    distance, nearest = tree.query(
        _metres(lon_a[located], lat_a[located], origin), distance_upper_bound=max_snap_m
    )
    times = np.append(surface["travel_s"].to_numpy(dtype=float), np.nan)  # index n: too far
    result[located] = np.where(np.isfinite(distance), times[nearest], np.nan)
    return result


def sample_cells(areas: gpd.GeoDataFrame, resolution: int) -> pd.DataFrame:
    """H3 hexagons sampling each area of ``areas`` (code, geometry): code, cell, area_km2,
    lon, lat (hexagon centre). Each hexagon belongs to one area (its centre's)."""
    records: list[tuple[str, int]] = []
    for code, geometry in zip(areas["code"], areas.geometry, strict=True):
        cells = h3.api.basic_int.geo_to_cells(geometry, resolution)
        if not cells:
            point = geometry.representative_point()
            cells = [h3.api.basic_int.latlng_to_cell(point.y, point.x, resolution)]
        records.extend((code, cell) for cell in cells)
    frame = pd.DataFrame.from_records(records, columns=["code", "cell"])
    centres = [h3.api.basic_int.cell_to_latlng(int(cell)) for cell in frame["cell"]]
    frame["area_km2"] = [h3.api.basic_int.cell_area(int(c), unit="km^2") for c in frame["cell"]]
    frame["lat"] = [lat for lat, _ in centres]
    frame["lon"] = [lon for _, lon in centres]
    return frame.drop_duplicates("cell").reset_index(drop=True)


@dataclass(frozen=True)
class CoverageSummary:
    """City-wide coverage within ``budget_s``. Shares are 0…1, NaN when undefined."""

    budget_s: float
    area_km2: float
    covered_km2: float
    population: float
    covered_population: float
    incidents: int
    covered_incidents: int

    @property
    def area_share(self) -> float:
        return self.covered_km2 / self.area_km2 if self.area_km2 else float("nan")

    @property
    def population_share(self) -> float:
        return self.covered_population / self.population if self.population else float("nan")

    @property
    def incident_share(self) -> float:
        return self.covered_incidents / self.incidents if self.incidents else float("nan")


@dataclass(frozen=True)
class Coverage:
    """Coverage in three views: hexagons (the map), kelurahan (the gaps) and the city.

    cells: cell_id (H3 hex), code, name (kelurahan), area_km2, travel_s, band, covered,
    geometry. areas: code, name, population, area_km2, covered_km2, area_share,
    covered_population, geometry; least covered first.
    """

    cells: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    summary: CoverageSummary


def coverage(
    surface: pd.DataFrame,
    areas: gpd.GeoDataFrame,
    *,
    budget_s: float,
    resolution: int,
    max_snap_m: float,
    incident_lonlat: tuple[ArrayLike, ArrayLike] | None = None,
) -> Coverage:
    """Coverage of ``areas`` (code, name, population, geometry) within ``budget_s``.

    ``surface`` is :func:`.travel_surface.travel_time_surface`'s frame; incident_lonlat
    the places (degrees) of the past incidents to count, unlocated ones are left out.
    """
    cells = sample_cells(areas, resolution)
    cells["travel_s"] = snap_times(surface, cells["lon"], cells["lat"], max_snap_m)
    cells["band"] = band_index(cells["travel_s"])
    cells["covered"] = (cells["travel_s"] <= budget_s).to_numpy()
    names = dict(zip(areas["code"], areas["name"], strict=True))
    cells["name"] = cells["code"].map(names)
    cells["cell_id"] = [h3.int_to_str(int(cell)) for cell in cells["cell"]]
    per_area = _per_area(cells, areas)
    incident_times = np.array([])
    if incident_lonlat is not None:
        lon, lat = (np.asarray(values, dtype=float) for values in incident_lonlat)
        located = np.isfinite(lon) & np.isfinite(lat)
        incident_times = snap_times(surface, lon[located], lat[located], max_snap_m)
    known = per_area["population"].notna() & (per_area["population"] > 0)
    summary = CoverageSummary(
        budget_s=budget_s,
        area_km2=float(cells["area_km2"].sum()),
        covered_km2=float(cells.loc[cells["covered"], "area_km2"].sum()),
        population=float(per_area.loc[known, "population"].sum()),
        covered_population=float(per_area.loc[known, "covered_population"].sum()),
        incidents=len(incident_times),
        covered_incidents=int((incident_times <= budget_s).sum()),
    )
    shown = gpd.GeoDataFrame(
        cells[["cell_id", "code", "name", "area_km2", "travel_s", "band", "covered"]],
        geometry=cell_polygons(cells["cell"].to_numpy()),
        crs=4326,
    )
    return Coverage(shown, per_area, summary)


def _per_area(cells: pd.DataFrame, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    grouped = cells.assign(_covered_km2=cells["area_km2"].where(cells["covered"], 0.0))
    sums = grouped.groupby("code")[["area_km2", "_covered_km2"]].sum()
    frame = pd.DataFrame(
        {
            "code": areas["code"].to_numpy(),
            "name": areas["name"].to_numpy(),
            "population": pd.to_numeric(areas["population"], errors="coerce").to_numpy(float),
        }
    )
    frame["area_km2"] = frame["code"].map(sums["area_km2"]).fillna(0.0)
    frame["covered_km2"] = frame["code"].map(sums["_covered_km2"]).fillna(0.0)
    frame["area_share"] = (frame["covered_km2"] / frame["area_km2"]).where(frame["area_km2"] > 0)
    frame["covered_population"] = frame["population"] * frame["area_share"]
    result = gpd.GeoDataFrame(frame, geometry=list(areas.geometry), crs=4326)
    return result.sort_values(["area_share", "name"]).reset_index(drop=True)


def coverage_curve(
    cells: pd.DataFrame,
    areas: pd.DataFrame,
    incident_times_s: ArrayLike,
    budgets_s: Sequence[float],
) -> pd.DataFrame:
    """Area, population and incident shares for each budget (s): how coverage grows with
    the minutes allowed. ``cells`` and ``areas`` as in :class:`Coverage` (travel_s, code,
    area_km2; code, population); incident_times_s as :func:`snap_times` returns. A share with
    nothing to divide (no cells: a city without areas or roads) is NaN, not an error."""
    times = np.asarray(incident_times_s, dtype=float)
    total_km2 = float(cells["area_km2"].sum())
    population = areas.set_index("code")["population"]
    known = population[(population > 0) & population.notna()]
    rows = []
    for budget in budgets_s:
        covered = cells["travel_s"] <= budget
        per_area = cells["area_km2"].where(covered, 0.0).groupby(cells["code"]).sum()
        share = per_area / cells.groupby("code")["area_km2"].sum()
        people = float((known * share.reindex(known.index).fillna(0.0)).sum())
        rows.append(
            {
                "budget_s": float(budget),
                "area_share": float(cells["area_km2"].where(covered, 0.0).sum()) / total_km2
                if total_km2 > 0
                else np.nan,
                "population_share": people / float(known.sum()) if len(known) else np.nan,
                "incident_share": float((times <= budget).mean()) if len(times) else np.nan,
            }
        )
    return pd.DataFrame.from_records(rows)
