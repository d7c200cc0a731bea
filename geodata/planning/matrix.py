"""The travel-time matrix of the planner: from every site to every demand point, sparse.

Built on the shared road graph (:class:`geodata.routing.road_graph.RoadGraph`) with
SciPy's Dijkstra from a block of sites at a time, each search stopped at ``bound_s``
(``limit``): pairs beyond the bound are never computed, and not stored. The direction is
the one a unit drives: from the site's road node to the demand's (one-way streets count).
The covering models need pairs up to the travel budget only; the p-median and p-center
use a larger bound (their times are capped there).

Performance contract: one Dijkstra per distinct site node (a block of ``block`` sites per
call), dense only for one block × the demand columns; no Python loop over pairs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_array, vstack
from scipy.sparse.csgraph import dijkstra

from geodata.planning.errors import PlanningInputError
from geodata.routing.road_graph import RoadGraph

__all__ = ["TravelMatrix", "travel_matrix", "travel_row"]


@dataclass(frozen=True)
class TravelMatrix:
    """Drive times (s) from sites to demand points, pairs within ``bound_s`` only.

    site_pos / demand_pos: row numbers of their road nodes in the graph; travel_s: CSR
    sites × demand, explicit zeros kept (a site on the demand's node); build_s: seconds
    the searches took.
    """

    profile: str
    bound_s: float
    site_pos: NDArray[np.intp]
    demand_pos: NDArray[np.intp]
    travel_s: csr_array
    build_s: float

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.site_pos), len(self.demand_pos))


def travel_row(
    graph: RoadGraph, site_pos: int, demand_pos: NDArray[np.intp], bound_s: float
) -> csr_array:
    """One site's row (1 × demand), for a site that is not in a matrix (a dragged posko)."""
    return _rows(graph, np.array([site_pos]), np.asarray(demand_pos), bound_s)


def _rows(
    graph: RoadGraph, sources: NDArray[np.intp], demand_pos: NDArray[np.intp], bound_s: float
) -> csr_array:
    times = dijkstra(graph.arcs, directed=True, indices=sources, limit=bound_s)
    block = np.atleast_2d(times)[:, demand_pos]
    rows, cols = np.nonzero(np.isfinite(block) & (block <= bound_s))
    return csr_array((block[rows, cols], (rows, cols)), shape=block.shape)


def travel_matrix(
    graph: RoadGraph,
    site_pos: ArrayLike,
    demand_pos: ArrayLike,
    bound_s: float,
    *,
    block: int = 32,
) -> TravelMatrix:
    """Drive times from each site to each demand point within ``bound_s`` seconds.

    Parameters: site_pos, demand_pos: row numbers of the road nodes in ``graph`` (as
    :meth:`RoadGraph.positions` gives); bound_s: where every search stops (finite);
    block: sites per Dijkstra call (memory: block × nodes × 8 bytes).
    """
    if not np.isfinite(bound_s) or bound_s <= 0:
        raise PlanningInputError("bound_s", "the matrix bound must be a positive number of s")
    began = time.perf_counter()
    sites = np.asarray(site_pos, dtype=np.intp)
    demand = np.asarray(demand_pos, dtype=np.intp)
    unique, inverse = np.unique(sites, return_inverse=True)
    blocks = [
        _rows(graph, unique[start : start + block], demand, bound_s)
        for start in range(0, len(unique), block)
    ]
    if blocks:
        matrix = csr_array(vstack(blocks, format="csr"))[inverse]
    else:
        matrix = csr_array((0, len(demand)))
    matrix = csr_array(matrix)
    matrix.sort_indices()
    return TravelMatrix(
        graph.profile, float(bound_s), sites, demand, matrix, time.perf_counter() - began
    )
