"""The planner page's controls become a request, and bad values name their field."""

from __future__ import annotations

import pytest

from dashboard.planning_form import CONTROLS, plan_request
from geodata.planning.errors import PlanningInputError
from geodata.responders import DEFAULT_RESPONSE_AGENCIES

VALUES = {
    "pl-agency": "fire",
    "pl-model": "backup",
    "pl-k": 3,
    "pl-share": None,
    "pl-target": 12,
    "pl-allowance": None,
    "pl-existing": "close",
    "pl-demand": ["incidents"],
    "pl-incident-share": 0,
    "pl-candidates": [],
    "pl-grid": 500,
    "pl-time-limit": 20,
    "pl-categories": [],
    "pl-spread": "road_length",
    "pl-points": [{"name": "Lahan Pemda", "lon": 105.3, "lat": -5.12}, "not a point"],
}


def test_controls_become_the_request() -> None:
    assert set(VALUES) == set(CONTROLS)
    plan = plan_request(VALUES, DEFAULT_RESPONSE_AGENCIES)
    assert (plan.model, plan.k, plan.target_min, plan.allowance_min) == ("backup", 3, 12.0, None)
    assert plan.existing == "close" and plan.population is False
    assert plan.incident_share == 0.0 and plan.share == 1.0 and plan.grid_spacing_m == 500.0
    # the categories Damkar answers, by the one responder rule
    answered = {c for c, kinds in DEFAULT_RESPONSE_AGENCIES.items() if "fire" in kinds}
    assert set(plan.category_weights) == answered and "fire" in answered
    assert plan.kelurahan_candidates is False
    assert plan.population_method == "road_length"
    assert plan.points == ({"name": "Lahan Pemda", "lon": 105.3, "lat": -5.12},)


def test_chosen_categories_replace_the_agencys_own() -> None:
    plan = plan_request({**VALUES, "pl-categories": ["fire", "no such"]}, DEFAULT_RESPONSE_AGENCIES)
    assert set(plan.category_weights) == {"fire"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pl-k": 2.5}, "k"),
        ({"pl-k": None}, "k"),
        ({"pl-target": 0}, "target_min"),
        ({"pl-grid": 5}, "grid_spacing_m"),
        ({"pl-spread": "by magic"}, "population_method"),
        ({"pl-points": [{"name": "Laut", "lon": 200, "lat": -5.1}]}, "points"),
    ],
)
def test_a_bad_value_names_its_field(change: dict, field: str) -> None:
    with pytest.raises(PlanningInputError) as refused:
        plan_request({**VALUES, **change}, DEFAULT_RESPONSE_AGENCIES)
    assert refused.value.field == field
