"""The monthly response-time report: one self-contained HTML file a kepala dinas can forward.

Pure: takes the month's figures (any object with the attributes of :class:`MonthData`,
e.g. ``geodata.analytics.monthly.MonthlyData``) and returns the HTML text. Plotly.js is
inlined once, so the file opens offline in any browser and prints on A4.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from layers.analytics import charts, coverage_map, funnel, heatmap, tables
from layers.analytics.tables import Table
from layers.analytics.target_basis import target_basis_text
from layers.words import (
    Language,
    label,
    labels,
    minutes,
    number,
    percent,
    word,
    zone_abbreviation,
)

__all__ = ["MonthData", "monthly_report_html", "report_months"]


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

    @property
    def coverage(self) -> Sequence[_AgencyCoverage]: ...


def _table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in table.header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
        for row in table.rows
    )
    if not table.rows and table.empty:
        body = f"<tr><td colspan='{len(table.header)}'>{html.escape(table.empty)}</td></tr>"
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
    unit = word("analytics.minutes_unit", language)
    now, before = data.summary, data.previous_summary
    cards = [
        _card(word("report.calls", language), number(int(data.outcomes["calls"].sum()), language)),
        _card(word("report.emergencies", language), number(_response(now, "rows"), language)),
    ]
    for key, column, show in (
        ("median_response", "median_s", lambda v: f"{minutes(v, language)} {unit}"),
        ("p90_response", "p90_s", lambda v: f"{minutes(v, language)} {unit}"),
        ("within_standard", "compliance", lambda v: percent(v, language)),
    ):
        value = _response(now, column)
        note = word("report.previous", language, value=show(_response(before, column)))
        cards.append(_card(word(f"report.{key}", language), show(value), note))
    return "<div class='cards'>" + "".join(cards) + "</div>"


def _coverage_section(data: MonthData, language: Language, figure: _Figures) -> str:
    parts = []
    for item in data.coverage:
        standard, summary = item.standard, item.coverage.summary
        kind = label("agency_kind", item.agency_kind, language)
        sentence = word(
            "analytics.coverage_standard", language, name=standard.name,
            target=number(standard.target_s / 60, language),
            allowance=number(standard.allowance_s / 60, language),
            budget=number(standard.travel_budget_s / 60, language), profile=item.profile,
        )  # fmt: skip
        shares = " · ".join(
            f"{word(f'analytics.{key}', language)}: {percent(share, language)}"
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
            f"<p class='note'>{html.escape(word('analytics.population_note', language))}</p>"
            + figure(isochrones, 520)
            + f"<h4>{html.escape(word('analytics.gaps_title', language))}</h4>"
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
    month = f"{label('month', str(data.month.month), language)} {data.month.year}"
    zone = zone_abbreviation(data.timezone)
    stamp = data.generated_at.astimezone(ZoneInfo(data.timezone))
    title = f"{word('report.title', language)} — {data.city_name} — {month}"
    agency_labels = labels("agency_kind", language)
    category_labels = labels("category", language)
    generated = word("report.generated", language, time=f"{stamp:%d-%m-%Y %H:%M} {zone}")
    common: dict[str, Any] = {"language": language}
    body = [
        _heading(1, title),
        f"<p class='stamp'>{html.escape(generated)}</p>",
        f"<div class='synthetic'>{word('report.synthetic', language)}</div>"
        if data.is_synthetic else "",
        _heading(2, word("report.key_figures", language)),
        _key_figures(data, language),
        _note(target_basis_text(data.target_basis, language)),
        _heading(2, word("report.by_agency", language)),
        _table(replace(tables.group_table(data.by_agency, "agency_kind", language, agency_labels),
                       empty=word("analytics.empty_by_agency", language))),
        figure(charts.group_bar_figure(data.by_agency, "agency_kind", agency_labels,
                                       title=word("analytics.col_agency", language), **common)),
        _heading(3, word("report.by_category", language)),
        _table(tables.group_table(data.by_category, "category", language, category_labels)),
        _note(word("report.dagger", language, min_count=data.min_count)),
        _heading(2, word("report.areas", language)),
        figure(heatmap.heat_map_static(data.heat, "p90_s", min_count=data.min_count,
                                       **common), 560),
        _heading(3, word("analytics.worst_title", language)),
        _table(replace(tables.group_table(data.worst, "name", language),
                       empty=word("analytics.empty_worst_few", language,
                                  min_count=data.min_count))),
        _heading(2, word("report.time_pattern", language)),
        figure(charts.hour_weekday_figure(data.grid, data.timezone, min_count=data.min_count,
                                          **common), 400),
        figure(charts.trend_figure(data.daily, period="day", **common), 360),
        _heading(2, word("analytics.tab_calls", language)),
        figure(funnel.outcome_totals_figure(data.outcomes, **common), 320),
        figure(funnel.outcomes_by_figure(data.outcomes_daily, "day", timezone=data.timezone,
                                         **common), 380),
        _heading(3, word("analytics.hotspots_title", language)),
        _table(tables.hotspot_table(data.hotspots, language, limit=5)),
        _heading(3, word("analytics.handoff_title", language)),
        _note(word("analytics.handoff_note", language)),
        _table(tables.handoff_table(data.handoffs, language)),
        _heading(2, word("report.coverage", language)),
        _coverage_section(data, language, figure),
        _heading(2, word("report.data_quality", language)),
        _table(tables.interval_summary_table(data.summary, language)),
        _note(word("analytics.interval_definitions", language)),
        _note(word("analytics.excluded_note", language)),
        _note(word("analytics.definitions", language)),
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


def report_months(first: date, last: date, most: int = 120) -> list[date]:
    """The first day of each month from ``last``'s back to ``first``'s, newest first (at
    most ``most``): the months a report can be asked for."""
    months: list[date] = []
    current = date(last.year, last.month, 1)
    while current >= date(first.year, first.month, 1) and len(months) < most:
        months.append(current)
        current = (current - timedelta(days=1)).replace(day=1)
    return months
