"""What the planner page shows of a run: the sites on the map, the figures before and
after, the replay of past incidents, the kelurahan least served, a comparison of saved
scenarios, the job's progress. Pure: the run's JSON (``geodata.planning.payload``) in,
figures and tables out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from layers.analytics._common import map_layout
from layers.analytics.tables import Table
from layers.city_map import OFFLINE_BASEMAP, MapView
from layers.words import Language, label, minutes, number, percent, word

__all__ = [
    "SITE_STYLES",
    "areas_table",
    "compare_table",
    "figures_table",
    "job_status_text",
    "objective_text",
    "plan_map",
    "replay_table",
    "solver_text",
    "worst_served_text",
]

#: Marker of each kind of site: (phrasebook key, colour, size).
SITE_STYLES: Mapping[str, tuple[str, str, int]] = {
    "candidate": ("planning.legend_candidate", "#90a4ae", 6),
    "closed": ("planning.legend_closed", "#6d4c41", 11),
    "kept": ("planning.legend_kept", "#1565c0", 13),
    "new": ("planning.legend_new", "#d81b60", 15),
}


def _table(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> Table:
    return Table([str(h) for h in header], [[str(c) for c in row] for row in rows])


def _kind(site: Mapping[str, Any]) -> str:
    if site.get("existing"):
        return "kept" if site.get("open_after") else "closed"
    return "new" if site.get("open_after") else "candidate"


def plan_map(
    sites: Sequence[Mapping[str, Any]],
    view: MapView,
    *,
    language: Language = "id",
    basemap: str = OFFLINE_BASEMAP,
    background: Sequence[dict[str, Any]] = (),
) -> go.Figure:
    """Candidates (small), existing posko kept or closed, and the new posko of the plan."""
    traces = []
    for kind, (key, colour, size) in SITE_STYLES.items():
        chosen = [s for s in sites if _kind(s) == kind]
        if not chosen:
            continue
        hover = [
            f"<b>{s['name']}</b><br>{word(key, language)}<br>"
            f"{word('planning.snap', language)}: {number(s.get('snap_m'), language)}"
            for s in chosen
        ]
        traces.append(
            go.Scattermap(
                lon=[round(s["lon"], 6) for s in chosen],
                lat=[round(s["lat"], 6) for s in chosen],
                mode="markers",
                name=word(key, language),
                text=hover,
                customdata=[int(s["position"]) for s in chosen]
                if all("position" in s for s in chosen)
                else None,
                marker={
                    "size": size,
                    "color": colour,
                    "opacity": 0.95 if kind != "candidate" else 0.7,
                },
                hovertemplate="%{text}<extra></extra>",
            )
        )
    figure = go.Figure(traces)
    figure.update_layout(**map_layout(view, basemap, background, "planning"))
    return figure


#: The column names of before and after: the posko today and the plan, or (in a
#: what-if) the plan and the plan changed.
PLAN_COLUMNS = ("planning.before", "planning.after")
WHATIF_COLUMNS = ("planning.whatif_before", "planning.whatif_after")


def figures_table(
    summary: Mapping[str, Any], language: Language, columns: tuple[str, str] = PLAN_COLUMNS
) -> Table:
    """Before (the posko today) and after (the plan), with the change."""
    before, after = summary["before"], summary["after"]
    rows = []
    for key, name in (
        ("demand_share", "demand_share"),
        ("population_share", "population_share"),
        ("incident_share", "incident_share"),
    ):
        change = (
            None
            if before.get(key) is None or after.get(key) is None
            else (after[key] - before[key])
        )
        rows.append(
            (
                word(f"planning.{name}", language),
                percent(before.get(key), language),
                percent(after.get(key), language),
                _signed(change, language),
            )
        )
    for key, name in (("mean_s", "mean_travel"), ("p90_s", "p90_travel")):
        rows.append(
            (
                word(f"planning.{name}", language),
                minutes(before.get(key), language),
                minutes(after.get(key), language),
                "",
            )
        )
    header = (
        word("planning.figure", language),
        word(columns[0], language),
        word(columns[1], language),
        word("planning.change", language),
    )
    return _table(header, rows)


def _signed(share: float | None, language: Language) -> str:
    if share is None:
        return ""
    text = percent(abs(share), language, 1)
    return f"+{text}" if share > 0 else (f"−{text}" if share < 0 else text)


def _count_share(count: int, share: float | None, language: Language) -> str:
    return f"{number(count, language)} ({percent(share, language)})"


def replay_table(
    replay: Sequence[Mapping[str, Any]],
    language: Language,
    columns: tuple[str, str] = PLAN_COLUMNS,
) -> Table:
    """Past incidents by category reached within target, before and after."""
    rows = []
    for row in replay:
        name = (
            word("planning.all_categories", language)
            if row["category"] == "all"
            else label("category", row["category"], language)
        )
        rows.append(
            (
                name,
                number(row["incidents"], language),
                _count_share(row["reached_before"], row.get("share_before"), language),
                _count_share(row["reached_after"], row.get("share_after"), language),
            )
        )
    header = (
        word("planning.category", language),
        word("planning.incidents", language),
        word(columns[0], language),
        word(columns[1], language),
    )
    return _table(header, rows)


def areas_table(areas: Sequence[Mapping[str, Any]], language: Language, limit: int = 10) -> Table:
    """The kelurahan least served after the plan (first ``limit``)."""
    rows = tuple(
        (
            a["name"],
            number(a.get("population"), language),
            percent(a.get("share_before"), language),
            percent(a.get("share_after"), language),
        )
        for a in list(areas)[:limit]
    )
    header = (
        word("planning.kelurahan", language),
        word("planning.population", language),
        word("planning.before", language),
        word("planning.after", language),
    )
    return _table(header, rows)


_SHARES = {
    "demand_share_before",
    "demand_share_after",
    "population_share_before",
    "population_share_after",
    "incident_share_before",
    "incident_share_after",
    "gap",
}
_TIMES = {"budget_s", "mean_s_after", "p90_s_after"}


def compare_table(figures: Sequence[Mapping[str, Any]], language: Language) -> Table:
    """Saved scenarios side by side (rows of ``compare_scenarios``: figure, then one
    column per scenario)."""
    if not figures:
        return _table((), ())
    names = [key for key in figures[0] if key != "figure"]
    rows = []
    for row in figures:
        figure = row["figure"]
        cells = []
        for name in names:
            value = row[name]
            if figure in _SHARES:
                cells.append(percent(value, language, 1))
            elif figure in _TIMES:
                cells.append(minutes(value, language))
            elif figure == "model":
                cells.append(word(f"planning.model_{value}", language))
            elif figure == "status":
                cells.append(word(f"planning.status_{value}", language))
            elif figure == "existing":
                cells.append(word(f"planning.existing_{value}", language))
            else:
                cells.append("–" if value is None else str(value))
        rows.append((word(f"planning.compare_{figure}", language), *cells))
    return _table((word("planning.figure", language), *names), rows)


def job_status_text(job: Mapping[str, Any], language: Language) -> str:
    """One line: the job's state (with its number once done), step and progress, or its
    error with the field."""
    status = job["status"]
    if status == "failed":
        error = job.get("error") or {}
        field = error.get("field")
        where = f" ({word('planning.field', language)}: {field})" if field else ""
        return word("planning.job_failed", language, message=error.get("message", ""), where=where)
    step = job.get("step") or "queued"
    return word(
        f"planning.job_{status}",
        language,
        step=word(f"planning.step_{step}", language),
        progress=percent(job.get("progress") or 0.0, language),
        job=job.get("id", ""),
    )


def objective_text(
    solution: Mapping[str, Any], summary: Mapping[str, Any], language: Language
) -> str:
    """A model's objective in the planner's units: the share of demand (the weights sum
    to 1), the number of new posko, or minutes."""
    value = solution.get("objective")
    if value is None:
        return "–"
    model = summary["request"]["model"]
    if model in ("p_median", "p_center"):
        return f"{minutes(value, language)} {word('analytics.minutes_unit', language)}"
    if model == "lscp":
        return number(value, language)
    return percent(value, language, 1)


def solver_text(summary: Mapping[str, Any], language: Language) -> str:
    """The greedy result, and the exact one with its status and gap once it is there."""
    exact, greedy = summary["exact"], summary["greedy"]
    value = objective_text(greedy, summary, language)
    if exact.get("method") == "greedy":  # the exact solve is still running
        return word("planning.greedy_only", language, value=value)
    gap = (
        word("planning.gap", language, gap=percent(exact["gap"], language, 2))
        if exact["gap"]
        else ""
    )
    return word("planning.greedy_line", language, value=value,
                exact=objective_text(exact, summary, language),
                status=word(f"planning.status_{exact['status']}", language), gap=gap)  # fmt: skip


def worst_served_text(summary: Mapping[str, Any], language: Language) -> str:
    """The least served kelurahan, its share before and after; '' when there is none."""
    worst = summary.get("worst_served")
    if not worst:
        return ""
    return word("planning.worst_text", language, name=worst["name"],
                after=percent(worst["share_after"], language),
                before=percent(worst["share_before"], language))  # fmt: skip


def candidates_table(candidates: Sequence[Mapping[str, Any]], language: Language) -> Table:
    """Every candidate of an uploaded file with its distance to the road and whether it can
    be used (none silently dropped)."""
    rows = [
        (
            c.get("name") or "",
            number(c.get("snap_m"), language),
            word(f"planning.candidate_{c['status']}", language),
        )
        for c in candidates
    ]
    header = (
        word("planning.name", language),
        word("planning.snap", language),
        word("planning.candidate_status", language),
    )
    return _table(header, rows)


def whatif_text(
    action: str, site: Mapping[str, Any], incidents_change: int, language: Language
) -> str:
    """One line on a what-if: which posko opened or closed and the incidents it changes."""
    change = f"+{incidents_change}" if incidents_change > 0 else str(incidents_change)
    return word(
        f"planning.whatif_{action}",
        language,
        name=site.get("name") or "",
        change=change.replace("-", "−"),
    )
