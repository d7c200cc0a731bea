"""The response tab of the analytics page as one view model: figures, tables and sentences.

Pure: takes what ``geodata.analytics.selection.response_view`` computed (read through the
small protocol below, since ``layers`` imports nothing of ``geodata``) and returns every
figure and table the tab shows, in the chosen language.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

import pandas as pd
import plotly.graph_objects as go

from layers.analytics import charts, heatmap, tables
from layers.analytics._common import explain_empty
from layers.analytics.tables import Table
from layers.analytics.target_basis import target_basis_text
from layers.words import Language, label, labels, number, word

__all__ = ["ResponsePanel", "response_panel", "selection_note"]


class _Chosen(Protocol):
    first: date
    last: date
    agency_kind: str | None
    interval: str
    target_minutes: float | None


class _ResponseView(Protocol):
    selection: Any  # a _Chosen
    frame: pd.DataFrame
    target_s: Any
    target_basis: pd.DataFrame
    summary: pd.DataFrame
    grid: pd.DataFrame
    trend: pd.DataFrame
    period: str
    worst: pd.DataFrame
    by_agency: pd.DataFrame
    by_category: pd.DataFrame
    min_count: int


@dataclass(frozen=True)
class ResponsePanel:
    """Every output of the response tab but the heat map (patched on its own)."""

    grid: go.Figure
    trend: go.Figure
    by_agency: go.Figure
    summary: Table
    worst: Table
    by_category: Table
    note: str
    measure: str


def selection_note(view: _ResponseView, language: Language) -> str:
    """E.g. "2.804 kejadian (unit pertama yang tiba) · 25-08-2026 s.d. 22-11-2026 · …", then
    which standards judged the rows and why (from the unit sent or from the category)."""
    chosen: _Chosen = view.selection
    if chosen.agency_kind:
        agency = label("agency_kind", chosen.agency_kind, language)
        unit = word("analytics.unit_dispatches", language, agency=agency)
    else:
        unit = word("analytics.unit_incidents", language)
    if chosen.target_minutes is not None:
        minutes = word("analytics.minutes_unit", language)
        target = f"{number(chosen.target_minutes, language)} {minutes}"
    elif chosen.interval == "response":
        target = word("analytics.target_per_agency", language)
    else:
        target = word("analytics.no_target", language)
    note = word(
        "analytics.selection_note", language, count=number(len(view.frame), language), unit=unit,
        first=f"{chosen.first:%d-%m-%Y}", last=f"{chosen.last:%d-%m-%Y}", target=target,
    )  # fmt: skip
    basis = target_basis_text(view.target_basis, language)
    return f"{note} · {basis}" if basis else note


def _worst_reason(view: _ResponseView, language: Language) -> str:
    """Why no kelurahan is ranked: no incidents, none in a loaded kelurahan, or too few."""
    if view.frame.empty:
        return word("analytics.no_data", language)
    if view.frame["kelurahan_code"].isna().all():
        return word("analytics.empty_worst_areas", language)
    return word("analytics.empty_worst_few", language, min_count=view.min_count)


def _explained(figure: go.Figure, empty: bool, reason: str) -> go.Figure:
    return explain_empty(figure, reason) if empty else figure


def response_panel(
    view: _ResponseView, timezone: str, language: Language, measure: str
) -> ResponsePanel:
    """The response tab's figures and tables for one view; ``measure`` titles the map. An
    empty chart or table says why it is empty."""
    interval = view.selection.interval
    target = view.target_s if isinstance(view.target_s, float) else None
    none = view.frame.empty
    no_data = word("analytics.no_data", language)
    by_agency = charts.group_bar_figure(view.by_agency, "agency_kind",
                                        labels("agency_kind", language),
                                        title=word("analytics.col_agency", language),
                                        language=language)  # fmt: skip
    return ResponsePanel(
        grid=_explained(charts.hour_weekday_figure(view.grid, timezone, interval=interval,
                                                   language=language, min_count=view.min_count),
                        none, no_data),
        trend=_explained(charts.trend_figure(view.trend, period=view.period, interval=interval,
                                             target_s=target, language=language), none, no_data),
        by_agency=_explained(by_agency, view.by_agency.empty,
                             no_data if none else word("analytics.empty_by_agency", language)),
        summary=tables.interval_summary_table(view.summary, language),
        worst=replace(tables.group_table(view.worst, "name", language),
                      empty=_worst_reason(view, language)),
        by_category=replace(tables.group_table(view.by_category, "category", language,
                                               labels("category", language)), empty=no_data),
        note=selection_note(view, language),
        measure=heatmap.measure_title(measure, interval, language),
    )  # fmt: skip
