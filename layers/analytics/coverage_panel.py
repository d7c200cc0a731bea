"""The coverage page as one view model: the standard in words, share cards, curve and gaps.

Pure: reads what ``geodata.analytics.agency_coverage.coverage_view`` computed (through
``Any``: ``layers`` imports nothing of ``geodata``) and returns text, figures and tables.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import plotly.graph_objects as go

from layers.analytics import coverage_map, tables
from layers.analytics._common import explain_empty
from layers.analytics.tables import Table
from layers.words import Language, number, percent, word

__all__ = ["CoveragePanel", "coverage_panel"]


@dataclass(frozen=True)
class CoveragePanel:
    """notes: sentences above the cards (the standard and what was assumed); cards:
    (title, value) pairs; curve: shares by minute of travel; gaps: least covered areas."""

    notes: list[str]
    cards: list[tuple[str, str]]
    curve: go.Figure
    gaps: Table


def coverage_panel(view: Any, language: Language) -> CoveragePanel:
    """The coverage page's panel for one ``CoverageView``."""
    result, summary = view.result, view.result.coverage.summary
    standard = result.standard
    notes = [
        word("analytics.coverage_standard", language, name=standard.name,
             target=number(standard.target_s / 60, language),
             allowance=number(standard.allowance_s / 60, language),
             budget=number(standard.travel_budget_s / 60, language), profile=result.profile),
        word("analytics.population_note", language),
    ]  # fmt: skip
    if not len(result.origins):
        notes.insert(0, word("analytics.no_origins", language))
    cards = [
        (word(f"analytics.{key}", language), percent(share, language))
        for key, share in (("coverage_area", summary.area_share),
                           ("coverage_population", summary.population_share),
                           ("coverage_incidents", summary.incident_share))
    ]  # fmt: skip
    if result.live:
        units = word("analytics.live_units", language, available=result.units_available,
                     total=result.units_total)  # fmt: skip
        cards.append((word("analytics.live", language), units))
    curve = coverage_map.coverage_curve_figure(
        view.curve, budget_s=standard.travel_budget_s, language=language
    )
    empty = word("analytics.empty_coverage", language)
    if view.curve[["area_share", "population_share", "incident_share"]].isna().all().all():
        curve = explain_empty(curve, empty)
    gaps = tables.coverage_gaps_table(result.coverage.areas, language)
    return CoveragePanel(notes=notes, cards=cards, curve=curve, gaps=replace(gaps, empty=empty))
