"""Candidate sites from an uploaded file: CSV/XLSX with lat/lon columns, GeoJSON,
GeoPackage, or a zipped Shapefile; points, or polygons of public land (parcels).

The table and vector readers of :mod:`geodata.importers` do the reading (delimiters,
CRS checks, swapped axes, invalid polygons); their refusals become planner errors naming
the ``file`` field. A file whose places all lie outside the city is refused; some
outside are listed with that status.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from geodata.importers.outcome import ImportRefusedError
from geodata.importers.tables import TABLE_SUFFIXES, read_table
from geodata.importers.vector_files import read_vector
from geodata.planning.candidates import (
    parcel_candidates,
    point_candidates,
    refuse_all_outside,
)
from geodata.planning.errors import CoordinatesOutsideCityError, NoGeometryError
from geodata.routing.road_graph import RoadGraph

__all__ = ["candidates_from_file"]

_LAT = ("lat", "latitude", "lintang", "y")
_LON = ("lon", "lng", "long", "longitude", "bujur", "x")
_NAME = ("name", "nama", "nama_lokasi", "lokasi", "label")


def _column(frame: pd.DataFrame, wanted: tuple[str, ...]) -> str | None:
    lowered = {str(column).strip().casefold(): str(column) for column in frame.columns}
    return next((lowered[name] for name in wanted if name in lowered), None)


def _numbers(values: pd.Series) -> np.ndarray:
    """Decimal degrees as typed, a decimal comma accepted; NaN where not a number."""
    text = values.astype("string").str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)


def candidates_from_file(
    path: Path,
    graph: RoadGraph,
    *,
    max_snap_m: float,
    boundary: BaseGeometry | None = None,
    parcels: bool = False,
    name_column: str | None = None,
) -> pd.DataFrame:
    """Candidates in ``path``; ``parcels`` reads polygons (one candidate inside each)."""
    try:
        if path.suffix.lower() in TABLE_SUFFIXES:
            if parcels:
                raise NoGeometryError("file", f"{path.name} is a table: parcels need polygons")
            return _from_table(path, graph, max_snap_m, boundary, name_column)
        layer = read_vector(path, "polygon" if parcels else "point", near=boundary)
    except ImportRefusedError as refused:
        message = str(refused)
        error = CoordinatesOutsideCityError if "far from the city" in message else NoGeometryError
        raise error("file", message) from None
    frame = layer.frame
    if frame.empty:
        raise NoGeometryError("file", f"{path.name} has no usable geometry")
    column = name_column or _column(frame, _NAME)
    if parcels:
        return parcel_candidates(
            graph, frame, max_snap_m=max_snap_m, boundary=boundary, name_column=column
        )
    points = frame.geometry.representative_point()
    names = (
        list(frame[column].astype(str))
        if column
        else [f"{path.stem} {i + 1}" for i in range(len(frame))]
    )
    result = point_candidates(
        graph, names, points.x, points.y, max_snap_m=max_snap_m, boundary=boundary, source="file"
    )
    refuse_all_outside(result, "file")
    return result


def _from_table(
    path: Path,
    graph: RoadGraph,
    max_snap_m: float,
    boundary: BaseGeometry | None,
    name_column: str | None,
) -> pd.DataFrame:
    table = read_table(path)
    lat_col, lon_col = _column(table, _LAT), _column(table, _LON)
    if lat_col is None or lon_col is None:
        raise NoGeometryError(
            "file",
            f"{path.name} has no latitude/longitude columns (looked for lat/latitude/"
            f"lintang and lon/lng/longitude/bujur); its columns are: "
            f"{', '.join(map(str, table.columns))}",
        )
    lat, lon = _numbers(table[lat_col]), _numbers(table[lon_col])
    if not (np.isfinite(lat) & np.isfinite(lon)).any():
        raise NoGeometryError("file", f"{path.name}: no row has numeric {lat_col}/{lon_col}")
    column = name_column or _column(table, _NAME)
    names = (
        list(table[column].fillna("").astype(str))
        if column
        else [f"{path.stem} {row}" for row in table.index]
    )
    result = point_candidates(
        graph, names, lon, lat, max_snap_m=max_snap_m, boundary=boundary, source="file"
    )
    refuse_all_outside(result, "file")
    return result
