"""Checks on coordinates as call takers and exports give them: ranges, and swapped lat/lon."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "INDONESIA_BBOX",
    "BoundingBox",
    "CoordinateError",
    "check_lon_lat",
    "coordinate_problem",
    "parse_lat_lon",
]


@dataclass(frozen=True)
class BoundingBox:
    """An axis-aligned box in degrees (EPSG:4326)."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def contains(self, lon: float, lat: float) -> bool:
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat


#: Indonesia with a margin for its seas (Sabang to Merauke, Miangas to Rote).
INDONESIA_BBOX = BoundingBox(min_lon=94.0, min_lat=-11.5, max_lon=141.5, max_lat=6.5)


class CoordinateError(ValueError):
    """A coordinate that cannot be a place in the city; the message says why and what to fix."""


def coordinate_problem(lon: float, lat: float, area: BoundingBox = INDONESIA_BBOX) -> str | None:
    """What is wrong with ``(lon, lat)`` for ``area``: None when it lies in it, else
    "missing" (NaN), "swapped" (read the other way round it would lie in the area),
    "invalid" (not degrees at all) or "outside". The one rule of :func:`check_lon_lat`."""
    if lon != lon or lat != lat:  # NaN
        return "missing"
    if area.contains(lon, lat):
        return None
    if area.contains(lat, lon):
        return "swapped"
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return "invalid"
    return "outside"


_NUMBER = r"[-+\u2212]?\d+(?:[.,]\d+)?"


def parse_lat_lon(typed: str) -> tuple[float, float]:
    """``(lat, lon)`` from coordinates as people paste them: "-6.0163, 106.0531" (latitude
    first, as map apps copy them), "-6.0163 106.0531", or with decimal commas
    "-6,0163; 106,0531". CoordinateError when the text is not two numbers. The order is
    taken as given: :func:`coordinate_problem` then says when it looks swapped."""
    text = typed.strip().replace("\u2212", "-")
    pair = re.fullmatch(rf"({_NUMBER})\s*[;\s]\s*({_NUMBER})", text) or re.fullmatch(
        r"([-+]?\d+(?:\.\d+)?)\s*,\s*([-+]?\d+(?:\.\d+)?)", text
    )
    if pair is None:
        raise CoordinateError(f"'{typed}' is not two numbers: latitude, longitude")
    lat, lon = (float(part.replace(",", ".")) for part in pair.groups())
    return lat, lon


def check_lon_lat(
    lon: float, lat: float, area: BoundingBox = INDONESIA_BBOX
) -> tuple[float, float]:
    """Return ``(lon, lat)`` if it lies in ``area``; say so clearly when it does not.

    Swapped axes are the commonest error (a latitude of 105 or a longitude of -6): when
    the swapped pair falls in ``area`` the message says the two look swapped. The point is
    never silently corrected: a wrong location sends a unit to the wrong place.
    """
    problem = coordinate_problem(lon, lat, area)
    if problem is None:
        return lon, lat
    if problem == "missing":
        raise CoordinateError("coordinates are missing (NaN)")
    if problem == "swapped":
        raise CoordinateError(
            f"latitude {lat} and longitude {lon} look swapped: ({lon}, {lat}) read as "
            f"latitude {lon}, longitude {lat} would fall in the area"
        )
    if problem == "invalid":
        raise CoordinateError(f"latitude {lat} / longitude {lon} are not valid degrees")
    raise CoordinateError(
        f"point (latitude {lat}, longitude {lon}) is outside the area "
        f"({area.min_lat}..{area.max_lat} latitude, {area.min_lon}..{area.max_lon} longitude)"
    )
