"""What the planner reads from the database: the city's boundary, its kelurahan, the
existing posko of an agency kind, and past incidents. One statement each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, text

from geodata import map_queries

__all__ = ["city_boundary", "existing_posko", "kelurahan", "past_incidents"]


def city_boundary(conn: Connection, city_id: int) -> BaseGeometry | None:
    """The city's boundary (EPSG:4326), or None when it has none."""
    raw = conn.execute(
        text("SELECT ST_AsBinary(boundary) FROM cities WHERE id = :c"), {"c": city_id}
    ).scalar_one_or_none()
    return None if raw is None else shapely.from_wkb(bytes(raw))


def kelurahan(conn: Connection, city_id: int) -> gpd.GeoDataFrame:
    """Kelurahan polygons: code, name, population, geometry."""
    return map_queries.area_outlines(conn, city_id, "kelurahan")


def existing_posko(conn: Connection, city_id: int, agency_kind: str) -> pd.DataFrame:
    """The posko of an agency kind: station_id, name, lon, lat (by station id)."""
    return pd.read_sql_query(
        text(
            "SELECT s.id AS station_id, s.name, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat "
            "FROM stations s JOIN agencies a ON a.id = s.agency_id "
            "WHERE a.city_id = :c AND a.kind = :kind ORDER BY s.id"
        ),
        conn,
        params={"c": city_id, "kind": agency_kind},
    )


def past_incidents(
    conn: Connection,
    city_id: int,
    categories: Sequence[str],
    since: datetime,
    until: datetime,
) -> pd.DataFrame:
    """Located incidents of ``categories`` received in [since, until) (tz-aware):
    incident_id, category, lon, lat, received_at, area_code (kelurahan)."""
    return pd.read_sql_query(
        text(
            "SELECT i.id AS incident_id, i.category, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, "
            "i.received_at, a.code AS area_code FROM incidents i "
            "LEFT JOIN admin_areas a ON a.id = i.area_id "
            "WHERE i.city_id = :c AND i.geom IS NOT NULL AND i.category = ANY(:cats) "
            "AND i.received_at >= :since AND i.received_at < :until ORDER BY i.id"
        ),
        conn,
        params={"c": city_id, "cats": list(categories), "since": since, "until": until},
    )
