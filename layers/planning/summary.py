"""The one-page summary of a planning scenario for the DPRD: the question, the standard,
before and after, the proposed sites, the replay of past incidents, the least served
kelurahan and the method. Pure: a saved scenario (plain dict) in, HTML text out; no
scripts, prints on one A4 page.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from layers.words import Language, label, minutes, number, percent, word, zone_abbreviation

__all__ = ["scenario_summary_html"]

_STYLE = """
body{font-family:'DejaVu Sans',Arial,sans-serif;margin:18mm;color:#1f2933;font-size:10.5pt}
h1{font-size:16pt;margin:0 0 4px}h2{font-size:11.5pt;margin:14px 0 4px;color:#0b4f71}
table{border-collapse:collapse;width:100%;margin:4px 0}
th,td{border-bottom:1px solid #d5dde5;padding:3px 6px;text-align:left}
td.n,th.n{text-align:right}.muted{color:#52606d;font-size:9pt}
.banner{background:#fff3cd;border:1px solid #e0b400;padding:4px 8px;font-weight:bold}
.better{color:#1b7f3b;font-weight:bold}@page{size:A4;margin:12mm}
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    cells = "".join(
        f"<th class='{'n' if i in numeric else ''}'>{_e(h)}</th>" for i, h in enumerate(head)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td class='{'n' if i in numeric else ''}'>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def _demand_word(request: Mapping[str, Any], language: Language) -> str:
    incidents, people = bool(request.get("category_weights")), bool(request.get("population"))
    key = (
        "demand_both"
        if incidents and people
        else ("demand_incidents" if incidents else "demand_population")
    )
    return word(f"planning.{key}", language)


def _figures(summary: Mapping[str, Any], language: Language) -> str:
    before, after = summary["before"], summary["after"]
    rows = []
    for key, name in (
        ("demand_share", "demand_share"),
        ("population_share", "population_share"),
        ("incident_share", "incident_share"),
    ):
        better = (after.get(key) or 0) > (before.get(key) or 0)
        shown = percent(after.get(key), language)
        rows.append(
            [
                _e(word(f"planning.{name}", language)),
                _e(percent(before.get(key), language)),
                f"<span class='better'>{_e(shown)}</span>" if better else _e(shown),
            ]
        )
    for key, name in (("mean_s", "mean_travel"), ("p90_s", "p90_travel")):
        rows.append(
            [
                _e(word(f"planning.{name}", language)),
                _e(minutes(before.get(key), language)),
                _e(minutes(after.get(key), language)),
            ]
        )
    head = [
        word("planning.figure", language),
        word("planning.before", language),
        word("planning.after", language),
    ]
    return _table(head, rows, {1, 2})


def _sites(sites: Sequence[Mapping[str, Any]], language: Language) -> str:
    opened = [s for s in sites if s.get("open_after")]
    rows = [
        [
            _e(s["name"]),
            _e(word("planning.kept" if s.get("existing") else "planning.new", language)),
            _e(word(f"planning.source_{s['source']}", language)),
            _e(f"{s['lat']:.5f}, {s['lon']:.5f}"),
            _e(number(s.get("snap_m"), language)),
        ]
        for s in sorted(opened, key=lambda s: (bool(s.get("existing")), s["name"]))
    ]
    head = [
        word("planning.site", language),
        "",
        word("planning.source", language),
        word("planning.coordinates", language),
        word("planning.snap", language),
    ]
    return _table(head, rows, {4})


def _count_share(count: int, share: float | None, language: Language) -> str:
    return f"{number(count, language)} ({percent(share, language)})"


def _replay(replay: Sequence[Mapping[str, Any]], language: Language) -> str:
    rows = []
    for row in replay:
        name = (
            word("planning.all_categories", language)
            if row["category"] == "all"
            else label("category", row["category"], language)
        )
        rows.append(
            [
                _e(name),
                _e(number(row["incidents"], language)),
                _e(_count_share(row["reached_before"], row.get("share_before"), language)),
                _e(_count_share(row["reached_after"], row.get("share_after"), language)),
            ]
        )
    head = [
        word("planning.category", language),
        word("planning.incidents", language),
        word("planning.before", language),
        word("planning.after", language),
    ]
    return _table(head, rows, {1, 2, 3})


def _areas(areas: Sequence[Mapping[str, Any]], language: Language) -> str:
    rows = [
        [
            _e(a["name"]),
            _e(number(a.get("population"), language)),
            _e(percent(a.get("share_before"), language)),
            _e(percent(a.get("share_after"), language)),
        ]
        for a in list(areas)[:10]
    ]
    head = [
        word("planning.kelurahan", language),
        word("planning.population", language),
        word("planning.before", language),
        word("planning.after", language),
    ]
    return _table(head, rows, {1, 2, 3})


def _method(summary: Mapping[str, Any], language: Language) -> str:
    request, exact = summary["request"], summary["exact"]
    gap = exact.get("gap")
    gap_text = word("planning.gap", language, gap=percent(gap, language, 2)) if gap else ""
    return word(
        "planning.method_text",
        language,
        model=word(f"planning.model_{request['model']}", language),
        source=word(f"planning.source_{request['model']}", language),
        status=word(f"planning.status_{exact['status']}", language),
        gap=gap_text,
        spread=word(f"planning.spread_{request['population_method']}", language),
    )


def scenario_summary_html(
    scenario: Mapping[str, Any], language: Language, *, timezone: str, synthetic: bool
) -> str:
    """The summary page of a saved scenario (as :func:`load_scenario` returns it)."""
    summary, request = scenario["summary"], scenario["summary"]["request"]
    zone = ZoneInfo(timezone)
    made = datetime.fromisoformat(scenario["created_at"]).astimezone(zone)
    made_text = f"{made:%d-%m-%Y %H:%M} {zone_abbreviation(timezone)}"
    question = word(
        "planning.question_text",
        language,
        k=request["k"],
        agency=label("agency_kind", request["agency_kind"], language),
        demand=_demand_word(request, language),
        target=number(summary["target_s"] / 60, language, 0),
    )
    standard = word(
        "planning.standard",
        language,
        standard=summary["standard"],
        target=number(summary["target_s"] / 60, language, 0),
        allowance=number(summary["allowance_s"] / 60, language, 0),
        budget=number(summary["budget_s"] / 60, language, 1),
        profile=label("vehicle_profile", summary["profile"], language),
    )
    worst = summary.get("worst_served")
    worst_html = (
        ""
        if not worst
        else (
            f"<h2>{_e(word('planning.worst', language))}</h2><p>"
            + _e(
                word(
                    "planning.worst_text",
                    language,
                    name=worst["name"],
                    after=percent(worst["share_after"], language),
                    before=percent(worst["share_before"], language),
                )
            )
            + "</p>"
        )
    )
    banner = (
        f"<p class='banner'>{_e(word('planning.synthetic', language))}</p>" if synthetic else ""
    )
    made_by = word("planning.generated", language, time=made_text, actor=scenario["created_by"])
    parts = [
        f"<!DOCTYPE html><html lang='{language}'><head><meta charset='utf-8'>",
        f"<title>{_e(scenario['name'])}</title><style>{_STYLE}</style></head><body>",
        banner,
        f"<h1>{_e(word('planning.summary_title', language, name=scenario['name']))}</h1>",
        f"<p class='muted'>{_e(made_by)}</p>",
        f"<h2>{_e(word('planning.question', language))}</h2><p>{_e(question)}</p>",
        f"<p class='muted'>{_e(standard)}</p>",
        f"<h2>{_e(word('planning.answer', language))}</h2>",
        _figures(summary, language),
        f"<h2>{_e(word('planning.sites', language))}</h2>",
        _sites(scenario["sites"], language),
        f"<h2>{_e(word('planning.replay', language))}</h2>",
        _replay(scenario["replay"], language),
        worst_html,
        f"<h2>{_e(word('planning.areas', language))}</h2>",
        _areas(scenario["areas"], language),
        f"<h2>{_e(word('planning.method', language))}</h2>",
        f"<p class='muted'>{_e(_method(summary, language))}</p>",
        "</body></html>",
    ]
    return "".join(parts)
