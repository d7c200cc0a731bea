"""What a set of posko achieves: shares within the target, mean and 90th-percentile drive
time, coverage per kelurahan (the worst served first), and a replay of past incidents.

Every figure is computed per demand point from its modelled drive time to the nearest
open site (inf: none within the matrix bound, or the point is off the road network), so
"before" (the existing posko) and "after" (the plan) are measured the same way.
Weighted figures use the demand weights; population figures the people each point
stands for; the replay counts incidents (each once, whatever its weight).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = [
    "AREA_FIELDS",
    "Figures",
    "area_table",
    "figures",
    "replay",
    "weighted_quantile",
    "worst_served",
]

#: The columns of the per-kelurahan table, as results, payloads and saved scenarios hold it.
AREA_FIELDS = (
    "area_code",
    "name",
    "population",
    "people_before",
    "people_after",
    "share_before",
    "share_after",
    "incidents",
    "incidents_before",
    "incidents_after",
)


def weighted_quantile(values: NDArray[np.float64], weights: NDArray[np.float64], q: float) -> float:
    """The smallest value v with at least share ``q`` of the weight at or below it."""
    if len(values) == 0 or weights.sum() <= 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    index = int(np.searchsorted(cumulative, q * cumulative[-1] * (1 - 1e-12)))
    return float(values[order][min(index, len(values) - 1)])


@dataclass(frozen=True)
class Figures:
    """City-wide figures of one set of posko (shares 0…1, times in seconds; NaN when
    undefined, e.g. a 90th percentile beyond the matrix bound).

    demand_share: demand weight within the budget; population_share: people within it;
    incident_share: past incidents within it; reached_share: weight within the matrix
    bound; mean_s: weighted mean drive time over the points reached within the bound;
    p90_s: weighted 90th percentile over all points.
    """

    budget_s: float
    demand_share: float
    population_share: float
    incident_share: float
    reached_share: float
    mean_s: float
    p90_s: float

    def as_dict(self) -> dict[str, float | None]:
        return {k: (None if not np.isfinite(v) else float(v)) for k, v in asdict(self).items()}


def _share(mask: NDArray[np.bool_], weights: NDArray[np.float64]) -> float:
    total = float(weights.sum())
    return float(weights[mask].sum() / total) if total > 0 else float("nan")


def figures(demand: pd.DataFrame, best_s: NDArray[np.float64], budget_s: float) -> Figures:
    """The figures of ``best_s`` (per demand point, as the frame's rows)."""
    weight = demand["weight"].to_numpy(dtype=float)
    people = demand["population"].to_numpy(dtype=float)
    incident = (demand["kind"] == "incident").to_numpy()
    within, reached = best_s <= budget_s, np.isfinite(best_s)
    p90 = weighted_quantile(best_s, weight, 0.9)
    mean = (
        float(np.average(best_s[reached], weights=weight[reached]))
        if weight[reached].sum() > 0
        else float("nan")
    )
    return Figures(
        budget_s=float(budget_s),
        demand_share=_share(within, weight),
        population_share=_share(within, people),
        incident_share=_share(within[incident], np.ones(int(incident.sum()))),
        reached_share=_share(reached, weight),
        mean_s=mean,
        p90_s=p90 if np.isfinite(p90) else float("nan"),
    )


def area_table(
    demand: pd.DataFrame,
    before_s: NDArray[np.float64],
    after_s: NDArray[np.float64],
    budget_s: float,
    areas: pd.DataFrame,
) -> pd.DataFrame:
    """Per kelurahan (areas: code, name, population): people and incidents within the
    budget before and after; the worst served (lowest share after, then before) first.

    Columns: area_code, name, population, people_before, people_after, share_before,
    share_after, incidents, incidents_before, incidents_after.
    """
    frame = pd.DataFrame(
        {
            "area_code": demand["area_code"].to_numpy(),
            "people": demand["population"].to_numpy(float),
            "incident": (demand["kind"] == "incident").to_numpy(),
            "before": before_s <= budget_s,
            "after": after_s <= budget_s,
        }
    )
    grouped = (
        frame.assign(
            people_before=frame["people"] * frame["before"],
            people_after=frame["people"] * frame["after"],
            incidents=frame["incident"].astype(int),
            incidents_before=(frame["incident"] & frame["before"]).astype(int),
            incidents_after=(frame["incident"] & frame["after"]).astype(int),
        )
        .groupby("area_code")[
            [
                "people",
                "people_before",
                "people_after",
                "incidents",
                "incidents_before",
                "incidents_after",
            ]
        ]
        .sum()
    )
    table = pd.DataFrame(
        {
            "area_code": areas["code"].to_numpy(),
            "name": areas["name"].to_numpy(),
            "population": pd.to_numeric(areas["population"], errors="coerce"),
        }
    )
    table = table.join(grouped, on="area_code").fillna(
        {c: 0 for c in grouped.columns}
    )  # an area without demand points has nothing to count
    people = table["people"].where(table["people"] > 0)
    table["share_before"] = table["people_before"] / people
    table["share_after"] = table["people_after"] / people
    no_people = table["people"] <= 0
    incidents = table["incidents"].where(table["incidents"] > 0)
    table.loc[no_people, "share_before"] = (table["incidents_before"] / incidents)[no_people]
    table.loc[no_people, "share_after"] = (table["incidents_after"] / incidents)[no_people]
    columns = list(AREA_FIELDS)
    for column in ("incidents", "incidents_before", "incidents_after"):
        table[column] = table[column].astype(int)
    # worst after first; among equals, the worst before (where the plan changes most)
    return table.sort_values(
        ["share_after", "share_before", "population"],
        ascending=[True, True, False],
        na_position="last",
    )[columns].reset_index(drop=True)


def worst_served(areas: pd.DataFrame) -> dict[str, object] | None:
    """The kelurahan with the lowest share within the budget after the plan (ties: the
    lowest before, then the most people), as a plain dict; None when none has a share."""
    rated = areas[areas["share_after"].notna()]
    if rated.empty:
        return None
    row = rated.iloc[0]
    return {
        "area_code": row["area_code"],
        "name": row["name"],
        "share_after": float(row["share_after"]),
        "share_before": float(row["share_before"]),
        "population": None if pd.isna(row["population"]) else float(row["population"]),
    }


def replay(
    demand: pd.DataFrame,
    before_s: NDArray[np.float64],
    after_s: NDArray[np.float64],
    budget_s: float,
) -> pd.DataFrame:
    """Past incidents by category: how many were within the budget of the posko as they
    are (before) and of the plan (after). Columns: category, incidents, reached_before,
    reached_after, share_before, share_after; plus a row "all"."""
    incident = (demand["kind"] == "incident").to_numpy()
    frame = pd.DataFrame(
        {
            "category": demand["category"].to_numpy()[incident],
            "reached_before": (before_s <= budget_s)[incident],
            "reached_after": (after_s <= budget_s)[incident],
        }
    )
    table = (
        frame.groupby("category")
        .agg(
            incidents=("reached_before", "size"),
            reached_before=("reached_before", "sum"),
            reached_after=("reached_after", "sum"),
        )
        .reset_index()
    )
    total = pd.DataFrame(
        [
            {
                "category": "all",
                "incidents": len(frame),
                "reached_before": int(frame["reached_before"].sum()),
                "reached_after": int(frame["reached_after"].sum()),
            }
        ]
    )
    table = pd.concat([table, total], ignore_index=True) if len(frame) else table
    for column in ("incidents", "reached_before", "reached_after"):
        table[column] = table[column].astype(int)
    incidents = table["incidents"].where(table["incidents"] > 0)
    table["share_before"] = table["reached_before"] / incidents
    table["share_after"] = table["reached_after"] / incidents
    return table
