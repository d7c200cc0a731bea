"""What the analytics page shows for one selection: every table and layer, in one place.

The page's callbacks parse their inputs into a :class:`Selection`, call
:func:`response_view` or :func:`calls_view` and hand the frames to ``layers.analytics``;
the exports write the same frames. Three statements for the response view, four for the
call view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
from sqlalchemy import Connection

from geodata import map_queries
from geodata.analytics import call_funnel, heat_cells, statistics
from geodata.analytics.response_intervals import (
    INTERVALS,
    IntervalQuery,
    dispatch_intervals,
    incident_intervals,
)
from geodata.analytics.standards import AnalyticsConfig
from geodata.analytics.statistics import Target
from geodata.map_queries import CitySummary

__all__ = [
    "CallsView",
    "ResponseView",
    "Selection",
    "calls_view",
    "local_range",
    "period_for",
    "response_view",
]


def local_range(first: date, last: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) covering local days ``first`` … ``last`` (inclusive), tz-aware."""
    zone = ZoneInfo(timezone)
    return (
        datetime.combine(first, time(), tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time(), tzinfo=zone),
    )


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


@dataclass(frozen=True)
class ResponseView:
    """Everything the response tab shows. ``frame`` is per incident, or per dispatch when
    an agency kind is chosen; ``target_s`` the target used (per row or one number, None
    when there is none); layers() the exportable tables and map layers by name."""

    selection: Selection
    frame: pd.DataFrame
    target_s: Target | None
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
        return config.targets_for(frame["agency_kind"])
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
