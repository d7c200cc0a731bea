"""Writing agencies (OPD) and their posko: created once, posko upserted by code."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from sqlalchemy import Connection, text

from geodata.agencies import STANDARD_KINDS, agencies_for
from geodata.db.copy import copy_rows
from geodata.load.counts import UpsertCounts
from geodata.load.ewkt import ewkt

__all__ = ["create_standard_agencies", "upsert_agencies", "upsert_stations"]


def upsert_agencies(conn: Connection, city_id: int, agencies: pd.DataFrame) -> dict[str, int]:
    """Create the agencies (agency_code, name, kind) a city lacks; return id per code.

    An agency already stored keeps its name and kind: a file of posko never renames an OPD.
    """
    if len(agencies):
        conn.execute(
            text(
                "INSERT INTO agencies (city_id, code, name, kind) "
                "VALUES (:city_id, :code, :name, :kind) ON CONFLICT (city_id, code) DO NOTHING"
            ),
            [
                {"city_id": city_id, "code": row.agency_code, "name": row.name, "kind": row.kind}
                for row in agencies.itertuples(index=False)
            ],
        )
    rows = conn.execute(text("SELECT code, id FROM agencies WHERE city_id = :c"), {"c": city_id})
    return {str(code): int(agency_id) for code, agency_id in rows}


def create_standard_agencies(conn: Connection, city_id: int, city_name: str) -> int:
    """Give the city an agency of each standard kind it lacks (PSC 119, Damkar, BPBD,
    Polres, Dishub, Basarnas); returns how many were created. An agency already there for a
    kind, whatever its code, is left as it is."""
    held = set(
        conn.execute(
            text("SELECT DISTINCT kind FROM agencies WHERE city_id = :c"), {"c": city_id}
        ).scalars()
    )
    missing = [kind for kind in STANDARD_KINDS if kind.value not in held]
    upsert_agencies(conn, city_id, agencies_for(missing, city_name))
    return len(missing)


_UPSERT_STATIONS = """
INSERT INTO stations AS s (agency_id, code, name, geom)
SELECT agency_id, code, name, geom FROM station_stage ORDER BY ord
ON CONFLICT (agency_id, code) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom
WHERE (s.name, ST_AsEWKB(s.geom)) IS DISTINCT FROM (EXCLUDED.name, ST_AsEWKB(EXCLUDED.geom))
RETURNING (xmax = 0) AS inserted
"""


def upsert_stations(
    conn: Connection, agency_ids: dict[str, int], stations: gpd.GeoDataFrame
) -> UpsertCounts:
    """Insert new posko and move or rename known ones, keyed on (agency, station_code).

    ``stations``: station_code, name, agency_code, geometry (points, EPSG:4326).
    """
    if stations.empty:
        return UpsertCounts(0, 0, 0)
    conn.execute(
        text(
            "CREATE TEMP TABLE station_stage (ord integer, agency_id integer, code text, "
            "name text, geom geometry(Point, 4326)) ON COMMIT DROP"
        )
    )
    copy_rows(
        conn,
        "station_stage",
        ("ord", "agency_id", "code", "name", "geom"),
        zip(
            range(len(stations)),
            [agency_ids[code] for code in stations["agency_code"].tolist()],
            stations["station_code"].astype(str).tolist(),
            stations["name"].astype(str).tolist(),
            [ewkt(g) for g in stations.geometry],
            strict=True,
        ),
    )
    rows = conn.execute(text(_UPSERT_STATIONS)).all()
    conn.execute(text("DROP TABLE station_stage"))
    inserted = sum(1 for row in rows if row.inserted)
    return UpsertCounts(inserted, len(rows) - inserted, len(stations) - len(rows))
