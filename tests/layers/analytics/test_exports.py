"""Exports: CSV and GeoJSON text that reads back to the same table."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import box

from layers.analytics.exports import csv_text, export_filename, geojson_text, png_config


def test_csv_round_trips_and_leaves_geometry_out() -> None:
    frame = gpd.GeoDataFrame(
        {"cell_id": ["a"], "p90_s": [612.5], "when": pd.to_datetime(["2026-05-04T01:00:00Z"])},
        geometry=[box(0, 0, 1, 1)],
        crs=4326,
    )
    text = csv_text(frame)
    back = pd.read_csv(io.StringIO(text))
    assert list(back.columns) == ["cell_id", "p90_s", "when"] and back["p90_s"][0] == 612.5
    assert back["when"][0] == "2026-05-04T01:00:00+00:00"


def test_geojson_is_a_feature_collection_with_nulls() -> None:
    frame = gpd.GeoDataFrame(
        {"code": ["A"], "per_10k": [np.nan]}, geometry=[box(0, 0, 1, 1)], crs=4326
    )
    data = json.loads(geojson_text(frame))
    assert data["type"] == "FeatureCollection"
    assert data["features"][0]["properties"] == {"code": "A", "per_10k": None}
    projected = json.loads(geojson_text(frame.to_crs(32748)))
    assert projected["features"][0]["geometry"]["coordinates"][0][0][0] < 2


def test_file_names_and_png_button() -> None:
    assert export_filename("99.99", "heat", "2026-05-01_2026-05-31", "csv") == (
        "tanggap_99-99_heat_2026-05-01_2026-05-31.csv"
    )
    assert png_config("x")["toImageButtonOptions"] == {"format": "png", "filename": "x", "scale": 2}
