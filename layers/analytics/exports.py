"""CSV and GeoJSON text of any table or map layer shown, for ``dcc.Download``.

Columns keep their code names (``p90_s``: seconds, ``compliance``: 0…1 share), so the
files are stable for spreadsheets and GIS; datetimes are ISO 8601 with their offset.
GeoJSON is RFC 7946 (EPSG:4326, lon/lat).
"""

from __future__ import annotations

import re
from typing import Any

import geopandas as gpd
import pandas as pd

__all__ = ["csv_text", "export_filename", "geojson_text", "png_config"]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetimes as ISO text, everything else as is."""
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].map(lambda t: None if pd.isna(t) else t.isoformat())
    return frame


def csv_text(frame: pd.DataFrame) -> str:
    """The frame as CSV (UTF-8, comma-separated, no index); geometry left out."""
    plain = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    return _plain(plain).to_csv(index=False, lineterminator="\n")


def geojson_text(frame: gpd.GeoDataFrame) -> str:
    """The frame as a GeoJSON FeatureCollection (EPSG:4326); NaN becomes null."""
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    return str(gpd.GeoDataFrame(_plain(frame), geometry="geometry").to_json(na="null"))


def export_filename(city_code: str, layer: str, period: str, extension: str) -> str:
    """E.g. ``tanggap_99-99_heat_2026-05-01_2026-05-31.csv``: only safe characters."""
    stem = "_".join(("tanggap", city_code, layer, period))
    return f"{re.sub(r'[^A-Za-z0-9_-]+', '-', stem)}.{extension}"


def png_config(filename: str) -> dict[str, Any]:
    """``dcc.Graph`` config whose modebar camera button saves a 2× PNG named ``filename``
    (Plotly's own "download plot as png": charts and maps alike)."""
    return {
        "displaylogo": False,
        "scrollZoom": True,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }
