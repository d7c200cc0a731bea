"""Fixtures of the planner's tests."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.geodata.planning.city import PlanningCity, build_planning_city


@pytest.fixture
def planning_city(engine: Engine) -> PlanningCity:
    """A grid city with two kelurahan, one Damkar posko in a corner and 40 incidents."""
    return build_planning_city(engine)
