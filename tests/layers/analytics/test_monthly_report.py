"""The monthly report from hand-made figures, without a database: self-contained HTML."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import box

from geodata.analytics import call_funnel, heat_cells, statistics
from geodata.analytics.coverage import coverage
from geodata.analytics.standards import AnalyticsConfig
from layers.analytics.monthly_report import monthly_report_html

AREAS = gpd.GeoDataFrame(
    {"code": ["W", "E"], "name": ["Barat", "Timur"], "population": [600, 900]},
    geometry=[box(105.0, -5.2, 105.1, -5.0), box(105.1, -5.2, 105.2, -5.0)],
    crs=4326,
)


def month_data(synthetic: bool) -> SimpleNamespace:
    rng = np.random.default_rng(5)
    n = 400
    frame = pd.DataFrame(
        {
            "received_at": pd.Timestamp("2026-05-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 30 * 86400, n), "s"),
            "category": rng.choice(["fire", "health"], n),
            "agency_kind": "fire",
            "closed": True,
            "kelurahan_code": rng.choice(["W", "E"], n),
            "kelurahan": "x",
            **{
                f"{i}_s": rng.uniform(30, 900, n)
                for i in ("call_processing", "turnout", "travel", "response")
            },
        }
    )
    frame["kelurahan"] = frame["kelurahan_code"].map({"W": "Barat", "E": "Timur"})
    counts = pd.DataFrame(
        {
            "local_hour": pd.to_datetime(["2026-05-01 08:00", "2026-05-02 09:00"]),
            "category": ["prank", "fire"],
            "outcome": ["prank", "emergency"],
            "kelurahan_code": ["W", "E"],
            "kelurahan": ["Barat", "Timur"],
            "calls": [7, 3],
        }
    )
    lon, lat = np.meshgrid(np.arange(105.0025, 105.2, 0.005), np.arange(-5.1975, -5.0, 0.005))
    surface = pd.DataFrame({"lon": lon.ravel(), "lat": lat.ravel(), "travel_s": 200.0})
    fire = AnalyticsConfig().standard("fire")
    common = {"target_s": 900.0, "min_count": 10}
    return SimpleNamespace(
        city_name="Kota Uji",
        timezone="Asia/Jakarta",
        is_synthetic=synthetic,
        month=date(2026, 5, 1),
        generated_at=datetime(2026, 6, 1, tzinfo=UTC),
        bounds=(105.0, -5.2, 105.2, -5.0),
        min_count=10,
        summary=statistics.interval_summary(frame, {"response": 900.0}),
        target_basis=AnalyticsConfig().target_basis(frame),
        previous_summary=statistics.interval_summary(frame.iloc[:0]),
        by_agency=statistics.grouped_statistics(frame, "agency_kind", **common),
        by_category=statistics.grouped_statistics(frame, "category", **common),
        grid=statistics.hour_weekday_grid(frame, "Asia/Jakarta", hours_per_bin=3, **common),
        daily=statistics.trend(frame, "Asia/Jakarta", **common),
        worst=statistics.worst_areas(frame, **common),
        heat=heat_cells.area_heat(frame, AREAS, **common),
        outcomes=call_funnel.outcome_totals(counts),
        outcomes_daily=call_funnel.outcomes_by(counts, "day"),
        hotspots=call_funnel.prank_hotspots(counts, AREAS),
        handoffs=pd.DataFrame(
            {
                "agency_name": ["Damkar"],
                "agency_kind": ["fire"],
                "handoffs": [3],
                "median_s": [90.0],
                "p90_s": [120.0],
                "mean_s": [95.0],
            }
        ),
        coverage=[
            SimpleNamespace(
                agency_kind="fire",
                standard=fire,
                profile="fire_engine",
                origins=pd.DataFrame({"lon": [105.05], "lat": [-5.1], "label": ["Posko"]}),
                coverage=coverage(
                    surface, AREAS, budget_s=fire.travel_budget_s, resolution=8, max_snap_m=1000
                ),
            )
        ],
    )


def test_report_is_one_offline_html_file_in_bahasa_indonesia() -> None:
    html = monthly_report_html(month_data(synthetic=True))  # type: ignore[arg-type]
    assert html.startswith("<!DOCTYPE html>") and "<html lang='id'>" in html
    assert "Laporan Bulanan Waktu Tanggap 112 — Kota Uji — Mei 2026" in html
    assert "DATA SINTETIS" in html and "Permendagri 114/2018: 15 menit sejak laporan" in html
    assert "<script src=" not in html and html.count("Plotly.newPlot") == 7
    assert html.count("plotly.js v") == 1  # the library is inlined once
    assert "Wilayah terjangkau: 100 %" in html


def test_report_in_english_without_the_synthetic_warning() -> None:
    html = monthly_report_html(month_data(synthetic=False), "en")  # type: ignore[arg-type]
    assert "112 Response-Time Monthly Report — Kota Uji — May 2026" in html
    assert "SYNTHETIC" not in html and "<html lang='en'>" in html
