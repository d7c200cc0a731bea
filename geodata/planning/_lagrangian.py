"""Lagrangian bounds and exact site fixing for the MCLP, backup coverage and the
p-median (private).

Relaxing the constraints that tie demand to sites leaves a problem solved by sorting:
each site gets a score, the best p are taken. Any multipliers give a valid bound, and
subgradient steps make it tight (Beasley 1993, "Lagrangean heuristics for location
problems", EJOR 65: 383-399). The bound then proves sites useless: if forcing site i open
cannot beat the incumbent, i is closed in every better solution and leaves the MILP
(fixing to 1 the same way). The MILP on the sites left is then the whole problem.

Each step is one pass over the sparse matrix (a few million entries): milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array

__all__ = ["Fixing", "covering_fixing", "median_fixing"]

_ITERATIONS = 300
_PATIENCE = 15


@dataclass(frozen=True)
class Fixing:
    """The best Lagrangian bound, and the free sites proven closed (or open) in every
    solution better than the incumbent."""

    bound: float
    closed: NDArray[np.bool_]
    opened: NDArray[np.bool_]


def _top(
    scores: NDArray[np.floating] | NDArray[np.integer], p: int, largest: bool
) -> NDArray[np.intp]:
    order = np.argsort(-scores if largest else scores, kind="stable")
    return order[:p]


def _fix(
    bound_of: NDArray[np.float64],
    incumbent: float,
    *,
    better_is_lower: bool,
    n: int,
    chosen: NDArray[np.intp],
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Sites whose forced flip bound cannot beat the incumbent (with a margin)."""
    margin = 1e-7 * max(1.0, abs(incumbent))
    hopeless = bound_of >= incumbent - margin if better_is_lower else bound_of <= incumbent + margin
    in_solution = np.zeros(n, dtype=bool)
    in_solution[chosen] = True
    return hopeless & ~in_solution, hopeless & in_solution


def _row_sums(values: NDArray[np.float64], indptr: NDArray[np.int32]) -> NDArray[np.float64]:
    """Σ of each CSR row's stored values (0 for an empty row), contiguous: one pass."""
    sums = np.zeros(len(indptr) - 1)
    filled = np.flatnonzero(np.diff(indptr) > 0)
    if len(filled):
        sums[filled] = np.add.reduceat(values, indptr[:-1][filled])
    return sums


def median_fixing(
    times: csr_array,
    weights: NDArray[np.float64],
    exit_s: NDArray[np.float64],
    p: int,
    incumbent: float,
) -> Fixing:
    """p-median over free sites (rows of ``times``, s; pairs not stored cost at least
    ``exit_s``, what each point pays with no free site: its fixed site or the cap).

    L(λ) = Σ_j λ_j + Σ_j min(0, w_j E_j − λ_j) + Σ_{i ∈ S} ρ_i,
    ρ_i = Σ_j min(0, w_j t_ij − λ_j), S the p lowest ρ (a lower bound for any λ ≤ w E).
    """
    n, indptr, indices = times.shape[0], times.indptr, times.indices
    cost = weights[indices] * times.data
    exit_cost = weights * exit_s
    # start from the bound of every site open: each point at its nearest site
    nearest = np.full(len(weights), np.inf)
    np.minimum.at(nearest, indices, cost)
    lam = np.minimum(nearest, exit_cost)
    reduced = np.empty_like(cost)
    best, best_lam, step, stale = -np.inf, lam.copy(), 2.0, 0
    for _ in range(_ITERATIONS):
        np.subtract(cost, lam[indices], out=reduced)
        np.minimum(reduced, 0.0, out=reduced)
        rho = _row_sums(reduced, indptr)
        chosen = _top(rho, p, largest=False)
        value = float(lam.sum() + np.minimum(exit_cost - lam, 0.0).sum() + rho[chosen].sum())
        if not np.isfinite(best) or value > best + 1e-12 * max(1.0, abs(best)):
            best, best_lam, stale = value, lam.copy(), 0
        else:
            stale += 1
            if stale >= _PATIENCE:
                step, stale = step / 2, 0
        served = (exit_cost < lam).astype(float)
        for site in chosen:  # p rows only
            row = slice(indptr[site], indptr[site + 1])
            served[indices[row][reduced[row] < 0]] += 1.0
        gradient = 1.0 - served
        norm = float(gradient @ gradient)
        if norm == 0 or step < 1e-4 or incumbent - best <= 1e-9 * max(1.0, abs(incumbent)):
            break
        lam = np.minimum(
            np.maximum(lam + step * (incumbent - value) / norm * gradient, 0.0), exit_cost
        )
    np.minimum(cost - best_lam[indices], 0.0, out=reduced)
    rho = _row_sums(reduced, indptr)
    chosen = _top(rho, p, largest=False)
    base = float(best_lam.sum() + np.minimum(exit_cost - best_lam, 0.0).sum() + rho[chosen].sum())
    order = np.sort(rho)
    last_in, first_out = order[p - 1] if p else 0.0, order[p] if p < n else np.inf
    # forcing i open swaps it for the worst chosen; forcing a chosen one shut, for the next
    in_s = np.zeros(n, dtype=bool)
    in_s[chosen] = True
    flipped = np.where(in_s, base - rho + first_out, base + rho - last_in)
    closed, opened = _fix(flipped, incumbent, better_is_lower=True, n=n, chosen=chosen)
    return Fixing(base, closed, opened)


def covering_fixing(
    pattern: csr_array,
    weights: NDArray[np.float64],
    p: int,
    incumbent: float,
    primary: float = 1.0,
    fixed_count: NDArray[np.int64] | None = None,
) -> Fixing:
    """MCLP (``primary`` θ = 1) or backup coverage (θ < 1) over free sites (rows of
    ``pattern``) and the demand still to cover (``fixed_count``: fixed sites covering
    each point already, 0 or 1).

    L(λ) = Σ_j [max(0, θ w_j − λ_j, w_j − 2 λ_j) + λ_j c_j] + Σ_{i ∈ S} ρ_i,
    ρ_i = Σ_{j ∈ N_i} λ_j, S the p highest ρ, 0 ≤ λ ≤ w (an upper bound for any λ).
    """
    n, indptr, indices = pattern.shape[0], pattern.indptr, pattern.indices
    count = np.zeros(len(weights)) if fixed_count is None else fixed_count.astype(float)

    def relaxed(lam: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        once, twice = primary * weights - lam, weights - 2.0 * lam
        best_each = np.maximum(np.maximum(once, twice), 0.0)
        taken = np.where(best_each <= 0, 0.0, np.where(twice >= once, 2.0, 1.0))
        return float(best_each.sum() + lam @ count), taken

    lam = weights * 0.5
    best, best_lam, step, stale = np.inf, lam.copy(), 2.0, 0
    for _ in range(_ITERATIONS):
        rho = _row_sums(lam[indices], indptr)
        chosen = _top(rho, p, largest=True)
        inner, taken = relaxed(lam)
        value = inner + float(rho[chosen].sum())
        if not np.isfinite(best) or value < best - 1e-12 * max(1.0, abs(best)):
            best, best_lam, stale = value, lam.copy(), 0
        else:
            stale += 1
            if stale >= _PATIENCE:
                step, stale = step / 2, 0
        covered = count.copy()
        for site in chosen:
            covered[indices[indptr[site] : indptr[site + 1]]] += 1.0
        gradient = covered - taken  # ∂L/∂λ: L falls by raising λ where over-covered
        norm = float(gradient @ gradient)
        if norm == 0 or step < 1e-4 or best - incumbent <= 1e-9 * max(1.0, abs(incumbent)):
            break
        lam = np.clip(lam - step * (value - incumbent) / norm * gradient, 0.0, weights)
    rho = _row_sums(best_lam[indices], indptr)
    chosen = _top(rho, p, largest=True)
    base = relaxed(best_lam)[0] + float(rho[chosen].sum())
    order = np.sort(rho)[::-1]
    last_in, first_out = order[p - 1] if p else 0.0, order[p] if p < n else -np.inf
    in_s = np.zeros(n, dtype=bool)
    in_s[chosen] = True
    flipped = np.where(in_s, base - rho + first_out, base + rho - last_in)
    closed, opened = _fix(flipped, incumbent, better_is_lower=False, n=n, chosen=chosen)
    return Fixing(base, closed, opened)
