"""``import-osm`` on the real OpenStreetMap extract that pyrosm ships (central Helsinki).

The network is checked against facts computed here, independently of the importer: the
edge count from the ways' OSM node-id sequences (split where a node is shared), the
largest strongly connected component with networkx, and shortest travel times with
networkx on those edges against pgRouting's ``pgr_dijkstra`` on the stored network.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pyrosm
import pytest
import shapely
from pyproj import Geod
from scipy.spatial import cKDTree
from shapely import box
from sqlalchemy import Engine, text

from geodata.importers.osm import HIGHWAY_CLASS
from geodata.importers.osm_city import CityIdentity, import_osm
from geodata.importers.sources import SourceFile
from geodata.routing.vehicle_profiles import SPEEDS_KMH
from geodata.vocabulary import VehicleProfile
from tests.geodata.importers.conftest import database_content

HELSINKI = CityIdentity("FI.091", "Helsinki (pyrosm test extract)", "Europe/Helsinki")


@pytest.fixture(scope="module")
def extract() -> Path:
    path = Path(pyrosm.get_data("helsinki_pbf"))
    assert path.parent == Path(pyrosm.__file__).parent / "data"  # bundled: nothing downloaded
    return path


@pytest.fixture(scope="module")
def segments(extract: Path) -> gpd.GeoDataFrame:
    """Every segment of every drivable way (pyrosm ``nodes=True``): way id, u, v in order."""
    nodes, edges = pyrosm.OSM(str(extract)).get_network("driving+service", nodes=True)
    edges = edges.loc[edges["highway"].isin(list(HIGHWAY_CLASS))]
    edges.attrs["node_xy"] = dict(zip(nodes["id"], zip(nodes["lon"], nodes["lat"])))  # noqa: B905
    return edges


def expected_edges(segments: gpd.GeoDataFrame) -> list[tuple[int, int, list[int], str, str]]:
    """Ways split where an OSM node is used more than once: (u, v, nodes, highway, oneway)."""
    ways: dict[int, list[int]] = {}
    tags: dict[int, tuple[str, str]] = {}
    for way, u, v, highway, oneway in segments[["id", "u", "v", "highway", "oneway"]].itertuples(
        index=False
    ):
        sequence = ways.setdefault(int(way), [int(u)])
        assert sequence[-1] == u, "pyrosm lists a way's segments in order"
        sequence.append(int(v))
        tags[int(way)] = (highway, oneway if isinstance(oneway, str) else "")
    uses = Counter(node for sequence in ways.values() for node in sequence)
    edges = []
    for way, sequence in ways.items():
        start = 0
        for i in range(1, len(sequence)):
            if i == len(sequence) - 1 or uses[sequence[i]] > 1:
                edges.append((sequence[start], sequence[i], sequence[start : i + 1], *tags[way]))
                start = i
    return edges


def directed_graph(segments: gpd.GeoDataFrame) -> nx.MultiDiGraph:
    """The expected edges, weighted by ambulance travel time, one-way where tagged yes/-1."""
    geod, xy = Geod(ellps="WGS84"), segments.attrs["node_xy"]
    speeds = SPEEDS_KMH[VehicleProfile.AMBULANCE]
    graph = nx.MultiDiGraph()
    for u, v, nodes, highway, oneway in expected_edges(segments):
        lon, lat = zip(*(xy[node] for node in nodes), strict=True)
        length = max(geod.line_length(lon, lat), 0.01)
        seconds = length / (speeds[HIGHWAY_CLASS[highway]] / 3.6)
        if oneway != "-1":
            graph.add_edge(u, v, weight=seconds)
        if oneway not in ("yes", "true", "1"):
            graph.add_edge(v, u, weight=seconds)
    return graph


def write_boundary(path: Path, polygon: shapely.Polygon) -> Path:
    gpd.GeoDataFrame({"name": ["boundary"]}, geometry=[polygon], crs=4326).to_file(path)
    return path


def run_import(engine: Engine, extract: Path, boundary: Path, margin_m: float = 0.0) -> dict:
    with engine.begin() as conn:
        outcome = import_osm(
            conn,
            SourceFile(extract),
            boundary=SourceFile(boundary),
            city=HELSINKI,
            margin_m=margin_m,
        )
    return outcome.loaded


@pytest.fixture(scope="module")
def whole_extract(extract: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A boundary around all of the extract: nothing is clipped away."""
    ways = pyrosm.OSM(str(extract)).get_network("driving+service")
    outline = box(*ways.total_bounds).buffer(0.01)
    return write_boundary(tmp_path_factory.mktemp("helsinki") / "whole.geojson", outline)


def test_the_network_matches_the_ways_split_at_shared_nodes(
    engine: Engine, extract: Path, segments: gpd.GeoDataFrame, whole_extract: Path
) -> None:
    loaded = run_import(engine, extract, whole_extract)
    expected = expected_edges(segments)
    assert loaded["edges after noding"] == len(expected) == 980
    graph = directed_graph(segments)
    largest = max(nx.strongly_connected_components(graph), key=len)
    kept = [e for e in expected if e[0] in largest and e[1] in largest]
    assert loaded["connected components"] == nx.number_strongly_connected_components(graph)
    assert loaded["edges in the largest component"] == len(kept)
    assert loaded["nodes in the largest component"] == len(largest)
    with engine.connect() as conn:
        stored, oneway, detached = conn.execute(
            text(
                "SELECT count(*), count(*) FILTER (WHERE oneway), count(*) FILTER (WHERE NOT "
                "ST_Equals(ST_StartPoint(e.geom), s.geom) OR NOT ST_Equals(ST_EndPoint(e.geom), "
                "t.geom)) FROM road_edges e JOIN road_nodes s ON s.id = e.source "
                "JOIN road_nodes t ON t.id = e.target"
            )
        ).one()
        costs = conn.execute(text("SELECT count(*) FROM road_edge_costs")).scalar_one()
        length_error = conn.execute(
            text("SELECT max(abs(length_m / ST_Length(geom::geography) - 1)) FROM road_edges")
        ).scalar_one()
    assert stored == len(kept) and detached == 0 and costs == 4 * stored
    assert length_error < 1e-8  # lengths computed before COPY agree with PostGIS
    assert oneway == sum(1 for e in kept if e[4] in ("yes", "true", "1", "-1"))


def test_pgrouting_travel_times_match_networkx_on_the_osm_ways(
    engine: Engine, extract: Path, segments: gpd.GeoDataFrame, whole_extract: Path
) -> None:
    run_import(engine, extract, whole_extract)
    graph = directed_graph(segments)
    largest = sorted(max(nx.strongly_connected_components(graph), key=len))
    xy = segments.attrs["node_xy"]
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT id, ST_X(geom), ST_Y(geom) FROM road_nodes")).all()
        ids, lon, lat = (np.array(column) for column in zip(*stored, strict=True))
        tree = cKDTree(np.column_stack([lon, lat]))
        rng = np.random.default_rng(112)
        for start, end in rng.choice(largest, size=(6, 2)):
            distance, found = tree.query([xy[start], xy[end]])
            assert distance.max() < 1e-9  # the stored node is the OSM node
            got = conn.execute(
                text(
                    "SELECT coalesce(max(agg_cost), 0) FROM pgr_dijkstra('SELECT e.id, e.source, "
                    "e.target, c.cost_s AS cost, c.reverse_cost_s AS reverse_cost FROM road_edges"
                    " e JOIN road_edge_costs c ON c.edge_id = e.id AND c.profile = ''ambulance''',"
                    " :a, :b, directed => true)"
                ),
                {"a": int(ids[found[0]]), "b": int(ids[found[1]])},
            ).scalar_one()
            want = nx.dijkstra_path_length(graph, int(start), int(end))
            assert got == pytest.approx(want, rel=1e-6, abs=1e-3)


def test_posko_come_from_the_extracts_facilities(
    engine: Engine, extract: Path, whole_extract: Path
) -> None:
    loaded = run_import(engine, extract, whole_extract)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT a.code, s.code, s.name FROM stations s JOIN agencies a ON a.id = "
                "s.agency_id ORDER BY s.name"
            )
        ).all()
    by_name = {name: (agency, code) for agency, code, name in rows}
    assert by_name["Erottajan paloasema"] == ("DAMKAR", "osm-relation-167018")
    for clinic in ("Dextra", "Vita Lääkäriasema", "Elielinaukion röntgen"):
        assert by_name[clinic][0] == "PSC119"
    assert "Diacor Keskusta" not in by_name  # amenity=doctors: a practice, not a posko
    assert loaded["posko new"] == len(rows) == loaded["posko of DAMKAR"] + loaded["posko of PSC119"]


def test_importing_the_same_extract_twice_changes_nothing(
    engine: Engine, extract: Path, whole_extract: Path
) -> None:
    run_import(engine, extract, whole_extract)
    before = database_content(engine)
    loaded = run_import(engine, extract, whole_extract)
    assert database_content(engine) == before
    assert loaded["city unchanged"] == 1
    assert loaded["posko unchanged"] == loaded["posko of DAMKAR"] + loaded["posko of PSC119"]
    assert "road edges written" not in loaded


def test_a_smaller_boundary_keeps_what_touches_it_plus_the_margin(
    engine: Engine, extract: Path, whole_extract: Path, tmp_path: Path
) -> None:
    everything = run_import(engine, extract, whole_extract)["edges in the largest component"]
    centre = write_boundary(tmp_path / "centre.geojson", box(24.940, 60.166, 24.946, 60.170))
    loaded = run_import(engine, extract, centre, margin_m=100)
    assert 0 < loaded["edges in the largest component"] < everything
    assert loaded["old road edges replaced"] == everything and loaded["city updated"] == 1
    with engine.connect() as conn:
        far = conn.execute(
            text(
                "SELECT count(*) FROM road_edges e, cities c WHERE NOT ST_DWithin("
                "e.geom::geography, c.boundary::geography, 100.5)"
            )
        ).scalar_one()
    assert far == 0
