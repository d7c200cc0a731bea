"""The synthetic demo city: geometry, network, facilities and a year of calls are believable."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from geodata.demo import DemoCity, generate_demo_city
from geodata.vocabulary import (
    EMERGENCY_CATEGORIES,
    NON_EMERGENCY_CATEGORIES,
    AgencyKind,
    IncidentCategory,
    IncidentStatus,
    RoadClass,
    UnitStatus,
    VehicleProfile,
)

END = datetime(2026, 6, 1, tzinfo=UTC)
SEED = 112
UTM_48S = "EPSG:32748"
STEPS = ["received_at", "dispatched_at", "en_route_at", "on_scene_at", "cleared_at"]
COLUMNS = {
    "kecamatan": ["code", "name", "population", "geometry"],
    "kelurahan": ["code", "name", "kecamatan_code", "population", "geometry"],
    "road_nodes": ["node_id", "geometry"],
    "road_edges": ["edge_id", "source", "target", "road_class", "name", "oneway", "geometry"],
    "agencies": ["agency_code", "name", "kind"],
    "stations": ["station_code", "name", "agency_code", "geometry"],
    "units": [
        "call_sign", "agency_code", "station_code", "capability", "vehicle_profile", "status",
    ],
    "incidents": [
        "source", "external_id", "category", "priority", "address", *STEPS, "status",
        "caller_name", "caller_phone", "geometry",
    ],
    "dispatches": [
        "external_id", "call_sign", "assigned_by", "assigned_at", "en_route_at",
        "on_scene_at", "cleared_at",
    ],
}  # fmt: skip
RESPONDERS = {
    "health": {"ambulance"}, "fire": {"fire"}, "traffic_accident": {"ambulance", "police"},
    "crime": {"police"}, "flood": {"disaster"}, "landslide": {"disaster"},
    "earthquake": {"disaster"}, "search_rescue": {"sar"}, "animal_rescue": {"fire"},
    "other_rescue": {"fire"},
}  # fmt: skip
#: The first unit sent: the responder kind, or the ambulance at a crash.
PRIMARY = {c: min(kinds) for c, kinds in RESPONDERS.items()}


@pytest.fixture(scope="session")
def city() -> DemoCity:
    return generate_demo_city(SEED, END)


@pytest.fixture(scope="session")
def small_city() -> DemoCity:
    return generate_demo_city(SEED, END, n_incidents=2_000)


def _frames(c: DemoCity) -> dict[str, pd.DataFrame]:
    return {name: getattr(c, name) for name in COLUMNS}


def _strongly_connected(nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame) -> bool:
    two_way = ~edges["oneway"].to_numpy()
    source = edges["source"].to_numpy() - 1
    target = edges["target"].to_numpy() - 1
    rows = np.concatenate([source, target[two_way]])
    cols = np.concatenate([target, source[two_way]])
    count = len(nodes)
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(count, count)).tocsr()
    components, _ = connected_components(graph, directed=True, connection="strong")
    return bool(components == 1)


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Geometry as WKB so frames compare byte for byte."""
    plain = pd.DataFrame(frame).copy()
    if "geometry" in plain:
        plain["geometry"] = shapely.to_wkb(np.asarray(frame.geometry))
    return plain


# --- shape of the output -------------------------------------------------------------------


def test_every_frame_has_exactly_the_loader_columns(city: DemoCity) -> None:
    for name, frame in _frames(city).items():
        assert list(frame.columns) == COLUMNS[name], name
        if isinstance(frame, gpd.GeoDataFrame):
            assert frame.crs.to_epsg() == 4326, name


def test_city_metadata_and_boundary(city: DemoCity) -> None:
    assert (city.name, city.code, city.timezone) == (
        "Kota Demo Tanggap (sintetis)", "99.99", "Asia/Jakarta",
    )  # fmt: skip
    boundary = city.boundary
    assert isinstance(boundary, shapely.Polygon) and boundary.is_valid
    area_km2 = gpd.GeoSeries([boundary], crs=4326).to_crs(UTM_48S).area.iloc[0] / 1e6
    assert 60.0 <= area_km2 <= 80.0
    assert abs(boundary.centroid.y - -5.113) < 0.03 and abs(boundary.centroid.x - 105.307) < 0.03
    assert boundary.area / boundary.minimum_rotated_rectangle.area < 0.9  # not a rectangle
    assert len(boundary.exterior.coords) > 50


def test_kelurahan_tile_kecamatan_and_kecamatan_tile_the_city(city: DemoCity) -> None:
    kec, kel = city.kecamatan, city.kelurahan
    assert len(kec) == 5 and 20 <= len(kel) <= 26
    assert kec["code"].str.fullmatch(r"99\.99\.0\d").all()
    assert kel["code"].str.fullmatch(r"99\.99\.0\d\.1\d{3}").all()
    assert kel["code"].is_unique and kel["name"].is_unique
    assert set(kel["kecamatan_code"]) == set(kec["code"])
    assert kel.is_valid.all() and kec.is_valid.all()
    boundary_area = city.boundary.area
    for geometries in (kec.geometry, kel.geometry):
        union = shapely.union_all(np.asarray(geometries))
        assert abs(union.area / boundary_area - 1.0) < 1e-6
        overlap = shapely.area(np.asarray(geometries)).sum() - union.area
        assert abs(overlap) < 1e-9 * union.area
    for _, row in kec.iterrows():
        pieces = kel[kel["kecamatan_code"] == row["code"]]
        assert 4 <= len(pieces) <= 6
        union = shapely.union_all(np.asarray(pieces.geometry))
        assert union.symmetric_difference(row["geometry"]).area < 1e-9 * row["geometry"].area


def test_population_is_about_170k_and_densest_in_the_centre(city: DemoCity) -> None:
    kec, kel = city.kecamatan, city.kelurahan
    assert 160_000 <= kel["population"].sum() <= 180_000
    assert kec["population"].sum() == kel["population"].sum()
    assert (kel["population"] > 0).all()
    density = kec["population"] / kec.to_crs(UTM_48S).area
    assert density.iloc[0] > 1.5 * density.iloc[1:].mean()  # 01 is the centre


# --- road network ------------------------------------------------------------------------------


def test_road_network_is_large_noded_and_clean(city: DemoCity) -> None:
    nodes, edges = city.road_nodes, city.road_edges
    assert 20_000 <= len(edges) <= 30_000
    assert nodes["node_id"].tolist() == list(range(1, len(nodes) + 1))
    assert edges["edge_id"].tolist() == list(range(1, len(edges) + 1))
    assert edges["source"].dtype == np.int64 and edges["target"].dtype == np.int64
    node_xy = shapely.get_coordinates(np.asarray(nodes.geometry))
    lines = np.asarray(edges.geometry)
    assert (shapely.get_type_id(lines) == 1).all()
    first = shapely.get_coordinates(shapely.get_point(lines, 0))
    last = shapely.get_coordinates(shapely.get_point(lines, -1))
    np.testing.assert_array_equal(first, node_xy[edges["source"] - 1])
    np.testing.assert_array_equal(last, node_xy[edges["target"] - 1])
    pairs = np.sort(edges[["source", "target"]].to_numpy(), axis=1)
    assert len(np.unique(pairs, axis=0)) == len(edges)
    assert (edges.to_crs(UTM_48S).length > 10.0).all()
    assert shapely.contains(city.boundary, lines).all()


def test_road_network_is_strongly_connected_with_one_way_streets(city: DemoCity) -> None:
    assert _strongly_connected(city.road_nodes, city.road_edges)


def test_road_hierarchy_names_and_one_way_pairs(city: DemoCity) -> None:
    edges = city.road_edges
    classes = edges["road_class"].value_counts()
    assert set(classes.index) <= {c.value for c in RoadClass}
    assert classes["arterial"] < classes["collector"] < classes["local"]
    assert classes["residential"] > classes["collector"]
    assert edges["name"].str.match(r"(Jl|Gg)\. \S").all()
    local = edges[edges["road_class"] == "local"]
    assert 0.05 <= local["oneway"].mean() <= 0.10
    assert not edges.loc[edges["road_class"] != "local", "oneway"].any()
    # one-way streets are central, and they come in opposite pairs: bearings cancel out
    metric = edges[edges["oneway"]].to_crs(UTM_48S)
    centre = gpd.GeoSeries.from_xy([105.307], [-5.113], crs=4326).to_crs(UTM_48S).iloc[0]
    assert metric.distance(centre).max() < 2_500.0
    xy = shapely.get_coordinates(np.asarray(metric.geometry)).reshape(-1, 2, 2)
    step = xy[:, 1] - xy[:, 0]
    unit = step / np.linalg.norm(step, axis=1, keepdims=True)
    assert np.linalg.norm(unit.sum(axis=0)) < 0.2 * len(unit)
    minor = edges[edges["road_class"].isin(["local", "residential"])].to_crs(UTM_48S)
    assert 55.0 <= minor.length.median() <= 95.0


# --- agencies, stations, units --------------------------------------------------------------


def test_agencies_cover_every_kind(city: DemoCity) -> None:
    agencies = city.agencies
    assert set(agencies["kind"]) == {k.value for k in AgencyKind}
    assert agencies["agency_code"].is_unique


def test_stations_sit_on_road_nodes(city: DemoCity) -> None:
    stations, nodes = city.stations, city.road_nodes
    assert 20 <= len(stations) <= 35 and stations["station_code"].is_unique
    assert set(stations["agency_code"]) <= set(city.agencies["agency_code"])
    node_keys = set(map(tuple, shapely.get_coordinates(np.asarray(nodes.geometry))))
    station_xy = shapely.get_coordinates(np.asarray(stations.geometry))
    assert all(tuple(xy) in node_keys for xy in station_xy)
    kinds = stations["agency_code"].map(city.agencies.set_index("agency_code")["kind"])
    counts = kinds.value_counts()
    assert counts["police"] >= 5 and 2 <= counts["fire"] <= 5 and counts["ambulance"] >= 5
    assert counts["disaster"] == counts["sar"] == counts["transport"] == 1


def test_units_are_equipped_and_mostly_available(city: DemoCity) -> None:
    units = city.units
    assert 60 <= len(units) <= 120 and units["call_sign"].is_unique
    assert units["call_sign"].str.fullmatch(r"[A-Z]{3}-\d{2}").all()
    station_agency = city.stations.set_index("station_code")["agency_code"]
    assert (units["station_code"].map(station_agency) == units["agency_code"]).all()
    assert set(units["vehicle_profile"]) <= {p.value for p in VehicleProfile}
    assert set(units["status"]) <= {s.value for s in UnitStatus}
    assert {"BLS", "ALS", "pumper", "tanker", "rescue", "patrol", "motorbike_responder"} <= set(
        units["capability"]
    )
    assert (units["status"] == "available").mean() > 0.8
    assert 1 <= (units["status"] == "out_of_service").sum() <= 8


# --- incidents ---------------------------------------------------------------------------------


def test_incidents_are_a_year_of_unique_calls_inside_the_city(city: DemoCity) -> None:
    incidents = city.incidents
    assert len(incidents) == 45_000 and incidents["external_id"].is_unique
    assert (incidents["source"] == "demo").all()
    for step in STEPS:
        assert str(incidents[step].dtype) == "datetime64[ns, UTC]", step
    received = incidents["received_at"]
    assert received.min() > pd.Timestamp(END - timedelta(days=365))
    assert received.max() <= pd.Timestamp(END)
    assert shapely.contains(city.boundary, np.asarray(incidents.geometry)).all()
    assert incidents["caller_phone"].str.fullmatch(r"08\d{10}").all()
    assert incidents["address"].str.contains(r", Kel\. ").all()


def test_category_mix_is_like_an_indonesian_112_center(city: DemoCity) -> None:
    share = city.incidents["category"].value_counts(normalize=True)
    assert set(share.index) == {c.value for c in IncidentCategory}
    assert 0.55 <= share[["prank", "ghost", "dropped"]].sum() <= 0.70
    assert 0.10 <= share[["information", "complaint"]].sum() <= 0.15
    emergency = share[[c.value for c in EMERGENCY_CATEGORIES]].sort_values(ascending=False)
    assert list(emergency.index[:2]) == ["health", "traffic_accident"]
    assert share["fire"] > share["flood"] and share["crime"] > share["flood"]


def test_priorities_follow_the_category(city: DemoCity) -> None:
    incidents = city.incidents
    silent = incidents["category"].isin([c.value for c in NON_EMERGENCY_CATEGORIES])
    assert (incidents.loc[silent, "priority"] == 4).all()
    assert set(incidents.loc[~silent, "priority"]) == {1, 2, 3, 4}


def test_daily_weekly_and_seasonal_rhythm(city: DemoCity) -> None:
    incidents = city.incidents
    local = incidents["received_at"].dt.tz_convert("Asia/Jakarta")
    per_hour = local.dt.hour.value_counts().reindex(range(24), fill_value=0)
    assert per_hour[1:6].mean() < 0.4 * per_hour[9:13].mean()
    assert per_hour[19] > per_hour[3] * 3
    crash = local[incidents["category"] == "traffic_accident"]
    evening = crash.dt.hour >= 18
    weekend = crash.dt.day_of_week >= 4  # Friday to Sunday evenings
    weekend_rate = (evening & weekend).sum() / 3
    weekday_rate = (evening & ~weekend).sum() / 4
    assert weekend_rate > 1.2 * weekday_rate
    flood_month = local[incidents["category"] == "flood"].dt.month
    assert flood_month.isin([11, 12, 1, 2, 3]).mean() > 0.7


def test_lifecycle_times_are_ordered_and_never_after_end(city: DemoCity) -> None:
    incidents = city.incidents
    times = incidents[STEPS]
    assert (times.max(axis=1) <= pd.Timestamp(END)).all()
    for i, earlier in enumerate(STEPS):
        for later in STEPS[i + 1 :]:
            both = times[earlier].notna() & times[later].notna()
            assert (times.loc[both, later] > times.loc[both, earlier]).all(), (earlier, later)


def test_lifecycles_of_emergencies_and_other_calls(city: DemoCity) -> None:
    incidents = city.incidents
    closed = incidents["status"] == "cleared"
    emergency = incidents["category"].isin([c.value for c in EMERGENCY_CATEGORIES])
    silent = incidents[~emergency & closed]
    assert silent[["dispatched_at", "en_route_at", "on_scene_at"]].isna().all().all()
    handling = (silent["cleared_at"] - silent["received_at"]).dt.total_seconds()
    assert handling.between(30, 300).all()
    done = incidents[emergency & closed]
    assert done[["dispatched_at", "cleared_at"]].notna().all().all()
    missing = done[["en_route_at", "on_scene_at"]].isna().any(axis=1).mean()
    assert 0.01 <= missing <= 0.06
    minutes = {
        step: (done[step] - done[before]).dt.total_seconds().median() / 60
        for before, step in itertools.pairwise(STEPS)
    }
    assert 1.5 <= minutes["dispatched_at"] <= 2.5
    assert 1.0 <= minutes["en_route_at"] <= 2.0
    assert 3.0 <= minutes["on_scene_at"] <= 15.0
    assert 30.0 <= minutes["cleared_at"] <= 70.0
    travel = (done["on_scene_at"] - done["en_route_at"]).dt.total_seconds().dropna()
    assert travel.quantile(0.99) > 3 * travel.median()  # heavy right tail


def test_open_incidents_at_end_show_their_last_step(city: DemoCity) -> None:
    incidents = city.incidents
    open_calls = incidents[incidents["status"] != "cleared"]
    assert 10 <= len(open_calls) <= 25
    assert open_calls["cleared_at"].isna().all()
    assert (open_calls["received_at"] > pd.Timestamp(END - timedelta(hours=12))).all()
    reached = np.select(
        [open_calls[s].notna() for s in ("on_scene_at", "en_route_at", "dispatched_at")],
        ["on_scene", "en_route", "dispatched"],
        "received",
    )
    assert (open_calls["status"].to_numpy() == reached).all()
    assert set(incidents["status"]) <= {s.value for s in IncidentStatus}
    assert (incidents.loc[incidents["status"] == "cleared", "cleared_at"].notna()).all()


# --- dispatches --------------------------------------------------------------------------------


def test_dispatches_send_the_right_agency(city: DemoCity) -> None:
    incidents = city.incidents.set_index("external_id")
    dispatches = city.dispatches
    kind_of_agency = city.agencies.set_index("agency_code")["kind"]
    unit_kind = city.units.set_index("call_sign")["agency_code"].map(kind_of_agency)
    category = dispatches["external_id"].map(incidents["category"])
    kinds = dispatches["call_sign"].map(unit_kind)
    assert all(k in RESPONDERS[c] for c, k in zip(category, kinds, strict=True))
    dispatched = incidents[incidents["dispatched_at"].notna()]
    assert set(dispatches["external_id"]) == set(dispatched.index)
    primary = dispatches.groupby("external_id").first()
    assert (primary["assigned_at"] == dispatched.loc[primary.index, "dispatched_at"]).all()
    crash = dispatches[category == "traffic_accident"]
    police_share = crash["external_id"].duplicated().sum() / crash["external_id"].nunique()
    assert 0.25 <= police_share <= 0.55
    assert dispatches["assigned_by"].str.endswith(".demo").all()


def test_dispatch_times_agree_with_the_incident(city: DemoCity) -> None:
    incidents = city.incidents.set_index("external_id")
    d = city.dispatches
    rows = incidents.loc[d["external_id"]].reset_index()
    for step in ("en_route_at", "on_scene_at"):  # the incident's step is the first unit's
        both = d[step].notna() & rows[step].notna()
        assert (d.loc[both, step] >= rows.loc[both, step]).all()
    assert (d["assigned_at"] >= rows["dispatched_at"]).all()
    latest = d.groupby("external_id")["cleared_at"].max()
    assert (latest.dropna() == incidents.loc[latest.dropna().index, "cleared_at"]).all()
    steps = ["assigned_at", "en_route_at", "on_scene_at", "cleared_at"]
    assert (d[steps].max(axis=1) <= pd.Timestamp(END)).all()


def test_dispatches_go_to_the_nearest_station_with_a_free_unit(city: DemoCity) -> None:
    kind_of_agency = city.agencies.set_index("agency_code")["kind"]
    stations = city.stations.to_crs(UTM_48S)
    station_kind = stations["agency_code"].map(kind_of_agency).to_numpy()
    station_xy = shapely.get_coordinates(np.asarray(stations.geometry))
    incidents = city.incidents.set_index("external_id").to_crs(UTM_48S)
    units = city.units.set_index("call_sign")
    d = city.dispatches
    first = d[~d["external_id"].duplicated()]  # the first unit sent to each incident
    wanted = first["external_id"].map(incidents["category"]).map(PRIMARY).to_numpy()
    points = shapely.get_coordinates(np.asarray(incidents.loc[first["external_id"]].geometry))
    chosen = first["call_sign"].map(units["station_code"]).to_numpy()
    spans = {
        sign: (
            rows["assigned_at"].to_numpy(),
            rows["cleared_at"].fillna(pd.Timestamp.max.tz_localize("UTC")).to_numpy(),
        )
        for sign, rows in d.groupby("call_sign")
    }
    units_at = units.reset_index().groupby("station_code")["call_sign"].apply(list)
    farther = 0
    for point, kind, station, at in zip(
        points, wanted, chosen, first["assigned_at"].to_numpy(), strict=True
    ):
        mine = np.flatnonzero(station_kind == kind)
        by_distance = stations["station_code"].to_numpy()[mine][
            np.argsort(np.hypot(*(station_xy[mine] - point).T))
        ]
        for nearer in by_distance[: list(by_distance).index(station)]:
            farther += 1
            for sign in units_at[nearer]:  # every unit there was busy or in the workshop
                start, stop = spans.get(sign, (np.array([]), np.array([])))
                busy = ((start <= at) & (at <= stop)).any()
                assert busy or units.loc[sign, "status"] == "out_of_service"
    assert 0 < farther < 0.05 * len(first)


def test_busy_units_are_exactly_those_on_open_dispatches(city: DemoCity) -> None:
    open_ids = city.incidents.loc[city.incidents["status"] != "cleared", "external_id"]
    on_duty = city.dispatches[city.dispatches["cleared_at"].isna()]
    assert on_duty["external_id"].isin(open_ids).all()
    assert on_duty["call_sign"].is_unique  # one active assignment per unit (a DB rule)
    busy = city.units[~city.units["status"].isin(["available", "out_of_service"])]
    assert sorted(busy["call_sign"]) == sorted(on_duty["call_sign"])
    last = np.select(
        [on_duty["on_scene_at"].notna(), on_duty["en_route_at"].notna()],
        ["on_scene", "en_route"],
        "dispatched",
    )
    status = city.units.set_index("call_sign").loc[on_duty["call_sign"], "status"]
    assert (status.to_numpy() == last).all()


def test_a_unit_is_on_one_incident_at_a_time(city: DemoCity) -> None:
    d = city.dispatches.sort_values(["call_sign", "assigned_at"])
    next_assignment = d.groupby("call_sign")["assigned_at"].shift(-1)
    overlapping = (next_assignment < d["cleared_at"]).sum()
    assert overlapping <= 0.001 * len(d)  # only when every unit of a kind was out


# --- determinism -------------------------------------------------------------------------------


def test_same_seed_and_end_give_identical_frames(small_city: DemoCity) -> None:
    again = generate_demo_city(SEED, END, n_incidents=2_000)
    assert again.boundary.wkb == small_city.boundary.wkb
    for name, frame in _frames(small_city).items():
        pd.testing.assert_frame_equal(_comparable(frame), _comparable(getattr(again, name)))


def test_the_city_does_not_depend_on_the_number_of_calls(
    city: DemoCity, small_city: DemoCity
) -> None:
    for name in ("kecamatan", "kelurahan", "road_nodes", "road_edges", "stations"):
        pd.testing.assert_frame_equal(
            _comparable(getattr(city, name)), _comparable(getattr(small_city, name))
        )


def test_another_seed_gives_another_city(small_city: DemoCity) -> None:
    other = generate_demo_city(SEED + 1, END, n_incidents=2_000)
    assert other.boundary.wkb != small_city.boundary.wkb
    assert not _comparable(other.road_edges).equals(_comparable(small_city.road_edges))
    assert not other.incidents["received_at"].equals(small_city.incidents["received_at"])


def test_end_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_demo_city(SEED, datetime(2026, 6, 1), n_incidents=10)


@settings(
    max_examples=4, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), hours=st.integers(0, 24 * 365))
def test_any_seed_gives_a_valid_connected_city(seed: int, hours: int) -> None:
    end = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=hours)
    c = generate_demo_city(seed, end, n_incidents=1_500)
    assert len(c.road_edges) >= 20_000 and _strongly_connected(c.road_nodes, c.road_edges)
    assert 20 <= len(c.kelurahan) <= 26 and 60 <= len(c.units) <= 120
    assert shapely.contains(c.boundary, np.asarray(c.incidents.geometry)).all()
    assert (c.incidents[STEPS].max(axis=1) <= pd.Timestamp(end)).all()
    assert 10 <= (c.incidents["status"] != "cleared").sum() <= 25
    active = c.dispatches[c.dispatches["cleared_at"].isna()]
    assert active["call_sign"].is_unique


def test_an_open_call_waits_when_every_unit_of_its_kind_is_busy() -> None:
    from geodata.demo._dispatch import NAT, Trips, assign_units
    from geodata.demo._facilities import Facilities

    stations = pd.DataFrame({"kind": ["disaster"], "node": [0]})
    units = pd.DataFrame({"status": ["available", "out_of_service"]})
    facilities = Facilities(pd.DataFrame(), stations, units, np.array([0, 0]))
    two = np.ones(2, dtype=np.int64)
    floods = Trips(  # two floods still open at end, one BPBD posko with one working unit
        call=np.array([0, 1]),
        first=np.array([True, True]),
        assigned=np.array([100, 200], dtype=np.int64),
        turnout=two * 10,
        station=np.array([[0], [0]]),
        travel=np.array([[50], [50]], dtype=np.int64),
        scene=two * 1_000,
        hold=np.array([True, True]),
        pick=np.array([0.9, 0.9]),
    )
    rows = assign_units(floods, facilities, end_ns=10_000)
    assert rows.unit.tolist() == [0, -1]
    assert rows.waiting.tolist() == [False, True]
    assert [rows.times[k][0] for k in ("assigned", "en_route", "on_scene")] == [100, 110, 160]
    assert all(values[1] == NAT for values in rows.times.values())
