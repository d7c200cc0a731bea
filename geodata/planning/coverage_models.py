"""Covering models: maximal covering (MCLP), set covering (LSCP), backup coverage.

Notation (all models): sites i ∈ I (fixed F ⊆ I are open whatever happens: existing
posko kept), demand points j ∈ J with weight w_j ≥ 0, drive time t_ij from site to
demand (the direction a unit drives), travel budget S (the target minus the call
processing and turnout allowance), N_j = {i : t_ij ≤ S} the sites covering j, y_i ∈ {0,1}
open. Demand covered by a fixed site, or by no site at all, is taken out of the MILP
(a constant, or nothing, in the objective); the rest is built as one sparse matrix from
the covering pattern (no loop over pairs).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Protocol, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_array, hstack

from geodata.planning._formulation import (
    Timer,
    covered_by,
    eye,
    merge_demand,
    ones_row,
    require_reach,
    stack,
)
from geodata.planning._lagrangian import covering_fixing
from geodata.planning.errors import PlanningInputError, TargetUnreachableError
from geodata.planning.greedy import greedy_cover, greedy_set_cover, level_value
from geodata.planning.instance import Instance, check_count
from geodata.planning.solution import Solution
from geodata.planning.solver import HighsSolver, MilpProblem, SolveStatus

__all__ = ["LSCP", "MCLP", "BackupCoverage"]


def demand_to_cover(
    instance: Instance, pattern: csr_array
) -> tuple[NDArray[np.intp], csr_array, NDArray[np.float64], float]:
    """The free sites, the demand a model still has to cover: weighted points that a free
    site covers and no fixed one does, merged where their columns are the same
    (``cover``: merged points × free sites, 0/1; ``weight``: each merged point's weight),
    and the weight the fixed sites cover already."""
    free, w = instance.free, instance.weights
    by_fixed = covered_by(pattern, np.flatnonzero(instance.fixed)) > 0
    sub = pattern[free]
    coverable = np.zeros(instance.n_demand, dtype=bool)
    coverable[sub.indices] = True
    rows = np.flatnonzero(coverable & ~by_fixed & (w > 0))
    cover, weight, _ = merge_demand(csr_array(sub[:, rows].T), w[rows])
    return free, cover, weight, float(w[by_fixed].sum())


class _MilpModel(Protocol):
    def problem(self, start: NDArray[np.intp]) -> tuple[MilpProblem, NDArray[np.intp]]: ...

    def _solution(
        self, chosen: NDArray[np.intp], method: str, status: SolveStatus, **figures: Any
    ) -> Solution: ...


def solved(
    model: _MilpModel, start: NDArray[np.intp], solver: HighsSolver, timer: Timer
) -> Solution:
    """``model``'s MILP solved by HiGHS from ``start``: the free sites its answer opens."""
    problem, free = model.problem(start)
    build_s = timer.seconds()
    outcome = solver.solve(problem)
    x = outcome.x if outcome.x is not None else problem.start
    assert x is not None
    chosen = free[x[: len(free)] > 0.5]
    return model._solution(
        chosen,
        "highs",
        outcome.status,
        bound=outcome.bound,
        gap=outcome.gap,
        build_s=build_s,
        solve_s=outcome.solve_s,
    )


@dataclass
class _CoveringModel:
    """What MCLP and backup coverage share: instance, budget, p, the covering pattern."""

    instance: Instance
    budget_s: float
    p: int
    primary: float = 1.0
    pattern: csr_array = field(init=False, repr=False)

    name = "covering"

    def __post_init__(self) -> None:
        self.p = check_count(self.p, self.instance)
        self.pattern = self.instance.within(self.budget_s)
        require_reach(self.pattern, self.instance, self.budget_s)

    @classmethod
    def from_cost_matrix(
        cls,
        cost: ArrayLike,
        weights: ArrayLike,
        *,
        budget_s: float,
        p: int,
        fixed: ArrayLike | None = None,
    ) -> Self:
        """From a sites × demand matrix of seconds (dense: inf unreachable; sparse)."""
        instance = Instance.from_cost_matrix(cost, weights, fixed=fixed)
        return cls(instance, budget_s, p)

    def objective_of(self, sites: ArrayLike) -> float:
        """The model's objective for any set of open sites (fixed ones are added)."""
        open_sites = np.union1d(
            np.asarray(sites, dtype=np.intp), np.flatnonzero(self.instance.fixed)
        )
        counts = covered_by(self.pattern, open_sites)
        return level_value(counts, self.instance.weights, self.primary)

    def upper_bound(self) -> float:
        """The objective if every site were open: no p sites can do better."""
        return self.objective_of(np.arange(self.instance.n_sites))

    def greedy(self) -> Solution:
        """Greedy addition with vertex substitution (no bound)."""
        timer = Timer()
        chosen = greedy_cover(
            self.pattern, self.instance.weights, self.instance.fixed, self.p, self.primary
        )
        return self._solution(chosen, "greedy", SolveStatus.HEURISTIC, solve_s=timer.seconds())

    def _solution(
        self, chosen: NDArray[np.intp], method: str, status: SolveStatus, **figures: Any
    ) -> Solution:
        chosen = np.sort(np.asarray(chosen, dtype=np.intp))
        sites = np.union1d(chosen, np.flatnonzero(self.instance.fixed))
        return Solution(
            self.name, method, status, sites, chosen, self.objective_of(sites), **figures
        )

    def solve(self, solver: HighsSolver | None = None) -> Solution:
        """Solve exactly with HiGHS, starting from the greedy solution."""
        solver = solver or HighsSolver()
        timer = Timer()
        start = greedy_cover(
            self.pattern, self.instance.weights, self.instance.fixed, self.p, self.primary
        )
        bound = self.upper_bound()
        if self.p == 0 or self.objective_of(start) >= bound - 1e-9 * max(1.0, bound):
            # nothing to choose, or the greedy sites already reach every demand they can
            return self._solution(
                start, "highs", SolveStatus.OPTIMAL, bound=bound, gap=0.0, build_s=timer.seconds()
            )
        return self._reduced(start, solver, timer)

    def _exact(self, start: NDArray[np.intp], solver: HighsSolver, timer: Timer) -> Solution:
        """The MILP over every free site, from ``start``."""
        return solved(self, start, solver, timer)

    def _rebuilt(self, instance: Instance, p: int) -> _CoveringModel:
        """The same model on another instance (the sites the fixing left)."""
        return MCLP(instance, self.budget_s, p)

    def _reduced(self, start: NDArray[np.intp], solver: HighsSolver, timer: Timer) -> Solution:
        """Lagrangian site fixing (:mod:`._lagrangian`), then the MILP on the sites left:
        a site proven closed in every solution better than the greedy one leaves the
        model, so the MILP's optimum over the rest, or the greedy solution, is optimal."""
        instance, free, w = self.instance, self.instance.free, self.instance.weights
        counts = covered_by(self.pattern, np.flatnonzero(instance.fixed))
        rows = np.flatnonzero((counts < (1 if self.primary == 1.0 else 2)) & (w > 0))
        others = np.setdiff1d(np.arange(instance.n_demand), rows)
        offset = level_value(counts[others], w[others], self.primary)
        incumbent = self.objective_of(start)
        fixing = covering_fixing(
            csr_array(self.pattern[free][:, rows]),
            w[rows],
            self.p,
            incumbent - offset,
            self.primary,
            counts[rows],
        )
        bound = fixing.bound + offset
        if bound <= incumbent + 1e-9 * max(1.0, incumbent):
            return self._solution(
                start,
                "highs",
                SolveStatus.OPTIMAL,
                bound=incumbent,
                gap=0.0,
                solve_s=timer.seconds(),
                notes=("proven optimal by the Lagrangian bound",),
            )
        kept = np.sort(np.r_[np.flatnonzero(instance.fixed), free[~fixing.closed]])
        fixed = instance.fixed[kept] | np.isin(kept, free[fixing.opened])
        sub = self._rebuilt(
            Instance(csr_array(instance.travel_s[kept]), w, fixed, instance.bound_s),
            self.p - int(fixing.opened.sum()),
        )
        left = replace(solver, time_limit_s=max(solver.time_limit_s - timer.seconds(), 0.01))
        sub_start = greedy_cover(sub.pattern, w, sub.instance.fixed, sub.p, self.primary)
        if sub.p == 0:  # the fixing decided every site
            result = sub._solution(sub_start, "highs", SolveStatus.OPTIMAL)
        else:
            result = sub._exact(sub_start, left, Timer())
        chosen = np.setdiff1d(kept[result.sites], np.flatnonzero(instance.fixed))
        if self.objective_of(chosen) < incumbent:
            chosen = start
        exact = result.status == SolveStatus.OPTIMAL
        best = self.objective_of(chosen)
        bound = best if exact else min(bound, float(result.bound or np.inf))
        note = (
            f"Lagrangian fixing: {int(fixing.closed.sum())} of {len(free)} sites closed, "
            f"{int(fixing.opened.sum())} opened",
        )
        return self._solution(
            chosen,
            "highs",
            result.status,
            bound=bound,
            gap=0.0 if exact else abs(bound - best) / max(abs(best), 1e-12),
            build_s=result.build_s,
            solve_s=timer.seconds() - result.build_s,
            notes=note,
        )

    def problem(self, start: NDArray[np.intp]) -> tuple[MilpProblem, NDArray[np.intp]]:
        raise NotImplementedError


class MCLP(_CoveringModel):
    """Maximal covering location problem (Church & ReVelle 1974, Papers of the Regional
    Science Association 32: 101-118).

    max Σ_j w_j z_j
    s.t. z_j ≤ Σ_{i ∈ N_j} y_i   (j covered only by an open site within S)
         Σ_{i ∉ F} y_i = p        (p new sites)
         y_i = 1 (i ∈ F),  y_i ∈ {0,1},  0 ≤ z_j ≤ 1

    z_j needs no integrality: for integer y the optimum has z_j = min(1, Σ y). The
    objective is the demand weight within the budget (incidents or people).
    """

    name = "mclp"

    def __init__(self, instance: Instance, budget_s: float, p: int) -> None:
        super().__init__(instance, budget_s, p, 1.0)

    def problem(self, start: NDArray[np.intp]) -> tuple[MilpProblem, NDArray[np.intp]]:
        """The MILP over the free sites and the demand still to cover; with the start."""
        free, cover, weight, fixed_weight = demand_to_cover(self.instance, self.pattern)
        n_free, n_rows = len(free), cover.shape[0]
        a = stack(csr_array(hstack([-cover, eye(n_rows)], format="csr")), ones_row(n_free, n_rows))
        y0 = np.isin(free, start).astype(float)
        z0 = np.minimum(cover @ y0, 1.0)
        problem = MilpProblem(
            c=np.r_[np.zeros(n_free), weight],
            a=a,
            row_lower=np.r_[np.full(n_rows, -np.inf), self.p],
            row_upper=np.r_[np.zeros(n_rows), self.p],
            col_lower=np.zeros(n_free + n_rows),
            col_upper=np.ones(n_free + n_rows),
            integer=np.r_[np.ones(n_free, bool), np.zeros(n_rows, bool)],
            maximize=True,
            offset=fixed_weight,
            start=np.r_[y0, z0],
        )
        return problem, free


class BackupCoverage(_CoveringModel):
    """Backup coverage (Hogan & ReVelle 1986, Management Science 32(11): 1434-1444,
    BACOP2): the demand covered twice matters because in a 112 center the nearest unit is
    often already out.

    max θ Σ_j w_j z_j + (1 − θ) Σ_j w_j u_j
    s.t. z_j + u_j ≤ c_j + Σ_{i ∈ N_j \\ F} y_i   (c_j: fixed sites covering j)
         u_j ≤ z_j                               (covered twice only if once)
         Σ_{i ∉ F} y_i = p,  y_i ∈ {0,1},  0 ≤ z_j, u_j ≤ 1

    z_j = covered at least once, u_j = at least twice; θ = ``primary`` (0…1, default 0.5:
    first and second cover count alike; θ = 0 maximises the demand covered twice alone).
    For θ ≥ ½ the LP in z, u is integral for integer y; below ½, z and u are binary.
    """

    name = "backup"

    def __init__(self, instance: Instance, budget_s: float, p: int, primary: float = 0.5) -> None:
        if not 0.0 <= primary <= 1.0:
            raise PlanningInputError("primary_weight", f"must be between 0 and 1, not {primary}")
        super().__init__(instance, budget_s, p, float(primary))

    @classmethod
    def from_cost_matrix(
        cls,
        cost: ArrayLike,
        weights: ArrayLike,
        *,
        budget_s: float,
        p: int,
        fixed: ArrayLike | None = None,
        primary: float = 0.5,
    ) -> BackupCoverage:
        instance = Instance.from_cost_matrix(cost, weights, fixed=fixed)
        return cls(instance, budget_s, p, primary)

    def _rebuilt(self, instance: Instance, p: int) -> _CoveringModel:
        return BackupCoverage(instance, self.budget_s, p, self.primary)

    def problem(self, start: NDArray[np.intp]) -> tuple[MilpProblem, NDArray[np.intp]]:
        instance, pattern, theta = self.instance, self.pattern, self.primary
        free, w = instance.free, instance.weights
        fixed_count = covered_by(pattern, np.flatnonzero(instance.fixed))
        sub = pattern[free]
        reach = fixed_count + covered_by(sub, np.arange(len(free)))
        rows = np.flatnonzero((fixed_count < 2) & (reach > 0) & (w > 0))
        cover, weight, first = merge_demand(csr_array(sub[:, rows].T), w[rows], fixed_count[rows])
        fixed_rows = fixed_count[rows][first]
        n_free, m = len(free), cover.shape[0]
        a = stack(
            csr_array(hstack([-cover, eye(m), eye(m)], format="csr")),
            csr_array(hstack([csr_array((m, n_free)), -eye(m), eye(m)], format="csr")),
            ones_row(n_free, 2 * m),
        )
        y0 = np.isin(free, start).astype(float)
        count0 = cover @ y0 + fixed_rows
        z0, u0 = np.minimum(count0, 1.0), np.clip(count0 - 1.0, 0.0, 1.0)
        twice_fixed = fixed_count >= 2
        problem = MilpProblem(
            c=np.r_[np.zeros(n_free), theta * weight, (1.0 - theta) * weight],
            a=a,
            row_lower=np.r_[np.full(2 * m, -np.inf), self.p],
            row_upper=np.r_[fixed_rows.astype(float), np.zeros(m), self.p],
            col_lower=np.zeros(n_free + 2 * m),
            col_upper=np.ones(n_free + 2 * m),
            integer=np.r_[np.ones(n_free, bool), np.full(2 * m, theta < 0.5)],
            maximize=True,
            offset=float(w[twice_fixed].sum()),
            start=np.r_[y0, z0, u0],
        )
        return problem, free


@dataclass
class LSCP:
    """Location set covering problem (Toregas, Swain, ReVelle & Bergman 1971, Operations
    Research 19(6): 1363-1373), with an optional share of demand (a partial cover).

    share = 1:  min Σ_{i ∉ F} y_i  s.t.  Σ_{i ∈ N_j} y_i ≥ 1 for every j with w_j > 0
    share < 1:  min Σ_{i ∉ F} y_i  s.t.  Σ_j w_j z_j ≥ share · Σ_j w_j,
                                         z_j ≤ Σ_{i ∈ N_j} y_i,  0 ≤ z_j ≤ 1
    y_i = 1 (i ∈ F), y_i ∈ {0,1}. The objective is the number of new sites. A share that
    no set of sites reaches is refused (naming the largest reachable share).
    """

    instance: Instance
    budget_s: float
    share: float = 1.0
    pattern: csr_array = field(init=False, repr=False)

    name = "lscp"

    def __post_init__(self) -> None:
        if not 0.0 < self.share <= 1.0:
            raise PlanningInputError("share", f"must be above 0 and at most 1, not {self.share}")
        self.pattern = self.instance.within(self.budget_s)
        require_reach(self.pattern, self.instance, self.budget_s)
        w = self.instance.weights
        reachable = float(w @ (covered_by(self.pattern, np.arange(self.instance.n_sites)) > 0))
        if reachable < self.needed - 1e-9 * max(1.0, self.needed):
            raise TargetUnreachableError(
                "share",
                f"at most {reachable / w.sum():.1%} of the demand can be reached within "
                f"{self.budget_s / 60:.1f} minutes from all candidates together; "
                f"{self.share:.1%} was asked",
            )

    @classmethod
    def from_cost_matrix(
        cls,
        cost: ArrayLike,
        weights: ArrayLike,
        *,
        budget_s: float,
        share: float = 1.0,
        fixed: ArrayLike | None = None,
    ) -> LSCP:
        return cls(Instance.from_cost_matrix(cost, weights, fixed=fixed), budget_s, share)

    @property
    def needed(self) -> float:
        """The demand weight the cover must reach."""
        return float(self.share * self.instance.weights.sum())

    def covers(self, sites: ArrayLike) -> bool:
        """Whether these sites with the fixed ones reach the share."""
        open_sites = np.union1d(
            np.asarray(sites, dtype=np.intp), np.flatnonzero(self.instance.fixed)
        )
        covered = float(self.instance.weights @ (covered_by(self.pattern, open_sites) > 0))
        return covered >= self.needed - 1e-9 * max(1.0, self.needed)

    def _solution(
        self, chosen: NDArray[np.intp], method: str, status: SolveStatus, **figures: Any
    ) -> Solution:
        chosen = np.sort(np.asarray(chosen, dtype=np.intp))
        sites = np.union1d(chosen, np.flatnonzero(self.instance.fixed))
        return Solution(self.name, method, status, sites, chosen, float(len(chosen)), **figures)

    def greedy(self) -> Solution:
        timer = Timer()
        chosen = greedy_set_cover(
            self.pattern, self.instance.weights, self.instance.fixed, self.needed
        )
        return self._solution(chosen, "greedy", SolveStatus.HEURISTIC, solve_s=timer.seconds())

    def solve(self, solver: HighsSolver | None = None) -> Solution:
        solver = solver or HighsSolver()
        timer = Timer()
        start = greedy_set_cover(
            self.pattern, self.instance.weights, self.instance.fixed, self.needed
        )
        if len(start) == 0:  # the fixed sites already cover: nothing to open
            return self._solution(start, "highs", SolveStatus.OPTIMAL, bound=0.0, gap=0.0)
        return solved(self, start, solver, timer)

    def problem(self, start: NDArray[np.intp]) -> tuple[MilpProblem, NDArray[np.intp]]:
        free, cover, weight, fixed_weight = demand_to_cover(self.instance, self.pattern)
        n_free, m = len(free), cover.shape[0]
        y0 = np.isin(free, start).astype(float)
        if self.share >= 1.0:
            problem = MilpProblem(
                c=np.ones(n_free),
                a=cover,
                row_lower=np.ones(m),
                row_upper=np.full(m, np.inf),
                col_lower=np.zeros(n_free),
                col_upper=np.ones(n_free),
                integer=np.ones(n_free, bool),
                maximize=False,
                start=y0,
            )
            return problem, free
        still = self.needed - fixed_weight
        weight_row = csr_array(
            (weight, (np.zeros(m, dtype=np.intp), n_free + np.arange(m))), shape=(1, n_free + m)
        )
        a = stack(csr_array(hstack([-cover, eye(m)], format="csr")), weight_row)
        z0 = np.minimum(cover @ y0, 1.0)
        problem = MilpProblem(
            c=np.r_[np.ones(n_free), np.zeros(m)],
            a=a,
            row_lower=np.r_[np.full(m, -np.inf), still * (1 - 1e-9)],
            row_upper=np.r_[np.zeros(m), np.inf],
            col_lower=np.zeros(n_free + m),
            col_upper=np.ones(n_free + m),
            integer=np.r_[np.ones(n_free, bool), np.zeros(m, bool)],
            maximize=False,
            start=np.r_[y0, z0],
        )
        return problem, free
