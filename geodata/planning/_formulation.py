"""Array builders shared by the models' MILPs (private)."""

from __future__ import annotations

import time
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_array, hstack, identity, vstack

from geodata.planning.errors import TargetUnreachableError
from geodata.planning.instance import Instance
from geodata.planning.solution import Solution
from geodata.planning.solver import SolveStatus

__all__ = [
    "Timer",
    "capped_best",
    "covered_by",
    "eye",
    "greedy_solution",
    "group_rows",
    "merge_demand",
    "ones_row",
    "require_reach",
    "solution_of",
    "stack",
]


class Timer:
    """Seconds since it was made."""

    def __init__(self) -> None:
        self.began = time.perf_counter()

    def seconds(self) -> float:
        return time.perf_counter() - self.began


def covered_by(pattern: csr_array, sites: ArrayLike) -> NDArray[np.int64]:
    """Per demand point, how many of ``sites`` cover it in ``pattern``."""
    rows = np.asarray(sites, dtype=np.intp)
    counts = np.zeros(pattern.shape[1], dtype=np.int64)
    if len(rows):
        np.add.at(counts, pattern[rows].indices, 1)
    return counts


def ones_row(n_ones: int, n_zeros: int) -> csr_array:
    """One row: ``n_ones`` ones then ``n_zeros`` zeros."""
    return csr_array(
        (np.ones(n_ones), (np.zeros(n_ones, dtype=np.intp), np.arange(n_ones))),
        shape=(1, n_ones + n_zeros),
    )


def stack(*blocks: csr_array) -> csr_array:
    return csr_array(vstack(blocks, format="csr"))


def eye(n: int) -> csr_array:
    return csr_array(identity(n, format="csr"))


def require_reach(pattern: csr_array, instance: Instance, budget_s: float) -> None:
    """Refuse a target within which no site (candidate or fixed) reaches any demand."""
    reached = np.zeros(instance.n_demand, dtype=bool)
    reached[pattern.indices] = True
    if not (reached & (instance.weights > 0)).any():
        raise TargetUnreachableError(
            "target_min",
            f"no candidate site reaches any demand within {budget_s / 60:.1f} minutes: "
            "raise the target or add candidates nearer the demand",
        )


def capped_best(instance: Instance, sites: ArrayLike) -> NDArray[np.float64]:
    open_sites = np.union1d(np.asarray(sites, dtype=np.intp), np.flatnonzero(instance.fixed))
    return np.minimum(instance.best_times(open_sites), instance.cap_s)


def solution_of(
    instance: Instance,
    name: str,
    chosen: ArrayLike,
    objective: float,
    method: str,
    status: SolveStatus,
    **figures: Any,
) -> Solution:
    chosen = np.sort(np.asarray(chosen, dtype=np.intp))
    sites = np.union1d(chosen, np.flatnonzero(instance.fixed))
    return Solution(name, method, status, sites, chosen, objective, **figures)


class _GreedyModel(Protocol):
    instance: Instance
    name: str

    def _greedy(self) -> NDArray[np.intp]: ...

    def objective_of(self, sites: ArrayLike) -> float: ...


def greedy_solution(model: _GreedyModel) -> Solution:
    """``model``'s own greedy sites as a (heuristic) solution, timed."""
    timer = Timer()
    chosen = model._greedy()
    return solution_of(model.instance, model.name, chosen, model.objective_of(chosen),
                       "greedy", SolveStatus.HEURISTIC, solve_s=timer.seconds())  # fmt: skip


def group_rows(pattern: csr_array) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Rows with the same set of columns, grouped: (group of each row, first row of each
    group). Demand points covered by the same sites are one constraint with their weights
    summed (exact: their variables take the same value at every optimum).

    Rows are keyed by their length and two independent random 64-bit sums of their
    columns, then checked column by column against their group's first row; a row that
    differs (a hash collision) gets a group of its own.
    """
    m = csr_array(pattern)
    m.sort_indices()
    n_rows = m.shape[0]
    if n_rows == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    rng = np.random.default_rng(20260101)
    keys = [np.diff(m.indptr).astype(np.uint64)]
    row_of = np.repeat(np.arange(n_rows), np.diff(m.indptr))
    for _ in range(2):
        salt = rng.integers(0, 2**63, size=m.shape[1], dtype=np.uint64)
        sums = np.zeros(n_rows, dtype=np.uint64)
        np.add.at(sums, row_of, salt[m.indices])  # wraps modulo 2**64, as wanted
        keys.append(sums)
    _, first, group = np.unique(np.column_stack(keys), axis=0, return_index=True,
                                return_inverse=True)  # fmt: skip
    group = group.ravel().astype(np.intp)
    representative = first[group]
    lengths = np.diff(m.indptr)
    offsets = np.arange(m.nnz) - np.repeat(m.indptr[:-1], lengths)
    same = m.indices == m.indices[m.indptr[representative[row_of]] + offsets]
    differs = np.zeros(n_rows, dtype=bool)
    np.logical_or.at(differs, row_of, ~same)
    if differs.any():
        loose = np.flatnonzero(differs)
        group[loose] = len(first) + np.arange(len(loose))
        first = np.r_[first, loose]
    return group, first.astype(np.intp)


def merge_demand(
    cover: csr_array, weights: NDArray[np.float64], tag: NDArray[np.int64] | None = None
) -> tuple[csr_array, NDArray[np.float64], NDArray[np.intp]]:
    """Demand rows (demand × free sites) with the same covering sites (and the same
    ``tag``, e.g. how many fixed sites cover them) as one row of summed weight. Returns
    the distinct rows, their weights and, per distinct row, one original row."""
    keyed = cover if tag is None else _tag_as_column(cover, tag)
    group, first = group_rows(keyed)
    summed = np.bincount(group, weights, len(first)).astype(float)
    return csr_array(cover[first]), summed, first


def _tag_as_column(cover: csr_array, tag: NDArray[np.int64]) -> csr_array:
    """``cover`` with one more column per tag value, so that rows group by tag too."""
    values = np.unique(tag)
    extra = csr_array(
        (np.ones(len(tag)), (np.arange(len(tag)), np.searchsorted(values, tag))),
        shape=(len(tag), len(values)),
    )
    return csr_array(hstack([cover, extra], format="csr"))
