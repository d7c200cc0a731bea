"""The exact solver the planning models are solved with: HiGHS through ``highspy``.

A :class:`HighsSolver` is a plain settings object passed to ``model.solve(solver)`` (as in
spopt). It runs one MILP given as arrays (a sparse CSC constraint matrix, bounds and
integrality), starts from a known feasible solution when one is given (the greedy one),
stops at the time limit or when ``should_stop()`` says so, and then reports the best
solution found with its optimality gap: a limit never loses the incumbent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csc_array, sparray

__all__ = ["HighsSolver", "MilpOutcome", "MilpProblem", "SolveStatus"]

INF = highspy.kHighsInf


class SolveStatus(StrEnum):
    """How a solve ended."""

    OPTIMAL = "optimal"  # proven optimal (within the relative gap tolerance)
    TIME_LIMIT = "time_limit"  # stopped at the time limit: best found, with its gap
    CANCELLED = "cancelled"  # stopped on request: best found, with its gap
    HEURISTIC = "heuristic"  # a greedy result: no bound, no gap


@dataclass(frozen=True)
class MilpProblem:
    """``sense`` c·x subject to row_lower ≤ A x ≤ row_upper, col_lower ≤ x ≤ col_upper.

    ``integer`` marks the integer columns; ``start`` is an optional feasible x to begin
    from; ``offset`` is added to the objective.
    """

    c: NDArray[np.float64]
    a: sparray
    row_lower: NDArray[np.float64]
    row_upper: NDArray[np.float64]
    col_lower: NDArray[np.float64]
    col_upper: NDArray[np.float64]
    integer: NDArray[np.bool_]
    maximize: bool
    offset: float = 0.0
    start: NDArray[np.float64] | None = None


@dataclass(frozen=True)
class MilpOutcome:
    """The best x found, its objective, the proven bound and relative gap, the time (s)."""

    x: NDArray[np.float64] | None
    objective: float
    bound: float
    gap: float
    status: SolveStatus
    solve_s: float


@dataclass(frozen=True)
class HighsSolver:
    """HiGHS with a time limit (s), a relative gap at which to stop (0…1), threads, and
    optional hooks: ``should_stop()`` polled during the search (cancel), and
    ``on_progress(objective, bound)`` at every improving solution."""

    time_limit_s: float = 60.0
    mip_rel_gap: float = 1e-6
    threads: int | None = None
    should_stop: Callable[[], bool] | None = None
    on_progress: Callable[[float, float], None] | None = None

    def solve(self, problem: MilpProblem) -> MilpOutcome:
        """Solve ``problem``; at a limit, the incumbent and its gap (never an error).

        HiGHS 1.16 can return the start vector instead of its optimum when presolve alone
        solves a model it was given a start for (the reported objective is right, the
        vector is not); an outcome whose vector does not have the reported objective is
        therefore solved again without the start.
        """
        outcome = self._run(problem, problem.start)
        if outcome.x is not None and not _consistent(problem, outcome):
            retry = self._run(problem, None)
            if retry.x is not None and _consistent(problem, retry):
                return retry
            x = problem.start
            objective = float(problem.c @ x + problem.offset) if x is not None else float("nan")
            return MilpOutcome(
                x,
                objective,
                outcome.bound,
                _gap(objective, outcome.bound),
                SolveStatus.TIME_LIMIT,
                outcome.solve_s + retry.solve_s,
            )
        return outcome

    def _run(self, problem: MilpProblem, start_x: NDArray[np.float64] | None) -> MilpOutcome:
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("time_limit", float(max(self.time_limit_s, 0.01)))
        highs.setOptionValue("mip_rel_gap", float(self.mip_rel_gap))
        if self.threads:
            highs.setOptionValue("threads", int(self.threads))
        _pass(highs, problem)
        if start_x is not None:
            start = highspy.HighsSolution()
            start.col_value = [float(v) for v in start_x]
            start.value_valid = True
            highs.setSolution(start)
        stopped = {"asked": False}
        if self.should_stop is not None:
            should_stop = self.should_stop

            def interrupt(event: highspy.HighsCallbackEvent) -> None:
                if should_stop():
                    stopped["asked"] = True
                    event.interrupt()

            highs.cbMipInterrupt += interrupt
        if self.on_progress is not None:
            on_progress, scale = self.on_progress, _scale(problem)

            def improving(event: highspy.HighsCallbackEvent) -> None:
                out = event.data_out
                on_progress(
                    float(out.objective_function_value) / scale, float(out.mip_dual_bound) / scale
                )

            highs.cbMipImprovingSolution += improving
        began = time.perf_counter()
        highs.run()
        solve_s = time.perf_counter() - began
        return _outcome(highs, problem, solve_s, stopped["asked"])


def _scale(problem: MilpProblem) -> float:
    """The factor that brings the largest cost to 1,000: weights normalised to sum to 1
    give costs of 1e-8, which HiGHS would take for zeros."""
    largest = float(np.abs(problem.c).max(initial=0.0))
    return 1_000.0 / largest if largest > 0 else 1.0


def _pass(highs: highspy.Highs, problem: MilpProblem) -> None:
    a = csc_array(problem.a)
    scale = _scale(problem)
    n_row, n_col = a.shape
    sense = highspy.ObjSense.kMaximize if problem.maximize else highspy.ObjSense.kMinimize
    status = highs.passModel(
        int(n_col),
        int(n_row),
        int(a.nnz),
        int(highspy.MatrixFormat.kColwise.value),
        int(sense.value),
        float(problem.offset) * scale,
        np.asarray(problem.c, dtype=float) * scale,
        np.asarray(problem.col_lower, dtype=float),
        np.asarray(problem.col_upper, dtype=float),
        np.asarray(problem.row_lower, dtype=float),
        np.asarray(problem.row_upper, dtype=float),
        a.indptr.astype(np.int32),
        a.indices.astype(np.int32),
        a.data.astype(float),
        problem.integer.astype(np.int32),
    )
    if status != highspy.HighsStatus.kOk:
        raise RuntimeError(f"HiGHS refused the model: {status}")


def _outcome(
    highs: highspy.Highs, problem: MilpProblem, solve_s: float, stopped: bool
) -> MilpOutcome:
    model_status = highs.getModelStatus()
    info = highs.getInfo()
    scale = _scale(problem)
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.asarray(highs.getSolution().col_value, dtype=float) if has_solution else None
    if x is None and problem.start is not None:
        x = np.asarray(problem.start, dtype=float)  # HiGHS did not keep it: ours is still good
    objective = (
        float(info.objective_function_value) / scale
        if has_solution
        else float(problem.c @ x + problem.offset)
        if x is not None
        else float("nan")
    )
    bound = float(info.mip_dual_bound) / scale
    if model_status == highspy.HighsModelStatus.kOptimal:
        status, gap = SolveStatus.OPTIMAL, max(float(info.mip_gap), 0.0)
        bound = objective if not np.isfinite(bound) else bound
    else:
        status = SolveStatus.CANCELLED if stopped else SolveStatus.TIME_LIMIT
        gap = _gap(objective, bound)
    if model_status == highspy.HighsModelStatus.kInfeasible:
        raise RuntimeError("the model is infeasible (a bug: inputs are checked before)")
    return MilpOutcome(x, objective, bound, gap, status, solve_s)


def _consistent(problem: MilpProblem, outcome: MilpOutcome) -> bool:
    assert outcome.x is not None
    value = float(problem.c @ outcome.x + problem.offset)
    return abs(value - outcome.objective) <= 1e-6 * max(1.0, abs(outcome.objective))


def _gap(objective: float, bound: float) -> float:
    """HiGHS's relative gap |bound − objective| / |objective| (inf when undefined)."""
    if not (np.isfinite(objective) and np.isfinite(bound)):
        return float("inf")
    if objective == bound:
        return 0.0
    return abs(bound - objective) / max(abs(objective), 1e-12)
