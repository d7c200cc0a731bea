"""The p-median problem: minimise the demand-weighted mean drive time, exactly, on a
sparse k-nearest formulation that certifies its own exactness.

Notation as in :mod:`.coverage_models`. A demand point's time is that to its nearest
open site capped at B (the matrix bound, :attr:`.Instance.cap_s`): pairs beyond B are
not in the sparse matrix. The model is never a dense sites × demand assignment.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import coo_array, csr_array, hstack

from geodata.planning._formulation import (
    Timer,
    capped_best,
    eye,
    greedy_solution,
    group_rows,
    ones_row,
    solution_of,
    stack,
)
from geodata.planning._lagrangian import median_fixing
from geodata.planning.greedy import greedy_median
from geodata.planning.instance import Instance, check_count
from geodata.planning.solution import Solution
from geodata.planning.solver import HighsSolver, MilpProblem, SolveStatus

__all__ = ["PMedian"]


@dataclass(frozen=True)
class _Levels:
    """The kept part of every demand point's sorted list of free sites.

    pair_site / pair_demand / pair_level: the kept (free site, demand) pairs and the
    level of their time; level_demand / level_gap: one row per (demand, level k) with
    D_{k+1} − D_k; first_s: D_1 per demand row; demand: the modelled demand points;
    last_row: the row of each one's last level; truncated: whether its list was cut
    (its D_{K+1} is a lower bound, not exact); constant: cost of the unmodelled points.
    """

    pair_site: NDArray[np.intp]
    pair_row: NDArray[np.intp]
    n_rows: int
    level_demand: NDArray[np.intp]
    level_gap: NDArray[np.float64]
    demand: NDArray[np.intp]
    first_s: NDArray[np.float64]
    last_row: NDArray[np.intp]
    truncated: NDArray[np.bool_]
    constant: float

    @property
    def complete(self) -> bool:
        return not bool(self.truncated.any())


@dataclass
class PMedian:
    """p-median problem (ReVelle & Swain 1970, Geographical Analysis 2(1): 30-42) in the
    radius formulation of Elloumi (2010, J. Combinatorial Optimization 19: 69-83; the
    "radius formulation" of García, Labbé & Marín 2011, INFORMS J. Computing 23(4)),
    truncated to the K nearest distinct times of each demand point.

    Full problem: min Σ_j w_j min(t_j(S), B) over sets S of p free sites plus F.

    For demand point j, let E_j = min(time to its nearest fixed site, B) (what it costs
    whatever the plan) and D_j1 < D_j2 < … the distinct times of the free sites below
    E_j; keep the first K of them, and let D_j,K+1 be the next one when the list is cut
    (a lower bound on any left-out site's time) or E_j when it is not (exact). Then

    min Σ_j w_j (D_j1 + Σ_{k=1..K} (D_j,k+1 − D_jk) z_jk)
    s.t. z_jk + Σ_{i ∉ F: t_ij ≤ D_jk} y_i ≥ 1   (j, k ≤ K)
         Σ_{i ∉ F} y_i = p,  y_i ∈ {0,1},  z_jk ≥ 0

    z_jk = 1 exactly when no open site is within D_jk, so the cost of j is the time of
    its nearest open kept site, or D_j,K+1 when none is open. Points with no free site
    below E_j cost E_j whatever happens (a constant).

    Exactness condition: every left-out site of a cut list is at least D_j,K+1 away, so
    the truncated model is a relaxation of the full problem; if its optimum has z_jK = 0
    for every cut list (each such point has an open kept site), that optimum costs the
    same in the full problem and is therefore optimal. Otherwise the
    model is solved again with K doubled for the points whose cut list the optimum went
    past (row generation, as García et al. do), at most until no list is cut (the full
    problem). ``k_nearest`` is the first K.
    """

    instance: Instance
    p: int
    k_nearest: int = 8

    name = "p_median"

    def __post_init__(self) -> None:
        self.p = check_count(self.p, self.instance)

    @classmethod
    def from_cost_matrix(
        cls,
        cost: ArrayLike,
        weights: ArrayLike,
        *,
        p: int,
        fixed: ArrayLike | None = None,
        k_nearest: int = 8,
    ) -> Self:
        return cls(Instance.from_cost_matrix(cost, weights, fixed=fixed), p, k_nearest)

    def objective_of(self, sites: ArrayLike) -> float:
        """Σ_j w_j · min(time to the nearest open site, B) (seconds × weight)."""
        return float(self.instance.weights @ capped_best(self.instance, sites))

    def greedy(self) -> Solution:
        return greedy_solution(self)

    def _greedy(self) -> NDArray[np.intp]:
        instance = self.instance
        far = np.full(instance.n_demand, instance.cap_s)
        return greedy_median(instance.travel_s, instance.weights, instance.fixed, self.p, far)

    def solve(self, solver: HighsSolver | None = None) -> Solution:
        """Solve exactly: greedy, then Lagrangian site fixing, then the truncated MILP on
        the sites left, its K doubled where needed until its optimum is certified."""
        solver, clock = solver or HighsSolver(), Timer()
        start = self._greedy()
        incumbent = self.objective_of(start)
        if self.p == 0:
            return solution_of(
                self.instance,
                self.name,
                start,
                incumbent,
                "highs",
                SolveStatus.OPTIMAL,
                bound=incumbent,
                gap=0.0,
            )
        instance, free = self.instance, self.instance.free
        exit_s = np.minimum(instance.best_times(np.flatnonzero(instance.fixed)), instance.cap_s)
        fixing = median_fixing(
            csr_array(instance.travel_s[free]), instance.weights, exit_s, self.p, incumbent
        )
        if fixing.bound >= incumbent - 1e-9 * max(1.0, abs(incumbent)):
            return solution_of(
                instance,
                self.name,
                start,
                incumbent,
                "highs",
                SolveStatus.OPTIMAL,
                bound=incumbent,
                gap=0.0,
                solve_s=clock.seconds(),
                notes=("proven optimal by the Lagrangian bound",),
            )
        kept = np.sort(np.r_[np.flatnonzero(instance.fixed), free[~fixing.closed]])
        fixed = instance.fixed[kept] | np.isin(kept, free[fixing.opened])
        sub = PMedian(
            Instance(csr_array(instance.travel_s[kept]), instance.weights, fixed, instance.bound_s),
            self.p - int(fixing.opened.sum()),
            self.k_nearest,
        )
        inside = np.searchsorted(kept, start)
        usable_start = np.isin(start, kept) & ~fixed[np.minimum(inside, len(kept) - 1)]
        sub_start = inside if usable_start.all() and len(start) == self.p else None
        left = replace(solver, time_limit_s=max(solver.time_limit_s - clock.seconds(), 0.01))
        result = sub._milp(sub._greedy() if sub_start is None else sub_start, left)
        chosen = np.setdiff1d(kept[result.sites], np.flatnonzero(instance.fixed))
        if (objective := self.objective_of(chosen)) >= incumbent:
            chosen, objective = start, incumbent
        bound = max(float(result.bound or -np.inf), fixing.bound)
        exact = result.status == SolveStatus.OPTIMAL
        gap = 0.0 if exact else abs(objective - bound) / max(abs(objective), 1e-12)
        notes = (
            f"Lagrangian fixing: {int(fixing.closed.sum())} of {len(free)} sites closed, "
            f"{int(fixing.opened.sum())} opened",
            *result.notes,
        )
        return solution_of(
            instance,
            self.name,
            chosen,
            objective,
            "highs",
            result.status,
            bound=objective if exact else bound,
            gap=gap,
            build_s=result.build_s,
            solve_s=clock.seconds() - result.build_s,
            notes=notes,
        )

    def _milp(self, start: NDArray[np.intp], solver: HighsSolver) -> Solution:
        """The truncated MILP from ``start`` (p free sites), K doubled where needed."""
        unreached = int(
            (
                np.bincount(self.instance.travel_s.indices, minlength=self.instance.n_demand) == 0
            ).sum()
        )
        notes = [f"{unreached} demand points beyond the bound from every site"] if unreached else []
        k = np.full(self.instance.n_demand, max(int(self.k_nearest), 1), dtype=np.int64)
        build_s, solve_s, clock = 0.0, 0.0, Timer()
        best, best_objective, bound = start, self.objective_of(start), -np.inf
        status = SolveStatus.TIME_LIMIT
        while True:
            began = Timer()
            levels = self.levels(k)
            if self.p == 0 or len(levels.demand) == 0:
                return solution_of(
                    self.instance,
                    self.name,
                    best,
                    best_objective,
                    "highs",
                    SolveStatus.OPTIMAL,
                    bound=best_objective,
                    gap=0.0,
                    notes=tuple(notes),
                )
            problem, group = self.problem(levels, best)
            build_s += began.seconds()
            left = max(solver.time_limit_s - clock.seconds(), 0.01)
            outcome = replace(solver, time_limit_s=left).solve(problem)
            solve_s += outcome.solve_s
            # every truncated model relaxes the full problem: its bound is a lower bound
            bound = max(bound, outcome.bound) if np.isfinite(outcome.bound) else bound
            x = outcome.x if outcome.x is not None else problem.start
            assert x is not None
            free = self.instance.free
            chosen = free[x[: len(free)] > 0.5]
            if (objective := self.objective_of(chosen)) < best_objective:
                best, best_objective = chosen, objective
            z_last = x[len(free) + group[levels.last_row]]
            short = levels.truncated & (z_last > 0.5)  # cut lists the optimum went past
            uses_bound = bool(short.any())
            if outcome.status != SolveStatus.OPTIMAL:
                status = outcome.status
                break
            if not uses_bound or levels.complete:  # the exactness condition holds
                status, bound = SolveStatus.OPTIMAL, best_objective
                break
            k[levels.demand[short]] *= 2  # longer lists only where they were too short
        notes.append(f"K = {int(k.min())}…{int(k.max())} nearest distinct times per point")
        if status != SolveStatus.OPTIMAL and uses_bound:
            notes.append("the truncation is not certified: the bound is a lower bound")
        gap = (
            0.0
            if status == SolveStatus.OPTIMAL
            else (abs(best_objective - bound) / max(abs(best_objective), 1e-12))
        )
        return solution_of(
            self.instance,
            self.name,
            best,
            best_objective,
            "highs",
            status,
            bound=bound,
            gap=gap,
            build_s=build_s,
            solve_s=solve_s,
            notes=tuple(notes),
        )

    def levels(self, k: int | NDArray[np.int64]) -> _Levels:
        """The K_j nearest distinct free-site times below E_j of every weighted point
        (``k``: one K for all, or one per demand point)."""
        k_of = np.broadcast_to(np.asarray(k, dtype=np.int64), (self.instance.n_demand,))
        instance = self.instance
        w, cap = instance.weights, instance.cap_s
        exit_s = np.minimum(instance.best_times(np.flatnonzero(instance.fixed)), cap)
        coo = coo_array(instance.travel_s)
        site, demand, t = coo.row.astype(np.intp), coo.col.astype(np.intp), coo.data
        keep = ~instance.fixed[site] & (w[demand] > 0) & (t < exit_s[demand])
        site, demand, t = site[keep], demand[keep], t[keep]
        order = np.lexsort((site, t, demand))
        site, demand, t = site[order], demand[order], t[order]
        new_demand = np.r_[True, demand[1:] != demand[:-1]] if len(demand) else np.zeros(0, bool)
        new_level = new_demand | np.r_[True, t[1:] != t[:-1]] if len(t) else new_demand
        level_id = np.cumsum(new_level) - 1  # global number of each (demand, distinct time)
        first_level = np.maximum.accumulate(np.where(new_demand, level_id, 0))
        level = level_id - first_level  # 0-based level within its demand point
        distinct = np.flatnonzero(new_level)
        level_of_distinct = level[distinct]
        demand_of_distinct = demand[distinct]
        k_distinct = k_of[demand_of_distinct]
        kept_distinct = level_of_distinct < k_distinct
        pair_kept = level < k_of[demand]
        # per kept (demand, level): the next distinct time, or E_j after the last one
        next_t = np.r_[t[distinct][1:], np.inf]
        next_same = np.r_[demand_of_distinct[1:] == demand_of_distinct[:-1], False]
        cut = kept_distinct & (level_of_distinct == k_distinct - 1) & next_same
        upper = np.where(next_same, next_t, exit_s[demand_of_distinct])
        rows = np.flatnonzero(kept_distinct)
        row_number = np.full(len(distinct), -1, dtype=np.intp)
        row_number[rows] = np.arange(len(rows))
        gap = (upper - t[distinct])[rows]
        level_demand = demand_of_distinct[rows]
        starts_demand = np.r_[True, level_demand[1:] != level_demand[:-1]][: len(rows)]
        last = np.r_[level_demand[1:] != level_demand[:-1], True][: len(rows)]
        modelled = level_demand[last]
        constant_points = (w > 0) & ~np.isin(np.arange(instance.n_demand), modelled)
        pair_row = row_number[np.searchsorted(distinct, np.flatnonzero(pair_kept), "right") - 1]
        return _Levels(
            pair_site=site[pair_kept],
            pair_row=pair_row,
            n_rows=len(rows),
            level_demand=level_demand,
            level_gap=gap,
            demand=modelled,
            first_s=t[distinct][rows][starts_demand],
            last_row=np.flatnonzero(last),
            truncated=cut[rows][last],
            constant=float(w[constant_points] @ exit_s[constant_points]),
        )

    def problem(
        self, levels: _Levels, start: NDArray[np.intp]
    ) -> tuple[MilpProblem, NDArray[np.intp]]:
        """Columns y (free sites), z (one per distinct covering set); one row per set.

        Levels whose sets of covering sites are equal share one row and one z, with
        their costs summed (exact: such z are equal at every optimum); this shrinks the
        model to the distinct neighbourhoods. Also returns the row of each level.
        """
        instance, w = self.instance, self.instance.weights
        free = instance.free
        n_free, n_levels = len(free), levels.n_rows
        column = np.full(instance.n_sites, -1, dtype=np.intp)
        column[free] = np.arange(n_free)
        # a pair at level l covers its demand's levels l, l+1, …, up to the last kept one
        last_of_row = np.repeat(levels.last_row, np.diff(np.r_[-1, levels.last_row]))
        spans = last_of_row[levels.pair_row] - levels.pair_row + 1
        rows = np.repeat(levels.pair_row, spans) + _ramp(spans)
        cols = np.repeat(column[levels.pair_site], spans)
        cover = csr_array((np.ones(len(rows)), (rows, cols)), shape=(n_levels, n_free))
        group, first = group_rows(cover)
        n_rows = len(first)
        cost = np.bincount(group, w[levels.level_demand] * levels.level_gap, n_rows)
        sets = csr_array(cover[first])
        sets.data[:] = 1.0
        a = stack(csr_array(hstack([sets, eye(n_rows)], format="csr")), ones_row(n_free, n_rows))
        y0 = np.isin(free, start).astype(float)
        z0 = ((sets @ y0) < 0.5).astype(float)
        problem = MilpProblem(
            c=np.r_[np.zeros(n_free), cost],
            a=a,
            row_lower=np.r_[np.ones(n_rows), self.p],
            row_upper=np.r_[np.full(n_rows, np.inf), self.p],
            col_lower=np.zeros(n_free + n_rows),
            col_upper=np.r_[np.ones(n_free), np.full(n_rows, np.inf)],
            integer=np.r_[np.ones(n_free, bool), np.zeros(n_rows, bool)],
            maximize=False,
            offset=float(w[levels.demand] @ levels.first_s) + levels.constant,
            start=np.r_[y0, z0],
        )
        return problem, group


def _ramp(spans: NDArray[np.intp]) -> NDArray[np.intp]:
    """0, 1, …, s−1 for every s in ``spans``, concatenated."""
    total = int(spans.sum())
    starts = np.repeat(np.cumsum(spans) - spans, spans)
    return np.arange(total) - starts
