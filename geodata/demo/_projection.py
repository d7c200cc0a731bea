"""The local metric frame of the demo city: metres east/north of its centre (UTM zone 48S).

Everything is generated in metres around the centre, then converted once to EPSG:4326.
Converting the same coordinate always gives the same float, so shared vertices of
neighbouring polygons and the end points of edges and their nodes stay bit-identical.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer

__all__ = ["CENTER_LAT", "CENTER_LON", "METRIC_EPSG", "geometries_to_wgs84", "to_lonlat"]

#: Centre of the demo city, degrees: near Kota Metro, Lampung (Tugu Meneng, approximately).
CENTER_LON = 105.307
CENTER_LAT = -5.113
#: WGS 84 / UTM zone 48S, the metric CRS that covers Lampung.
METRIC_EPSG = 32748


@lru_cache(maxsize=1)  # immutable and read-only: safe to share within a process
def _to_wgs84() -> tuple[Transformer, float, float]:
    """The inverse transformer and the UTM easting/northing of the centre, metres."""
    forward = Transformer.from_crs(4326, METRIC_EPSG, always_xy=True)
    center_e, center_n = forward.transform(CENTER_LON, CENTER_LAT)
    inverse = Transformer.from_crs(METRIC_EPSG, 4326, always_xy=True)
    return inverse, float(center_e), float(center_n)


def to_lonlat(
    x_m: NDArray[np.float64], y_m: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Convert local metres east/north of the centre to (lon, lat) degrees, vectorised."""
    inverse, center_e, center_n = _to_wgs84()
    lon, lat = inverse.transform(np.asarray(x_m) + center_e, np.asarray(y_m) + center_n)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def _transform_coords(coords: NDArray[np.float64]) -> NDArray[np.float64]:
    lon, lat = to_lonlat(coords[:, 0], coords[:, 1])
    return np.column_stack([lon, lat])


def geometries_to_wgs84(geometries: NDArray[np.object_]) -> NDArray[np.object_]:
    """Convert an array of shapely geometries in local metres to EPSG:4326 (lon, lat)."""
    return np.asarray(shapely.transform(geometries, _transform_coords), dtype=object)
