"""Where a city's points may lie: its boundary plus a margin, with clear messages.

Coordinates from exports are checked against the city, not against all of Indonesia: a
swapped pair or a point in the next kabupaten is caught and named. The swap test reuses
:func:`geodata.coordinates.check_lon_lat` on the city's bounding box, so a city anywhere
(even outside Indonesia) is handled the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike
from shapely.geometry.base import BaseGeometry

from geodata.coordinates import BoundingBox, CoordinateError, check_lon_lat

__all__ = ["DEFAULT_MARGIN_M", "CityArea", "local_utm"]

#: Distance beyond the city boundary within which roads and posko are still kept, metres.
DEFAULT_MARGIN_M = 1_000.0


def local_utm(geometry: BaseGeometry) -> str:
    """The UTM zone (as ``EPSG:xxxxx``) around ``geometry`` (given in EPSG:4326)."""
    crs = gpd.GeoSeries([geometry], crs=4326).estimate_utm_crs()
    return f"EPSG:{crs.to_epsg()}"


@dataclass(frozen=True)
class CityArea:
    """A city boundary (EPSG:4326), grown by ``margin_m``, that points must fall in."""

    boundary: BaseGeometry
    margin_m: float
    #: The boundary grown by the margin, EPSG:4326.
    area: BaseGeometry
    bbox: BoundingBox
    utm: str

    @classmethod
    def from_boundary(cls, boundary: BaseGeometry, margin_m: float = DEFAULT_MARGIN_M) -> CityArea:
        """Grow ``boundary`` by ``margin_m`` metres in its local UTM zone."""
        utm = local_utm(boundary)
        series = gpd.GeoSeries([boundary], crs=4326).to_crs(utm).buffer(margin_m)
        area = series.to_crs(4326).iloc[0]
        shapely.prepare(area)
        min_lon, min_lat, max_lon, max_lat = area.bounds
        return cls(boundary, margin_m, area, BoundingBox(min_lon, min_lat, max_lon, max_lat), utm)

    def problems(self, lon: ArrayLike, lat: ArrayLike) -> list[str | None]:
        """For each point, None if it lies in the city, else what is wrong with it.

        Missing coordinates (NaN) are reported as missing; callers that allow points
        without a location skip them before calling.
        """
        lons = np.asarray(lon, dtype=float)
        lats = np.asarray(lat, dtype=float)
        inside = shapely.contains_xy(self.area, lons, lats)
        messages: list[str | None] = []
        for x, y, ok in zip(lons.tolist(), lats.tolist(), inside.tolist(), strict=True):
            messages.append(None if ok else self._why_outside(x, y))
        return messages

    def _why_outside(self, lon: float, lat: float) -> str:
        try:
            check_lon_lat(lon, lat, self.bbox)  # missing, swapped, not degrees, far away
        except CoordinateError as error:
            return f"{error} (the city's bounding box, with a {self.margin_m:g} m margin)"
        return (
            f"point (latitude {lat}, longitude {lon}) is outside the city "
            f"(its boundary plus {self.margin_m:g} m)"
        )
