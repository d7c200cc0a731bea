"""Everything the monthly report shows, gathered for one city and one local month.

The report compares the month with the one before, per agency kind against its own
standard, and adds the call funnel and the planned coverage of Damkar and PSC 119.
About a dozen statements in all, whatever the number of incidents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
from sqlalchemy import Connection

from geodata import map_queries
from geodata.analytics import call_funnel, heat_cells, statistics
from geodata.analytics.agency_coverage import AgencyCoverage, agency_coverage
from geodata.analytics.response_intervals import (
    IntervalQuery,
    dispatch_intervals,
    incident_intervals,
)
from geodata.analytics.standards import AnalyticsConfig
from geodata.map_queries import CitySummary
from geodata.vocabulary import AgencyKind

__all__ = ["MonthlyData", "gather_monthly", "month_bounds", "parse_month"]

COVERAGE_KINDS = (AgencyKind.FIRE.value, AgencyKind.AMBULANCE.value)


def parse_month(month: str) -> date:
    """The first day of a month written ``YYYY-MM``; ValueError with the expected form."""
    try:
        year, number = (int(part) for part in month.split("-"))
        return date(year, number, 1)
    except ValueError:
        raise ValueError(f"'{month}' is not a month written YYYY-MM, e.g. 2026-05") from None


def month_bounds(first_day: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) of the local month beginning ``first_day`` in ``timezone`` (tz-aware)."""
    zone = ZoneInfo(timezone)
    start = datetime(first_day.year, first_day.month, 1, tzinfo=zone)
    year, month = divmod(first_day.month, 12)
    end = datetime(first_day.year + year, month + 1, 1, tzinfo=zone)
    return start, end


def previous_month(first_day: date) -> date:
    return date(first_day.year - (first_day.month == 1), (first_day.month - 2) % 12 + 1, 1)


@dataclass(frozen=True)
class MonthlyData:
    """The month's figures; frames as the functions of :mod:`geodata.analytics` return.

    summary/previous_summary: interval_summary of the month / the month before
    (incident level, response target = the first unit's agency standard, or the standard of
    the agency the category goes to when none was sent); target_basis: which standards
    judged the month's incidents and why (:meth:`AnalyticsConfig.target_basis`); by_agency:
    per agency kind at dispatch level, each against its own standard; grid: hour ×
    weekday; daily: trend per day; worst: worst kelurahan; heat: kelurahan heat;
    outcomes/outcomes_daily/hotspots/handoffs: the call funnel; coverage: planned
    coverage per agency kind in ``COVERAGE_KINDS`` that has posko.
    """

    city_name: str
    timezone: str
    is_synthetic: bool
    month: date
    start: datetime
    end: datetime
    generated_at: datetime
    bounds: tuple[float, float, float, float]
    min_count: int
    summary: pd.DataFrame
    target_basis: pd.DataFrame
    previous_summary: pd.DataFrame
    by_agency: pd.DataFrame
    by_category: pd.DataFrame
    grid: pd.DataFrame
    daily: pd.DataFrame
    worst: pd.DataFrame
    heat: gpd.GeoDataFrame
    outcomes: pd.DataFrame
    outcomes_daily: pd.DataFrame
    hotspots: gpd.GeoDataFrame
    handoffs: pd.DataFrame
    coverage: tuple[AgencyCoverage, ...]


def gather_monthly(
    conn: Connection,
    city: CitySummary,
    first_day: date,
    config: AnalyticsConfig,
    *,
    generated_at: datetime,
    coverage_kinds: Sequence[str] = COVERAGE_KINDS,
) -> MonthlyData:
    """Read and compute the monthly report of ``city`` for the month of ``first_day``."""
    start, end = month_bounds(first_day, city.timezone)
    before, _ = month_bounds(previous_month(first_day), city.timezone)
    both = incident_intervals(conn, city.id, IntervalQuery(before, end))
    incidents = both[both["received_at"] >= start].reset_index(drop=True)
    earlier = both[both["received_at"] < start].reset_index(drop=True)
    dispatches = dispatch_intervals(conn, city.id, IntervalQuery(start, end))
    kelurahan = map_queries.area_outlines(conn, city.id, "kelurahan")
    counts = call_funnel.call_counts(conn, city.id, start, end)
    targets = config.targets_for(incidents)
    common: dict[str, Any] = {"target_s": targets, "min_count": config.min_count}
    used = int(statistics.used_values(incidents, "response").notna().sum())
    hours = statistics.hours_per_bin_for(used, config.min_count)
    coverage = tuple(
        agency_coverage(
            conn, city.id, kind, config, areas=kelurahan,
            incident_lonlat=_served(dispatches, kind),
        )
        for kind in coverage_kinds
    )  # fmt: skip
    return MonthlyData(
        city_name=city.name,
        timezone=city.timezone,
        is_synthetic=city.is_synthetic,
        month=first_day,
        start=start,
        end=end,
        generated_at=generated_at,
        bounds=city.bounds,
        min_count=config.min_count,
        summary=statistics.interval_summary(incidents, {"response": targets}),
        target_basis=config.target_basis(incidents),
        previous_summary=statistics.interval_summary(
            earlier, {"response": config.targets_for(earlier)}
        ),
        by_agency=statistics.grouped_statistics(
            dispatches,
            "agency_kind",
            target_s=config.targets_for(dispatches),
            min_count=config.min_count,
        ),
        by_category=statistics.grouped_statistics(incidents, "category", **common),
        grid=statistics.hour_weekday_grid(incidents, city.timezone, hours_per_bin=hours, **common),
        daily=statistics.trend(incidents, city.timezone, period="day", **common),
        worst=statistics.worst_areas(incidents, limit=5, **common),
        heat=heat_cells.area_heat(incidents, kelurahan, **common),
        outcomes=call_funnel.outcome_totals(counts),
        outcomes_daily=call_funnel.outcomes_by(counts, "day"),
        hotspots=call_funnel.prank_hotspots(counts, kelurahan),
        handoffs=call_funnel.handoffs_by_agency(
            call_funnel.handoff_times(conn, city.id, start, end)
        ),
        coverage=tuple(result for result in coverage if len(result.origins)),
    )


def _served(dispatches: pd.DataFrame, kind: str) -> tuple[pd.Series, pd.Series]:
    """Places of the incidents a unit of ``kind`` was sent to (each incident once)."""
    served = dispatches[dispatches["agency_kind"] == kind].drop_duplicates("incident_id")
    return served["lon"], served["lat"]
