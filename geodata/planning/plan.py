"""One planning run on a city in the database: read, build, solve, measure.

The steps are plain functions of the pieces above, each timed: read the road graph of
the vehicle profile, the boundary, the kelurahan, the agency's existing posko and the
past incidents (:mod:`.sources`); build candidates and demand, snapped (:mod:`.candidates`,
:mod:`.demand`); the sparse matrix from every site to the demand's road nodes
(:mod:`.matrix`); the model, its greedy result and its exact solve; the figures before
(the existing posko) and after (the plan), per kelurahan, and the replay (:mod:`.results`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from geodata.analytics.standards import AnalyticsConfig, ResponseStandard
from geodata.planning import sources
from geodata.planning.candidates import (
    combine_candidates,
    grid_candidates,
    kelurahan_candidates,
    point_candidates,
    usable,
)
from geodata.planning.coverage_models import LSCP, MCLP, BackupCoverage
from geodata.planning.demand import combine_demand, incident_demand, population_demand
from geodata.planning.errors import NoDemandWeightError
from geodata.planning.instance import Instance
from geodata.planning.matrix import TravelMatrix, travel_matrix
from geodata.planning.p_center import PCenter
from geodata.planning.p_median import PMedian
from geodata.planning.request import ExistingPosko, ModelName, PlanRequest
from geodata.planning.results import Figures, area_table, figures, replay, worst_served
from geodata.planning.solution import Solution
from geodata.planning.solver import HighsSolver
from geodata.planning.whatif import WhatIf
from geodata.routing.road_graph import RoadGraph
from geodata.routing.vehicle_profiles import AGENCY_PROFILE

__all__ = [
    "PlanHooks",
    "PlanInputs",
    "PlanOutcome",
    "build_instance",
    "build_model",
    "prepare",
    "run_plan",
]

#: Past incidents default to this many days before ``now``.
DEFAULT_HISTORY_DAYS = 365


@dataclass(frozen=True)
class PlanHooks:
    """What a caller can follow and stop: ``progress(step, share 0…1)``, ``should_stop()``,
    and ``greedy(outcome)``: the run measured with the greedy sites, at once, while the
    exact solve goes on."""

    progress: Callable[[str, float], None] = lambda step, share: None
    should_stop: Callable[[], bool] | None = None
    greedy: Callable[[PlanOutcome], None] | None = None


@dataclass(frozen=True)
class PlanInputs:
    """Everything read and built before the model: the standard and budget (s), the
    profile's graph, all candidates (existing posko first, source "existing", with their
    station_id), the demand points, the kelurahan."""

    request: PlanRequest
    standard: ResponseStandard
    budget_s: float
    graph: RoadGraph
    candidates: pd.DataFrame
    demand: pd.DataFrame
    areas: pd.DataFrame
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanOutcome:
    """A run's results. sites: the usable sites (existing and candidates) with
    ``existing`` and ``open_after``; candidates: every candidate with its status (the
    unusable listed); figures before/after; areas (per kelurahan); replay; the greedy and
    exact solutions; timings (s); notes. ``whatif`` edits the plan without a solver."""

    inputs: PlanInputs
    sites: pd.DataFrame
    before: Figures
    after: Figures
    areas: pd.DataFrame
    replay: pd.DataFrame
    greedy: Solution
    exact: Solution
    whatif: WhatIf
    timings: dict[str, float]
    notes: tuple[str, ...]

    def summary(self) -> dict[str, object]:
        """The figures a scenario keeps and the API returns (JSON-ready)."""
        request, standard = self.inputs.request, self.inputs.standard
        return {
            "request": request.to_json(),
            "standard": standard.name,
            "target_s": standard.target_s,
            "allowance_s": standard.allowance_s,
            "budget_s": self.inputs.budget_s,
            "profile": self.inputs.graph.profile,
            "before": self.before.as_dict(),
            "after": self.after.as_dict(),
            "worst_served": worst_served(self.areas),
            "greedy": self.greedy.summary(),
            "exact": self.exact.summary(),
            "timings": self.timings,
            "notes": list(self.notes),
            "candidates": self.inputs.candidates["status"].value_counts().to_dict(),
            "demand": self.inputs.demand.groupby(["kind", "status"])
            .size()
            .rename("n")
            .reset_index()
            .to_dict("records"),
        }


def _timed(timings: dict[str, float], name: str, began: float) -> float:
    now = time.perf_counter()
    timings[name] = timings.get(name, 0.0) + now - began
    return now


def prepare(
    conn: Connection, city_id: int, request: PlanRequest, config: AnalyticsConfig, now: datetime
) -> PlanInputs:
    """Read the city and build candidates and demand for ``request`` (five statements)."""
    timings: dict[str, float] = {}
    began = time.perf_counter()
    config = config.with_target(request.agency_kind, request.target_min, request.allowance_min)
    standard = config.standard(request.agency_kind)
    profile = request.profile or AGENCY_PROFILE.get(request.agency_kind, "car")
    graph = RoadGraph.from_database(conn, city_id, profile)
    boundary = sources.city_boundary(conn, city_id)
    areas = sources.kelurahan(conn, city_id)
    posko = sources.existing_posko(conn, city_id, request.agency_kind)
    began = _timed(timings, "read_s", began)
    snap_m = request.max_snap_m
    existing = point_candidates(
        graph, list(posko["name"]), posko["lon"], posko["lat"], max_snap_m=snap_m, source="existing"
    )
    existing["station_id"] = posko["station_id"].to_numpy()
    parts = [existing]
    # the planner's own points first: a generated site on the same road node is the duplicate
    if request.points:
        parts.append(
            point_candidates(
                graph,
                [str(p.get("name") or f"Titik {i + 1}") for i, p in enumerate(request.points)],
                [float(p["lon"]) for p in request.points],
                [float(p["lat"]) for p in request.points],
                max_snap_m=snap_m,
                boundary=boundary,
            )
        )
    if request.kelurahan_candidates and len(areas):
        parts.append(kelurahan_candidates(graph, areas, max_snap_m=snap_m))
    if request.grid_spacing_m:
        parts.append(grid_candidates(graph, request.grid_spacing_m, boundary=boundary))
    candidates = combine_candidates(*parts)
    candidates["station_id"] = pd.concat(
        [existing["station_id"]] + [pd.Series([None] * len(p)) for p in parts[1:]],
        ignore_index=True,
    ).to_numpy()
    demand = _demand(conn, city_id, request, graph, areas, now)
    _timed(timings, "build_inputs_s", began)
    return PlanInputs(
        request, standard, standard.travel_budget_s, graph, candidates, demand, areas, timings
    )


def _demand(
    conn: Connection,
    city_id: int,
    request: PlanRequest,
    graph: RoadGraph,
    areas: pd.DataFrame,
    now: datetime,
) -> pd.DataFrame:
    incidents = population = None
    if request.category_weights:
        until = request.moment("until") or now
        since = request.moment("since") or until - timedelta(days=DEFAULT_HISTORY_DAYS)
        rows = sources.past_incidents(conn, city_id, list(request.category_weights), since, until)
        incidents = incident_demand(
            rows, graph, request.category_weights, max_snap_m=request.max_snap_m
        )
    if request.population:
        population = population_demand(
            areas, graph, method=request.population_method, max_snap_m=request.max_snap_m
        )
    if incidents is None and population is None:
        raise NoDemandWeightError("demand", "choose incident categories, population, or both")
    share = (
        request.incident_share
        if incidents is not None and population is not None
        else (1.0 if incidents is not None else 0.0)
    )
    return combine_demand(incidents, population, share)


@dataclass(frozen=True)
class _Built:
    sites: pd.DataFrame
    matrix: TravelMatrix
    instance: Instance
    point_column: np.ndarray
    p: int


def build_instance(inputs: PlanInputs, bound_s: float) -> _Built:
    """The sites (usable existing and candidates, by the request's rule for existing
    posko), the matrix to the demand's distinct road nodes, and the instance."""
    request = inputs.request
    sites = usable(inputs.candidates).reset_index(drop=True)
    is_existing = (sites["source"] == "existing").to_numpy()
    if request.existing == ExistingPosko.IGNORE:
        sites, is_existing = sites[~is_existing].reset_index(drop=True), is_existing[~is_existing]
        usable(sites)
    demand = inputs.demand
    on = (demand["status"] == "ok").to_numpy()
    nodes, column = np.unique(demand["node_pos"].to_numpy()[on], return_inverse=True)
    point_column = np.full(len(demand), -1, dtype=np.intp)
    point_column[on] = column
    weights = np.bincount(column, demand["weight"].to_numpy(float)[on], len(nodes))
    matrix = travel_matrix(inputs.graph, sites["node_pos"].to_numpy(), nodes, bound_s)
    fixed = is_existing if request.existing == ExistingPosko.FIXED else np.zeros(len(sites), bool)
    p = request.k + (int(is_existing.sum()) if request.existing == ExistingPosko.CLOSE else 0)
    instance = Instance.from_cost_matrix(matrix.travel_s, weights, fixed=fixed, bound_s=bound_s)
    sites = sites.assign(existing=is_existing)
    return _Built(sites, matrix, instance, point_column, p)


def build_model(
    request: PlanRequest, instance: Instance, budget_s: float, p: int
) -> MCLP | LSCP | BackupCoverage | PMedian | PCenter:
    """The model the request names, on ``instance``."""
    model = ModelName(request.model)
    if model == ModelName.MCLP:
        return MCLP(instance, budget_s, p)
    if model == ModelName.BACKUP:
        return BackupCoverage(instance, budget_s, p, request.primary_weight)
    if model == ModelName.LSCP:
        return LSCP(instance, budget_s, request.share)
    if model == ModelName.P_MEDIAN:
        return PMedian(instance, p)
    return PCenter(instance, p)


def run_plan(
    conn: Connection,
    city_id: int,
    request: PlanRequest,
    config: AnalyticsConfig,
    *,
    now: datetime,
    hooks: PlanHooks | None = None,
) -> PlanOutcome:
    """Run ``request`` on the city: greedy at once, then the exact solve (time-limited)."""
    hooks = hooks or PlanHooks()
    hooks.progress("read", 0.0)
    inputs = prepare(conn, city_id, request, config, now)
    timings = dict(inputs.timings)
    hooks.progress("matrix", 0.2)
    covering = request.model in (ModelName.MCLP, ModelName.LSCP, ModelName.BACKUP)
    bound_s = inputs.budget_s if covering else max(request.median_bound_s, inputs.budget_s)
    began = time.perf_counter()
    built = build_instance(inputs, max(bound_s, 1.0))
    timings["matrix_s"] = built.matrix.build_s
    began = _timed(timings, "instance_s", began)
    model = build_model(request, built.instance, inputs.budget_s, built.p)
    greedy = model.greedy()
    if hooks.greedy is not None:
        hooks.greedy(_outcome(inputs, built, greedy, greedy, dict(timings)))
    hooks.progress("greedy", 0.4)
    solver = HighsSolver(time_limit_s=request.time_limit_s, should_stop=hooks.should_stop)
    exact = model.solve(solver)
    timings["model_build_s"], timings["solve_s"] = exact.build_s, exact.solve_s
    _timed(timings, "model_s", began)
    hooks.progress("results", 0.9)
    return _outcome(inputs, built, greedy, exact, timings)


def _outcome(
    inputs: PlanInputs,
    built: _Built,
    greedy: Solution,
    exact: Solution,
    timings: dict[str, float],
) -> PlanOutcome:
    existing = np.flatnonzero(built.sites["existing"].to_numpy())
    whatif = WhatIf(
        built.matrix.travel_s,
        built.point_column,
        inputs.demand,
        inputs.budget_s,
        [int(s) for s in exact.sites],
        inputs.graph.node_ids[built.matrix.demand_pos],
    )
    before_s, after_s = whatif.point_times(existing), whatif.point_times(exact.sites)
    sites = built.sites.assign(open_after=np.isin(np.arange(len(built.sites)), exact.sites))
    reach_any = np.diff(built.instance.within(inputs.budget_s).indptr) > 0
    sites = sites.assign(reaches_demand=reach_any)
    notes = list(exact.notes)
    silent = int((~reach_any).sum())
    if silent:
        notes.append(f"{silent} sites reach no demand within the target")
    budget = inputs.budget_s
    return PlanOutcome(
        inputs,
        sites,
        figures(inputs.demand, before_s, budget),
        figures(inputs.demand, after_s, budget),
        area_table(inputs.demand, before_s, after_s, budget, inputs.areas),
        replay(inputs.demand, before_s, after_s, budget),
        greedy,
        exact,
        whatif,
        timings,
        tuple(notes),
    )
