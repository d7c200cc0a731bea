"""What the analytics page shows for one selection: every table and layer, in one place.

The page's callbacks parse their inputs into a :class:`Selection`, call
:func:`response_view` or :func:`calls_view` and hand the frames to ``layers.analytics``;
the exports write the same frames. Three statements for the response view, four for the
call view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
from sqlalchemy import Connection, text

from geodata import map_queries
from geodata.analytics import call_funnel, heat_cells, statistics
from geodata.analytics.heat_cells import resolution_for_zoom
from geodata.analytics.response_intervals import (
    INTERVALS,
    IntervalQuery,
    dispatch_intervals,
    incident_intervals,
)
from geodata.analytics.standards import AnalyticsConfig
from geodata.analytics.statistics import Target
from geodata.map_queries import CitySummary
from geodata.vocabulary import AgencyKind, IncidentCategory

__all__ = [
    "EVERY",
    "MAX_DAYS",
    "CallsView",
    "ResponseView",
    "Selection",
    "SelectionError",
    "calls_view",
    "data_days",
    "default_period",
    "local_range",
    "parse_selection",
    "period_for",
    "response_view",
]

#: The value of a control that means "no filter" (every agency, the whole city).
EVERY = "__all__"
#: The longest period one request may ask for, in days (a decade of history).
MAX_DAYS = 3660
#: H3 resolutions the heatmap offers: res 5 (≈ 250 km² cells) to res 10 (≈ 0.015 km²).
RESOLUTIONS = range(5, 11)


class SelectionError(ValueError):
    """A control value the analytics cannot use; ``field`` names the control."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def local_range(first: date, last: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) covering local days ``first`` … ``last`` (inclusive), tz-aware."""
    zone = ZoneInfo(timezone)
    return (
        datetime.combine(first, time(), tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time(), tzinfo=zone),
    )


def data_days(conn: Connection, city: CitySummary) -> tuple[date, date] | None:
    """The first and last local day with a call in the city, or None when it has none."""
    row = conn.execute(
        text(
            "SELECT min(received_at AT TIME ZONE :zone)::date AS first, "
            "max(received_at AT TIME ZONE :zone)::date AS last "
            "FROM incidents WHERE city_id = :city_id"
        ),
        {"zone": city.timezone, "city_id": city.id},
    ).one()
    return None if row.first is None else (row.first, row.last)


def default_period(
    days: tuple[date, date] | None, today: date, length: int = 90
) -> tuple[date, date]:
    """The period a page opens on: the last ``length`` days *of data* (a city whose log
    ended months ago opens on its log, not on empty months), within the data; the last
    ``length`` days to ``today`` when there is none."""
    last = today if days is None else days[1]
    first = last - timedelta(days=length - 1)
    return (first if days is None else max(first, days[0])), last


def period_for(first: date, last: date) -> str:
    """Trend period: by day up to 62 days, by week up to 400 days, else by month."""
    days = (last - first).days + 1
    return "day" if days <= 62 else "week" if days <= 400 else "month"


@dataclass(frozen=True)
class Selection:
    """The page's choices. Dates are local and inclusive; empty categories = every
    emergency; agency_kind None = per incident (first unit), else per dispatch of that
    kind; target_minutes None = each agency's standard (response only); cells is "h3" or
    "kelurahan"; resolution the H3 resolution."""

    first: date
    last: date
    categories: tuple[str, ...] = ()
    agency_kind: str | None = None
    kecamatan_code: str | None = None
    interval: str = "response"
    cells: str = "h3"
    resolution: int = 8
    target_minutes: float | None = None

    def __post_init__(self) -> None:
        if self.agency_kind is not None and self.agency_kind not in set(AgencyKind):
            raise ValueError(f"unknown agency kind '{self.agency_kind}'")
        if self.interval not in INTERVALS:
            raise ValueError(f"unknown interval '{self.interval}'")
        if self.cells not in ("h3", "kelurahan"):
            raise ValueError("cells is 'h3' or 'kelurahan'")
        if self.last < self.first:
            raise ValueError("the period ends before it starts")

    def query(self, timezone: str) -> IntervalQuery:
        start, end = local_range(self.first, self.last, timezone)
        extra = {"categories": self.categories} if self.categories else {}
        return IntervalQuery(start, end, agency_kind=self.agency_kind,
                             kecamatan_code=self.kecamatan_code, **extra)  # fmt: skip


def _day(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise SelectionError(field, f"'{value}' is not a date (YYYY-MM-DD)") from None


def _minutes(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        raise SelectionError("target", f"'{value}' is not a number of minutes") from None
    if not 1 <= minutes <= 240:
        raise SelectionError("target", "the target must be 1 to 240 minutes")
    return minutes


def parse_selection(values: Mapping[str, Any], zoom: float | None, current: int) -> Selection:
    """The analytics controls (``first``, ``last``, ``categories``, ``agency``, ``kecamatan``,
    ``interval``, ``cells``, ``resolution``, ``target``) as a checked :class:`Selection`.

    With ``resolution`` "auto", the map's ``zoom`` sets the H3 resolution, or it stays
    ``current`` when the zoom is not known. Raises :class:`SelectionError` naming the
    control: a date that is not one, a period longer than :data:`MAX_DAYS` or ending before
    it starts, an unknown category, interval or resolution, a target outside 1–240 min.
    """
    resolution = values.get("resolution")
    if resolution == "auto":
        resolution = resolution_for_zoom(zoom) if zoom is not None else current
    if not isinstance(resolution, int) or resolution not in RESOLUTIONS:
        raise SelectionError("resolution", f"H3 resolution must be one of {list(RESOLUTIONS)}")
    first, last = _day(values.get("first"), "first"), _day(values.get("last"), "last")
    if (last - first).days + 1 > MAX_DAYS:
        raise SelectionError("last", f"choose at most {MAX_DAYS} days")
    categories = tuple(values.get("categories") or ())
    unknown = set(categories) - {c.value for c in IncidentCategory}
    if unknown:
        raise SelectionError("categories", f"unknown categories {sorted(unknown)}")
    agency, kecamatan = values.get("agency"), values.get("kecamatan")
    target = _minutes(values.get("target"))
    try:
        return Selection(
            first=first, last=last, categories=categories,
            agency_kind=None if agency in (None, EVERY) else str(agency),
            kecamatan_code=None if kecamatan in (None, EVERY) else str(kecamatan),
            interval=str(values.get("interval") or "response"),
            cells=str(values.get("cells") or "h3"), resolution=int(resolution),
            target_minutes=target,
        )  # fmt: skip
    except ValueError as error:
        raise SelectionError("selection", str(error)) from None


@dataclass(frozen=True)
class ResponseView:
    """Everything the response tab shows. ``frame`` is per incident, or per dispatch when
    an agency kind is chosen; ``target_s`` the target used (per row or one number, None
    when there is none); target_basis which standards judged which rows and why
    (:meth:`AnalyticsConfig.target_basis`; empty when the target is one number or there is
    none); layers() the exportable tables and map layers by name."""

    selection: Selection
    frame: pd.DataFrame
    target_s: Target | None
    target_basis: pd.DataFrame
    summary: pd.DataFrame
    heat: gpd.GeoDataFrame
    grid: pd.DataFrame
    hours_per_bin: int
    trend: pd.DataFrame
    period: str
    worst: pd.DataFrame
    by_agency: pd.DataFrame
    by_category: pd.DataFrame
    min_count: int

    def layers(self) -> dict[str, pd.DataFrame]:
        return {
            "heat": self.heat, "grid": self.grid, "trend": self.trend,
            "summary": self.summary, "worst": self.worst, "by_agency": self.by_agency,
            "by_category": self.by_category, "intervals": self.frame.drop(
                columns=[c for c in ("call_sign",) if c in self.frame]),
        }  # fmt: skip


def _target(frame: pd.DataFrame, selection: Selection, config: AnalyticsConfig) -> Target | None:
    if selection.target_minutes is not None:
        return float(selection.target_minutes) * 60.0
    if selection.interval == "response":
        return config.targets_for(frame)
    return None


def response_view(
    conn: Connection, city: CitySummary, selection: Selection, config: AnalyticsConfig
) -> ResponseView:
    """Read and compute the response tab for ``selection``: three statements."""
    query = selection.query(city.timezone)
    dispatches = dispatch_intervals(conn, city.id, query)
    frame = dispatches if selection.agency_kind else incident_intervals(conn, city.id, query)
    target = _target(frame, selection, config)
    options: dict[str, Any] = {
        "interval": selection.interval, "target_s": target, "min_count": config.min_count,
    }  # fmt: skip
    if selection.cells == "kelurahan":
        areas = map_queries.area_outlines(conn, city.id, "kelurahan")
        heat = heat_cells.area_heat(frame, areas, **options)
    else:
        heat = heat_cells.h3_heat(frame, selection.resolution, **options)
    used = int(statistics.used_values(frame, selection.interval).notna().sum())
    hours = statistics.hours_per_bin_for(used, config.min_count)
    period = period_for(selection.first, selection.last)
    targets: dict[str, Target] = {selection.interval: target} if target is not None else {}
    return ResponseView(
        selection=selection,
        frame=frame,
        target_s=target,
        target_basis=config.target_basis(frame if isinstance(target, pd.Series) else frame[:0]),
        summary=statistics.interval_summary(frame, targets),
        heat=heat,
        grid=statistics.hour_weekday_grid(frame, city.timezone, hours_per_bin=hours, **options),
        hours_per_bin=hours,
        trend=statistics.trend(frame, city.timezone, period=period, **options),
        period=period,
        worst=statistics.worst_areas(frame, **options),
        by_agency=statistics.grouped_statistics(
            dispatches,
            "agency_kind",
            interval=selection.interval,
            target_s=_target(dispatches, selection, config),
            min_count=config.min_count,
        ),
        by_category=statistics.grouped_statistics(frame, "category", **options),
        min_count=config.min_count,
    )


@dataclass(frozen=True)
class CallsView:
    """Everything the call tab shows; layers() the exportable tables and layers by name."""

    totals: pd.DataFrame
    by_day: pd.DataFrame
    by_hour: pd.DataFrame
    hotspots: gpd.GeoDataFrame
    handoffs: pd.DataFrame

    def layers(self) -> dict[str, pd.DataFrame]:
        return {"outcomes": self.totals, "calls_by_day": self.by_day,
                "calls_by_hour": self.by_hour, "prank_hotspots": self.hotspots,
                "handoffs": self.handoffs}  # fmt: skip


def calls_view(conn: Connection, city: CitySummary, first: date, last: date) -> CallsView:
    """Read and compute the call tab for local days ``first`` … ``last``: three statements."""
    start, end = local_range(first, last, city.timezone)
    counts = call_funnel.call_counts(conn, city.id, start, end)
    areas = map_queries.area_outlines(conn, city.id, "kelurahan")
    return CallsView(
        totals=call_funnel.outcome_totals(counts),
        by_day=call_funnel.outcomes_by(counts, "day"),
        by_hour=call_funnel.outcomes_by(counts, "hour"),
        hotspots=call_funnel.prank_hotspots(counts, areas),
        handoffs=call_funnel.handoffs_by_agency(
            call_funnel.handoff_times(conn, city.id, start, end)
        ),
    )
