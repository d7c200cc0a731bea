"""Our models against spopt's on spopt's own published instance (San Francisco: 205
census tracts, 16 candidate stores, network distances in metres; spopt's
``tests/test_locate`` data, read from the installed spopt package, not copied here),
both solved with HiGHS, where the models coincide: MCLP, LSCP, p-median, p-center. Also a
preselected (fixed) site, as spopt's ``predefined_facilities_arr``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geodata.planning import LSCP, MCLP, PCenter, PMedian, SolveStatus

spopt = pytest.importorskip("spopt")
pulp = pytest.importorskip("pulp")
from spopt import locate  # noqa: E402

# spopt builds its models with PuLP calls that PuLP 3.3 announces it will drop
pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated.*:DeprecationWarning")
DATA = Path(spopt.__file__).parent / "tests" / "test_locate" / "data"
SERVICE_M, P = 5000.0, 4


@pytest.fixture(scope="module")
def san_francisco() -> tuple[np.ndarray, np.ndarray]:
    """spopt's cost matrix (clients × facilities, as its tests build it) and weights."""
    distances = DATA / "SF_network_distance_candidateStore_16_censusTract_205_new.csv"
    if not distances.exists():
        pytest.skip("spopt's test data is not installed")
    frame = pd.read_csv(distances)
    pivot = frame.pivot_table(values="distance", index="DestinationName", columns="name")
    demand = pd.read_csv(DATA / "SF_demand_205_centroid_uniform_weight.csv", dtype={"NAME": str})
    weights = demand.sort_values("NAME")["POP2000"].to_numpy(dtype=float)
    assert pivot.shape == (205, 16)
    return pivot.to_numpy(), weights


def highs() -> object:
    return pulp.HiGHS(msg=False)


def test_mclp_equals_spopt(san_francisco) -> None:
    cost, weights = san_francisco
    theirs = locate.MCLP.from_cost_matrix(cost, weights, SERVICE_M, P).solve(highs())
    ours = MCLP.from_cost_matrix(cost.T, weights, budget_s=SERVICE_M, p=P).solve()
    assert ours.status == SolveStatus.OPTIMAL
    assert ours.objective == pytest.approx(pulp.value(theirs.problem.objective))


def test_mclp_with_a_preselected_site_equals_spopt(san_francisco) -> None:
    cost, weights = san_francisco
    preselected = np.zeros(16, dtype=int)
    preselected[3] = 1
    theirs = locate.MCLP.from_cost_matrix(
        cost, weights, SERVICE_M, P, predefined_facilities_arr=preselected
    ).solve(highs())
    # spopt counts the preselected site within its p; ours adds p to the fixed ones
    ours = MCLP.from_cost_matrix(
        cost.T, weights, budget_s=SERVICE_M, p=P - 1, fixed=preselected.astype(bool)
    ).solve()
    assert ours.objective == pytest.approx(pulp.value(theirs.problem.objective))
    assert 3 in ours.sites


def test_lscp_equals_spopt(san_francisco) -> None:
    cost, weights = san_francisco
    radius = 8000.0  # spopt's LSCP test radius: every tract coverable
    theirs = locate.LSCP.from_cost_matrix(cost, radius).solve(highs())
    ours = LSCP.from_cost_matrix(cost.T, np.ones(len(weights)), budget_s=radius).solve()
    assert ours.objective == pytest.approx(pulp.value(theirs.problem.objective))


def test_p_median_equals_spopt(san_francisco) -> None:
    cost, weights = san_francisco
    theirs = locate.PMedian.from_cost_matrix(cost, weights, P).solve(highs())
    model = PMedian.from_cost_matrix(cost.T, weights, p=P, k_nearest=2)
    ours = model.solve()
    assert ours.status == SolveStatus.OPTIMAL
    assert ours.objective == pytest.approx(pulp.value(theirs.problem.objective), rel=1e-9)


def test_p_center_equals_spopt(san_francisco) -> None:
    cost, weights = san_francisco
    theirs = locate.PCenter.from_cost_matrix(cost, P).solve(highs())
    ours = PCenter.from_cost_matrix(cost.T, np.ones(len(weights)), p=P).solve()
    assert ours.objective == pytest.approx(pulp.value(theirs.problem.objective), rel=1e-9)
