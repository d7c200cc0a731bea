"""What-if without a solver: add, remove or move one posko and see what changes at once.

The matrix rows are the precomputation: every candidate's drive times to every demand
point are already there, so a change costs one pass over the open sites' rows (a few
thousand entries each), milliseconds on a 100,000-edge city. A posko dragged to a road
node that is not a candidate costs one bounded Dijkstra from that node
(:func:`geodata.planning.matrix.travel_row`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_array, vstack

from geodata.planning.errors import PlanningInputError
from geodata.planning.results import Figures, figures, replay

__all__ = ["WhatIf", "WhatIfChange"]


@dataclass(frozen=True)
class WhatIfChange:
    """Before and after one change: the figures and the replay of past incidents.

    covered_weight_change: demand weight newly within the budget (negative: lost);
    incidents_change: incidents newly reached.
    """

    sites_before: tuple[int, ...]
    sites_after: tuple[int, ...]
    before: Figures
    after: Figures
    replay: pd.DataFrame
    covered_weight_change: float
    incidents_change: int


@dataclass
class WhatIf:
    """A plan being edited: the matrix rows of every site (sites × demand nodes), how
    demand points map to those nodes (``point_column``, −1: off the network), the demand
    frame, the budget, the open sites, and the road node of each column."""

    rows: csr_array
    point_column: NDArray[np.intp]
    demand: pd.DataFrame
    budget_s: float
    open_sites: list[int]
    #: The road node id of each matrix column (to add a site at any node by Dijkstra).
    node_ids: NDArray[np.int64] | None = None

    def point_times(self, sites: ArrayLike) -> NDArray[np.float64]:
        """Per demand point, the drive time from the nearest of ``sites`` (s; inf: none)."""
        chosen = np.unique(np.asarray(sites, dtype=np.intp))
        best = np.full(self.rows.shape[1], np.inf)
        if len(chosen):
            sub = self.rows[chosen]
            np.minimum.at(best, sub.indices, sub.data)
        out = np.full(len(self.point_column), np.inf)
        on = self.point_column >= 0
        out[on] = best[self.point_column[on]]
        return out

    def _check(self, site: int) -> int:
        if not 0 <= site < self.rows.shape[0]:
            raise PlanningInputError("site", f"no site {site} (there are {self.rows.shape[0]})")
        return int(site)

    def add_site(self, row: csr_array) -> int:
        """Make a new site from a matrix row (1 × demand nodes); returns its index."""
        self.rows = csr_array(vstack([self.rows, row], format="csr"))
        return self.rows.shape[0] - 1

    def change(self, *, add: int | None = None, remove: int | None = None) -> WhatIfChange:
        """The effect of opening ``add`` and/or closing ``remove`` (a move is both); the
        plan is not changed (call :meth:`apply` to keep it)."""
        before = list(self.open_sites)
        after = [s for s in before if s != (None if remove is None else self._check(remove))]
        if remove is not None and remove not in before:
            raise PlanningInputError("site", f"site {remove} is not open")
        if add is not None and self._check(add) not in after:
            after.append(add)
        return self._compare(before, after)

    def _compare(self, before: list[int], after: list[int]) -> WhatIfChange:
        t0, t1 = self.point_times(before), self.point_times(after)
        weight = self.demand["weight"].to_numpy(dtype=float)
        incident = (self.demand["kind"] == "incident").to_numpy()
        within0, within1 = t0 <= self.budget_s, t1 <= self.budget_s
        return WhatIfChange(
            tuple(sorted(before)),
            tuple(sorted(after)),
            figures(self.demand, t0, self.budget_s),
            figures(self.demand, t1, self.budget_s),
            replay(self.demand, t0, t1, self.budget_s),
            float(weight @ within1 - weight @ within0),
            int((within1 & incident).sum() - (within0 & incident).sum()),
        )

    def apply(self, change: WhatIfChange) -> None:
        """Keep a change: its sites become the open ones."""
        self.open_sites = list(change.sites_after)
