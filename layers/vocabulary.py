"""Display words and colours for the operational codes, in Bahasa Indonesia and English.

Codes are the values stored by ``geodata.vocabulary`` (kept as plain strings here so that
``layers`` imports nothing of ours); ``tests/layers/test_vocabulary.py`` checks both agree.
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "AGENCY_KIND_COLOURS",
    "AGENCY_KIND_LABELS",
    "CATEGORY_COLOURS",
    "CATEGORY_LABELS",
    "INCIDENT_STATUS_LABELS",
    "Language",
    "label",
    "zone_abbreviation",
]

Language = Literal["id", "en"]

CATEGORY_LABELS: dict[str, dict[Language, str]] = {
    "health": {"id": "Kegawatdaruratan medis", "en": "Medical emergency"},
    "fire": {"id": "Kebakaran", "en": "Fire"},
    "traffic_accident": {"id": "Kecelakaan lalu lintas", "en": "Traffic accident"},
    "crime": {"id": "Kriminalitas / keamanan", "en": "Crime / security"},
    "flood": {"id": "Banjir", "en": "Flood"},
    "landslide": {"id": "Tanah longsor", "en": "Landslide"},
    "earthquake": {"id": "Gempa bumi", "en": "Earthquake"},
    "search_rescue": {"id": "Pencarian & pertolongan", "en": "Search and rescue"},
    "animal_rescue": {"id": "Evakuasi hewan", "en": "Animal rescue"},
    "other_rescue": {"id": "Penyelamatan lainnya", "en": "Other rescue"},
    "information": {"id": "Permintaan informasi", "en": "Information request"},
    "complaint": {"id": "Pengaduan", "en": "Complaint"},
    "prank": {"id": "Panggilan iseng", "en": "Prank call"},
    "ghost": {"id": "Panggilan kosong", "en": "Ghost (silent) call"},
    "dropped": {"id": "Panggilan terputus", "en": "Dropped call"},
}

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

AGENCY_KIND_LABELS: dict[str, dict[Language, str]] = {
    "ambulance": {"id": "Ambulans (PSC 119)", "en": "Ambulance (PSC 119)"},
    "fire": {"id": "Damkar", "en": "Fire brigade (Damkar)"},
    "police": {"id": "Polisi", "en": "Police"},
    "disaster": {"id": "BPBD", "en": "Disaster agency (BPBD)"},
    "sar": {"id": "Basarnas (SAR)", "en": "Search and rescue (Basarnas)"},
    "transport": {"id": "Dishub", "en": "Transport (Dishub)"},
    "other": {"id": "Instansi lain", "en": "Other agency"},
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

INCIDENT_STATUS_LABELS: dict[str, dict[Language, str]] = {
    "received": {"id": "Diterima", "en": "Received"},
    "dispatched": {"id": "Unit ditugaskan", "en": "Unit dispatched"},
    "en_route": {"id": "Dalam perjalanan", "en": "En route"},
    "on_scene": {"id": "Di lokasi", "en": "On scene"},
    "cleared": {"id": "Selesai", "en": "Cleared"},
}

_ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def label(table: dict[str, dict[Language, str]], code: str, language: Language) -> str:
    """The word for ``code`` in ``language``; the code itself if it has none."""
    return table.get(code, {}).get(language, code)


def zone_abbreviation(timezone: str) -> str:
    """WIB, WITA or WIT for an Indonesian IANA zone; the zone name otherwise."""
    return _ZONES.get(timezone, timezone)
