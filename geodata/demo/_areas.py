"""Administrative areas of the demo city: boundary, kecamatan, kelurahan and population.

Geometries here are in local metres (see :mod:`._projection`); the kecamatan are the
Voronoi cells of five seeds clipped to the boundary, and the kelurahan are Voronoi cells
of well-spread seeds clipped to their kecamatan, so both levels tile exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import MultiPoint, MultiPolygon, Polygon

from ._names import KECAMATAN_SUFFIXES, KELURAHAN_NAMES, TOWN_STEM

__all__ = ["Areas", "build_areas"]

#: City area, km²; Kota Metro is about 69 km² (BPS), the demo city draws from this range.
BOUNDARY_AREA_KM2 = (64.0, 76.0)
BOUNDARY_VERTICES = 360
#: Amplitudes of the outline's harmonics (relative radius): a few lobes plus fine wiggle
#: like boundaries that follow rivers and field edges (assumed, tuned by eye).
BOUNDARY_LOBE_AMPLITUDE = 0.11
BOUNDARY_WIGGLE_AMPLITUDE = 0.02
#: East-west over north-south stretch of the outline (assumed).
BOUNDARY_ELONGATION = (1.0, 1.25)
#: Outer kecamatan seeds sit at this share of the centre-to-boundary distance.
KECAMATAN_SEED_SHARE = 0.6
#: Kelurahan per kecamatan, inclusive ranges: the denser centre is cut finer.
KELURAHAN_PER_CENTRE_KECAMATAN = (5, 6)
KELURAHAN_PER_OUTER_KECAMATAN = (4, 5)
#: Residents; Kota Metro had 168,676 in the 2020 census (BPS).
POPULATION_TOTAL = (165_000, 175_000)
#: Population density falls off as exp(-distance / decay) above a rural floor (assumed).
DENSITY_DECAY_M = 1_800.0
DENSITY_FLOOR = 0.12
POPULATION_NOISE_SIGMA = 0.15
POPULATION_GRID_M = 100.0
SEED_CANDIDATES = 40
MAX_ATTEMPTS = 20
#: Kelurahan size grows with distance from the centre: doubled at this distance, metres.
KELURAHAN_GROWTH_M = 2_500.0
#: Precision grid of area vertices, metres: shared borders snap to identical vertices.
GRID_M = 0.01


@dataclass(frozen=True)
class Areas:
    """The city in local metres: boundary and the two administrative levels."""

    boundary: Polygon
    #: code, name, population, geometry (local metres, no CRS).
    kecamatan: gpd.GeoDataFrame
    #: code, name, kecamatan_code, population, geometry (local metres, no CRS).
    kelurahan: gpd.GeoDataFrame

    def kelurahan_at(self, x_m: NDArray[np.float64], y_m: NDArray[np.float64]) -> NDArray[np.intp]:
        """Row index of the kelurahan containing each point, -1 outside the city.

        A point exactly on a shared border goes to the first kelurahan that touches it.
        """
        index = np.full(len(x_m), -1, dtype=np.intp)
        for test in (shapely.contains_xy, shapely.intersects_xy):
            for row, geometry in enumerate(self.kelurahan.geometry):
                hit = (index < 0) & test(geometry, x_m, y_m)
                index[hit] = row
        return index

    def density_per_km2(self) -> NDArray[np.float64]:
        """Residents per km² of each kelurahan, in row order."""
        areas_km2 = shapely.area(np.asarray(self.kelurahan.geometry)) / 1e6
        return np.asarray(self.kelurahan["population"], dtype=np.float64) / areas_km2


def build_areas(rng: np.random.Generator) -> Areas:
    """Draw the boundary, cut it into 21-26 kelurahan grouped in 5 kecamatan, populate them.

    All kelurahan are cells of one Voronoi diagram clipped on a GRID_M grid, and each
    kecamatan is the union of its kelurahan, so shared borders have identical vertices
    (a conforming coverage) and stay gap- and overlap-free after reprojection.
    """
    boundary = shapely.set_precision(_boundary(rng), GRID_M)
    regions = _voronoi_tiles(boundary, _kecamatan_seeds(boundary, rng))
    for _ in range(MAX_ATTEMPTS):  # redraw the rare layout that splits a kecamatan in two
        owner, cells, shapes = _kelurahan_cells(boundary, regions, rng)
        if all(isinstance(shape, Polygon) for shape in shapes):
            break
    names = np.asarray(KELURAHAN_NAMES, dtype=object)[rng.permutation(len(KELURAHAN_NAMES))]
    number = [owner[:n].count(k) for n, k in enumerate(owner)]
    kelurahan = gpd.GeoDataFrame(
        {
            "code": [f"99.99.{k + 1:02d}.{1001 + n}" for k, n in zip(owner, number, strict=True)],
            "name": names[: len(owner)].astype(str),
            "kecamatan_code": [f"99.99.{k + 1:02d}" for k in owner],
            "geometry": cells,
        },
        geometry="geometry",
    )
    kelurahan.insert(3, "population", _populations(boundary, kelurahan, rng))
    kecamatan = gpd.GeoDataFrame(
        {
            "code": [f"99.99.{k + 1:02d}" for k in range(len(regions))],
            "name": [f"{TOWN_STEM} {suffix}" for suffix in KECAMATAN_SUFFIXES],
            "geometry": shapes,
        },
        geometry="geometry",
    )
    totals = kelurahan.groupby("kecamatan_code", sort=True)["population"].sum()
    kecamatan.insert(2, "population", totals.loc[kecamatan["code"]].to_numpy(dtype=np.int64))
    return Areas(boundary=boundary, kecamatan=kecamatan, kelurahan=kelurahan)


def _kelurahan_cells(
    boundary: Polygon, regions: list[Polygon | MultiPolygon], rng: np.random.Generator
) -> tuple[list[int], list[Polygon | MultiPolygon], list[Polygon | MultiPolygon]]:
    """Kecamatan index and cell of every kelurahan (in code order), and the kecamatan."""
    placed: dict[int, NDArray[np.float64]] = {}
    for k in [*range(1, len(regions)), 0]:  # the centre last, squeezed between the others
        low, high = KELURAHAN_PER_CENTRE_KECAMATAN if k == 0 else KELURAHAN_PER_OUTER_KECAMATAN
        others = np.vstack([np.empty((0, 2)), *placed.values()])
        placed[k] = _spread_seeds(regions[k], int(rng.integers(low, high + 1)), others, rng)
    owner = [k for k in range(len(regions)) for _ in placed[k]]
    cells = _voronoi_tiles(boundary, np.vstack([placed[k] for k in range(len(regions))]))
    members = np.asarray(owner)
    shapes = [
        _polygonal(shapely.union_all(np.asarray(cells, dtype=object)[members == k],
                                     grid_size=GRID_M))
        for k in range(len(regions))
    ]  # fmt: skip
    return owner, cells, shapes


def _boundary(rng: np.random.Generator) -> Polygon:
    """A star-shaped organic outline around the origin with an area in BOUNDARY_AREA_KM2."""
    theta = np.linspace(0.0, 2.0 * np.pi, BOUNDARY_VERTICES, endpoint=False)
    deviation = np.zeros_like(theta)
    for k in range(2, 6):
        amplitude = rng.uniform(0.3, 1.0) * BOUNDARY_LOBE_AMPLITUDE / (k - 1) ** 0.5
        deviation += amplitude * np.cos(k * theta + rng.uniform(0.0, 2.0 * np.pi))
    for k in range(6, 48):
        amplitude = rng.uniform(0.0, 1.0) * BOUNDARY_WIGGLE_AMPLITUDE * 6.0 / k
        deviation += amplitude * np.cos(k * theta + rng.uniform(0.0, 2.0 * np.pi))
    # keep every radius within 0.75..1.3 of the mean so the city stays compact
    deviation *= min(1.0, 0.25 / max(-deviation.min(), 1e-9), 0.3 / max(deviation.max(), 1e-9))
    radius = 1.0 + deviation
    stretch = np.sqrt(rng.uniform(*BOUNDARY_ELONGATION))
    tilt = rng.uniform(-0.4, 0.4)
    x = radius * np.cos(theta) * stretch
    y = radius * np.sin(theta) / stretch
    x, y = x * np.cos(tilt) - y * np.sin(tilt), x * np.sin(tilt) + y * np.cos(tilt)
    unit = Polygon(np.column_stack([x, y]))
    scale = np.sqrt(rng.uniform(*BOUNDARY_AREA_KM2) * 1e6 / unit.area)
    return Polygon(np.column_stack([x * scale, y * scale]))


def _kecamatan_seeds(boundary: Polygon, rng: np.random.Generator) -> NDArray[np.float64]:
    """A central seed and four seeds to the N, E, S and W: the cores of the kecamatan."""
    seeds = [(0.0, 0.0)]
    for bearing in (90.0, 0.0, 270.0, 180.0):  # matches KECAMATAN_SUFFIXES
        angle = np.deg2rad(bearing + rng.uniform(-15.0, 15.0))
        direction = np.array([np.cos(angle), np.sin(angle)])
        ray = shapely.LineString([(0.0, 0.0), tuple(direction * 50_000.0)])
        reach = shapely.distance(shapely.Point(0.0, 0.0), ray.intersection(boundary.exterior))
        seeds.append(tuple(direction * reach * KECAMATAN_SEED_SHARE))
    return np.asarray(seeds, dtype=np.float64)


def _spread_seeds(
    shape: Polygon | MultiPolygon,
    count: int,
    others: NDArray[np.float64],
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    """Mitchell's best-candidate sampling: well spread but irregular seeds inside a shape.

    Each new seed is the candidate farthest from all seeds so far, including `others`,
    with distances discounted away from the centre so central kelurahan come out smaller.
    """
    min_x, min_y, max_x, max_y = shape.bounds
    seeds = np.empty((0, 2))
    while len(seeds) < count:
        candidates = rng.uniform((min_x, min_y), (max_x, max_y), size=(SEED_CANDIDATES * 4, 2))
        inside = candidates[shapely.contains_xy(shape, candidates[:, 0], candidates[:, 1])]
        inside = inside[:SEED_CANDIDATES]
        if len(inside) == 0:
            continue
        placed = np.vstack([others, seeds])
        if len(placed) == 0:
            best = inside[0]
        else:
            gaps = np.linalg.norm(inside[:, None, :] - placed[None, :, :], axis=2).min(axis=1)
            # kelurahan are smaller in the dense centre: gaps count less out there
            spacing = 1.0 + np.hypot(inside[:, 0], inside[:, 1]) / KELURAHAN_GROWTH_M
            best = inside[int(np.argmax(gaps / spacing))]
        seeds = np.vstack([seeds, best])
    # code order: north to south, then west to east, like a reading of the map
    order = np.lexsort((seeds[:, 0], -np.round(seeds[:, 1], -2)))
    return np.asarray(seeds[order], dtype=np.float64)


def _voronoi_tiles(
    shape: Polygon | MultiPolygon, seeds: NDArray[np.float64]
) -> list[Polygon | MultiPolygon]:
    """Voronoi cells of the seeds (in seed order) intersected with the shape on the grid."""
    envelope = shapely.box(*shape.buffer(5_000.0).bounds)
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=envelope, ordered=True)
    return [_polygonal(shapely.intersection(c, shape, grid_size=GRID_M)) for c in cells.geoms]


def _polygonal(geometry: shapely.Geometry) -> Polygon | MultiPolygon:
    """Drop the line or point debris an intersection may leave; keep the areal part."""
    parts = [p for p in shapely.get_parts(geometry) if isinstance(p, Polygon) and p.area > 0]
    merged = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    return merged if merged.is_valid else _polygonal(shapely.make_valid(merged))


def _populations(
    boundary: Polygon, kelurahan: gpd.GeoDataFrame, rng: np.random.Generator
) -> NDArray[np.int64]:
    """Residents per kelurahan: the radial density integrated on a grid, with local noise."""
    min_x, min_y, max_x, max_y = boundary.bounds
    xs = np.arange(min_x, max_x, POPULATION_GRID_M) + POPULATION_GRID_M / 2
    ys = np.arange(min_y, max_y, POPULATION_GRID_M) + POPULATION_GRID_M / 2
    grid_x, grid_y = (a.ravel() for a in np.meshgrid(xs, ys))
    density = np.exp(-np.hypot(grid_x, grid_y) / DENSITY_DECAY_M) + DENSITY_FLOOR
    raw = np.array(
        [density[shapely.contains_xy(g, grid_x, grid_y)].sum() for g in kelurahan.geometry]
    )
    raw = np.maximum(raw, 1.0) * rng.lognormal(0.0, POPULATION_NOISE_SIGMA, size=len(raw))
    total = rng.integers(POPULATION_TOTAL[0], POPULATION_TOTAL[1] + 1)
    return np.asarray(np.round(raw / raw.sum() * total), dtype=np.int64)
