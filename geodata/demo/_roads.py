"""The demo road network: a warped, jittered street grid with a functional hierarchy.

Kota Metro was laid out as a planned grid, so the network is a lattice of streets
``(i, j)`` that is rotated, bent by a few long smooth waves, stretched outwards (blocks
grow from ~60 m in the centre to ~90 m at the fringe) and jittered a little. Lattice
line 0 in each direction gives four radial arterials, a square ring at line +-28 the
ring road, every 7th line a collector. Edges run between adjacent lattice nodes, so the
network is noded by construction; coordinates are local metres (see :mod:`._projection`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from shapely.geometry import Polygon

from geodata.vocabulary import RoadClass

from ._names import ALLEY_NAMES, FIGURE_NAMES, ROMAN_NUMERALS, STREET_WORDS

__all__ = ["RoadNetwork", "build_road_network"]

#: Street spacing at the centre before calibration, metres (blocks of 60-90 m, assumed).
BASE_SPACING_M = 60.0
#: Radial stretch: tangential spacing grows by this share per WARP_SCALE_M from the centre.
WARP_GROWTH = 0.3
WARP_SCALE_M = 5_000.0
#: Long smooth waves that bend the grid: wavelengths and amplitudes, metres (tuned by eye).
WAVE_COUNT = 4
WAVE_LENGTH_M = (1_500.0, 4_000.0)
WAVE_AMPLITUDE_M = (15.0, 35.0)
#: Random offset of minor intersections, metres; main roads stay smooth.
JITTER_M = 3.0
#: Nodes keep this distance from the city boundary, metres.
BOUNDARY_MARGIN_M = 40.0
#: Every n-th lattice line is a collector / a local street; the ring road's lattice line.
COLLECTOR_EVERY = 7
LOCAL_EVERY = 3
RING_LINE = 28
#: Inside this radius every minor street is local, and every 3rd one is one-way, metres.
CENTRAL_RADIUS_M = 1_300.0
ONEWAY_EVERY = 3
#: Share of residential edges removed, centre to fringe, and of local edges (assumed).
RESIDENTIAL_GAPS = (0.05, 0.16)
LOCAL_GAPS = 0.03
#: Field patches (sawah) without residential streets: threshold of a smooth [-1, 1] field,
#: only beyond this share of the boundary radius.
FIELD_THRESHOLD = 0.45
FIELD_MIN_RADIUS_SHARE = 0.5
#: Share of blocks crossed by a diagonal gang (alley).
ALLEY_SHARE = 0.04
#: Edge count the spacing is calibrated to, and the accepted range.
TARGET_EDGES = 24_000
TARGET_EDGE_RANGE = (22_000, 26_000)

#: Suffixes of perumahan street names ("Jl. Melati Indah III"), once plain words run out.
THEME_SUFFIXES = ("", " Indah", " Permai", " Asri", " Baru", " Jaya", " Elok", " Sari", " Lestari")

_KIND_ALONG_I, _KIND_ALONG_J, _KIND_ALLEY = 0, 1, 2
_AXIS_NAMES = {  # (kind, side of the centre) -> radial arterial
    (_KIND_ALONG_I, False): "Jl. Imam Bonjol",
    (_KIND_ALONG_I, True): "Jl. Diponegoro",
    (_KIND_ALONG_J, False): "Jl. Jenderal Sudirman",
    (_KIND_ALONG_J, True): "Jl. Ahmad Yani",
}
_RING_NAMES = {
    (_KIND_ALONG_I, True): "Jl. Lingkar Utara",
    (_KIND_ALONG_I, False): "Jl. Lingkar Selatan",
    (_KIND_ALONG_J, True): "Jl. Lingkar Timur",
    (_KIND_ALONG_J, False): "Jl. Lingkar Barat",
}


@dataclass(frozen=True)
class RoadNetwork:
    """A strongly connected street network in local metres; indices are 0-based."""

    node_xy: NDArray[np.float64]
    source: NDArray[np.intp]
    target: NDArray[np.intp]
    road_class: NDArray[np.object_]
    name: NDArray[np.object_]
    #: True: traffic only from source to target.
    oneway: NDArray[np.bool_]

    def major_nodes(self) -> NDArray[np.intp]:
        """Nodes on an arterial or collector, where posko and hospitals usually front."""
        major = np.isin(self.road_class, [RoadClass.ARTERIAL.value, RoadClass.COLLECTOR.value])
        return np.unique(np.concatenate([self.source[major], self.target[major]]))


@dataclass(frozen=True)
class _Layout:
    """The random shape of the grid, drawn once and reused while calibrating the spacing."""

    rotation_rad: float
    waves: NDArray[np.float64]  # rows: kx, ky (rad/m), phase, amplitude x, amplitude y (m)
    field: NDArray[np.float64]  # rows: kx, ky (rad/m), phase
    seed: int


def build_road_network(boundary: Polygon, rng: np.random.Generator) -> RoadNetwork:
    """Lay out the street grid inside the boundary, calibrating spacing to ~TARGET_EDGES."""
    layout = _draw_layout(rng)
    spacing = BASE_SPACING_M
    network = _grid_network(boundary, spacing, layout)
    for _ in range(4):
        edges = len(network.source)
        if TARGET_EDGE_RANGE[0] <= edges <= TARGET_EDGE_RANGE[1]:
            break
        spacing *= float(np.sqrt(edges / TARGET_EDGES))
        network = _grid_network(boundary, spacing, layout)
    return network


def _draw_layout(rng: np.random.Generator) -> _Layout:
    def wavevectors(count: int) -> NDArray[np.float64]:
        heading = rng.uniform(0.0, np.pi, count)
        wavenumber = 2.0 * np.pi / rng.uniform(*WAVE_LENGTH_M, count)
        return np.column_stack([wavenumber * np.cos(heading), wavenumber * np.sin(heading)])

    amplitude = rng.uniform(*WAVE_AMPLITUDE_M, WAVE_COUNT)
    direction = rng.uniform(0.0, 2.0 * np.pi, WAVE_COUNT)
    waves = np.column_stack(
        [
            wavevectors(WAVE_COUNT),
            rng.uniform(0.0, 2.0 * np.pi, WAVE_COUNT),
            amplitude * np.cos(direction),
            amplitude * np.sin(direction),
        ]
    )
    field = np.column_stack([wavevectors(4), rng.uniform(0.0, 2.0 * np.pi, 4)])
    rotation = float(np.deg2rad(rng.uniform(-20.0, 20.0)))
    return _Layout(rotation, waves, field, int(rng.integers(2**62)))


def _positions(
    lattice_i: NDArray[np.int64], lattice_j: NDArray[np.int64], spacing: float, layout: _Layout
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Physical position of lattice nodes: rotate, bend, stretch outwards, jitter; metres."""
    cos, sin = np.cos(layout.rotation_rad), np.sin(layout.rotation_rad)
    u, v = lattice_i * spacing, lattice_j * spacing
    x, y = cos * u - sin * v, sin * u + cos * v
    shift_x, shift_y = np.zeros_like(x), np.zeros_like(y)
    for kx, ky, phase, amplitude_x, amplitude_y in layout.waves:
        wave = np.sin(kx * x + ky * y + phase)
        shift_x += amplitude_x * wave
        shift_y += amplitude_y * wave
    x, y = x + shift_x, y + shift_y
    stretch = 1.0 + WARP_GROWTH * np.hypot(x, y) / WARP_SCALE_M
    jitter = np.random.default_rng(layout.seed).normal(0.0, JITTER_M, (2, *x.shape))
    minor = (lattice_i % COLLECTOR_EVERY != 0) & (lattice_j % COLLECTOR_EVERY != 0)
    return x * stretch + jitter[0] * minor, y * stretch + jitter[1] * minor


def _field(xy: NDArray[np.float64], layout: _Layout) -> NDArray[np.float64]:
    """A smooth field in [-1, 1]; its high values are rice fields without streets."""
    values = [np.cos(kx * xy[:, 0] + ky * xy[:, 1] + ph) for kx, ky, ph in layout.field]
    return np.asarray(np.mean(values, axis=0), dtype=np.float64)


def _grid_network(boundary: Polygon, spacing: float, layout: _Layout) -> RoadNetwork:
    """Build, classify, thin, name and repair the street grid for one spacing (metres)."""
    rng = np.random.default_rng(layout.seed + 1)
    reach_m = float(np.hypot(*np.asarray(boundary.exterior.coords).T).max())
    growth = WARP_GROWTH / WARP_SCALE_M
    lattice_reach = (np.sqrt(1.0 + 4.0 * growth * (reach_m + 400.0)) - 1.0) / (2.0 * growth)
    half = int(np.ceil(lattice_reach / spacing)) + 2
    lattice_i, lattice_j = np.meshgrid(np.arange(-half, half + 1), np.arange(-half, half + 1),
                                       indexing="ij")  # fmt: skip
    x, y = _positions(lattice_i, lattice_j, spacing, layout)
    inside = shapely.contains_xy(boundary.buffer(-BOUNDARY_MARGIN_M), x, y)
    node = np.full(x.shape, -1, dtype=np.intp)
    node[inside] = np.arange(int(inside.sum()))
    node_xy = np.column_stack([x[inside], y[inside]])

    corner = rng.random(node[:-1, :-1].shape) < 0.5
    alley = rng.random(corner.shape) < ALLEY_SHARE
    parts = [  # (source, target, kind, lattice line, position along the line)
        (node[:-1, :], node[1:, :], _KIND_ALONG_I, lattice_j[:-1, :], lattice_i[:-1, :]),
        (node[:, :-1], node[:, 1:], _KIND_ALONG_J, lattice_i[:, :-1], lattice_j[:, :-1]),
        (
            np.where(corner, node[:-1, :-1], node[1:, :-1])[alley],
            np.where(corner, node[1:, 1:], node[:-1, 1:])[alley],
            _KIND_ALLEY, lattice_j[:-1, :-1][alley], lattice_i[:-1, :-1][alley],
        ),
    ]  # fmt: skip
    source = np.concatenate([p[0].ravel() for p in parts])
    target = np.concatenate([p[1].ravel() for p in parts])
    kind = np.concatenate([np.full(p[0].size, p[2]) for p in parts])
    line = np.concatenate([p[3].ravel() for p in parts])
    along = np.concatenate([p[4].ravel() for p in parts])
    valid = (source >= 0) & (target >= 0)
    source, target, kind, line, along = (a[valid] for a in (source, target, kind, line, along))

    middle = (node_xy[source] + node_xy[target]) / 2.0
    radius = np.hypot(middle[:, 0], middle[:, 1])
    road_class, oneway, forward = _classify(kind, line, along, radius)
    gaps = np.where(
        road_class == RoadClass.RESIDENTIAL,
        np.interp(radius / reach_m, [0.0, 1.0], RESIDENTIAL_GAPS),
        np.where((road_class == RoadClass.LOCAL) & ~oneway, LOCAL_GAPS, 0.0),
    )
    fields = (_field(middle, layout) > FIELD_THRESHOLD) & (
        radius > FIELD_MIN_RADIUS_SHARE * reach_m
    )
    keep = (rng.random(len(gaps)) >= gaps) & ~(fields & (road_class == RoadClass.RESIDENTIAL))
    keep &= (kind != _KIND_ALLEY) | (radius > CENTRAL_RADIUS_M)
    keep &= shapely.contains_xy(boundary, middle[:, 0], middle[:, 1])
    name = _street_names(kind, line, along, road_class, rng)
    source, target = np.where(forward, source, target), np.where(forward, target, source)
    return _strongly_connected(
        node_xy, source[keep], target[keep], road_class[keep], name[keep], oneway[keep]
    )


def _classify(
    kind: NDArray[np.int64],
    line: NDArray[np.int64],
    along: NDArray[np.int64],
    radius_m: NDArray[np.float64],
) -> tuple[NDArray[np.object_], NDArray[np.bool_], NDArray[np.bool_]]:
    """Road class, one-way flag and travel direction (True: lattice order) of each edge."""
    straight = kind != _KIND_ALLEY
    ring = (np.abs(line) == RING_LINE) & (along >= -RING_LINE) & (along < RING_LINE)
    arterial = straight & ((line == 0) | ring)
    collector = straight & (line % COLLECTOR_EVERY == 0) & ~arterial
    central = radius_m < CENTRAL_RADIUS_M
    local = straight & ~arterial & ~collector & ((line % LOCAL_EVERY == 0) | central)
    road_class = np.full(len(kind), RoadClass.RESIDENTIAL.value, dtype=object)
    road_class[local] = RoadClass.LOCAL.value
    road_class[collector] = RoadClass.COLLECTOR.value
    road_class[arterial] = RoadClass.ARTERIAL.value
    # one-way pairs: neighbouring one-way streets run in opposite directions
    oneway = local & central & (line % ONEWAY_EVERY == 1)
    forward = ~oneway | ((line // ONEWAY_EVERY) % 2 == 0)
    return road_class, oneway, forward


def _street_names(
    kind: NDArray[np.int64],
    line: NDArray[np.int64],
    along: NDArray[np.int64],
    road_class: NDArray[np.object_],
    rng: np.random.Generator,
) -> NDArray[np.object_]:
    """Indonesian street names: heroes on main roads, themed numbered streets in between.

    Minor streets between two pairs of collectors share a theme word ("Jl. Melati I" ..
    "Jl. Melati VI"), as in real perumahan; names change where a collector crosses.
    """
    name = np.empty(len(kind), dtype=object)
    arterial = road_class == RoadClass.ARTERIAL
    for (edge_kind, positive), street in _AXIS_NAMES.items():
        name[arterial & (line == 0) & (kind == edge_kind) & ((along >= 0) == positive)] = street
    for (edge_kind, positive), street in _RING_NAMES.items():
        name[arterial & (line != 0) & (kind == edge_kind) & ((line > 0) == positive)] = street

    collector = road_class == RoadClass.COLLECTOR
    keys, key_index = np.unique(kind[collector] * 10_000 + line[collector], return_inverse=True)
    figures = np.asarray(FIGURE_NAMES, dtype=object)[rng.permutation(len(FIGURE_NAMES))]
    collector_names = [
        f"Jl. {figures[n % len(figures)]}" + (" Raya" if n >= len(figures) else "")
        for n in range(len(keys))
    ]
    name[collector] = np.asarray(collector_names, dtype=object)[key_index]

    minor = ~arterial & ~collector & (kind != _KIND_ALLEY)
    cell = np.column_stack([kind, along // COLLECTOR_EVERY, line // COLLECTOR_EVERY])[minor]
    _, theme_of_cell = np.unique(cell, axis=0, return_inverse=True)
    # plain theme words first, then the same words with a perumahan suffix, so that names
    # repeat only once every theme and suffix have been used
    themes = [f"{word}{suffix}" for suffix in THEME_SUFFIXES for word in STREET_WORDS]
    order = rng.permutation(int(theme_of_cell.max()) + 1 if len(theme_of_cell) else 0)
    theme = np.asarray(themes, dtype=object)[order[theme_of_cell.ravel()] % len(themes)]
    numerals = np.asarray(ROMAN_NUMERALS, dtype=object)[line[minor] % COLLECTOR_EVERY]
    name[minor] = ("Jl. " + pd.Series(theme) + " " + pd.Series(numerals)).to_numpy(dtype=object)

    alley = kind == _KIND_ALLEY
    picks = rng.integers(len(ALLEY_NAMES), size=int(alley.sum()))
    name[alley] = "Gg. " + pd.Series(np.asarray(ALLEY_NAMES, dtype=object)[picks])
    return name


def _strongly_connected(
    node_xy: NDArray[np.float64],
    source: NDArray[np.intp],
    target: NDArray[np.intp],
    road_class: NDArray[np.object_],
    name: NDArray[np.object_],
    oneway: NDArray[np.bool_],
) -> RoadNetwork:
    """Keep the largest strongly connected component, respecting one-way streets.

    A one-way edge between two different strong components (a one-way dead end) becomes
    two-way; after that, strong components equal weak ones and the largest is kept.
    """
    count = len(node_xy)
    oneway = oneway.copy()
    while True:
        both = ~oneway
        rows = np.concatenate([source, target[both]])
        cols = np.concatenate([target, source[both]])
        graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(count, count)).tocsr()
        _, labels = connected_components(graph, directed=True, connection="strong")
        dead_end = oneway & (labels[source] != labels[target])
        if not dead_end.any():
            break
        oneway &= ~dead_end
    giant = np.bincount(labels).argmax()
    kept_node = labels == giant
    kept_edge = kept_node[source]
    new_index = np.cumsum(kept_node) - 1
    return RoadNetwork(
        node_xy=node_xy[kept_node],
        source=new_index[source[kept_edge]],
        target=new_index[target[kept_edge]],
        road_class=road_class[kept_edge],
        name=name[kept_edge],
        oneway=oneway[kept_edge],
    )
