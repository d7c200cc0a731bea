"""The wall display: headline counts, the dark basemap, rotation views, new-incident alerts.

Pure. Inputs are the live frames of :mod:`layers.live_map` and today's counts as numbers;
nothing here can show a caller, because nothing here is given one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from layers.city_map import BasemapPalette, MapView, zoom_for_bounds
from layers.live_map import CATEGORY_ORDER
from layers.live_queue import incident_details
from layers.palette import AGENCY_KIND_COLOURS, CATEGORY_COLOURS
from layers.words import Language, label, word

__all__ = [
    "ALERT_MAX_PRIORITY",
    "DARK_BASEMAP",
    "AgencyUnits",
    "CategoryCount",
    "WallHeadline",
    "alert_lines",
    "busiest_kecamatan",
    "new_alerts",
    "rotation_views",
    "wall_headline",
]

#: Calls a call taker closes without sending anyone (as ``geodata.vocabulary`` has them).
NON_EMERGENCY = frozenset({"information", "complaint", "prank", "ghost", "dropped"})
#: Incidents of this priority or more urgent (1 critical, 2 high) raise the wall's alert.
ALERT_MAX_PRIORITY = 1
#: Only incidents received this recently alert (a wall switched on does not replay the day).
ALERT_WINDOW_S = 15 * 60
#: A night map: dark land, roads in muted amber and grey, boundaries light enough to read.
DARK_BASEMAP = BasemapPalette(
    land="#1b232b",
    roads={
        "service": ("#26313b", 0.6),
        "residential": ("#2c3843", 0.8),
        "local": ("#34424e", 1.0),
        "collector": ("#6b5a2e", 1.8),
        "arterial": ("#8a5a22", 3.0),
    },
    kelurahan="#4a5a68",
    kecamatan="#9fb3c4",
    background="#0d1217",
)


@dataclass(frozen=True)
class CategoryCount:
    label: str
    colour: str
    count: int


@dataclass(frozen=True)
class AgencyUnits:
    label: str
    colour: str
    available: int
    total: int


@dataclass(frozen=True)
class WallHeadline:
    """What the wall prints in large type; ``median_response`` like '8:45' or '—'."""

    open_total: int
    open_by_category: list[CategoryCount]
    units_by_agency: list[AgencyUnits]
    median_response: str
    responded: int
    calls_today: int
    prank_ghost_share: str


def _minutes_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def wall_headline(
    incidents: pd.DataFrame,
    units: pd.DataFrame,
    *,
    calls_today: int,
    prank_ghost_today: int,
    responded_today: int,
    median_response_s: float | None,
    language: Language,
) -> WallHeadline:
    """Open incidents by category (most first), units available per agency kind, today."""
    open_rows = incidents[incidents["incident_id"] >= 0]
    counts = open_rows["category"].value_counts()
    # Emergencies first, most first; then calls closed without a dispatch (prank, info…).
    ranked = sorted(
        (c for c in CATEGORY_ORDER if c in counts.index),
        key=lambda c: (c in NON_EMERGENCY, -int(counts[c])),
    )
    by_category = [
        CategoryCount(label("category", c, language), CATEGORY_COLOURS[c], int(counts[c]))
        for c in ranked
    ]
    known = units[units["unit_id"] >= 0]
    by_agency = [
        AgencyUnits(
            label("agency_kind", str(kind), language).split(" (")[0],  # short, for the wall
            AGENCY_KIND_COLOURS.get(str(kind), "#9e9e9e"),
            int((group["status"] == "available").sum()),
            len(group),
        )
        for kind, group in known.groupby("agency_kind", sort=True)
    ]
    share = "—" if calls_today == 0 else f"{100 * prank_ghost_today / calls_today:.0f} %"
    return WallHeadline(
        open_total=len(open_rows),
        open_by_category=by_category,
        units_by_agency=by_agency,
        median_response=_minutes_seconds(median_response_s),
        responded=responded_today,
        calls_today=calls_today,
        prank_ghost_share=share,
    )


def busiest_kecamatan(incidents: pd.DataFrame) -> str | None:
    """The kecamatan with the most open incidents (ties: the first by name), if any."""
    named = incidents[(incidents["incident_id"] >= 0) & (incidents["kecamatan"] != "")]
    if named.empty:
        return None
    counts = named["kecamatan"].value_counts()
    top = counts.max()
    return min(str(name) for name, count in counts.items() if count == top)


def rotation_views(
    city_bounds: tuple[float, float, float, float],
    kecamatan_bounds: dict[str, tuple[float, float, float, float]],
    busiest: str | None,
    *,
    width_px: int = 1300,
    height_px: int = 900,
) -> list[tuple[str | None, MapView]]:
    """The views the wall rotates through: the whole city, then the busiest kecamatan."""

    def fit(bounds: tuple[float, float, float, float]) -> MapView:
        min_lon, min_lat, max_lon, max_lat = bounds
        zoom = zoom_for_bounds(bounds, width_px, height_px)
        return MapView((min_lon + max_lon) / 2, (min_lat + max_lat) / 2, zoom)

    views: list[tuple[str | None, MapView]] = [(None, fit(city_bounds))]
    if busiest is not None and busiest in kecamatan_bounds:
        views.append((busiest, fit(kecamatan_bounds[busiest])))
    return views


def new_alerts(
    incidents: pd.DataFrame,
    since_version: int,
    now_s: float,
    *,
    max_priority: int = ALERT_MAX_PRIORITY,
) -> pd.DataFrame:
    """Urgent incidents that arrived after ``since_version`` and were received just now."""
    rows = incidents[
        (incidents["incident_id"] >= 0)
        & (incidents["added"] > since_version)
        & (incidents["priority"] <= max_priority)
        & (now_s - incidents["received_at_s"] <= ALERT_WINDOW_S)
    ]
    return rows.sort_values("received_at_s")


def alert_lines(
    incidents: pd.DataFrame, since_version: int, now_s: float, timezone: str, language: Language
) -> list[str]:
    """One line per critical incident new since ``since_version``: what, where, when, and
    the agencies it waits for (never a caller: the frame holds none)."""
    lines = []
    for _, row in new_alerts(incidents, since_version, now_s).iterrows():
        what, when, _status, where = incident_details(row, timezone, now_s, language)
        kinds = [kind for kind in str(row["agencies"]).split(",") if kind]
        line = f"{word('wall.alert', language)}: {what} · {where} · {when}"
        if kinds:
            line += " → " + ", ".join(label("agency_kind", kind, language) for kind in kinds)
        lines.append(line)
    return lines
