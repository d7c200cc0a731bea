"""The tables shown on the pages and in the report, as header + rows of formatted text.

Pure formatting of ``geodata.analytics`` frames; the page renders them as HTML tables and
the exports write the unformatted frames.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from layers.words import (
    Language,
    label,
    minutes,
    number,
    percent,
    word,
)

__all__ = [
    "Table",
    "coverage_gaps_table",
    "group_table",
    "handoff_table",
    "hotspot_table",
    "interval_summary_table",
]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


@dataclass(frozen=True)
class Table:
    """A table ready to show: column titles and rows of text, same length each; ``empty``
    says why there are no rows (shown in their place)."""

    header: list[str]
    rows: list[list[str]]
    empty: str = ""


def interval_summary_table(summary: pd.DataFrame, language: Language = "id") -> Table:
    """One row per interval: used, missing, open, inconsistent, median, P90, mean, within
    target. ``summary`` is ``interval_summary``'s frame."""
    keys = ("col_interval", "col_n", "col_missing", "col_open", "col_inconsistent",
            "col_median", "col_p90", "col_mean", "col_compliance")  # fmt: skip
    rows = []
    for row in _records(summary):
        counts = [number(row[key], language) for key in ("n", "missing", "open", "inconsistent")]
        times = [minutes(row[key], language) for key in ("median_s", "p90_s", "mean_s")]
        name = label("interval", row["interval"], language)
        rows.append([name, *counts, *times, percent(row["compliance"], language)])
    return Table([word(f"analytics.{key}", language) for key in keys], rows)


def group_table(
    stats: pd.DataFrame,
    name_column: str,
    language: Language = "id",
    labels: Mapping[str, str] | None = None,
) -> Table:
    """Per group (area, agency, category): incidents, used, median, P90, within target.

    Groups with too few values carry a dagger after the name.
    """
    keys = ("col_name", "col_incidents", "col_n", "col_median", "col_p90", "col_compliance")
    rows = []
    for row in _records(stats):
        name = str(row[name_column])
        name = (labels or {}).get(name, name) + (" †" if row["too_few"] else "")
        rows.append([
            name, number(row["rows"], language), number(row["n"], language),
            minutes(row["median_s"], language), minutes(row["p90_s"], language),
            percent(row["compliance"], language),
        ])  # fmt: skip
    return Table([word(f"analytics.{key}", language) for key in keys], rows)


def handoff_table(handoffs: pd.DataFrame, language: Language = "id") -> Table:
    """Per agency: hand-offs, median, P90 and mean time to acknowledge (minutes)."""
    keys = ("col_agency", "col_handoffs", "col_median", "col_p90", "col_mean")
    rows = []
    for row in _records(handoffs):
        agency = row["agency_name"]
        name = word("analytics.unassigned", language) if pd.isna(agency) else str(agency)
        times = [minutes(row[key], language) for key in ("median_s", "p90_s", "mean_s")]
        rows.append([name, number(row["handoffs"], language), *times])
    return Table([word(f"analytics.{key}", language) for key in keys], rows)


def hotspot_table(hotspots: pd.DataFrame, language: Language = "id", limit: int = 10) -> Table:
    """The kelurahan with the most prank calls: calls, pranks, share, per 10,000."""
    keys = ("col_name", "col_calls", "col_prank", "col_share", "col_prank_per_10k")
    rows = [
        [str(row["name"]), number(row["calls"], language), number(row["prank"], language),
         percent(row["prank_share"], language), number(row["prank_per_10k"], language, 1)]
        for row in _records(hotspots.head(limit))
    ]  # fmt: skip
    return Table([word(f"analytics.{key}", language) for key in keys], rows)


def coverage_gaps_table(areas: pd.DataFrame, language: Language = "id", limit: int = 10) -> Table:
    """The least covered kelurahan: area covered (%), km², population."""
    header = [word("analytics.col_name", language),
              word("analytics.col_area_share", language), "km²",
              word("analytics.col_population", language)]  # fmt: skip
    rows = [
        [str(row["name"]), percent(row["area_share"], language),
         number(row["area_km2"], language, 2), number(row["population"], language)]
        for row in _records(areas.head(limit))
    ]  # fmt: skip
    return Table(header, rows)
