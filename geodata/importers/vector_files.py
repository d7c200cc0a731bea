"""Reading vector files (GeoJSON, GeoPackage, Shapefile…) into EPSG:4326 with CRS checks.

A declared CRS is trusted and reprojected from; an undeclared one is assumed to be
longitude/latitude only when the coordinates are plausible degrees, and refused otherwise
(a Shapefile without its ``.prj`` in UTM metres is the usual case). A layer that lands
nowhere near the city is refused with what it probably is: swapped axes or a wrong CRS.
Invalid polygons (self-intersections, bow-ties) are repaired with ``shapely.make_valid``
and reported as warnings; rows without a usable geometry are rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from geodata.importers.outcome import ImportRefusedError, Reject

__all__ = ["GeometryKind", "VectorLayer", "read_vector"]

GeometryKind = Literal["polygon", "line", "point"]

_ACCEPTED = {
    "polygon": ("Polygon", "MultiPolygon"),
    "line": ("LineString", "MultiLineString"),
    # posko drawn as building outlines are placed at a point on their surface
    "point": ("Point", "MultiPoint", "Polygon", "MultiPolygon"),
}
#: How far (degrees) a layer may lie from the city's bounding box and still be "near".
_NEAR_DEG = 0.5


@dataclass(frozen=True)
class VectorLayer:
    """Features in EPSG:4326, indexed by feature number (from 1), and what was found.

    ``frame`` holds the usable features; ``attributes`` every feature's properties (and
    its geometry as WKT), for the rejected-rows file.
    """

    frame: gpd.GeoDataFrame
    attributes: pd.DataFrame
    rejects: tuple[Reject, ...]
    warnings: tuple[str, ...]
    source_crs: str


def read_vector(
    path: Path,
    kind: GeometryKind,
    *,
    crs: str | None = None,
    near: BaseGeometry | None = None,
    layer: str | None = None,
) -> VectorLayer:
    """Read ``path`` as ``kind`` geometries in EPSG:4326.

    Parameters
    ----------
    crs
        CRS of the file's coordinates when it declares none (or declares a wrong one),
        e.g. ``EPSG:32748``; overrides what the file says.
    near
        The city (EPSG:4326): a layer far from it is refused as a CRS or axis-order error.
    layer
        Layer name, for files that hold several (GeoPackage).
    """
    frame = _read(path, layer)
    frame.index = np.arange(1, len(frame) + 1)
    warnings: list[str] = []
    source_crs = _to_wgs84(frame, path.name, crs, warnings)
    frame = frame.to_crs(4326) if source_crs != "EPSG:4326" else frame.set_crs(4326)
    attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    attributes["geometry_wkt"] = shapely.to_wkt(frame.geometry.to_numpy(), rounding_precision=7)
    rejects = _check_geometries(frame, kind, warnings)
    keep = ~frame.index.isin([reject.row for reject in rejects])
    frame = frame.loc[keep]
    if near is not None and len(frame):
        _check_near(frame, near, path.name, source_crs)
    return VectorLayer(frame, attributes, tuple(rejects), tuple(warnings), source_crs)


def _read(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    if not path.exists():
        raise ImportRefusedError(f"{path} does not exist")
    try:
        layers = pyogrio.list_layers(path)
        if layer is None and len(layers) > 1:
            names = ", ".join(str(name) for name in layers[:, 0])
            raise ImportRefusedError(f"{path.name} holds several layers ({names}): pass --layer")
        frame = gpd.read_file(path, layer=layer)
    except pyogrio.errors.DataSourceError as error:
        raise ImportRefusedError(f"cannot read {path.name} as a vector file: {error}") from None
    if len(frame) == 0:
        raise ImportRefusedError(f"{path.name} has no features")
    if "geometry" not in frame or frame.geometry.isna().all():
        raise ImportRefusedError(f"{path.name} has no geometries (is it a plain table?)")
    return frame


def _to_wgs84(frame: gpd.GeoDataFrame, name: str, crs: str | None, warnings: list[str]) -> str:
    """Declare the CRS the coordinates are in (as told, as declared, or degrees)."""
    if crs is not None:
        try:
            told = CRS.from_user_input(crs)
        except CRSError as error:
            raise ImportRefusedError(f"--crs {crs}: not a CRS ({error})") from None
        if frame.crs is not None and not told.equals(frame.crs):
            warnings.append(f"{name} declares {frame.crs.to_string()}; using {crs} as told")
        frame.set_crs(told, allow_override=True, inplace=True)
    minx, miny, maxx, maxy = (float(v) for v in frame.total_bounds)
    extent = f"x {minx:.6g}…{maxx:.6g}, y {miny:.6g}…{maxy:.6g}"
    degrees = -180.0 <= minx <= maxx <= 180.0 and -90.0 <= miny <= maxy <= 90.0
    if frame.crs is None:
        if not degrees:
            raise ImportRefusedError(
                f"{name} declares no CRS and its coordinates ({extent}) are not longitude/"
                "latitude degrees: they look projected (metres). Give the CRS with --crs "
                "(e.g. --crs EPSG:32748 for UTM 48S) or add the .prj file."
            )
        warnings.append(f"{name} declares no CRS; its coordinates look like degrees: EPSG:4326")
        frame.set_crs(4326, inplace=True)
        return "EPSG:4326"
    declared = frame.crs.to_string()
    swapped = -90.0 <= minx <= maxx <= 90.0 and -180.0 <= miny <= maxy <= 180.0
    if frame.crs.is_geographic and not degrees and swapped:
        raise ImportRefusedError(
            f"{name}: its coordinates ({extent}) look swapped: written as latitude, longitude "
            "where GeoJSON and most GIS files want longitude, latitude."
        )
    if frame.crs.is_geographic and not degrees:
        raise ImportRefusedError(
            f"{name} declares {declared} (degrees) but its coordinates ({extent}) are not "
            "degrees: the CRS is wrong. Pass the right one with --crs (e.g. EPSG:32748)."
        )
    epsg = frame.crs.to_epsg()
    if epsg == 4326 or frame.crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return "EPSG:4326"
    warnings.append(f"{name} is in {declared}: reprojected to EPSG:4326")
    return f"EPSG:{epsg}" if epsg else declared


def _check_geometries(
    frame: gpd.GeoDataFrame, kind: GeometryKind, warnings: list[str]
) -> list[Reject]:
    """Reject unusable rows; repair invalid polygons in place (with a warning each)."""
    rejects = []
    geometries = frame.geometry.to_numpy()
    types = shapely.get_type_id(geometries)
    names = np.array(["None" if g is None else g.geom_type for g in geometries])
    for row, geometry, type_name in zip(frame.index, geometries, names, strict=True):
        if geometry is None or geometry.is_empty:
            rejects.append(Reject(int(row), "geometry", "the geometry is empty"))
        elif type_name not in _ACCEPTED[kind]:
            rejects.append(Reject(int(row), "geometry", f"is a {type_name}; expected {kind}s"))
    polygonal = np.isin(types, (3, 6))
    invalid = polygonal & ~shapely.is_valid(geometries)
    for row, geometry in zip(frame.index[invalid], geometries[invalid], strict=True):
        reason = shapely.is_valid_reason(geometry)
        repaired = _polygonal_part(shapely.make_valid(geometry))
        if repaired is None:
            rejects.append(Reject(int(row), "geometry", f"invalid polygon ({reason})"))
            continue
        frame.loc[row, frame.geometry.name] = repaired
        warnings.append(f"feature {row}: invalid polygon ({reason}), repaired with make_valid")
    if kind == "point":
        multi = (types == 4) & (shapely.get_num_geometries(geometries) > 1)
        for row in frame.index[multi]:
            rejects.append(Reject(int(row), "geometry", "a MultiPoint of several points"))
    return rejects


def _polygonal_part(geometry: BaseGeometry) -> BaseGeometry | None:
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygons = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.MultiPolygon(polygons) if polygons else None


def _check_near(frame: gpd.GeoDataFrame, near: BaseGeometry, name: str, crs: str) -> None:
    minx, miny, maxx, maxy = (float(v) for v in frame.total_bounds)
    city = shapely.box(*near.bounds).buffer(_NEAR_DEG)
    if shapely.box(minx, miny, maxx, maxy).intersects(city):
        return
    where = f"longitude {minx:.4f}…{maxx:.4f}, latitude {miny:.4f}…{maxy:.4f}"
    cx, cy = near.centroid.x, near.centroid.y
    if shapely.box(miny, minx, maxy, maxx).intersects(city):
        raise ImportRefusedError(
            f"{name} lies at {where}, but the city is near longitude {cx:.4f}, latitude "
            f"{cy:.4f}: its coordinates look swapped (written as latitude, longitude)."
        )
    raise ImportRefusedError(
        f"{name} lies at {where}, far from the city (near longitude {cx:.4f}, latitude "
        f"{cy:.4f}). Is its CRS right? It was read as {crs}; pass the right one with --crs."
    )
