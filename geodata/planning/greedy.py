"""Fast heuristics for the planning models: greedy addition, then vertex substitution.

Greedy adds, one at a time, the site with the largest gain (ties: the lowest index).
Vertex substitution (Teitz & Bart 1968) then swaps one open site for one closed one while
that improves the objective. Both work on whole columns at once (a sparse product per
step, never a loop over pairs); they give a good solution at once and the exact solver's
first incumbent, but no bound.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array

__all__ = ["greedy_cover", "greedy_median", "greedy_set_cover", "level_value"]

_EPS = 1e-9
_MAX_PASSES = 20


def level_value(counts: NDArray[np.int64], weights: NDArray[np.float64], primary: float) -> float:
    """Σ w_j (primary·[c_j ≥ 1] + (1 − primary)·[c_j ≥ 2]): with primary = 1 the
    covered weight (MCLP), below 1 the backup-coverage objective."""
    once = weights @ (counts >= 1)
    twice = weights @ (counts >= 2)
    return float(primary * once + (1.0 - primary) * twice)


def _increments(
    counts: NDArray[np.int64], weights: NDArray[np.float64], primary: float
) -> NDArray[np.float64]:
    """Per demand point, what one more covering site adds."""
    return weights * np.where(counts == 0, primary, np.where(counts == 1, 1.0 - primary, 0.0))


def greedy_cover(
    pattern: csr_array,
    weights: NDArray[np.float64],
    fixed: NDArray[np.bool_],
    p: int,
    primary: float = 1.0,
) -> NDArray[np.intp]:
    """``p`` sites added to the fixed ones for the covering objective of
    :func:`level_value`, improved by substitution. Returns the chosen (non-fixed) sites."""
    free = np.flatnonzero(~fixed)
    counts = np.zeros(pattern.shape[1], dtype=np.int64)
    for site in np.flatnonzero(fixed):
        counts[pattern.indices[pattern.indptr[site] : pattern.indptr[site + 1]]] += 1
    sub = pattern[free]
    is_open = np.zeros(len(free), dtype=bool)
    for _ in range(p):
        gains = sub @ _increments(counts, weights, primary)
        gains[is_open] = -np.inf
        best = int(np.argmax(gains))
        is_open[best] = True
        counts[_row(sub, best)] += 1
    for _ in range(_MAX_PASSES):
        if not _substitute_cover(sub, weights, counts, is_open, primary):
            break
    return free[is_open]


def _row(matrix: csr_array, i: int | np.integer) -> NDArray[np.int32]:
    return matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]]


def _substitute_cover(
    sub: csr_array,
    weights: NDArray[np.float64],
    counts: NDArray[np.int64],
    is_open: NDArray[np.bool_],
    primary: float,
) -> bool:
    """One pass of swaps; True if any swap improved (counts, is_open updated in place)."""
    improved = False
    for out in np.flatnonzero(is_open):
        before = level_value(counts, weights, primary)
        counts[_row(sub, out)] -= 1
        without = level_value(counts, weights, primary)
        gains = sub @ _increments(counts, weights, primary)
        gains[is_open] = -np.inf
        gains[out] = -np.inf
        best = int(np.argmax(gains))
        if gains[best] > before - without + _EPS * max(1.0, abs(before)):
            is_open[out], is_open[best] = False, True
            counts[_row(sub, best)] += 1
            improved = True
        else:
            counts[_row(sub, out)] += 1
    return improved


def greedy_set_cover(
    pattern: csr_array, weights: NDArray[np.float64], fixed: NDArray[np.bool_], needed: float
) -> NDArray[np.intp]:
    """Add sites with the largest newly covered weight until ``needed`` weight is covered,
    then drop any chosen site the cover does not need. Returns the chosen sites; the
    caller has checked that ``needed`` is reachable."""
    free = np.flatnonzero(~fixed)
    covered = np.zeros(pattern.shape[1], dtype=np.int64)
    for site in np.flatnonzero(fixed):
        covered[_row(pattern, site)] += 1
    sub = pattern[free]
    is_open = np.zeros(len(free), dtype=bool)
    tolerance = _EPS * max(1.0, needed)
    while weights @ (covered > 0) < needed - tolerance:
        gains = sub @ (weights * (covered == 0))
        gains[is_open] = -np.inf
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        is_open[best] = True
        covered[_row(sub, best)] += 1
    for site in np.flatnonzero(is_open)[::-1]:
        covered[_row(sub, site)] -= 1
        if weights @ (covered > 0) >= needed - tolerance:
            is_open[site] = False
        else:
            covered[_row(sub, site)] += 1
    return free[is_open]


def greedy_median(
    travel_s: csr_array,
    weights: NDArray[np.float64],
    fixed: NDArray[np.bool_],
    p: int,
    far_s: NDArray[np.float64],
) -> NDArray[np.intp]:
    """``p`` sites for the p-median (Σ w_j · time to the nearest open site), greedy then
    substitution. A pair not in ``travel_s`` costs ``far_s[j]`` (a lower bound on its
    time). Returns the chosen sites. Works on a dense sites × demand block (500 × 10,000
    is 40 MB)."""
    free = np.flatnonzero(~fixed)
    dense = np.full(travel_s.shape, np.inf)
    rows = np.repeat(np.arange(travel_s.shape[0]), np.diff(travel_s.indptr))
    dense[rows, travel_s.indices] = travel_s.data
    dense = np.minimum(dense, far_s[None, :])
    base = np.min(dense[fixed], axis=0, initial=np.inf) if fixed.any() else far_s.copy()
    base = np.minimum(base, far_s)
    candidates = dense[free]
    chosen: list[int] = []  # positions in free
    best = base.copy()
    for _ in range(p):
        totals = np.minimum(candidates, best[None, :]) @ weights
        totals[chosen] = np.inf
        pick = int(np.argmin(totals))
        chosen.append(pick)
        best = np.minimum(best, candidates[pick])
    for _ in range(_MAX_PASSES):
        if not _substitute_median(candidates, weights, base, chosen):
            break
    return np.sort(free[np.asarray(chosen, dtype=np.intp)])


def _substitute_median(
    candidates: NDArray[np.float64],
    weights: NDArray[np.float64],
    base: NDArray[np.float64],
    chosen: list[int],
) -> bool:
    """One pass of swaps over the chosen positions; True if any swap improved."""
    improved = False
    for position in range(len(chosen)):
        others = chosen[:position] + chosen[position + 1 :]
        rest = np.minimum(base, np.min(candidates[others], axis=0, initial=np.inf))
        current = float(np.minimum(rest, candidates[chosen[position]]) @ weights)
        totals = np.minimum(candidates, rest[None, :]) @ weights
        totals[chosen] = np.inf
        pick = int(np.argmin(totals))
        if totals[pick] < current - _EPS * max(1.0, abs(current)):
            chosen[position] = pick
            improved = True
    return improved
