"""Charts: the hour × weekday grid, the trend and per-group bars, built from tiny frames."""

from __future__ import annotations

import numpy as np
import pandas as pd

from layers.analytics.charts import group_bar_figure, hour_weekday_figure, trend_figure


def grid(hours: int = 1) -> pd.DataFrame:
    starts = list(range(0, 24, hours))
    frame = pd.DataFrame([(d, h) for d in range(7) for h in starts], columns=["weekday", "hour"])
    frame["n"] = np.where(frame["hour"] == 0, 3, 20)
    frame["rows"] = frame["n"]
    frame["p90_s"] = 600.0 + frame["weekday"] * 60
    frame["too_few"] = frame["n"] < 10
    return frame


def test_grid_is_weekdays_by_hours_and_blanks_too_few() -> None:
    figure = hour_weekday_figure(grid(), "Asia/Jakarta")
    heat = figure.data[0]
    z = np.array(heat.z, dtype=float)
    assert z.shape == (7, 24) and np.isnan(z[:, 0]).all() and z[1, 5] == 11.0
    assert heat.y[0] == "Senin" and heat.x[0] == "00"
    assert "WIB" in figure.layout.xaxis.title.text
    assert "kurang dari 10" in figure.layout.annotations[0].text
    blocks = hour_weekday_figure(grid(3), "Asia/Makassar", language="en")
    assert np.array(blocks.data[0].z).shape == (7, 8)
    assert blocks.layout.xaxis.title.text == "Starting hour (WITA), 3-hour blocks"


def test_a_grid_with_every_cell_too_few_keeps_its_days_and_hours() -> None:
    """Plotly draws no axis for an all-blank heatmap unless told its categories: a week of
    a new center's log (every cell under 10 incidents) must still read as days × hours."""
    sparse = grid(6).assign(n=3, rows=3, too_few=True)
    figure = hour_weekday_figure(sparse, "Asia/Jakarta")
    assert np.isnan(np.array(figure.data[0].z, dtype=float)).all()
    days, hours = figure.layout.yaxis, figure.layout.xaxis
    assert list(days.categoryarray) == ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu",
                                        "Minggu"]  # fmt: skip
    assert tuple(days.range) == (6.5, -0.5)  # Monday on top
    assert list(hours.categoryarray) == ["00", "06", "12", "18"]
    assert tuple(hours.range) == (-0.5, 3.5)


def test_trend_draws_median_and_p90_in_minutes_and_the_target() -> None:
    trend = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2026-05-04", "2026-05-05"]),
            "rows": [30, 4],
            "n": [30, 4],
            "median_s": [300.0, 60.0],
            "p90_s": [720.0, 90.0],
            "too_few": [False, True],
        }
    )
    figure = trend_figure(trend, target_s=900)
    bars, median, p90 = figure.data
    assert list(bars.y) == [30, 4] and median.y[0] == 5.0 and np.isnan(median.y[1])
    assert p90.y[0] == 12.0 and figure.layout.shapes[0].y0 == 15.0


def test_group_bars_hatch_small_groups() -> None:
    stats = pd.DataFrame(
        {
            "agency_kind": ["fire", "sar"],
            "n": [40, 3],
            "median_s": [300.0, 600],
            "p90_s": [600.0, 900.0],
            "compliance": [0.9, 1.0],
            "too_few": [False, True],
        }
    )
    figure = group_bar_figure(stats, "agency_kind", {"fire": "Damkar"}, title="Instansi")
    assert list(figure.data[0].y) == ["Damkar", "sar"]
    assert list(figure.data[1].marker.pattern.shape) == ["", "/"]
