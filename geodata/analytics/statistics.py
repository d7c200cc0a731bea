"""Median, 90th percentile and compliance of response intervals, overall and grouped.

Definitions, used everywhere in Tanggap:

- An interval value is *used* when it is present and not negative. A missing value is
  counted as ``missing`` when its incident (or dispatch) is closed, as ``open`` while it
  is still running (the step may yet happen), and a negative one as ``inconsistent``.
- Median and 90th percentile use linear interpolation between the two nearest ranks
  (numpy's default ``method="linear"``, Hyndman & Fan type 7; pandas' ``quantile``).
- Mean is the arithmetic mean (the SPM of Permendagri 114/2018 reports an average).
- Compliance is the share of used values at or under the target (``value <= target_s``).
- A group with fewer than ``min_count`` used values is flagged ``too_few``; its figures
  are still computed but are not to be coloured as if they meant something.
- Hour of day and weekday are those of ``received_at`` in the city's time zone.

Pure pandas/numpy: frames come from :mod:`.response_intervals`. Cost: one group-by per
call, vectorised (a million rows in well under a second).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from geodata.analytics.response_intervals import INTERVALS, interval_column

__all__ = [
    "PERIODS",
    "STATISTIC_COLUMNS",
    "TIME_KEYS",
    "Target",
    "grouped_statistics",
    "hour_weekday_grid",
    "hours_per_bin_for",
    "interval_summary",
    "trend",
    "used_values",
    "with_local_time",
    "worst_areas",
]

#: Keys derived from ``received_at`` in the city's zone by :func:`with_local_time`.
TIME_KEYS = ("hour", "weekday", "day", "week", "month")
#: Trend periods and the key each uses.
PERIODS = {"day": "day", "week": "week", "month": "month"}
STATISTIC_COLUMNS = ("rows", "n", "excluded", "median_s", "p90_s", "mean_s", "compliance")


def used_values(frame: pd.DataFrame, interval: str) -> pd.Series:
    """The interval in seconds where it is used (present and ≥ 0), NaN elsewhere."""
    values = frame[interval_column(interval)].astype(float)
    return values.where(values >= 0)


Target = float | pd.Series


def interval_summary(
    frame: pd.DataFrame, targets_s: Mapping[str, Target] | None = None
) -> pd.DataFrame:
    """One row per interval: how many rows were used and why the others were excluded.

    ``targets_s`` maps an interval to its target in seconds: one number, or a Series
    aligned with ``frame`` (each row its own target, e.g. its agency's standard).
    Columns: interval, rows, n (used), missing, open, inconsistent, median_s, p90_s,
    mean_s, target_s (the target, or the mean of per-row targets), compliance (NaN where
    ``targets_s`` has no target for the interval).
    """
    targets_s = targets_s or {}
    closed = frame["closed"].to_numpy(dtype=bool)
    records = []
    for interval in INTERVALS:
        raw = frame[interval_column(interval)].to_numpy(dtype=float)
        present = ~np.isnan(raw)
        usable = present & (raw >= 0)
        used = raw[usable]
        target = np.broadcast_to(
            np.asarray(targets_s.get(interval, np.nan), dtype=float), raw.shape
        )[usable]
        records.append(
            {
                "interval": interval,
                "rows": len(raw),
                "n": len(used),
                "missing": int((~present & closed).sum()),
                "open": int((~present & ~closed).sum()),
                "inconsistent": int((present & (raw < 0)).sum()),
                "median_s": float(np.percentile(used, 50)) if len(used) else np.nan,
                "p90_s": float(np.percentile(used, 90)) if len(used) else np.nan,
                "mean_s": float(used.mean()) if len(used) else np.nan,
                "target_s": float(np.mean(target)) if len(target) else np.nan,
                "compliance": float((used <= target).mean())
                if len(used) and not np.isnan(target).any()
                else np.nan,
            }
        )
    return pd.DataFrame.from_records(records)


def with_local_time(frame: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """A copy with hour (0-23), weekday (0 Monday … 6 Sunday), day, week (its Monday) and
    month (its first day) of ``received_at`` in ``timezone`` (IANA), as naive local dates."""
    local = pd.to_datetime(frame["received_at"], utc=True).dt.tz_convert(timezone)
    day = local.dt.tz_localize(None).dt.normalize()
    return frame.assign(
        hour=local.dt.hour.to_numpy(),
        weekday=local.dt.day_of_week.to_numpy(),
        day=day,
        week=day - pd.to_timedelta(local.dt.day_of_week.to_numpy(), unit="D"),
        month=day.dt.to_period("M").dt.to_timestamp(),
    )


def grouped_statistics(
    frame: pd.DataFrame,
    by: str | Sequence[str],
    *,
    interval: str = "response",
    target_s: Target | None = None,
    min_count: int = 10,
) -> pd.DataFrame:
    """Statistics of ``interval`` per group of ``by`` (columns of ``frame``).

    ``target_s``: one number or a Series aligned with ``frame`` (per-row targets).
    Rows whose key is missing belong to no group. Returns one row per group with the
    keys as columns and rows (incidents in the group), n (used values), excluded
    (rows − n), median_s, p90_s, mean_s, compliance (NaN without ``target_s``), too_few.
    """
    keys = [by] if isinstance(by, str) else list(by)
    values = used_values(frame, interval)
    work = frame[keys].assign(_v=values.to_numpy())
    if target_s is not None:
        target = np.broadcast_to(np.asarray(target_s, dtype=float), values.shape)
        work["_ok"] = (values <= target).astype(float).where(values.notna()).to_numpy()
    grouped = work.groupby(keys, sort=True, observed=True)
    column = grouped["_v"]
    result = pd.DataFrame(
        {
            "rows": grouped.size(),
            "n": column.count(),
            "median_s": column.median(),
            "p90_s": column.quantile(0.9),
            "mean_s": column.mean(),
            "compliance": grouped["_ok"].mean() if target_s is not None else np.nan,
        }
    )
    result["excluded"] = result["rows"] - result["n"]
    result["too_few"] = result["n"] < min_count
    result = result.reset_index()
    return result[[*keys, *STATISTIC_COLUMNS, "too_few"]]


def hour_weekday_grid(
    frame: pd.DataFrame,
    timezone: str,
    *,
    interval: str = "response",
    target_s: Target | None = None,
    min_count: int = 10,
    hours_per_bin: int = 1,
) -> pd.DataFrame:
    """Statistics per (weekday, block of ``hours_per_bin`` hours) in the city's zone.

    All 7 × (24 / hours_per_bin) cells, in order; ``hour`` is the block's first hour.
    Cells without incidents have rows = n = 0 and NaN figures, and are ``too_few``.
    """
    if 24 % hours_per_bin:
        raise ValueError("hours_per_bin must divide 24 (1, 2, 3, 4, 6, 8, 12, 24)")
    local = with_local_time(frame, timezone)
    local["hour"] = local["hour"] // hours_per_bin * hours_per_bin
    stats = grouped_statistics(
        local, ["weekday", "hour"], interval=interval, target_s=target_s, min_count=min_count
    )
    full = pd.MultiIndex.from_product(
        [range(7), range(0, 24, hours_per_bin)], names=["weekday", "hour"]
    )
    grid = stats.set_index(["weekday", "hour"]).reindex(full).reset_index()
    for column in ("rows", "n", "excluded"):
        grid[column] = grid[column].fillna(0).astype(int)
    grid["too_few"] = grid["n"] < min_count
    return grid


def hours_per_bin_for(used: int, min_count: int, choices: Sequence[int] = (1, 2, 3, 4, 6)) -> int:
    """The finest hour block at which an average weekday × block cell holds at least twice
    ``min_count`` of the ``used`` values (the coarsest choice when none does)."""
    for hours in choices:
        if used / (7 * 24 / hours) >= 2 * min_count:
            return hours
    return choices[-1]


def trend(
    frame: pd.DataFrame,
    timezone: str,
    *,
    period: str = "day",
    interval: str = "response",
    target_s: Target | None = None,
    min_count: int = 10,
) -> pd.DataFrame:
    """Statistics per local day, week (starting Monday) or month, oldest first.

    The period column is named ``period_start`` (naive local date).
    """
    if period not in PERIODS:
        raise ValueError(f"unknown period '{period}'; known: {', '.join(PERIODS)}")
    local = with_local_time(frame, timezone)
    stats = grouped_statistics(
        local, PERIODS[period], interval=interval, target_s=target_s, min_count=min_count
    )
    return stats.rename(columns={PERIODS[period]: "period_start"})


def worst_areas(
    frame: pd.DataFrame,
    *,
    level: str = "kelurahan",
    interval: str = "response",
    target_s: Target | None = None,
    min_count: int = 10,
    limit: int = 10,
) -> pd.DataFrame:
    """The areas (kelurahan or kecamatan) with the highest 90th percentile of ``interval``.

    Only areas with at least ``min_count`` used values are ranked; ties are broken by
    the lower compliance, then by name. Columns: code, name, then the statistics.
    """
    if level not in ("kelurahan", "kecamatan"):
        raise ValueError("level is 'kelurahan' or 'kecamatan'")
    stats = grouped_statistics(
        frame, [f"{level}_code", level], interval=interval, target_s=target_s,
        min_count=min_count,
    )  # fmt: skip
    stats = stats.rename(columns={f"{level}_code": "code", level: "name"})
    ranked = stats[~stats["too_few"]].sort_values(
        ["p90_s", "compliance", "name"], ascending=[False, True, True], na_position="last"
    )
    return ranked.head(limit).reset_index(drop=True)
