"""The monthly response-time report: one self-contained HTML file a kepala dinas can forward.

Pure: takes the month's figures (any object with the attributes of :class:`MonthData`,
e.g. ``geodata.analytics.monthly.MonthlyData``) and returns the HTML text. Plotly.js is
inlined once, so the file opens offline in any browser and prints on A4.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from layers.analytics import charts, coverage_map, funnel, heatmap, tables
from layers.analytics.tables import Table
from layers.analytics.text import minutes, number, percent, phrase
from layers.vocabulary import AGENCY_KIND_LABELS, CATEGORY_LABELS, Language, zone_abbreviation

__all__ = ["MONTH_NAMES", "MonthData", "monthly_report_html"]

MONTH_NAMES: dict[Language, tuple[str, ...]] = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}  # fmt: skip

WORDS: dict[str, dict[Language, str]] = {
    "title": {"id": "Laporan Bulanan Waktu Tanggap 112", "en": "112 Response-Time Monthly Report"},
    "generated": {"id": "Dibuat {time} oleh Tanggap", "en": "Generated {time} by Tanggap"},
    "synthetic": {"id": "DATA SINTETIS (kota demo) — bukan data nyata.",
                  "en": "SYNTHETIC DATA (demo city) — not real data."},
    "key_figures": {"id": "Angka utama", "en": "Key figures"},
    "calls": {"id": "Panggilan 112", "en": "112 calls"},
    "emergencies": {"id": "Kejadian darurat", "en": "Emergencies"},
    "median_response": {"id": "Median waktu tanggap", "en": "Median response time"},
    "p90_response": {"id": "P90 waktu tanggap", "en": "P90 response time"},
    "within_standard": {"id": "Memenuhi standar instansi", "en": "Within agency standard"},
    "previous": {"id": "bulan lalu: {value}", "en": "previous month: {value}"},
    "by_agency": {"id": "Per instansi (setiap unit, terhadap standarnya)",
                  "en": "Per agency (every unit, against its own standard)"},
    "by_category": {"id": "Per kategori kejadian", "en": "Per incident category"},
    "areas": {"id": "Wilayah", "en": "Areas"},
    "time_pattern": {"id": "Pola waktu", "en": "Time pattern"},
    "data_quality": {"id": "Kualitas data dan definisi", "en": "Data quality and definitions"},
    "coverage": {"id": "Cakupan layanan (model jaringan jalan)",
                 "en": "Service coverage (road-network model)"},
    "dagger": {"id": "† kurang dari {min_count} kejadian terukur: angka tidak stabil.",
               "en": "† fewer than {min_count} measured incidents: figures are unstable."},
}  # fmt: skip


class _Standard(Protocol):
    name: str
    target_s: float
    allowance_s: float
    is_regulation: bool

    @property
    def travel_budget_s(self) -> float: ...


class _Coverage(Protocol):
    cells: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    summary: Any


class _AgencyCoverage(Protocol):
    agency_kind: str
    standard: _Standard
    profile: str
    origins: pd.DataFrame
    coverage: _Coverage


class MonthData(Protocol):
    """What the report reads; see ``geodata.analytics.monthly.MonthlyData``."""

    city_name: str
    timezone: str
    is_synthetic: bool
    month: date
    generated_at: datetime
    bounds: tuple[float, float, float, float]
    min_count: int
    summary: pd.DataFrame
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

    @property
    def coverage(self) -> Sequence[_AgencyCoverage]: ...


def _word(key: str, language: Language, **values: object) -> str:
    return WORDS[key][language].format(**values)


def _table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in table.header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
        for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class _Figures:
    """Turns figures into HTML, inlining plotly.js with the first one only."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, figure: go.Figure, height: int = 420) -> str:
        figure.update_layout(height=figure.layout.height or height)
        self.count += 1
        return str(
            pio.to_html(
                figure, include_plotlyjs=self.count == 1, full_html=False,
                config={"displaylogo": False, "responsive": True},
                default_width="100%", default_height=f"{figure.layout.height}px",
            )
        )  # fmt: skip


def _response(summary: pd.DataFrame, column: str) -> float:
    row = summary[summary["interval"] == "response"]
    return float(row[column].iloc[0]) if len(row) else float("nan")


def _card(title: str, value: str, note: str = "") -> str:
    small = f"<div class='note'>{html.escape(note)}</div>" if note else ""
    return (f"<div class='card'><div class='label'>{html.escape(title)}</div>"
            f"<div class='value'>{html.escape(value)}</div>{small}</div>")  # fmt: skip


def _key_figures(data: MonthData, language: Language) -> str:
    unit = phrase("minutes_unit", language)
    now, before = data.summary, data.previous_summary
    cards = [
        _card(_word("calls", language), number(int(data.outcomes["calls"].sum()), language)),
        _card(_word("emergencies", language), number(_response(now, "rows"), language)),
    ]
    for key, column, show in (
        ("median_response", "median_s", lambda v: f"{minutes(v, language)} {unit}"),
        ("p90_response", "p90_s", lambda v: f"{minutes(v, language)} {unit}"),
        ("within_standard", "compliance", lambda v: percent(v, language)),
    ):
        value = _response(now, column)
        note = _word("previous", language, value=show(_response(before, column)))
        cards.append(_card(_word(key, language), show(value), note))
    return "<div class='cards'>" + "".join(cards) + "</div>"


def _coverage_section(data: MonthData, language: Language, figure: _Figures) -> str:
    parts = []
    for item in data.coverage:
        standard, summary = item.standard, item.coverage.summary
        kind = AGENCY_KIND_LABELS.get(item.agency_kind, {}).get(language, item.agency_kind)
        sentence = phrase(
            "coverage_standard", language, name=standard.name,
            target=number(standard.target_s / 60, language),
            allowance=number(standard.allowance_s / 60, language),
            budget=number(standard.travel_budget_s / 60, language), profile=item.profile,
        )  # fmt: skip
        shares = " · ".join(
            f"{phrase(key, language)}: {percent(share, language)}"
            for key, share in (
                ("coverage_area", summary.area_share),
                ("coverage_population", summary.population_share),
                ("coverage_incidents", summary.incident_share),
            )
        )
        isochrones = coverage_map.isochrone_static(
            item.coverage.cells, item.origins, language=language
        )
        parts.append(
            f"<h3>{html.escape(kind)}</h3><p>{html.escape(sentence)}</p>"
            f"<p class='shares'>{html.escape(shares)}</p>"
            f"<p class='note'>{html.escape(phrase('population_note', language))}</p>"
            + figure(isochrones, 520)
            + f"<h4>{html.escape(phrase('gaps_title', language))}</h4>"
            + _table(tables.coverage_gaps_table(item.coverage.areas, language, limit=5))
        )
    return "".join(parts)


def _note(text: str) -> str:
    return f"<p class='note'>{html.escape(text)}</p>"


def _heading(level: int, text: str) -> str:
    return f"<h{level}>{html.escape(text)}</h{level}>"


def monthly_report_html(data: MonthData, language: Language = "id") -> str:
    """The whole report as one HTML document (UTF-8), figures embedded."""
    figure = _Figures()
    month = f"{MONTH_NAMES[language][data.month.month - 1]} {data.month.year}"
    zone = zone_abbreviation(data.timezone)
    stamp = data.generated_at.astimezone(ZoneInfo(data.timezone))
    title = f"{_word('title', language)} — {data.city_name} — {month}"
    agency_labels = {k: v[language] for k, v in AGENCY_KIND_LABELS.items()}
    category_labels = {k: v[language] for k, v in CATEGORY_LABELS.items()}
    generated = _word("generated", language, time=f"{stamp:%d-%m-%Y %H:%M} {zone}")
    common: dict[str, Any] = {"language": language}
    body = [
        _heading(1, title),
        f"<p class='stamp'>{html.escape(generated)}</p>",
        f"<div class='synthetic'>{_word('synthetic', language)}</div>" if data.is_synthetic else "",
        _heading(2, _word("key_figures", language)),
        _key_figures(data, language),
        _heading(2, _word("by_agency", language)),
        _table(tables.group_table(data.by_agency, "agency_kind", language, agency_labels)),
        figure(charts.group_bar_figure(data.by_agency, "agency_kind", agency_labels,
                                       title=phrase("col_agency", language), **common)),
        _heading(3, _word("by_category", language)),
        _table(tables.group_table(data.by_category, "category", language, category_labels)),
        _note(_word("dagger", language, min_count=data.min_count)),
        _heading(2, _word("areas", language)),
        figure(heatmap.heat_map_static(data.heat, "p90_s", min_count=data.min_count,
                                       **common), 560),
        _heading(3, phrase("worst_title", language)),
        _table(tables.group_table(data.worst, "name", language)),
        _heading(2, _word("time_pattern", language)),
        figure(charts.hour_weekday_figure(data.grid, data.timezone, min_count=data.min_count,
                                          **common), 400),
        figure(charts.trend_figure(data.daily, period="day", **common), 360),
        _heading(2, phrase("tab_calls", language)),
        figure(funnel.outcome_totals_figure(data.outcomes, **common), 320),
        figure(funnel.outcomes_by_figure(data.outcomes_daily, "day", timezone=data.timezone,
                                         **common), 380),
        _heading(3, phrase("hotspots_title", language)),
        _table(tables.hotspot_table(data.hotspots, language, limit=5)),
        _heading(3, phrase("handoff_title", language)),
        _note(phrase("handoff_note", language)),
        _table(tables.handoff_table(data.handoffs, language)),
        _heading(2, _word("coverage", language)),
        _coverage_section(data, language, figure),
        _heading(2, _word("data_quality", language)),
        _table(tables.interval_summary_table(data.summary, language)),
        _note(phrase("interval_definitions", language)),
        _note(phrase("excluded_note", language)),
        _note(phrase("definitions", language)),
    ]  # fmt: skip
    return (
        f"<!DOCTYPE html><html lang='{language}'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>"
    )


STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; color: #212121; margin: 2rem auto;
  max-width: 1000px; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.5rem; border-bottom: 3px solid #263238; padding-bottom: .4rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; color: #263238; border-bottom: 1px solid #cfd8dc; }
h3 { font-size: 1.05rem; margin-top: 1.2rem; }
.stamp, .note { color: #546e7a; font-size: .85rem; }
.synthetic { background: #fff3cd; border: 1px solid #e0c36a; padding: .4rem .8rem;
  font-weight: 600; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; }
.card { border: 1px solid #cfd8dc; border-radius: 6px; padding: .6rem .9rem; min-width: 150px; }
.card .label { font-size: .8rem; color: #546e7a; }
.card .value { font-size: 1.5rem; font-weight: 700; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; font-size: .85rem; }
th, td { border-bottom: 1px solid #eceff1; padding: .3rem .5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #eceff1; }
.shares { font-weight: 600; }
@media print { h2 { page-break-before: always; } .card { break-inside: avoid; } }
"""
