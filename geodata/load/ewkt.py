"""Geometry as the text forms PostGIS takes: EWKT for statements, hex EWKB for COPY."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["as_multipolygon", "ewkb_hex", "ewkt"]


def ewkt(geometry: BaseGeometry | None) -> str | None:
    """EWKT in EPSG:4326, as COPY and ``ST_GeomFromEWKT`` accept it."""
    if geometry is None or geometry.is_empty:
        return None
    return f"SRID=4326;{shapely.to_wkt(geometry, rounding_precision=-1)}"


def as_multipolygon(geometry: BaseGeometry) -> BaseGeometry:
    """Polygons are stored as MULTIPOLYGON so that every area has one geometry type."""
    if isinstance(geometry, shapely.Polygon):
        return shapely.MultiPolygon([geometry])
    return geometry


def ewkb_hex(geometries: Sequence[BaseGeometry] | gpd.GeoSeries) -> list[str]:
    """Hex EWKB with SRID 4326, the fastest text form COPY takes for geometry (exact)."""
    array = shapely.set_srid(np.asarray(geometries, dtype=object), 4326)
    return list(shapely.to_wkb(array, hex=True, include_srid=True))
