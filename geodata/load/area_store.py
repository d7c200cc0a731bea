"""Writing kecamatan and kelurahan: upsert by code, link parents, re-resolve incidents."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from sqlalchemy import Connection, text

from geodata.db.copy import copy_rows
from geodata.load.counts import UpsertCounts
from geodata.load.ewkt import as_multipolygon, ewkt

__all__ = ["link_orphan_kelurahan", "resolve_incident_areas", "upsert_areas"]

_AREA_STAGE = (
    "CREATE TEMP TABLE area_stage (ord integer, code text, name text, parent_code text, "
    "population integer, geom geometry(MultiPolygon, 4326)) ON COMMIT DROP"
)
# A kelurahan's kecamatan: by the code given (or the Kemendagri prefix), else the one
# covering a point on its surface.
_UPSERT_AREAS = """
INSERT INTO admin_areas AS a (city_id, level, code, name, parent_id, population, geom)
SELECT CAST(:city_id AS integer), CAST(:level AS varchar), s.code, s.name,
       CASE WHEN CAST(:level AS varchar) = 'kelurahan' THEN COALESCE(
           (SELECT p.id FROM admin_areas p WHERE p.city_id = :city_id
              AND p.level = 'kecamatan' AND p.code = s.parent_code),
           (SELECT p.id FROM admin_areas p WHERE p.city_id = :city_id
              AND p.level = 'kecamatan' AND ST_Covers(p.geom, ST_PointOnSurface(s.geom))
            ORDER BY p.id LIMIT 1)) END,
       s.population, s.geom
FROM area_stage s ORDER BY s.ord
ON CONFLICT (city_id, level, code) DO UPDATE SET
    name = EXCLUDED.name, parent_id = EXCLUDED.parent_id,
    population = EXCLUDED.population, geom = EXCLUDED.geom
WHERE (a.name, a.parent_id, a.population, ST_AsEWKB(a.geom))
    IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.parent_id, EXCLUDED.population,
                      ST_AsEWKB(EXCLUDED.geom))
RETURNING (xmax = 0) AS inserted
"""


def upsert_areas(
    conn: Connection, city_id: int, level: str, areas: gpd.GeoDataFrame
) -> UpsertCounts:
    """Insert new areas of ``level`` and update changed ones, keyed on their code.

    ``areas``: code, name, geometry (EPSG:4326), optional population and, for kelurahan,
    parent_code (the kecamatan's code; default: the Kemendagri prefix of the code, then
    the kecamatan that covers the kelurahan). One COPY and one statement.
    """
    if areas.empty:
        return UpsertCounts(0, 0, 0)
    codes = areas["code"].astype(str).tolist()
    given = areas["parent_code"] if "parent_code" in areas else pd.Series([None] * len(areas))
    parents = [
        str(parent) if parent is not None and not pd.isna(parent) else code.rpartition(".")[0]
        for parent, code in zip(given.tolist(), codes, strict=True)
    ]
    populations = areas["population"] if "population" in areas else [None] * len(areas)
    conn.execute(text(_AREA_STAGE))
    copy_rows(
        conn,
        "area_stage",
        ("ord", "code", "name", "parent_code", "population", "geom"),
        zip(
            range(len(areas)),
            codes,
            areas["name"].astype(str).tolist(),
            parents,
            [None if p is None or pd.isna(p) else int(p) for p in populations],
            [ewkt(as_multipolygon(g)) for g in areas.geometry],
            strict=True,
        ),
    )
    rows = conn.execute(text(_UPSERT_AREAS), {"city_id": city_id, "level": level}).all()
    conn.execute(text("DROP TABLE area_stage"))
    inserted = sum(1 for row in rows if row.inserted)
    return UpsertCounts(inserted, len(rows) - inserted, len(areas) - len(rows))


def link_orphan_kelurahan(conn: Connection, city_id: int) -> int:
    """Give kelurahan without a kecamatan the one of their code prefix, else covering them."""
    return conn.execute(
        text(
            """
            UPDATE admin_areas k SET parent_id = (
                SELECT p.id FROM admin_areas p
                WHERE p.city_id = k.city_id AND p.level = 'kecamatan'
                  AND (p.code = regexp_replace(k.code, '\\.[^.]*$', '')
                       OR ST_Covers(p.geom, ST_PointOnSurface(k.geom)))
                ORDER BY p.code = regexp_replace(k.code, '\\.[^.]*$', '') DESC, p.id LIMIT 1)
            WHERE k.city_id = :c AND k.level = 'kelurahan' AND k.parent_id IS NULL
              AND EXISTS (SELECT 1 FROM admin_areas p
                          WHERE p.city_id = k.city_id AND p.level = 'kecamatan'
                            AND (p.code = regexp_replace(k.code, '\\.[^.]*$', '')
                                 OR ST_Covers(p.geom, ST_PointOnSurface(k.geom))))
            """
        ),
        {"c": city_id},
    ).rowcount


def resolve_incident_areas(conn: Connection, city_id: int) -> int:
    """Re-resolve every incident's kelurahan after the areas changed; returns rows changed.

    Same rule as the insert trigger (the lowest-id kelurahan covering the point), in one
    UPDATE … FROM; incidents whose kelurahan is unchanged are not touched.
    """
    return conn.execute(
        text(
            """
            UPDATE incidents i SET area_id = r.area_id
            FROM (
                SELECT j.id, (
                    SELECT a.id FROM admin_areas a
                    WHERE a.city_id = j.city_id AND a.level = 'kelurahan'
                      AND ST_Covers(a.geom, j.geom)
                    ORDER BY a.id LIMIT 1) AS area_id
                FROM incidents j WHERE j.city_id = :c AND j.geom IS NOT NULL
            ) r
            WHERE i.id = r.id AND i.area_id IS DISTINCT FROM r.area_id
            """
        ),
        {"c": city_id},
    ).rowcount
