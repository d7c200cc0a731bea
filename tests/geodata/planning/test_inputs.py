"""Candidates, demand, results and what-if on a tiny hand-built road graph, exactly."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geodata.planning.candidates import (
    combine_candidates,
    grid_candidates,
    kelurahan_candidates,
    point_candidates,
    usable,
)
from geodata.planning.demand import combine_demand, incident_demand, population_demand
from geodata.planning.errors import (
    CoordinatesOutsideCityError,
    NoCandidatesError,
    NoDemandWeightError,
    NoGeometryError,
)
from geodata.planning.matrix import travel_matrix
from geodata.planning.results import area_table, figures, replay, weighted_quantile
from geodata.planning.uploads import candidates_from_file
from geodata.planning.whatif import WhatIf
from geodata.routing.road_graph import RoadGraph, road_graph

STEP = 0.001  # ≈ 111 m
LON0, LAT0 = 105.30, -5.10


def line_graph() -> RoadGraph:
    """Nodes 1–5 on a west–east street (two-way, 10 s per block) and node 9, a dead
    island 2 km north joined to nothing but node 10."""
    ids = np.array([1, 2, 3, 4, 5, 9, 10])
    lon = np.r_[LON0 + STEP * np.arange(5), LON0, LON0 + STEP]
    lat = np.r_[np.full(5, LAT0), LAT0 + 0.02, LAT0 + 0.02]
    arcs = road_graph(
        ids,
        np.array([1, 2, 3, 4, 9]),
        np.array([2, 3, 4, 5, 10]),
        np.full(5, 10.0),
        np.full(5, 10.0),
    )
    return RoadGraph("car", ids, lon, lat, arcs)


CITY = shapely.box(LON0 - 0.01, LAT0 - 0.01, LON0 + 0.02, LAT0 + 0.03)


def test_candidates_are_snapped_and_the_unusable_listed_with_their_reason() -> None:
    graph = line_graph()
    frame = point_candidates(
        graph,
        ["on 2", "near 4", "far", "island", "outside", "no place"],
        [LON0 + STEP, LON0 + 3 * STEP, LON0 + 2 * STEP, LON0, LON0 + 0.5, np.nan],
        [LAT0 + 0.0001, LAT0, LAT0 + 0.005, LAT0 + 0.02, LAT0, np.nan],
        max_snap_m=100.0,
        boundary=CITY,
    )
    assert list(frame["status"]) == [
        "ok",
        "ok",
        "off_network",
        "isolated",
        "outside_city",
        "no_coordinates",
    ]
    assert list(frame["node_id"][:2]) == [2, 4]
    assert frame["snap_m"].iloc[0] == pytest.approx(11.132, abs=0.01)
    combined = combine_candidates(
        frame, point_candidates(graph, ["again 2"], [LON0 + STEP], [LAT0], max_snap_m=100.0)
    )
    assert list(combined["candidate_id"]) == [f"c{i}" for i in range(1, 8)]
    assert combined["status"].iloc[-1] == "duplicate"
    assert list(usable(combined)["name"]) == ["on 2", "near 4"]
    with pytest.raises(NoCandidatesError) as none:
        usable(frame.iloc[2:])
    assert none.value.field == "candidates" and "off_network" in none.value.message


def test_grid_candidates_pick_one_intersection_per_square() -> None:
    # a plus-shaped crossing at node 3 and another at node 8, 1 km apart, joined 5 → 6
    ids = np.arange(1, 11)
    lon = LON0 + STEP * np.array([0, 1, 1, 1, 2, 9, 10, 10, 10, 11])
    lat = LAT0 + STEP * np.array([0, 1, 0, -1, 0, 0, 1, 0, -1, 0])
    source, target = np.array([1, 3, 3, 3, 6, 8, 8, 8, 5]), np.array([3, 2, 4, 5, 8, 7, 9, 10, 6])
    graph = RoadGraph("car", ids, lon, lat, road_graph(ids, source, target, np.ones(9), np.ones(9)))
    frame = grid_candidates(graph, 500.0)
    assert sorted(frame["node_id"]) == [3, 8]
    assert (frame["status"] == "ok").all()
    assert len(grid_candidates(graph, 5_000.0)) == 1


def test_kelurahan_candidates_sit_inside_each_kelurahan() -> None:
    areas = gpd.GeoDataFrame(
        {"code": ["A"], "name": ["Satu"], "population": [10]},
        geometry=[shapely.box(LON0, LAT0 - 0.001, LON0 + 0.004, LAT0 + 0.001)],
        crs=4326,
    )
    frame = kelurahan_candidates(line_graph(), areas, max_snap_m=300.0)
    assert list(frame["name"]) == ["Satu"] and frame["node_id"].iloc[0] == 3


def kelurahan() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": ["W", "E", "N"],
            "name": ["Barat", "Timur", "Utara"],
            "population": [300, 100, 50],
        },
        geometry=[
            shapely.box(LON0 - 0.0005, LAT0 - 0.001, LON0 + 0.0025, LAT0 + 0.001),
            shapely.box(LON0 + 0.0025, LAT0 - 0.001, LON0 + 0.0045, LAT0 + 0.001),
            shapely.box(LON0 + 0.005, LAT0 + 0.004, LON0 + 0.006, LAT0 + 0.005),
        ],
        crs=4326,
    )


def test_population_is_spread_by_the_stated_method() -> None:
    graph = line_graph()
    equal = population_demand(kelurahan(), graph, method="equal", max_snap_m=1_000.0)
    west = equal[equal["area_code"] == "W"]
    assert sorted(west["node_pos"]) == [0, 1, 2] and np.allclose(west["weight"], 100.0)
    assert list(equal[equal["area_code"] == "E"]["weight"]) == [50.0, 50.0]
    north = equal[equal["area_code"] == "N"]  # no node inside: at a point, snapped
    assert len(north) == 1 and north["weight"].iloc[0] == 50.0 and north["snap_m"].iloc[0] > 400
    by_length = population_demand(kelurahan(), graph, method="road_length", max_snap_m=1_000.0)
    west = by_length[by_length["area_code"] == "W"].set_index("node_pos")["weight"]
    assert west.to_dict() == pytest.approx({0: 60.0, 1: 120.0, 2: 120.0}, rel=1e-3)
    assert population_demand(kelurahan(), graph, method="h3", max_snap_m=1_000.0)[
        "weight"
    ].sum() == pytest.approx(450.0)
    with pytest.raises(NoDemandWeightError):
        population_demand(kelurahan().assign(population=0), graph, max_snap_m=100.0)


def test_incidents_and_people_combine_with_the_chosen_weight() -> None:
    graph = line_graph()
    incidents = pd.DataFrame(
        {
            "incident_id": [1, 2, 3],
            "category": ["fire", "health", "fire"],
            "lon": [LON0, LON0 + STEP, np.nan],
            "lat": [LAT0, LAT0, np.nan],
            "area_code": ["W", "W", None],
        }
    )
    chosen = incident_demand(incidents, graph, {"fire": 2.0}, max_snap_m=100.0)
    assert list(chosen["incident_id"]) == [1, 3] and list(chosen["weight"]) == [2.0, 0.0]
    assert list(chosen["status"]) == ["ok", "no_coordinates"]
    people = population_demand(kelurahan(), graph, max_snap_m=1_000.0)
    both = combine_demand(chosen, people, 0.25)
    assert both.loc[both["kind"] == "incident", "weight"].sum() == pytest.approx(0.25)
    assert both.loc[both["kind"] == "population", "weight"].sum() == pytest.approx(0.75)
    with pytest.raises(NoDemandWeightError):
        combine_demand(chosen.assign(weight=0.0), None, 1.0)


def test_figures_replay_and_areas_are_exact() -> None:
    demand = pd.DataFrame(
        {
            "kind": ["incident", "incident", "population", "population"],
            "weight": [1.0, 1.0, 3.0, 5.0],
            "population": [0.0, 0.0, 30.0, 50.0],
            "category": ["fire", "health", None, None],
            "area_code": ["W", "E", "W", "E"],
        }
    )
    before, after = np.array([100.0, np.inf, 700.0, 900.0]), np.array([100.0, 200.0, 300.0, 900.0])
    now = figures(demand, after, 600.0)
    assert now.demand_share == pytest.approx(5 / 10) and now.population_share == pytest.approx(
        30 / 80
    )
    assert now.incident_share == 1.0 and now.p90_s == 900.0
    assert now.mean_s == pytest.approx((100 + 200 + 900 + 4500) / 10)
    assert figures(demand, before, 600.0).reached_share == pytest.approx(9 / 10)
    table = replay(demand, before, after, 600.0).set_index("category")
    assert table.loc["health", ["reached_before", "reached_after"]].tolist() == [0, 1]
    assert table.loc["all", "incidents"] == 2
    areas = area_table(demand, before, after, 600.0, kelurahan())
    assert list(areas["area_code"][:2]) == ["E", "W"]  # worst served first
    assert areas.set_index("area_code").loc["W", "share_after"] == 1.0
    assert weighted_quantile(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 8.0]), 0.5) == 3.0


def test_whatif_add_remove_move_match_a_fresh_evaluation() -> None:
    graph = line_graph()
    matrix = travel_matrix(graph, [0, 4, 2], [0, 1, 2, 3, 4], 25.0)
    demand = pd.DataFrame(
        {
            "kind": "population",
            "weight": 1.0,
            "population": 1.0,
            "category": None,
            "area_code": "W",
        },
        index=range(5),
    )
    plan = WhatIf(matrix.travel_s, np.arange(5), demand, 10.0, [0])
    assert plan.change(add=1).after.demand_share == pytest.approx(4 / 5)
    moved = plan.change(add=2, remove=0)
    assert moved.sites_after == (2,) and moved.after.demand_share == pytest.approx(3 / 5)
    assert moved.covered_weight_change == pytest.approx(1.0)
    plan.apply(moved)
    assert plan.open_sites == [2]
    assert plan.change(remove=2).after.demand_share == 0.0


def write_points(tmp_path: Path, lon: float, lat: float) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"nama": ["Lahan"]}, geometry=[shapely.Point(lon, lat)], crs=4326)


def test_geopackage_and_zipped_shapefile_are_read(tmp_path: Path) -> None:
    graph = line_graph()
    points = write_points(tmp_path, LON0 + STEP, LAT0)
    points.to_file(tmp_path / "lahan.gpkg", driver="GPKG")
    frame = candidates_from_file(tmp_path / "lahan.gpkg", graph, max_snap_m=100.0, boundary=CITY)
    assert list(frame["name"]) == ["Lahan"] and frame["node_id"].iloc[0] == 2
    shp = tmp_path / "shp"
    shp.mkdir()
    points.to_file(shp / "lahan.shp")
    with zipfile.ZipFile(tmp_path / "lahan.zip", "w") as archive:
        for part in shp.iterdir():
            archive.write(part, part.name)
    zipped = candidates_from_file(tmp_path / "lahan.zip", graph, max_snap_m=100.0, boundary=CITY)
    assert zipped["node_id"].tolist() == [2]
    parcels = gpd.GeoDataFrame(
        {"nama": ["Tanah Pemda"]},
        crs=4326,
        geometry=[shapely.box(LON0 + 3.5 * STEP, LAT0 - 0.0003, LON0 + 4.5 * STEP, LAT0 + 0.0003)],
    )
    parcels.to_file(tmp_path / "persil.geojson", driver="GeoJSON")
    plots = candidates_from_file(
        tmp_path / "persil.geojson", graph, max_snap_m=100.0, boundary=CITY, parcels=True
    )
    assert plots["source"].tolist() == ["parcel"] and plots["node_id"].tolist() == [5]


def test_files_without_geometry_or_far_away_are_refused(tmp_path: Path) -> None:
    graph = line_graph()
    (tmp_path / "kosong.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(NoGeometryError) as empty:
        candidates_from_file(tmp_path / "kosong.geojson", graph, max_snap_m=100.0, boundary=CITY)
    assert empty.value.field == "file"
    write_points(tmp_path, 106.8, -6.2).to_file(tmp_path / "jakarta.gpkg", driver="GPKG")
    with pytest.raises(CoordinatesOutsideCityError) as far:
        candidates_from_file(tmp_path / "jakarta.gpkg", graph, max_snap_m=100.0, boundary=CITY)
    assert far.value.field == "file"
