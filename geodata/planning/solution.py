"""What a planning model returns: the open sites, the objective, and how sure it is."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from geodata.planning.solver import SolveStatus

__all__ = ["Solution"]


@dataclass(frozen=True)
class Solution:
    """A set of open sites and its objective.

    model: "mclp", "lscp", "backup", "p_median", "p_center"; method: "highs" or
    "greedy"; sites: every open site (fixed and chosen), sorted indices into the
    instance's sites; chosen: the newly chosen ones; objective: the model's objective
    of these sites (its unit in the model's docstring); bound: the best proven bound
    (None for greedy); gap: relative optimality gap (0 when proven optimal, None for
    greedy); exact: proven optimal for the full problem; build_s, solve_s: seconds;
    notes: what the user should know (e.g. a truncation that could not be certified).
    """

    model: str
    method: str
    status: SolveStatus
    sites: NDArray[np.intp]
    chosen: NDArray[np.intp]
    objective: float
    bound: float | None = None
    gap: float | None = None
    build_s: float = 0.0
    solve_s: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def exact(self) -> bool:
        return self.status == SolveStatus.OPTIMAL

    def summary(self) -> dict[str, object]:
        """The figures as plain values (JSON-ready)."""
        return {
            "model": self.model,
            "method": self.method,
            "status": self.status.value,
            "sites": [int(s) for s in self.sites],
            "chosen": [int(s) for s in self.chosen],
            "objective": _plain(self.objective),
            "bound": _plain(self.bound),
            "gap": _plain(self.gap),
            "build_s": self.build_s,
            "solve_s": self.solve_s,
            "notes": list(self.notes),
        }


def _plain(value: float | None) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return float(value)
