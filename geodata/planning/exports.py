"""Exports of a saved scenario: its sites as GeoJSON and CSV, its kelurahan coverage as
CSV. Pure: the scenario dict (:func:`geodata.planning.scenarios.load_scenario`) in, text
out; coordinates in EPSG:4326 (GeoJSON's own), times in seconds, shares 0…1."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from geodata.planning.payload import SITE_FIELDS
from geodata.planning.results import AREA_FIELDS

__all__ = ["areas_csv", "sites_csv", "sites_geojson"]


def sites_geojson(scenario: Mapping[str, Any]) -> str:
    """Every usable site (existing and candidates) as a FeatureCollection of points;
    ``open_after`` marks the plan's posko."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [site["lon"], site["lat"]]},
            "properties": {k: site.get(k) for k in SITE_FIELDS if k not in ("lon", "lat")},
        }
        for site in scenario["sites"]
    ]
    return json.dumps(
        {"type": "FeatureCollection", "name": scenario["name"], "features": features},
        ensure_ascii=False,
    )


def sites_csv(scenario: Mapping[str, Any]) -> str:
    """The sites as CSV (one row each, the fields of :data:`SITE_FIELDS`)."""
    return pd.DataFrame(scenario["sites"], columns=list(SITE_FIELDS)).to_csv(index=False)


def areas_csv(scenario: Mapping[str, Any]) -> str:
    """Coverage per kelurahan before and after, as CSV (worst served first)."""
    return pd.DataFrame(scenario["areas"], columns=list(AREA_FIELDS)).to_csv(index=False)
