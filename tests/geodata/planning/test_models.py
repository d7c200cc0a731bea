"""Every model against brute-force enumeration on small random instances.

Instances have integer times (so ties are common), unreachable pairs (inf), zero-weight
demand and fixed sites. The brute force here is written from the definitions, apart from
the models' code: it enumerates every set of p free sites.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from geodata.planning import LSCP, MCLP, BackupCoverage, HighsSolver, PCenter, PMedian, SolveStatus
from geodata.planning.errors import (
    NoCandidatesError,
    NoDemandWeightError,
    PlanningInputError,
    TargetUnreachableError,
    TooManySitesError,
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    n_sites = draw(st.integers(1, 6))
    n_demand = draw(st.integers(1, 9))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    cost = rng.integers(0, 12, size=(n_sites, n_demand)).astype(float)
    cost[rng.random(cost.shape) < draw(st.sampled_from([0.0, 0.3, 0.6]))] = np.inf
    weights = rng.integers(0, 4, size=n_demand).astype(float)
    weights[rng.integers(n_demand)] = 1.0 + rng.integers(3)
    fixed = rng.random(n_sites) < draw(st.sampled_from([0.0, 0.25]))
    p = draw(st.integers(0, int((~fixed).sum())))
    return cost, weights, fixed, p


def subsets(fixed: np.ndarray, p: int) -> list[np.ndarray]:
    free = np.flatnonzero(~fixed)
    return [
        np.r_[np.flatnonzero(fixed), chosen].astype(int)
        for chosen in itertools.combinations(free, p)
    ]


def nearest(cost: np.ndarray, sites: np.ndarray) -> np.ndarray:
    return cost[sites].min(axis=0) if len(sites) else np.full(cost.shape[1], np.inf)


def brute_cover(cost, weights, fixed, p, budget, primary=1.0) -> float:
    best = -np.inf
    for sites in subsets(fixed, p):
        count = (cost[sites] <= budget).sum(axis=0)
        value = primary * weights @ (count >= 1) + (1 - primary) * weights @ (count >= 2)
        best = max(best, value)
    return float(best)


def reaches_anything(cost, weights, budget) -> bool:
    return bool(((cost <= budget).any(axis=0) & (weights > 0)).any())


@SETTINGS
@given(instances(), st.sampled_from([0.0, 3.0, 6.0, 11.0]))
def test_mclp_equals_enumeration_and_greedy_is_never_better(case, budget) -> None:
    cost, weights, fixed, p = case
    assume(reaches_anything(cost, weights, budget))
    model = MCLP.from_cost_matrix(cost, weights, budget_s=budget, p=p, fixed=fixed)
    exact, greedy = model.solve(), model.greedy()
    assert exact.status == SolveStatus.OPTIMAL
    assert exact.objective == pytest.approx(brute_cover(cost, weights, fixed, p, budget))
    assert len(exact.chosen) == p and not fixed[exact.chosen].any()
    assert set(np.flatnonzero(fixed)) <= set(exact.sites)
    assert greedy.objective <= exact.objective + 1e-9
    assert len(greedy.chosen) == p


@SETTINGS
@given(instances(), st.sampled_from([3.0, 8.0]))
def test_coverage_never_decreases_when_k_grows(case, budget) -> None:
    cost, weights, fixed, _ = case
    assume(reaches_anything(cost, weights, budget))
    values = [
        MCLP.from_cost_matrix(cost, weights, budget_s=budget, p=p, fixed=fixed).solve().objective
        for p in range(int((~fixed).sum()) + 1)
    ]
    assert values == sorted(values)


@SETTINGS
@given(instances(), st.sampled_from([4.0, 9.0]), st.sampled_from([0.0, 0.3, 0.5, 1.0]))
def test_backup_coverage_equals_enumeration(case, budget, primary) -> None:
    cost, weights, fixed, p = case
    assume(reaches_anything(cost, weights, budget))
    model = BackupCoverage.from_cost_matrix(
        cost, weights, budget_s=budget, p=p, fixed=fixed, primary=primary
    )
    exact, greedy = model.solve(), model.greedy()
    assert exact.objective == pytest.approx(brute_cover(cost, weights, fixed, p, budget, primary))
    assert greedy.objective <= exact.objective + 1e-9


def brute_lscp(cost, weights, fixed, budget, share) -> int | None:
    needed = share * weights.sum()
    for size in range(int((~fixed).sum()) + 1):
        for sites in subsets(fixed, size):
            covered = weights @ (cost[sites] <= budget).any(axis=0)
            if covered >= needed - 1e-9:
                return size
    return None


@SETTINGS
@given(instances(), st.sampled_from([2.0, 6.0, 11.0]), st.sampled_from([1.0, 0.7, 0.4]))
def test_lscp_count_is_minimal(case, budget, share) -> None:
    cost, weights, fixed, _ = case
    assume(reaches_anything(cost, weights, budget))
    smallest = brute_lscp(cost, weights, fixed, budget, share)
    if smallest is None:
        with pytest.raises(TargetUnreachableError) as refused:
            LSCP.from_cost_matrix(cost, weights, budget_s=budget, share=share, fixed=fixed)
        assert refused.value.field == "share"
        return
    model = LSCP.from_cost_matrix(cost, weights, budget_s=budget, share=share, fixed=fixed)
    exact, greedy = model.solve(), model.greedy()
    assert exact.objective == len(exact.chosen) == smallest
    assert model.covers(exact.chosen)
    assert greedy.objective >= exact.objective and model.covers(greedy.chosen)


def capped(cost: np.ndarray) -> float:
    return float(cost[np.isfinite(cost)].max(initial=0.0))


@SETTINGS
@given(instances(), st.sampled_from([1, 2, 16]))
def test_p_median_equals_enumeration(case, k_nearest) -> None:
    cost, weights, fixed, p = case
    cap = capped(cost)
    model = PMedian.from_cost_matrix(cost, weights, p=p, fixed=fixed, k_nearest=k_nearest)
    exact, greedy = model.solve(), model.greedy()
    brute = min(weights @ np.minimum(nearest(cost, s), cap) for s in subsets(fixed, p))
    assert exact.status == SolveStatus.OPTIMAL
    assert exact.objective == pytest.approx(brute)
    assert greedy.objective >= exact.objective - 1e-9


@SETTINGS
@given(instances())
def test_p_center_equals_enumeration(case) -> None:
    cost, weights, fixed, p = case
    cap = capped(cost)
    served = np.isfinite(cost).any(axis=0) & (weights > 0)
    assume(served.any())
    model = PCenter.from_cost_matrix(cost, weights, p=p, fixed=fixed)
    exact, greedy = model.solve(), model.greedy()
    brute = min(np.minimum(nearest(cost, s), cap)[served].max() for s in subsets(fixed, p))
    assert exact.objective == pytest.approx(brute)
    assert exact.status == SolveStatus.OPTIMAL
    assert greedy.objective >= exact.objective - 1e-9
    assert len(exact.chosen) == p


def test_fixed_sites_stay_open_and_cover_first() -> None:
    cost = np.array([[1.0, 1.0, 9.0, 9.0], [9.0, 9.0, 1.0, 9.0], [1.0, 1.0, 9.0, 1.0]])
    weights = np.array([5.0, 5.0, 1.0, 2.0])
    # without the fixed site 0, one site covers most by taking site 2 (12); with site 0
    # fixed, the new site must add what 0 leaves out: site 2 adds 2, site 1 adds 1
    free = MCLP.from_cost_matrix(cost, weights, budget_s=2.0, p=1).solve()
    kept = MCLP.from_cost_matrix(cost, weights, budget_s=2.0, p=1, fixed=[True, False, False])
    assert list(free.sites) == [2] and free.objective == 12.0
    solution = kept.solve()
    assert list(solution.sites) == [0, 2] and list(solution.chosen) == [2]
    assert solution.objective == 12.0


def test_bad_input_names_the_field() -> None:
    cost = np.array([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(NoCandidatesError) as none:
        MCLP.from_cost_matrix(np.zeros((0, 2)), [1.0, 1.0], budget_s=5, p=0)
    assert none.value.field == "candidates"
    with pytest.raises(TooManySitesError) as many:
        MCLP.from_cost_matrix(cost, [1.0, 1.0], budget_s=5, p=3)
    assert many.value.field == "k" and "only 2" in many.value.message
    with pytest.raises(NoDemandWeightError) as weightless:
        PMedian.from_cost_matrix(cost, [0.0, 0.0], p=1)
    assert weightless.value.field == "demand"
    with pytest.raises(TargetUnreachableError) as unreachable:
        MCLP.from_cost_matrix(cost, [1.0, 1.0], budget_s=0.5, p=1)
    assert unreachable.value.field == "target_min"
    with pytest.raises(PlanningInputError) as negative:
        MCLP.from_cost_matrix(cost, [1.0, -1.0], budget_s=5, p=1)
    assert negative.value.field == "weights"


def _hard_instance(seed: int = 3) -> MCLP:
    rng = np.random.default_rng(seed)
    cost = rng.uniform(0, 100, size=(120, 1500))
    return MCLP.from_cost_matrix(cost, rng.integers(1, 10, 1500), budget_s=6.0, p=12)


def test_a_stopped_solve_returns_its_incumbent_and_gap() -> None:
    model = _hard_instance()
    greedy = model.greedy()
    stopped = model.solve(HighsSolver(should_stop=lambda: True))
    assert stopped.status == SolveStatus.CANCELLED
    assert len(stopped.chosen) == 12
    assert stopped.objective == model.objective_of(stopped.sites)
    assert stopped.objective >= greedy.objective
    assert stopped.gap is not None and stopped.gap > 0
    assert stopped.bound is not None and stopped.bound >= stopped.objective


def test_a_time_limit_returns_the_best_found_not_an_error() -> None:
    model = _hard_instance()
    limited = model.solve(HighsSolver(time_limit_s=0.05))
    assert limited.status in (SolveStatus.TIME_LIMIT, SolveStatus.OPTIMAL)
    assert len(limited.chosen) == 12
    assert limited.objective >= model.greedy().objective
    assert limited.gap is not None and limited.gap >= 0


@pytest.mark.parametrize("seed", range(6))
def test_lagrangian_fixing_keeps_the_optimum_on_larger_instances(seed: int) -> None:
    """Instances where the fixing closes sites and the MILP runs on the rest (25 sites,
    150 points, p = 3: 2,300 subsets enumerated)."""
    rng = np.random.default_rng(seed)
    xy_sites, xy_demand = rng.uniform(0, 10, (25, 2)), rng.uniform(0, 10, (150, 2))
    cost = np.round(np.linalg.norm(xy_sites[:, None] - xy_demand[None], axis=2), 1)
    weights = rng.integers(1, 9, 150).astype(float)
    fixed = np.zeros(25, dtype=bool)
    fixed[0] = seed % 2 == 1
    best_cover = brute_cover(cost, weights, fixed, 3, 2.5)
    mclp = MCLP.from_cost_matrix(cost, weights, budget_s=2.5, p=3, fixed=fixed).solve()
    assert mclp.objective == pytest.approx(best_cover) and mclp.status == SolveStatus.OPTIMAL
    backup = BackupCoverage.from_cost_matrix(
        cost, weights, budget_s=2.5, p=3, fixed=fixed, primary=0.3 if seed % 3 else 0.5
    ).solve()
    assert backup.objective == pytest.approx(
        brute_cover(cost, weights, fixed, 3, 2.5, 0.3 if seed % 3 else 0.5)
    )
    median = PMedian.from_cost_matrix(cost, weights, p=3, fixed=fixed, k_nearest=2).solve()
    brute = min(weights @ nearest(cost, s) for s in subsets(fixed, 3))
    assert median.objective == pytest.approx(brute) and median.status == SolveStatus.OPTIMAL


@SETTINGS
@given(instances(), st.sampled_from([1, 2, 16]), st.sampled_from([3.0, 8.0]))
def test_the_milps_alone_equal_enumeration(case, k_nearest, budget) -> None:
    """The formulations themselves, without the greedy start's help or Lagrangian fixing:
    each MILP solved from a poor start (the first p free sites) must find the optimum."""
    cost, weights, fixed, p = case
    first = np.flatnonzero(~fixed)[:p]
    median = PMedian.from_cost_matrix(cost, weights, p=p, fixed=fixed, k_nearest=k_nearest)
    if p > 0 and np.isfinite(cost).any():
        result = median._milp(first, HighsSolver())
        brute = min(weights @ np.minimum(nearest(cost, s), capped(cost)) for s in subsets(fixed, p))
        assert result.objective == pytest.approx(brute)
    assume(reaches_anything(cost, weights, budget) and p > 0)
    for model in (
        MCLP.from_cost_matrix(cost, weights, budget_s=budget, p=p, fixed=fixed),
        BackupCoverage.from_cost_matrix(
            cost, weights, budget_s=budget, p=p, fixed=fixed, primary=0.3
        ),
    ):
        from geodata.planning._formulation import Timer

        exact = model._exact(first, HighsSolver(), Timer())
        assert exact.objective == pytest.approx(
            brute_cover(cost, weights, fixed, p, budget, model.primary)
        )
