"""Noding road lines: exact results on tiny hand-built layers, invariants, the demo network."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import LineString

from geodata.demo import DemoCity
from geodata.importers.road_network import build_network
from geodata.importers.road_noding import node_lines


def edges_wkt(lines: list[LineString], **options: object) -> list[str]:
    noded = node_lines(lines, **options)  # type: ignore[arg-type]
    return sorted(shapely.to_wkt(noded.geometry, rounding_precision=6).tolist())


def test_lines_split_at_a_shared_vertex_but_not_where_they_merely_cross() -> None:
    cross_at_vertex = [LineString([(0, 0), (5, 0), (10, 0)]), LineString([(5, -5), (5, 0), (5, 5)])]
    assert edges_wkt(cross_at_vertex) == [
        "LINESTRING (0 0, 5 0)",
        "LINESTRING (5 -5, 5 0)",
        "LINESTRING (5 0, 10 0)",
        "LINESTRING (5 0, 5 5)",
    ]
    flyover = [LineString([(0, 0), (10, 0)]), LineString([(5, -5), (5, 5)])]
    assert edges_wkt(flyover) == ["LINESTRING (0 0, 10 0)", "LINESTRING (5 -5, 5 5)"]
    assert edges_wkt(flyover, split_at_crossings=True) == [
        "LINESTRING (0 0, 5 0)",
        "LINESTRING (5 -5, 5 0)",
        "LINESTRING (5 0, 10 0)",
        "LINESTRING (5 0, 5 5)",
    ]


def test_a_dead_end_short_of_a_road_is_joined_to_it_within_the_tolerance() -> None:
    t_junction = [LineString([(0, 0), (10, 0)]), LineString([(4, 8), (4, 0.8)])]
    assert edges_wkt(t_junction, snap_m=0.5) == sorted(
        ["LINESTRING (0 0, 10 0)", "LINESTRING (4 8, 4 0.8)"]
    )
    joined = node_lines(t_junction, snap_m=1.0)
    assert sorted(shapely.to_wkt(joined.geometry).tolist()) == [
        "LINESTRING (0 0, 4 0)",
        "LINESTRING (4 0, 10 0)",
        "LINESTRING (4 8, 4 0)",
    ]
    assert joined.stats.ends_snapped == 1 and len(joined.node_xy) == 4


def test_ends_a_little_apart_are_merged_into_one_node() -> None:
    gap = [LineString([(0, 0), (10, 0)]), LineString([(10.4, 0.3), (20, 0)])]
    noded = node_lines(gap, snap_m=1.0)
    assert len(noded.node_xy) == 3 and noded.stats.vertices_merged == 1
    assert noded.target[0] == noded.source[1]  # one node where the two roads meet


def test_direction_is_kept_and_lines_are_traced_back_to_their_source() -> None:
    lines = [LineString([(10, 0), (5, 0), (0, 0)]), LineString([(5, 5), (5, 0)])]
    noded = node_lines(lines)
    first = [i for i, line in enumerate(noded.line) if line == 0]
    starts = [shapely.get_coordinates(noded.geometry[i])[0].tolist() for i in first]
    assert starts == [[10.0, 0.0], [5.0, 0.0]]  # drawn east to west, still east to west
    assert sorted(noded.line.tolist()) == [0, 0, 1]


def test_repeated_vertices_and_zero_length_lines_are_dropped() -> None:
    lines = [LineString([(0, 0), (0, 0), (1, 0)]), LineString([(3, 3), (3, 3)])]
    noded = node_lines(lines)
    assert shapely.to_wkt(noded.geometry).tolist() == ["LINESTRING (0 0, 1 0)"]
    assert noded.stats.collapsed == 1


@settings(max_examples=40, deadline=None)
@given(rows=st.integers(1, 6), columns=st.integers(1, 6), spacing=st.floats(5, 200))
def test_a_street_grid_drawn_as_long_lines_splits_into_its_blocks(
    rows: int, columns: int, spacing: float
) -> None:
    # Long lines with a vertex at every crossing: (rows+1) lines of `columns` blocks each way.
    xs, ys = np.arange(columns + 1) * spacing, np.arange(rows + 1) * spacing
    lines = [LineString([(x, y) for x in xs]) for y in ys]
    lines += [LineString([(x, y) for y in ys]) for x in xs]
    noded = node_lines(lines, snap_m=spacing / 10)
    assert len(noded.geometry) == (rows + 1) * columns + (columns + 1) * rows
    assert len(noded.node_xy) == (rows + 1) * (columns + 1)
    assert np.isclose(shapely.length(noded.geometry).sum(), shapely.length(lines).sum())


def test_the_demo_network_is_already_noded_and_comes_back_unchanged(demo_city: DemoCity) -> None:
    """The demo city's edges through the importers' noding: nothing split, nothing lost."""
    edges = demo_city.road_edges
    lines = gpd.GeoDataFrame(
        {"road_class": edges["road_class"], "name": edges["name"], "oneway": edges["oneway"]},
        geometry=edges.geometry,
        crs=4326,
    )
    network = build_network(lines, utm="EPSG:32748", clip=demo_city.boundary)
    assert network.report.edges_noded == len(edges)
    assert network.report.components == 1 and network.report.strongly
    assert len(network.edges) == len(edges) and len(network.nodes) == len(demo_city.road_nodes)
    assert network.edges["oneway"].sum() == edges["oneway"].sum()
    assert np.isclose(
        network.edges.to_crs(32748).length.sum(), edges.to_crs(32748).length.sum(), rtol=1e-9
    )
