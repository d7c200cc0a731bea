"""Reads for the city map: outline, areas, roads, posko and recent incidents.

None of these queries touches ``incident_callers``: what they return may be shown on the
wall display. Each is one statement whatever the size of the city.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import geopandas as gpd
import pandas as pd
from sqlalchemy import Connection, text

from geodata.operations.units import IN_SERVICE
from geodata.vocabulary import EMERGENCY_CATEGORIES

__all__ = [
    "CitySummary",
    "area_outlines",
    "city_summary",
    "city_summary_by_id",
    "open_incidents",
    "recent_incidents",
    "road_lines",
    "station_points",
]


@dataclass(frozen=True)
class CitySummary:
    """A loaded city and the extent of its boundary (degrees, EPSG:4326)."""

    id: int
    code: str
    name: str
    timezone: str
    is_synthetic: bool
    bounds: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat

    @property
    def center(self) -> tuple[float, float]:
        """(lon, lat) of the middle of the boundary's extent."""
        min_lon, min_lat, max_lon, max_lat = self.bounds
        return (min_lon + max_lon) / 2, (min_lat + max_lat) / 2


_CITY = text(
    "SELECT id, code, name, timezone, is_synthetic, ST_XMin(b) AS x0, "
    "ST_YMin(b) AS y0, ST_XMax(b) AS x1, ST_YMax(b) AS y1 "
    "FROM (SELECT *, ST_Envelope(boundary) AS b FROM cities) c "
    "WHERE (CAST(:code AS text) IS NULL OR code = :code) "
    "AND (CAST(:id AS integer) IS NULL OR id = :id) ORDER BY id LIMIT 1"
)


def _city(conn: Connection, code: str | None, city_id: int | None) -> CitySummary | None:
    row = conn.execute(_CITY, {"code": code, "id": city_id}).mappings().first()
    if row is None:
        return None
    return CitySummary(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        timezone=row["timezone"],
        is_synthetic=row["is_synthetic"],
        bounds=(row["x0"], row["y0"], row["x1"], row["y1"]),
    )


def city_summary(conn: Connection, code: str | None = None) -> CitySummary | None:
    """The city with Kemendagri ``code``, or the first loaded city when ``code`` is None."""
    return _city(conn, code, None)


def city_summary_by_id(conn: Connection, city_id: int) -> CitySummary | None:
    """The city with id ``city_id``, or None."""
    return _city(conn, None, city_id)


def area_outlines(conn: Connection, city_id: int, level: str) -> gpd.GeoDataFrame:
    """Kecamatan or kelurahan polygons: code, name, population, geometry."""
    return gpd.read_postgis(
        text(
            "SELECT code, name, population, geom FROM admin_areas "
            "WHERE city_id = :city_id AND level = :level ORDER BY code"
        ),
        conn,
        geom_col="geom",
        params={"city_id": city_id, "level": level},
    )


def area_bounds(
    conn: Connection, city_id: int, level: str
) -> dict[str, tuple[float, float, float, float]]:
    """Name → (min_lon, min_lat, max_lon, max_lat) of each kecamatan or kelurahan, in one
    statement that sends no geometry."""
    rows = conn.execute(
        text(
            "SELECT name, ST_XMin(geom) AS x0, ST_YMin(geom) AS y0, ST_XMax(geom) AS x1, "
            "ST_YMax(geom) AS y1 FROM admin_areas WHERE city_id = :city_id AND level = :level "
            "ORDER BY code"
        ),
        {"city_id": city_id, "level": level},
    )
    return {str(r.name): (float(r.x0), float(r.y0), float(r.x1), float(r.y1)) for r in rows}


def road_lines(
    conn: Connection, city_id: int, bbox: tuple[float, float, float, float] | None = None
) -> gpd.GeoDataFrame:
    """The road network (within ``bbox`` if given) merged into few lines per road class.

    Merging contiguous edges (``ST_LineMerge``) cuts the vertices sent to the browser to
    about a third of the per-edge geometry.
    """
    within = "" if bbox is None else " AND geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)"
    x0, y0, x1, y1 = bbox or (0.0, 0.0, 0.0, 0.0)
    return gpd.read_postgis(
        text(
            "SELECT road_class, ST_LineMerge(ST_Collect(geom)) AS geom FROM road_edges "
            f"WHERE city_id = :city_id{within} GROUP BY road_class ORDER BY road_class"
        ),
        conn,
        geom_col="geom",
        params={"city_id": city_id, "x0": x0, "y0": y0, "x1": x1, "y1": y1},
    )


def station_points(conn: Connection, city_id: int) -> gpd.GeoDataFrame:
    """Posko with their agency and how many of their units are available now."""
    return gpd.read_postgis(
        text(
            f"""
            SELECT s.id AS station_id, s.name, a.name AS agency_name, a.kind AS agency_kind,
                   count(u.id) AS units,
                   count(u.id) FILTER (WHERE u.status = 'available') AS units_available,
                   s.geom
            FROM stations s
            JOIN agencies a ON a.id = s.agency_id
            LEFT JOIN units u ON u.home_station_id = s.id AND {IN_SERVICE}
            WHERE a.city_id = :city_id
            GROUP BY s.id, a.id
            ORDER BY a.kind, s.name
            """
        ),
        conn,
        geom_col="geom",
        params={"city_id": city_id},
    )


def recent_incidents(conn: Connection, city_id: int, since: datetime) -> gpd.GeoDataFrame:
    """Located incidents received at or after ``since`` (tz-aware), newest first.

    Columns: incident_id, category, priority, status, received_at (UTC), address,
    kelurahan, kecamatan, geometry. No caller data.
    """
    return gpd.read_postgis(
        text(
            """
            SELECT i.id AS incident_id, i.category, i.priority, i.status, i.received_at,
                   i.address, kel.name AS kelurahan, kec.name AS kecamatan, i.geom
            FROM incidents i
            LEFT JOIN admin_areas kel ON kel.id = i.area_id
            LEFT JOIN admin_areas kec ON kec.id = kel.parent_id
            WHERE i.city_id = :city_id AND i.received_at >= :since AND i.geom IS NOT NULL
            ORDER BY i.received_at DESC
            """
        ),
        conn,
        geom_col="geom",
        params={"city_id": city_id, "since": since},
    )


def open_incidents(
    conn: Connection,
    city_id: int,
    *,
    emergencies_only: bool = True,
    limit: int | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """Incidents not yet cleared, most urgent first (priority, then oldest), no caller data;
    the first ``limit`` of them if given (a surge has thousands).

    Columns: incident_id, category, priority, status, received_at (UTC), address,
    kelurahan, kecamatan, units (call signs on it), lon, lat, and ``total`` (how many match,
    whatever ``limit`` and ``offset`` keep: one page of a long queue).
    """
    filter_sql = "AND i.category = ANY(:emergency)" if emergencies_only else ""
    return pd.read_sql_query(
        text(
            f"""
            SELECT i.id AS incident_id, i.category, i.priority, i.status, i.received_at,
                   i.address, kel.name AS kelurahan, kec.name AS kecamatan,
                   (SELECT string_agg(u.call_sign, ', ' ORDER BY u.call_sign)
                    FROM dispatches d JOIN units u ON u.id = d.unit_id
                    WHERE d.incident_id = i.id AND d.cleared_at IS NULL) AS units,
                   ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, count(*) OVER () AS total
            FROM incidents i
            LEFT JOIN admin_areas kel ON kel.id = i.area_id
            LEFT JOIN admin_areas kec ON kec.id = kel.parent_id
            WHERE i.city_id = :city_id AND i.status <> 'cleared' {filter_sql}
            ORDER BY i.priority, i.received_at, i.id
            LIMIT :limit OFFSET :offset
            """
        ),
        conn,
        params={
            "city_id": city_id,
            "emergency": sorted(c.value for c in EMERGENCY_CATEGORIES),
            "limit": limit,
            "offset": max(int(offset), 0),
        },
    )
