"""Colours of the stored codes, the same on every map, chart and legend."""

from __future__ import annotations

__all__ = ["AGENCY_KIND_COLOURS", "CATEGORY_COLOURS"]

#: Emergencies in strong, distinct colours; non-emergency calls in muted greys and pinks.
CATEGORY_COLOURS: dict[str, str] = {
    "health": "#d62728",
    "fire": "#ff7f0e",
    "traffic_accident": "#9467bd",
    "crime": "#1f3a93",
    "flood": "#17a2b8",
    "landslide": "#8c564b",
    "earthquake": "#5d4037",
    "search_rescue": "#2ca02c",
    "animal_rescue": "#a0a317",
    "other_rescue": "#607d8b",
    "information": "#90a4ae",
    "complaint": "#b0bec5",
    "prank": "#f48fb1",
    "ghost": "#bdbdbd",
    "dropped": "#d7ccc8",
}

AGENCY_KIND_COLOURS: dict[str, str] = {
    "ambulance": "#c62828",
    "fire": "#ef6c00",
    "police": "#1a237e",
    "disaster": "#00838f",
    "sar": "#2e7d32",
    "transport": "#6a1b9a",
    "other": "#424242",
}
