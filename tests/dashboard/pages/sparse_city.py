"""Cities with little data, for the tests of pages that must still open: one from its
boundary alone, one with roads but no posko or units (ORM/SQL, no importer)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape
from sqlalchemy import Connection, text

from geodata.load.city_load import ewkt
from geodata.operations.incidents import IncidentReport, upsert_incidents
from tests.conftest import SHARED_REALDATA
from tests.geodata.networks import grid_city, store_city

#: Kota Metro's Kemendagri code (also for the generated stand-in).
BOUNDARY_ONLY = "18.72"
ROADS_ONLY = "00.12"
OLD_LOG = "00.13"
#: Real kabupaten/kota outlines tried in order (../shared/realdata, when present).
REAL_BOUNDARIES = ("metro_kabkota.geojson", "cilegon_kabkota.geojson")


def boundary_polygon() -> tuple[shapely.MultiPolygon, str]:
    """A real kota outline when ../shared/realdata has one, else a generated box; and its name."""
    for name in REAL_BOUNDARIES:
        path = SHARED_REALDATA / "boundaries" / name
        if path.is_file():
            feature = json.loads(Path(path).read_text(encoding="utf-8"))["features"][0]
            geometry = shape(feature["geometry"])
            multi = (
                geometry
                if geometry.geom_type == "MultiPolygon"
                else shapely.MultiPolygon([geometry])
            )
            return multi, str(feature["properties"].get("nama") or "Kota Batas")
    return shapely.MultiPolygon([shapely.box(105.26, -5.18, 105.36, -5.05)]), "Kota Batas Saja"


def add_boundary_only_city(conn: Connection) -> int:
    """A city with its boundary and nothing else (no areas, roads, posko, units, incidents)."""
    outline, name = boundary_polygon()
    return int(
        conn.execute(
            text(
                "INSERT INTO cities (code, name, timezone, boundary) VALUES "
                "(:code, :name, 'Asia/Jakarta', ST_Multi(ST_GeomFromEWKT(:b))) RETURNING id"
            ),
            {"code": BOUNDARY_ONLY, "name": name, "b": ewkt(outline)},
        ).scalar_one()
    )


def add_roads_only_city(conn: Connection) -> int:
    """A city with a small road grid, no areas, posko, units or incidents."""
    grid = grid_city(np.random.default_rng(12), 6, oneway_share=0.0, drop_share=0.0)
    return store_city(conn, grid, ROADS_ONLY)


def add_old_log_city(conn: Connection) -> int:
    """A boundary and a call log that ended long ago: 181 fire calls, one every 3 days from
    3 January 2024 to 26 June 2025 (10:00 WIB), on scene after 10 or 20 minutes by turns,
    no dispatch and no unit (a log whose call signs the city does not know)."""
    outline = shapely.MultiPolygon([shapely.box(106.0, -6.1, 106.1, -6.0)])
    city_id = int(
        conn.execute(
            text(
                "INSERT INTO cities (code, name, timezone, boundary) VALUES "
                "(:code, 'Kota Log Lama', 'Asia/Jakarta', ST_Multi(ST_GeomFromEWKT(:b))) "
                "RETURNING id"
            ),
            {"code": OLD_LOG, "b": ewkt(outline)},
        ).scalar_one()
    )
    first = datetime(2024, 1, 3, 3, tzinfo=UTC)
    reports = [
        IncidentReport(source="log", external_id=str(n), category="fire", priority=2,
                       received_at=first + timedelta(days=3 * n), lon=106.05, lat=-6.05,
                       on_scene_at=first + timedelta(days=3 * n, minutes=10 + 10 * (n % 2)),
                       cleared_at=first + timedelta(days=3 * n, hours=1))
        for n in range(181)
    ]  # fmt: skip
    upsert_incidents(conn, city_id, reports)
    return city_id
