"""Charts of response times: the hour × weekday grid, the trend, statistics per group.

Inputs are the frames of ``geodata.analytics.statistics`` (columns rows, n, median_s,
p90_s, mean_s, compliance, too_few). Times are shown in minutes; cells and points with
too few measured incidents are left blank rather than drawn as if they meant something.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from layers.analytics._common import chart_layout, explain_empty
from layers.analytics.heatmap import MEASURES, measure_title, measure_values
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

__all__ = ["empty_figure", "group_bar_figure", "hour_weekday_figure", "trend_figure"]


def empty_figure(reason: str) -> go.Figure:
    """A panel with nothing to show yet, saying ``reason`` (no axes, no data)."""
    figure = go.Figure()
    figure.update_layout(plot_bgcolor="white", paper_bgcolor="white",
                         margin={"l": 0, "r": 0, "t": 0, "b": 0})  # fmt: skip
    return explain_empty(figure, reason)


def hour_weekday_figure(
    grid: pd.DataFrame,
    timezone: str,
    *,
    measure: str = "p90_s",
    interval: str = "response",
    language: Language = "id",
    min_count: int = 10,
) -> go.Figure:
    """A weekday × hour heatmap (rows Monday … Sunday, columns local hours or blocks).

    ``grid`` is ``hour_weekday_grid``'s frame (blocks of one or more hours). For time
    and compliance measures, cells with fewer than ``min_count`` values are blank and
    say so on hover.
    """
    zone = zone_abbreviation(timezone)
    ordered = grid.sort_values(["weekday", "hour"])
    starts = sorted(ordered["hour"].unique().tolist())
    width = 24 // len(starts)
    shape = (7, len(starts))
    n = ordered["n"].to_numpy(dtype=int).reshape(shape)
    rows = ordered["rows"].to_numpy(dtype=int).reshape(shape)
    shown = measure_values(ordered, measure).reshape(shape)
    if measure != "rows":
        shown = np.where(ordered["too_few"].to_numpy(bool).reshape(shape), np.nan, shown)
    spans = [f"{hour:02d}–{hour + width - 1:02d}" for hour in starts]
    hover = [
        [
            f"{label('weekday', str(day), language)} {span}:59 {zone}<br>"
            f"{word('analytics.rows', language)}: {rows[day, column]} (n = {n[day, column]})<br>"
            + (
                word("analytics.too_few", language, min_count=min_count)
                if np.isnan(shown[day, column])
                else number(shown[day, column], language, 1)
            )
            for column, span in enumerate(spans)
        ]
        for day in range(7)
    ]
    title = measure_title(measure, interval, language)
    unit = title.rsplit("(", 1)[-1].rstrip(")") if title.endswith(")") else ""
    figure = go.Figure(
        go.Heatmap(
            z=shown, x=[f"{hour:02d}" for hour in starts],
            y=list(labels("weekday", language).values()),
            colorscale=MEASURES.get(measure, "YlOrRd"), reversescale=measure == "compliance",
            hoverongaps=True, text=hover, hovertemplate="%{text}<extra></extra>",
            texttemplate="%{z:.0f}", textfont={"size": 11}, xgap=2, ygap=2,
            colorbar={"title": {"text": unit, "side": "top"}, "thickness": 12},
        )
    )  # fmt: skip
    layout = chart_layout(word("analytics.grid_title", language, measure=title, zone=zone))
    figure.update_layout(
        {**layout, "plot_bgcolor": "#eceff1"},
        xaxis={"title": word("analytics.hour_axis", language, zone=zone) if width == 1 else
               word("analytics.hour_axis_blocks", language, zone=zone, hours=width),
               "type": "category", "tickangle": 0, "categoryorder": "array",
               "categoryarray": [f"{hour:02d}" for hour in starts],
               "range": [-0.5, len(starts) - 0.5]},
        # categories and ranges named: a grid whose every cell is blank (too few) keeps
        # its days and hours, Monday on top
        yaxis={"type": "category", "categoryorder": "array",
               "categoryarray": list(labels("weekday", language).values()), "range": [6.5, -0.5]},
        margin={"l": 80, "r": 20, "t": 50, "b": 90},
    )  # fmt: skip
    if measure != "rows":
        figure.add_annotation(
            text=word("analytics.grey_cells", language, min_count=min_count), showarrow=False,
            xref="paper", yref="paper", x=0, y=-0.3, xanchor="left", font={"size": 11},
        )  # fmt: skip
    return figure


def trend_figure(
    trend: pd.DataFrame,
    *,
    period: str = "day",
    interval: str = "response",
    target_s: float | None = None,
    language: Language = "id",
) -> go.Figure:
    """Median and 90th percentile per period (minutes), incidents as light bars behind.

    ``trend`` is ``geodata.analytics.statistics.trend``'s frame; periods with too few
    values show no point. A dashed line marks ``target_s`` when given.
    """
    frame = trend.sort_values("period_start")
    mask = ~frame["too_few"].to_numpy(bool)
    unit = word("analytics.minutes_unit", language)
    figure = go.Figure()
    figure.add_bar(
        x=frame["period_start"], y=frame["rows"], name=word("analytics.count_axis", language),
        marker={"color": "#cfd8dc"}, yaxis="y2", opacity=0.7,
        hovertemplate="%{x|%d-%m-%Y}: %{y}<extra></extra>",
    )  # fmt: skip
    for column, colour, name in (("median_s", "#1e88e5", "Median"), ("p90_s", "#d84315", "P90")):
        values = np.where(mask, frame[column].to_numpy(dtype=float) / 60.0, np.nan)
        figure.add_scatter(
            x=frame["period_start"], y=values, mode="lines+markers", name=f"{name} ({unit})",
            line={"color": colour, "width": 2}, marker={"size": 4}, connectgaps=False,
            hovertemplate=f"%{{x|%d-%m-%Y}}: %{{y:.1f}} {unit}<extra>{name}</extra>",
        )  # fmt: skip
    if target_s is not None:
        figure.add_hline(
            y=target_s / 60.0, line={"dash": "dash", "color": "#2e7d32"},
            annotation_text=word("analytics.target_line", language,
                                   minutes=number(target_s / 60.0, language, 0)),
        )  # fmt: skip
    name = label("interval", interval, language)
    figure.update_layout(
        **chart_layout(
            word("analytics.trend_title", language, period=word(f"analytics.{period}", language),
                 interval=name)
        ),
        yaxis={"title": f"{name} ({unit})", "rangemode": "tozero", "gridcolor": "#eceff1"},
        yaxis2={"title": word("analytics.count_axis", language), "overlaying": "y", "side": "right",
                "showgrid": False, "rangemode": "tozero", "tickmode": "auto"},
        xaxis={"tickformat": "%d-%m"},
        legend={"orientation": "h", "y": -0.18},
        hovermode="x unified",
    )  # fmt: skip
    return figure


def group_bar_figure(
    stats: pd.DataFrame,
    key: str,
    labels: Mapping[str, str],
    *,
    title: str,
    language: Language = "id",
) -> go.Figure:
    """Median and P90 (minutes) per group as horizontal bars, compliance in the hover.

    ``stats`` is ``grouped_statistics``' frame keyed by ``key``; ``labels`` maps keys to
    display names. Groups with too few values are listed but drawn hatched.
    """
    frame = stats.sort_values("p90_s", ascending=True, na_position="first")
    names = [labels.get(str(value), str(value)) for value in frame[key]]
    hover = [
        f"n = {n}<br>{word('analytics.compliance', language)}: {percent(share, language)}"
        for n, share in zip(frame["n"], frame["compliance"], strict=True)
    ]
    pattern = {"shape": np.where(frame["too_few"].to_numpy(bool), "/", "").tolist()}
    unit = word("analytics.minutes_unit", language)
    figure = go.Figure()
    for column, colour, name in (("median_s", "#90caf9", "Median"), ("p90_s", "#ef6c00", "P90")):
        figure.add_bar(
            y=names, x=frame[column] / 60.0, orientation="h", name=f"{name} ({unit})",
            marker={"color": colour, "pattern": pattern}, customdata=hover,
            text=[minutes(value, language) for value in frame[column]], textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.1f} " + unit + "<br>%{customdata}<extra></extra>",
        )  # fmt: skip
    figure.update_layout(
        **chart_layout(title),
        barmode="group",
        xaxis={"title": unit, "gridcolor": "#eceff1", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.3},
        yaxis={"automargin": True},
        height=max(280, 90 + 42 * len(frame)),
    )
    return figure
