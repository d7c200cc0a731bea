"""The 112 call funnel: calls by outcome, per day and hour, prank hot spots, hand-offs.

Inputs are the frames of ``geodata.analytics.call_funnel``. Outcome colours follow the
category colours of the city map, emergencies in the health red.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from layers.analytics._common import TOO_FEW_COLOUR, chart_layout, feature_collection, map_layout
from layers.city_map import OFFLINE_BASEMAP, MapView
from layers.palette import CATEGORY_COLOURS
from layers.words import (
    Language,
    label,
    minutes,
    number,
    percent,
    word,
    zone_abbreviation,
)

__all__ = [
    "OUTCOME_COLOURS",
    "handoff_figure",
    "outcome_totals_figure",
    "outcomes_by_figure",
    "prank_map_figure",
]

#: The outcomes of a call, in funnel order, and their colours.
OUTCOME_COLOURS = {"emergency": CATEGORY_COLOURS["health"], "information": "#78909c",
                   "complaint": "#a1887f", "prank": "#ec407a", "ghost": "#9e9e9e",
                   "dropped": "#bcaaa4"}  # fmt: skip


def outcome_totals_figure(totals: pd.DataFrame, *, language: Language = "id") -> go.Figure:
    """Calls per outcome (horizontal bars, funnel order top-down) with their share."""
    frame = totals.iloc[::-1]
    figure = go.Figure(
        go.Bar(
            y=[label("call_outcome", code, language) for code in frame["outcome"]],
            x=frame["calls"],
            orientation="h", marker={"color": [OUTCOME_COLOURS[c] for c in frame["outcome"]]},
            text=[f"{number(calls, language)} ({percent(share, language)})"
                  for calls, share in zip(frame["calls"], frame["share"], strict=True)],
            textposition="auto", hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )  # fmt: skip
    figure.update_layout(
        **chart_layout(word("analytics.funnel_title", language)),
        xaxis={"title": word("analytics.col_calls", language), "gridcolor": "#eceff1"},
        height=320,
    )
    return figure


def outcomes_by_figure(
    wide: pd.DataFrame, period: str, *, timezone: str, language: Language = "id"
) -> go.Figure:
    """Stacked calls per outcome per local ``day`` or ``hour``, nuisance share on the right.

    ``wide`` is ``outcomes_by``'s frame (the period column, one column per outcome,
    total, nuisance_share).
    """
    x = wide[period]
    figure = go.Figure()
    for outcome in OUTCOME_COLOURS:
        figure.add_bar(
            x=x, y=wide[outcome], name=label("call_outcome", outcome, language),
            marker={"color": OUTCOME_COLOURS[outcome]},
        )  # fmt: skip
    figure.add_scatter(
        x=x, y=wide["nuisance_share"] * 100.0, yaxis="y2", mode="lines",
        name=word("analytics.nuisance_share", language) + " (%)",
        line={"color": "#000000", "width": 1.5},
    )  # fmt: skip
    title = (
        word("analytics.calls_by_day", language)
        if period == "day"
        else word("analytics.calls_by_hour", language, zone=zone_abbreviation(timezone))
    )
    figure.update_layout(
        **chart_layout(title),
        barmode="stack",
        yaxis={"title": word("analytics.col_calls", language), "gridcolor": "#eceff1"},
        yaxis2={"title": word("analytics.nuisance_share", language) + " (%)", "overlaying": "y",
                "side": "right", "range": [0, 100], "showgrid": False, "tickmode": "auto"},
        xaxis={"tickformat": "%d-%m"} if period == "day" else {"dtick": 1},
        legend={"orientation": "h", "y": -0.2},
        bargap=0.05,
    )  # fmt: skip
    return figure


def prank_map_figure(
    hotspots: gpd.GeoDataFrame,
    view: MapView,
    *,
    language: Language = "id",
    basemap: str = OFFLINE_BASEMAP,
    background: Sequence[dict[str, Any]] = (),
) -> go.Figure:
    """Kelurahan coloured by prank calls per 10,000 residents (grey: population unknown)."""
    rate = hotspots["prank_per_10k"].to_numpy(dtype=float)
    known = ~np.isnan(rate)
    geojson = feature_collection(hotspots, "code")
    hover = np.asarray(
        [f"<b>{name}</b><br>{label('call_outcome', 'prank', language)}: {number(prank, language)} "
         f"({percent(share, language)})<br>{word('analytics.col_prank_per_10k', language)}: "
         f"{number(per_10k, language, 1)}"
         for name, prank, share, per_10k in zip(hotspots["name"], hotspots["prank"],
                                                hotspots["prank_share"], rate, strict=True)],
        dtype=object,
    )  # fmt: skip
    codes = hotspots["code"].astype(str).to_numpy()
    traces = [
        go.Choroplethmap(
            geojson=geojson, locations=codes[known], z=rate[known], featureidkey="id",
            colorscale="RdPu", marker={"opacity": 0.75, "line": {"width": 0.8, "color": "white"}},
            colorbar={"title": {"text": word("analytics.col_prank_per_10k", language),
                                "side": "right"}},
            text=hover[known], hovertemplate="%{text}<extra></extra>",
        )
    ]  # fmt: skip
    if (~known).any():
        traces.append(
            go.Choroplethmap(
                geojson=geojson, locations=codes[~known], z=np.zeros(int((~known).sum())),
                featureidkey="id", colorscale=[[0, TOO_FEW_COLOUR], [1, TOO_FEW_COLOUR]],
                showscale=False, showlegend=True,
                name=word("analytics.population_unknown", language),
                text=hover[~known], hovertemplate="%{text}<extra></extra>",
            )
        )  # fmt: skip
    figure = go.Figure(traces)
    figure.update_layout(**map_layout(view, basemap, background, "prank-map"))
    return figure


def handoff_figure(handoffs: pd.DataFrame, *, language: Language = "id") -> go.Figure:
    """Median and P90 time to acknowledge per agency (minutes), hand-offs in the label."""
    frame = handoffs[handoffs["agency_name"].notna()].sort_values("median_s")
    names = [
        f"{name} ({number(count, language)})"
        for name, count in zip(frame["agency_name"], frame["handoffs"], strict=True)
    ]
    unit = word("analytics.minutes_unit", language)
    figure = go.Figure()
    for column, colour, name in (("median_s", "#80cbc4", "Median"), ("p90_s", "#00695c", "P90")):
        figure.add_bar(
            y=names, x=frame[column] / 60.0, orientation="h", name=f"{name} ({unit})",
            marker={"color": colour}, text=[minutes(v, language) for v in frame[column]],
            textposition="auto", hovertemplate="%{y}: %{x:.1f} " + unit + "<extra></extra>",
        )  # fmt: skip
    figure.update_layout(
        **chart_layout(word("analytics.handoff_title", language)),
        barmode="group",
        xaxis={"title": unit, "gridcolor": "#eceff1"},
        legend={"orientation": "h", "y": -0.2},
        yaxis={"automargin": True},
        height=max(280, 80 + 48 * len(frame)),
    )
    return figure
