"""Coordinate checks: swapped axes are named, impossible values refused, nothing corrected."""

from __future__ import annotations

import math

import pytest

from geodata.coordinates import BoundingBox, CoordinateError, check_lon_lat

METRO = BoundingBox(105.25, -5.20, 105.40, -5.05)


def test_a_point_in_the_city_passes_unchanged() -> None:
    assert check_lon_lat(105.307, -5.113, METRO) == (105.307, -5.113)


def test_swapped_latitude_and_longitude_are_named() -> None:
    with pytest.raises(CoordinateError, match="look swapped"):
        check_lon_lat(-5.113, 105.307, METRO)


def test_swap_is_detected_against_indonesia_by_default() -> None:
    with pytest.raises(CoordinateError, match="look swapped"):
        check_lon_lat(-6.2, 106.8)


def test_a_point_outside_the_city_says_so() -> None:
    with pytest.raises(CoordinateError, match="outside the area"):
        check_lon_lat(106.8, -6.2, METRO)


@pytest.mark.parametrize(("lon", "lat"), [(200.0, -5.0), (105.0, -95.0), (math.nan, -5.0)])
def test_impossible_values_are_refused(lon: float, lat: float) -> None:
    with pytest.raises(CoordinateError):
        check_lon_lat(lon, lat, METRO)
