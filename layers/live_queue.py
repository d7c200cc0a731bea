"""The incident queue beside the live map, the map's legend, and the details of a point.

Pure: takes the live frames (see :mod:`layers.live_map`) and returns display rows in the
chosen language; times are shown in the city's zone, ages in minutes, hours or days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from layers.live_map import (
    AGE_ALPHA,
    CATEGORY_ORDER,
    UNIT_STATUS_COLOURS,
    LiveFrames,
    TraceIndex,
)
from layers.palette import AGENCY_KIND_COLOURS, CATEGORY_COLOURS
from layers.words import Language, clock, codes, label, word

__all__ = [
    "LegendEntry",
    "QueueFilter",
    "QueueRow",
    "age_text",
    "filter_options",
    "incident_details",
    "incident_queue",
    "legend_entries",
    "point_details",
    "unit_details",
]


@dataclass(frozen=True)
class QueueFilter:
    """What the operator narrowed the queue to; an empty set means all."""

    categories: frozenset[str] = frozenset()
    agencies: frozenset[str] = frozenset()
    kecamatan: frozenset[str] = frozenset()


@dataclass(frozen=True)
class QueueRow:
    """One open incident as the queue lists it."""

    incident_id: int
    category: str
    colour: str
    priority: int
    age: str
    place: str
    status: str
    agencies: str


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    count: int | None = None


def age_text(seconds: float, language: Language) -> str:
    """'4 mnt', '2 j 05 mnt', '3 hari' (or 'min', 'h', 'days' in English)."""
    minutes = max(0, int(seconds // 60))
    if minutes < 60:
        return word("app.minutes_short", language, n=minutes)
    if minutes < 48 * 60:
        return word("app.hours_minutes_short", language, h=minutes // 60, m=minutes % 60)
    return word("app.days", language, n=minutes // 1440)


def _matching(incidents: pd.DataFrame, chosen: QueueFilter) -> pd.DataFrame:
    rows = incidents[incidents["incident_id"] >= 0]
    if chosen.categories:
        rows = rows[rows["category"].isin(chosen.categories)]
    if chosen.kecamatan:
        rows = rows[rows["kecamatan"].isin(chosen.kecamatan)]
    if chosen.agencies:
        kinds = rows["agencies"].str.split(",")
        rows = rows[kinds.map(lambda ks: bool(chosen.agencies.intersection(ks)))]
    return rows


def _place(kelurahan: str, kecamatan: str, language: Language) -> str:
    parts = [
        word("app.kelurahan_short", language, name=kelurahan) if kelurahan else "",
        word("app.kecamatan_short", language, name=kecamatan) if kecamatan else "",
    ]
    return ", ".join(p for p in parts if p) or word("app.no_location", language)


def _queue_row(row: dict[Any, Any], now_s: float, language: Language) -> QueueRow:
    kinds = [kind for kind in str(row["agencies"]).split(",") if kind]
    return QueueRow(
        incident_id=int(row["incident_id"]),
        category=label("category", row["category"], language),
        colour=CATEGORY_COLOURS.get(row["category"], "#616161"),
        priority=int(row["priority"]),
        age=age_text(now_s - float(row["received_at_s"]), language),
        place=_place(row["kelurahan"], row["kecamatan"], language),
        status=label("incident_status", row["status"], language),
        agencies=", ".join(label("agency_kind", kind, language) for kind in kinds),
    )


def incident_queue(
    incidents: pd.DataFrame,
    chosen: QueueFilter,
    now_s: float,
    language: Language,
    limit: int = 50,
) -> tuple[list[QueueRow], int]:
    """Open incidents, most urgent first (priority, then longest waiting); and how many match."""
    rows = _matching(incidents, chosen).sort_values(
        ["priority", "received_at_s", "incident_id"], kind="stable"
    )
    shown = [_queue_row(row, now_s, language) for row in rows.head(limit).to_dict("records")]
    return shown, len(rows)


def filter_options(
    incidents: pd.DataFrame, kecamatan: list[str], language: Language
) -> dict[str, list[dict[str, str]]]:
    """Choices of the three filters: every category and agency kind, the city's kecamatan."""
    del incidents  # every choice is offered, open incidents or not, so the list never jumps
    return {
        "categories": [
            {"label": label("category", c, language), "value": c} for c in CATEGORY_ORDER
        ],
        "agencies": [
            {"label": label("agency_kind", k, language), "value": k} for k in codes("agency_kind")
        ],
        "kecamatan": [{"label": name, "value": name} for name in sorted(kecamatan)],
    }


def legend_entries(incidents: pd.DataFrame, language: Language) -> dict[str, list[LegendEntry]]:
    """Categories with open incidents (and how many), unit statuses, agencies, ages."""
    counts = incidents.loc[incidents["incident_id"] >= 0, "category"].value_counts()
    categories = [
        LegendEntry(label("category", c, language), CATEGORY_COLOURS[c], int(counts[c]))
        for c in CATEGORY_ORDER
        if c in counts.index
    ]
    statuses = [
        LegendEntry(label("unit_status", s, language), colour)
        for s, colour in UNIT_STATUS_COLOURS.items()
    ]
    agencies = [
        LegendEntry(label("agency_kind", kind, language), colour)
        for kind, colour in AGENCY_KIND_COLOURS.items()
    ]
    ages = [word(f"live.age_{age_class}", language) for age_class in range(len(AGE_ALPHA))]
    fading = [
        LegendEntry(text, f"rgba(120,120,120,{alpha:g})")
        for text, alpha in zip(ages, AGE_ALPHA, strict=True)
    ]
    return {"categories": categories, "statuses": statuses, "agencies": agencies, "ages": fading}


def incident_details(row: pd.Series, timezone: str, now_s: float, language: Language) -> list[str]:
    """Lines describing an open incident (never caller data: the frame holds none)."""
    return [
        f"{label('category', row['category'], language)} · P{int(row['priority'])}",
        word(
            "live.received_at",
            language,
            time=clock(row["received_at_s"], timezone),
            age=age_text(now_s - row["received_at_s"], language),
        ),
        label("incident_status", row["status"], language),
        _place(row["kelurahan"], row["kecamatan"], language),
    ]


def unit_details(row: pd.Series, timezone: str, now_s: float, language: Language) -> list[str]:
    """Lines describing a unit: call sign, agency, status, when its position was reported."""
    status = label("unit_status", row["status"], language)
    at = row["position_at_s"]
    if row["stale"] > 0:
        position = word("live.position_stale", language, age=age_text(now_s - at, language))
    else:
        position = word("live.position_at", language, time=clock(at, timezone))
    return [row["call_sign"], row["agency_name"], status, position]


def point_details(
    frames: LiveFrames,
    index: TraceIndex,
    curve: int | None,
    slot: int | None,
    timezone: str,
    now_s: float,
    language: Language,
) -> list[str] | None:
    """The lines describing the point at ``slot`` of trace ``curve`` (what the pointer is
    on), or None when it is no incident or unit (posko, basemap, a slot out of range)."""
    if slot is None or slot < 0:
        return None
    if curve == index.incidents and slot < len(frames.incidents):
        return incident_details(frames.incidents.iloc[slot], timezone, now_s, language)
    if curve in (index.unit_halo, index.unit_body) and slot < len(frames.units):
        return unit_details(frames.units.iloc[slot], timezone, now_s, language)
    return None
