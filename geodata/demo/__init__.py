"""A seeded synthetic Indonesian city for demos and tests: areas, roads, posko, a year of calls.

``generate_demo_city(seed, end)`` builds "Kota Demo Tanggap", a fictional kota of about
70 km² and 170,000 residents centred near Kota Metro, Lampung: 5 kecamatan, 21-26
kelurahan, a noded street network of 22,000-26,000 edges that is strongly connected with
its one-way streets, 21-22 stations with 65-73 units, and a year of 112 calls with their
lifecycles and dispatches. The same (seed, end, n_incidents) always gives identical
frames; the city itself depends on the seed only. Generating the default 45,000 calls
takes well under a second (vectorised numpy/shapely; one Python loop over ~12k dispatches).

Everything is drawn in a local metric frame (UTM 48S around the centre) and reprojected
once, see :mod:`._projection`; the shares, rhythms and intervals are stated, with their
sources or as assumptions, beside their constants in the private modules. Those a live
simulation draws from too are public here: the category mix (``CATEGORY_SHARES``), the
hour of day (``HOURLY_PROFILE``), priority triage (``PRIORITY_SHARES``) and the lognormal
call processing and turnout (median s, sigma) and minutes on scene (``SCENE_MIN``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from shapely.geometry import Polygon

from geodata.responders import DEFAULT_RESPONSE_AGENCIES, ResponseAgencies

from ._areas import build_areas
from ._facilities import Facilities, build_facilities
from ._incidents import CATEGORY_SHARES, HOURLY_PROFILE, PRIORITY_SHARES, Calls, draw_calls
from ._lifecycle import (
    CALL_PROCESSING_S,
    SCENE_MIN,
    TURNOUT_S,
    Lifecycle,
    as_utc,
    external_ids,
    run_lifecycle,
)
from ._projection import geometries_to_wgs84, to_lonlat
from ._roads import RoadNetwork, build_road_network

__all__ = [
    "CALL_PROCESSING_S",
    "CATEGORY_SHARES",
    "DEMO_CITY_CODE",
    "DEMO_CITY_NAME",
    "HOURLY_PROFILE",
    "PRIORITY_SHARES",
    "SCENE_MIN",
    "TURNOUT_S",
    "DemoCity",
    "generate_demo_city",
]

DEMO_CITY_NAME = "Kota Demo Tanggap (sintetis)"
#: Not a real Kemendagri code: 99 is no province.
DEMO_CITY_CODE = "99.99"
DEMO_TIMEZONE = "Asia/Jakarta"
WGS84 = "EPSG:4326"


@dataclass(frozen=True)
class DemoCity:
    """The synthetic city, every geometry in EPSG:4326; columns map 1:1 to the database."""

    name: str
    code: str
    timezone: str
    boundary: Polygon
    #: code, name, population, geometry
    kecamatan: gpd.GeoDataFrame
    #: code, name, kecamatan_code, population, geometry
    kelurahan: gpd.GeoDataFrame
    #: node_id (1..N), geometry
    road_nodes: gpd.GeoDataFrame
    #: edge_id, source, target, road_class, name, oneway (source -> target only), geometry
    road_edges: gpd.GeoDataFrame
    #: agency_code, name, kind
    agencies: pd.DataFrame
    #: station_code, name, agency_code, geometry (on a road node)
    stations: gpd.GeoDataFrame
    #: call_sign, agency_code, station_code, capability, vehicle_profile, status
    units: pd.DataFrame
    #: source, external_id, category, priority, address, received_at .. cleared_at, status,
    #: caller_name (None for ghost and dropped calls), caller_phone, geometry
    incidents: gpd.GeoDataFrame
    #: external_id, call_sign, assigned_by, assigned_at, en_route_at, on_scene_at, cleared_at
    dispatches: pd.DataFrame


def generate_demo_city(
    seed: int = 112,
    end: datetime | None = None,
    *,
    n_incidents: int = 45_000,
    responders: ResponseAgencies = DEFAULT_RESPONSE_AGENCIES,
) -> DemoCity:
    """Generate the demo city and a year of 112 calls ending at `end`.

    Parameters
    ----------
    seed
        Seed of ``numpy.random.default_rng``; each part draws from its own child generator,
        so the city does not change with `end` or `n_incidents`.
    end
        Timezone-aware instant at which the one-year history ends (calls are received in
        ``(end - 365 days, end]``); default: now, floored to the hour, UTC. The latest calls
        are still open at `end`.
    n_incidents
        Number of calls over the year, of every category.
    responders
        Which agency kinds respond to each category (``Settings.response_agencies``); a
        call goes to the first kind's nearest free unit.
    """
    end_utc = _resolve_end(end)
    end_ns = int(pd.Timestamp(end_utc).value)
    area_rng, road_rng, facility_rng, call_rng, life_rng = np.random.default_rng(seed).spawn(5)
    areas = build_areas(area_rng)
    roads = build_road_network(areas.boundary, road_rng)
    facilities = build_facilities(areas, roads, facility_rng)
    calls = draw_calls(n_incidents, end_utc, areas, roads, call_rng)
    lifecycle = run_lifecycle(calls, facilities, roads, end_ns, life_rng, responders)
    node_lon, node_lat = to_lonlat(roads.node_xy[:, 0], roads.node_xy[:, 1])
    units = facilities.units.copy()
    units["status"] = lifecycle.unit_status
    return DemoCity(
        name=DEMO_CITY_NAME,
        code=DEMO_CITY_CODE,
        timezone=DEMO_TIMEZONE,
        boundary=geometries_to_wgs84(np.array([areas.boundary], dtype=object))[0],
        kecamatan=_areas_frame(areas.kecamatan),
        kelurahan=_areas_frame(areas.kelurahan),
        road_nodes=gpd.GeoDataFrame(
            {"node_id": np.arange(1, len(node_lon) + 1, dtype=np.int64)},
            geometry=shapely.points(node_lon, node_lat),
            crs=WGS84,
        ),
        road_edges=_edges_frame(roads, node_lon, node_lat),
        agencies=facilities.agencies,
        stations=_stations_frame(facilities, node_lon, node_lat),
        units=units,
        incidents=_incidents_frame(calls, lifecycle),
        dispatches=lifecycle.dispatches,
    )


def _resolve_end(end: datetime | None) -> datetime:
    """`end` in UTC; now floored to the hour when not given."""
    if end is None:
        return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    if end.tzinfo is None or end.utcoffset() is None:
        raise ValueError("end must be timezone-aware, e.g. datetime(2026, 6, 1, tzinfo=UTC)")
    return end.astimezone(UTC)


def _areas_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """An area frame in local metres, reprojected to EPSG:4326 (shared vertices stay shared)."""
    geometry = geometries_to_wgs84(np.asarray(frame.geometry, dtype=object))
    return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geometry, crs=WGS84)


def _edges_frame(
    roads: RoadNetwork, node_lon: NDArray[np.float64], node_lat: NDArray[np.float64]
) -> gpd.GeoDataFrame:
    """Straight edges whose end points are exactly their nodes' points."""
    ends = np.stack([roads.source, roads.target], axis=1)
    coords = np.stack([node_lon[ends], node_lat[ends]], axis=2)
    return gpd.GeoDataFrame(
        {
            "edge_id": np.arange(1, len(ends) + 1, dtype=np.int64),
            "source": roads.source.astype(np.int64) + 1,
            "target": roads.target.astype(np.int64) + 1,
            "road_class": roads.road_class,
            "name": roads.name,
            "oneway": roads.oneway.astype(bool),
        },
        geometry=shapely.linestrings(coords),
        crs=WGS84,
    )


def _stations_frame(
    facilities: Facilities, node_lon: NDArray[np.float64], node_lat: NDArray[np.float64]
) -> gpd.GeoDataFrame:
    """Stations at the exact points of their road nodes."""
    node = facilities.stations["node"].to_numpy()
    return gpd.GeoDataFrame(
        facilities.stations[["station_code", "name", "agency_code"]],
        geometry=shapely.points(node_lon[node], node_lat[node]),
        crs=WGS84,
    )


def _incidents_frame(calls: Calls, lifecycle: Lifecycle) -> gpd.GeoDataFrame:
    """Calls with their lifecycle, ids in arrival order, every time datetime64[ns, UTC]."""
    lon, lat = to_lonlat(calls.xy[:, 0], calls.xy[:, 1])
    count = len(lon)
    frame = pd.DataFrame(
        {
            "source": np.full(count, "demo", dtype=object),
            "external_id": external_ids(count),
            "category": calls.category,
            "priority": calls.priority.astype(np.int64),
            "address": calls.address,
            "received_at": as_utc(calls.received_ns),
        }
    )
    for column, step in (("dispatched_at", "dispatched"), ("en_route_at", "en_route"),
                         ("on_scene_at", "on_scene"), ("cleared_at", "cleared")):  # fmt: skip
        frame[column] = as_utc(lifecycle.times[step])
    frame["status"] = lifecycle.status
    frame["caller_name"] = calls.caller_name
    frame["caller_phone"] = calls.caller_phone
    return gpd.GeoDataFrame(frame, geometry=shapely.points(lon, lat), crs=WGS84)
