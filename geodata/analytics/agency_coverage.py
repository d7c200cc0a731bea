"""Coverage of one agency kind against its standard: planned (every posko) or live (the
units available now). Glue between the queries of :mod:`.travel_surface` and the pure
computation of :mod:`.coverage`; three statements in all (origins, surface, areas).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import geopandas as gpd
import pandas as pd
from sqlalchemy import Connection

from geodata import map_queries
from geodata.analytics.coverage import Coverage, coverage, coverage_curve, snap_times
from geodata.analytics.response_intervals import IntervalQuery, dispatch_intervals
from geodata.analytics.standards import AnalyticsConfig, ResponseStandard
from geodata.analytics.travel_surface import (
    available,
    station_origins,
    travel_time_surface,
    unit_origins,
)
from geodata.routing.vehicle_profiles import AGENCY_PROFILE

__all__ = ["AgencyCoverage", "CoverageView", "agency_coverage", "coverage_view"]

#: A unit's reported position counts as where it is for this long (seconds).
POSITION_MAX_AGE_S = 900.0


@dataclass(frozen=True)
class AgencyCoverage:
    """The coverage of one agency kind and what it was computed from.

    origins: where the drive starts (posko, or the available units), with node_id;
    units_total / units_available: the agency kind's units (live only, else None);
    profile: the vehicle profile of the edge costs; live: from available units.
    """

    agency_kind: str
    standard: ResponseStandard
    profile: str
    live: bool
    origins: pd.DataFrame
    surface: pd.DataFrame
    coverage: Coverage
    units_total: int | None = None
    units_available: int | None = None


def agency_coverage(
    conn: Connection,
    city_id: int,
    agency_kind: str,
    config: AnalyticsConfig,
    *,
    live: bool = False,
    now: datetime | None = None,
    incident_lonlat: tuple[pd.Series, pd.Series] | None = None,
    areas: gpd.GeoDataFrame | None = None,
) -> AgencyCoverage:
    """Model the drive from the agency kind's posko (or, ``live``, its available units at
    ``now``) and measure coverage of the kelurahan within the standard's travel budget.

    ``areas`` (kelurahan: code, name, population, geometry) is read when not given; the
    standard is the config's for the agency kind (``dataclasses.replace`` the config's
    standards to try another target).
    """
    standard = config.standard(agency_kind)
    profile = AGENCY_PROFILE.get(agency_kind, "car")
    units_total = units_available = None
    if live:
        if now is None:
            raise ValueError("live coverage needs now (tz-aware)")
        units = unit_origins(conn, city_id, agency_kind, now, POSITION_MAX_AGE_S)
        origins = available(units)
        units_total, units_available = len(units), len(origins)
    else:
        origins = station_origins(conn, city_id, agency_kind)
    surface = travel_time_surface(
        conn, city_id, origins["node_id"].dropna().astype(int).tolist(), profile,
        config.max_travel_s,
    )  # fmt: skip
    if areas is None:
        areas = map_queries.area_outlines(conn, city_id, "kelurahan")
    result = coverage(
        surface,
        areas,
        budget_s=standard.travel_budget_s,
        resolution=config.coverage_resolution,
        max_snap_m=config.max_snap_m,
        incident_lonlat=incident_lonlat,
    )
    return AgencyCoverage(
        agency_kind, standard, profile, live, origins, surface, result, units_total,
        units_available,
    )  # fmt: skip


@dataclass(frozen=True)
class CoverageView:
    """What the coverage page shows: the coverage, and the shares for every whole minute
    of travel from 0 to 30 (``curve``, see :func:`.coverage.coverage_curve`)."""

    result: AgencyCoverage
    curve: pd.DataFrame

    def summary_frame(self) -> pd.DataFrame:
        """The city-wide figures as a one-row table (what the summary CSV holds)."""
        result, summary = self.result, self.result.coverage.summary
        return pd.DataFrame([{
            "agency_kind": result.agency_kind, "standard": result.standard.name,
            "target_s": result.standard.target_s, "allowance_s": result.standard.allowance_s,
            "travel_budget_s": result.standard.travel_budget_s, "profile": result.profile,
            "live": result.live, "origins": len(result.origins),
            "units_total": result.units_total, "units_available": result.units_available,
            "area_km2": summary.area_km2, "area_share": summary.area_share,
            "population": summary.population, "population_share": summary.population_share,
            "incidents": summary.incidents, "incident_share": summary.incident_share,
        }])  # fmt: skip

    def layers(self) -> dict[str, pd.DataFrame]:
        """The exportable tables and layers by name."""
        return {"cells": self.result.coverage.cells, "areas": self.result.coverage.areas,
                "curve": self.curve, "summary": self.summary_frame()}  # fmt: skip


def coverage_view(
    conn: Connection,
    city_id: int,
    agency_kind: str,
    config: AnalyticsConfig,
    *,
    live: bool,
    now: datetime,
    incidents_since: datetime,
) -> CoverageView:
    """Coverage of ``agency_kind`` and its curve, counting the incidents its units were
    sent to from ``incidents_since`` until ``now``. Five statements."""
    dispatches = dispatch_intervals(
        conn, city_id, IntervalQuery(incidents_since, now, agency_kind=agency_kind)
    ).drop_duplicates("incident_id")
    result = agency_coverage(
        conn, city_id, agency_kind, config, live=live, now=now,
        incident_lonlat=(dispatches["lon"], dispatches["lat"]),
    )  # fmt: skip
    located = dispatches[dispatches["lon"].notna()]
    times = snap_times(result.surface, located["lon"], located["lat"], config.max_snap_m)
    curve = coverage_curve(
        result.coverage.cells, result.coverage.areas, times, [60.0 * m for m in range(31)]
    )
    return CoverageView(result, curve)
