"""Database fixtures of the geodata room: a tiny hand-built city with exact geometry."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely import box
from sqlalchemy import Engine, text

from geodata.load.city_load import ewkt, load_areas

#: Two kelurahan side by side: west (105.00–105.10) and east (105.10–105.20), lat -5.2…-5.0.
WEST = box(105.0, -5.2, 105.1, -5.0)
EAST = box(105.1, -5.2, 105.2, -5.0)


@pytest.fixture
def tiny_city(engine: Engine) -> int:
    """A city with one kecamatan split into two kelurahan; returns the city id."""
    with engine.begin() as conn:
        city_id = conn.execute(
            text(
                "INSERT INTO cities (code, name, timezone, boundary) VALUES "
                "('00.01', 'Kota Uji', 'Asia/Jakarta', ST_Multi(ST_GeomFromEWKT(:b))) RETURNING id"
            ),
            {"b": ewkt(box(105.0, -5.2, 105.2, -5.0))},
        ).scalar_one()
        kecamatan = gpd.GeoDataFrame(
            {"code": ["00.01.01"], "name": ["Uji"], "population": [1000]},
            geometry=[box(105.0, -5.2, 105.2, -5.0)],
            crs=4326,
        )
        kelurahan = gpd.GeoDataFrame(
            {
                "code": ["00.01.01.1001", "00.01.01.1002"],
                "name": ["Barat", "Timur"],
                "kecamatan_code": ["00.01.01", "00.01.01"],
                "population": [600, None],
            },
            geometry=[WEST, EAST],
            crs=4326,
        )
        load_areas(conn, city_id, kecamatan, kelurahan)
    return int(city_id)
