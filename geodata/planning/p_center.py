"""The p-center problem: minimise the worst drive time.

Notation as in :mod:`.coverage_models`. A demand point's time is that to its nearest
open site, capped at B (the matrix bound, :attr:`.Instance.cap_s`); demand points that no
site reaches within B are left out of the worst case.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from geodata.planning._formulation import Timer, capped_best, greedy_solution, solution_of
from geodata.planning.coverage_models import LSCP
from geodata.planning.errors import TargetUnreachableError
from geodata.planning.greedy import greedy_cover
from geodata.planning.instance import Instance, check_count
from geodata.planning.solution import Solution
from geodata.planning.solver import HighsSolver, SolveStatus

__all__ = ["PCenter"]


@dataclass
class PCenter:
    """p-center problem (Hakimi 1965; solved as in Minieka 1970 and Daskin 1995 §5.3: a
    search over the sorted distinct times with set-covering feasibility tests).

    min r  s.t. some p sites (with the fixed ones) bring every weighted demand point
    within r, i.e. min_{|S| = p} max_j min(t_j(S), B).

    The optimum is one of the distinct times t_ij (or B). For a radius r, LSCP(r) (the
    fewest sites covering all demand within r, solved exactly) is ≤ p exactly when r is
    feasible; feasibility grows with r, so a binary search over the sorted times between
    the lower bound max_j min_i t_ij and the greedy solution's radius finds the optimum
    in O(log n) exact LSCP solves. At the time limit the best feasible radius and the
    largest proven-infeasible one bound the optimum (the gap). Leftover sites (when fewer
    than p cover) are added greedily by coverage within the optimal radius.
    """

    instance: Instance
    p: int

    name = "p_center"

    def __post_init__(self) -> None:
        self.p = check_count(self.p, self.instance)

    @classmethod
    def from_cost_matrix(
        cls, cost: ArrayLike, weights: ArrayLike, *, p: int, fixed: ArrayLike | None = None
    ) -> PCenter:
        return cls(Instance.from_cost_matrix(cost, weights, fixed=fixed), p)

    def _served(self) -> NDArray[np.bool_]:
        reached = np.bincount(self.instance.travel_s.indices, minlength=self.instance.n_demand) > 0
        return reached & (self.instance.weights > 0)

    def objective_of(self, sites: ArrayLike) -> float:
        """The worst drive time (s, capped at B) over the weighted, reachable points."""
        served = self._served()
        if not served.any():
            return 0.0
        return float(capped_best(self.instance, sites)[served].max())

    def greedy(self) -> Solution:
        return greedy_solution(self)

    def _greedy(self) -> NDArray[np.intp]:
        """Add the site that lowers the worst time most, p times (ties: most reduced sum)."""
        instance, served = self.instance, self._served()
        free = instance.free
        dense = np.full((len(free), instance.n_demand), instance.cap_s)
        sub = instance.travel_s[free]
        rows = np.repeat(np.arange(len(free)), np.diff(sub.indptr))
        dense[rows, sub.indices] = sub.data
        dense, best = dense[:, served], capped_best(instance, [])[served]
        chosen: list[int] = []
        for _ in range(self.p):
            candidate = np.minimum(dense, best[None, :])
            worst = candidate.max(axis=1, initial=0.0) + 1e-9 * candidate.sum(axis=1) / max(
                candidate.shape[1], 1
            ) / max(instance.cap_s, 1.0)
            worst[chosen] = np.inf
            pick = int(np.argmin(worst))
            chosen.append(pick)
            best = candidate[pick]
        return np.sort(free[np.asarray(chosen, dtype=np.intp)])

    def _feasible(
        self, radius: float, solver: HighsSolver, left_s: float
    ) -> tuple[bool | None, NDArray[np.intp]]:
        """Whether ``radius`` can be met with p sites: True / False / None (not proven)."""
        served = self._served()
        instance = Instance(
            self.instance.travel_s,
            np.where(served, 1.0, 0.0),
            self.instance.fixed,
            self.instance.bound_s,
        )
        try:
            lscp = LSCP(instance, radius)
        except TargetUnreachableError:
            return False, np.array([], dtype=np.intp)
        result = lscp.solve(replace(solver, time_limit_s=left_s))
        if len(result.chosen) <= self.p:
            return True, result.chosen
        if result.exact or (result.bound is not None and np.ceil(result.bound - 1e-6) > self.p):
            return False, result.chosen
        return None, result.chosen

    def solve(self, solver: HighsSolver | None = None) -> Solution:
        solver = solver or HighsSolver()
        timer = Timer()
        instance, served = self.instance, self._served()
        best_sites = self._greedy()
        upper = self.objective_of(best_sites)
        if not served.any() or self.p == 0:
            return solution_of(
                instance,
                self.name,
                best_sites,
                upper,
                "highs",
                SolveStatus.OPTIMAL,
                bound=upper,
                gap=0.0,
            )
        lower = float(
            np.minimum(instance.best_times(np.arange(instance.n_sites)), instance.cap_s)[
                served
            ].max()
        )
        radii = np.unique(np.r_[instance.travel_s.data, instance.cap_s])
        radii = radii[(radii >= lower) & (radii < upper)]
        status = SolveStatus.OPTIMAL
        lo, hi = 0, len(radii)  # radii[hi:] feasible (upper is), radii[:lo] infeasible
        while lo < hi:
            mid = (lo + hi) // 2
            left = solver.time_limit_s - timer.seconds()
            if left <= 0:
                status = SolveStatus.TIME_LIMIT
                break
            feasible, chosen = self._feasible(float(radii[mid]), solver, left)
            if feasible is None:
                status = SolveStatus.TIME_LIMIT
                break
            if feasible:
                hi, best_sites = mid, self._fill(chosen, float(radii[mid]))
            else:
                lo = mid + 1
        objective = self.objective_of(best_sites)
        bound = (
            objective
            if status == SolveStatus.OPTIMAL
            else float(radii[lo] if lo < len(radii) else upper)
        )
        gap = 0.0 if status == SolveStatus.OPTIMAL else (objective - bound) / max(objective, 1e-12)
        return solution_of(
            instance,
            self.name,
            best_sites,
            objective,
            "highs",
            status,
            bound=bound,
            gap=gap,
            solve_s=timer.seconds(),
        )

    def _fill(self, chosen: NDArray[np.intp], radius: float) -> NDArray[np.intp]:
        """``chosen`` topped up to p sites, by greedy coverage within ``radius``."""
        if len(chosen) >= self.p:
            return np.sort(chosen)
        fixed = self.instance.fixed.copy()
        fixed[chosen] = True
        pattern = self.instance.within(radius)
        extra = greedy_cover(pattern, self.instance.weights, fixed, self.p - len(chosen))
        return np.sort(np.r_[chosen, extra])
