"""The planner: where new posko go, by coverage and drive time (issue 11).

Plain objects in the style of spopt, usable without the app: candidate sites and demand
snapped to the road network (:mod:`.candidates`, :mod:`.demand`), the sparse travel-time
matrix (:mod:`.matrix`), the models (:mod:`.coverage_models`, :mod:`.p_median`, :mod:`.p_center`)
solved with HiGHS (:mod:`.solver`) or greedily (:mod:`.greedy`), their results
(:mod:`.results`) and one-click what-ifs (:mod:`.whatif`); scenarios and solve jobs kept
in PostgreSQL (:mod:`.scenarios`, :mod:`.jobs`).
"""

from geodata.planning.coverage_models import LSCP, MCLP, BackupCoverage
from geodata.planning.instance import Instance
from geodata.planning.p_center import PCenter
from geodata.planning.p_median import PMedian
from geodata.planning.solution import Solution
from geodata.planning.solver import HighsSolver, SolveStatus

__all__ = [
    "LSCP",
    "MCLP",
    "BackupCoverage",
    "HighsSolver",
    "Instance",
    "PCenter",
    "PMedian",
    "Solution",
    "SolveStatus",
]
