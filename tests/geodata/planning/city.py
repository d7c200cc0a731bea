"""A small planning city (also used by the API tests): a grid of streets, two kelurahan
with people, one Damkar posko in a corner, and fire incidents spread over the grid."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Engine

from geodata.load.city_load import load_areas, load_responders
from tests.geodata.networks import grid_city, store_city, store_incident


@dataclass(frozen=True)
class PlanningCity:
    city_id: int
    posko_lonlat: tuple[float, float]
    incidents: int


def build_planning_city(engine: Engine) -> PlanningCity:
    """Write the planning city into ``engine``'s database."""
    city = grid_city(np.random.default_rng(5), 12, oneway_share=0.1, drop_share=0.05)
    lon, lat = city.nodes.geometry.x.to_numpy(), city.nodes.geometry.y.to_numpy()
    west = shapely.box(lon.min() - 0.001, lat.min() - 0.001, lon.mean(), lat.max() + 0.001)
    east = shapely.box(lon.mean(), lat.min() - 0.001, lon.max() + 0.001, lat.max() + 0.001)
    rng = np.random.default_rng(9)
    with engine.begin() as conn:
        city_id = store_city(conn, city)
        load_areas(
            conn,
            city_id,
            gpd.GeoDataFrame(
                {"code": ["00.02.01"], "name": ["Grid"], "population": [3000]},
                geometry=[shapely.union(west, east)],
                crs=4326,
            ),
            gpd.GeoDataFrame(
                {
                    "code": ["00.02.01.1001", "00.02.01.1002"],
                    "name": ["Barat", "Timur"],
                    "kecamatan_code": ["00.02.01"] * 2,
                    "population": [1000, 2000],
                },
                geometry=[west, east],
                crs=4326,
            ),
        )
        corner = (float(lon[0]), float(lat[0]))
        load_responders(
            conn,
            city_id,
            pd.DataFrame({"agency_code": ["DAMKAR"], "name": ["Damkar"], "kind": ["fire"]}),
            gpd.GeoDataFrame(
                {"station_code": ["D1"], "name": ["Posko Sudut"], "agency_code": ["DAMKAR"]},
                geometry=[shapely.Point(*corner)],
                crs=4326,
            ),
            pd.DataFrame(
                {
                    "call_sign": [],
                    "agency_code": [],
                    "station_code": [],
                    "capability": [],
                    "vehicle_profile": [],
                    "status": [],
                }
            ),
        )
        picks = rng.choice(len(lon), 40, replace=False)
        for n, node in enumerate(picks):
            category = "fire" if n % 4 else "health"
            store_incident(
                conn,
                city_id,
                category,
                float(lon[node]) + 0.0001,
                float(lat[node]),
                external_id=f"p{n}",
            )
    return PlanningCity(int(city_id), corner, 30)
