"""What every planning model is built on: sites, demand, and the drive times between them.

An :class:`Instance` holds the sparse travel-time matrix (sites × demand points, seconds,
only pairs within ``bound_s`` stored; a stored 0 is a real 0: a site on the demand's own
road node), the demand weights, and which sites are fixed open (existing posko kept).
Models read it; nothing here solves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_array, issparse

from geodata.planning.errors import (
    NoCandidatesError,
    NoDemandWeightError,
    PlanningInputError,
    TooManySitesError,
)

__all__ = ["Instance", "check_count"]


@dataclass(frozen=True)
class Instance:
    """Sites × demand drive times (s) with the demand weights and the fixed sites.

    travel_s: CSR, entry (i, j) the drive time from site i to demand j, stored only when
    ≤ bound_s (explicit zeros kept); weights: per demand point, ≥ 0; fixed: per site,
    True when the site is open whatever the model decides.
    """

    travel_s: csr_array
    weights: NDArray[np.float64]
    fixed: NDArray[np.bool_]
    bound_s: float

    @classmethod
    def from_cost_matrix(
        cls,
        cost: ArrayLike,
        weights: ArrayLike,
        *,
        fixed: ArrayLike | None = None,
        bound_s: float | None = None,
    ) -> Instance:
        """From a dense matrix (inf or NaN: unreachable) or a sparse one (missing:
        beyond ``bound_s``). ``bound_s`` defaults to infinity: every pair is known."""
        if issparse(cost):
            matrix = csr_array(cost)
            matrix.sort_indices()
            bound = float("inf") if bound_s is None else float(bound_s)
        else:
            dense = np.asarray(cost, dtype=float)
            if dense.ndim != 2:
                raise PlanningInputError("cost", "must be a 2-D matrix of sites × demand")
            finite = np.isfinite(dense)
            if bound_s is not None:
                finite &= dense <= bound_s
            rows, cols = np.nonzero(finite)
            bound = float("inf") if bound_s is None else float(bound_s)
            matrix = csr_array((dense[rows, cols], (rows, cols)), shape=dense.shape)
        n_sites, n_demand = matrix.shape
        if (matrix.data < 0).any() or not np.isfinite(matrix.data).all():
            raise PlanningInputError("cost", "travel times must be finite and ≥ 0 seconds")
        w = np.asarray(weights, dtype=float).ravel()
        if len(w) != n_demand:
            raise PlanningInputError("weights", f"{len(w)} weights for {n_demand} demand points")
        if not np.isfinite(w).all() or (w < 0).any():
            raise PlanningInputError("weights", "weights must be finite and ≥ 0")
        fixed_mask = (
            np.zeros(n_sites, dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool)
        )
        if len(fixed_mask) != n_sites:
            raise PlanningInputError("fixed", f"{len(fixed_mask)} flags for {n_sites} sites")
        instance = cls(matrix, w, fixed_mask, bound)
        instance.check()
        return instance

    @property
    def n_sites(self) -> int:
        return int(self.travel_s.shape[0])

    @property
    def n_demand(self) -> int:
        return int(self.travel_s.shape[1])

    @property
    def free(self) -> NDArray[np.intp]:
        """Indices of the sites a model may choose (not fixed)."""
        return np.flatnonzero(~self.fixed)

    @property
    def cap_s(self) -> float:
        """The time a demand point counts at when no open site reaches it (p-median,
        p-center): the matrix bound, or the longest stored time when the bound is
        infinite (every pair known, the rest unreachable)."""
        if np.isfinite(self.bound_s):
            return float(self.bound_s)
        return float(self.travel_s.data.max(initial=0.0))

    def check(self) -> None:
        """Refuse an instance no model can use: no site, no demand weight."""
        if self.n_sites == 0:
            raise NoCandidatesError("candidates", "there are no candidate sites")
        if self.n_demand == 0 or not (self.weights > 0).any():
            raise NoDemandWeightError(
                "demand", "the demand has no positive weight (no incidents or population chosen)"
            )

    def within(self, budget_s: float) -> csr_array:
        """The covering pattern: 1.0 where site i reaches demand j within ``budget_s``."""
        if budget_s > self.bound_s:
            raise PlanningInputError(
                "target_min",
                f"the target ({budget_s / 60:.1f} min) is beyond the matrix bound "
                f"({self.bound_s / 60:.1f} min): rebuild the matrix with a larger bound",
            )
        m = self.travel_s
        keep = m.data <= budget_s
        row_of = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        return csr_array((np.ones(int(keep.sum())), (row_of[keep], m.indices[keep])), shape=m.shape)

    def best_times(self, open_sites: ArrayLike) -> NDArray[np.float64]:
        """Per demand point, the drive time from the nearest open site (inf: none within
        the bound). One pass over the open rows."""
        rows = np.unique(np.asarray(open_sites, dtype=np.intp))
        best = np.full(self.n_demand, np.inf)
        if len(rows):
            sub = self.travel_s[rows]
            np.minimum.at(best, sub.indices, sub.data)
        return best

    def cover_counts(self, open_sites: ArrayLike, budget_s: float) -> NDArray[np.int64]:
        """Per demand point, how many open sites reach it within ``budget_s``."""
        rows = np.unique(np.asarray(open_sites, dtype=np.intp))
        counts = np.zeros(self.n_demand, dtype=np.int64)
        if len(rows):
            sub = self.travel_s[rows]
            np.add.at(counts, sub.indices[sub.data <= budget_s], 1)
        return counts


def check_count(p: int, instance: Instance, field: str = "k") -> int:
    """``p`` as an int, refused when negative or more than the free sites."""
    if int(p) != p or p < 0:
        raise PlanningInputError(field, f"must be a whole number ≥ 0, not {p}")
    free = len(instance.free)
    if p > free:
        raise TooManySitesError(
            field, f"{int(p)} sites asked for, but there are only {free} candidates to choose"
        )
    return int(p)
