"""The planner page's form: its control ids and the request their values make (not a
page module, so that it can be imported and tested without an app)."""

from __future__ import annotations

from typing import Any

from geodata.planning.errors import PlanningInputError
from geodata.planning.request import PlanRequest
from geodata.responders import responding_kinds
from geodata.vocabulary import IncidentCategory

__all__ = ["CONTROLS", "plan_request"]

CONTROLS = (
    "pl-agency",
    "pl-model",
    "pl-k",
    "pl-share",
    "pl-target",
    "pl-allowance",
    "pl-existing",
    "pl-demand",
    "pl-incident-share",
    "pl-candidates",
    "pl-grid",
    "pl-time-limit",
)
#: The property each control's value is read from.
_VALUES = {"pl-demand": "value", "pl-candidates": "value"}


def _number(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


def _share(value: Any, default_percent: float) -> float:
    """A percentage field as a share 0…1 (empty: the default; 0 stays 0)."""
    number = _number(value)
    return (default_percent if number is None else number) / 100.0


def plan_request(values: dict[str, Any], agencies: dict[str, tuple[str, ...]]) -> PlanRequest:
    """The request of the page's control values; refused with the field at fault."""
    kind = values["pl-agency"]
    demand = set(values["pl-demand"] or ())
    categories = (
        {c.value: 1.0 for c in IncidentCategory if kind in responding_kinds(c.value, agencies)}
        if "incidents" in demand
        else {}
    )
    k = values["pl-k"]
    if k in (None, "") or float(k) != int(float(k)):
        raise PlanningInputError("k", "a whole number of new posko")
    grid = _number(values["pl-grid"])
    return PlanRequest(
        agency_kind=kind,
        model=values["pl-model"],
        k=int(float(k)),
        share=_share(values["pl-share"], 100.0),
        target_min=_number(values["pl-target"]),
        allowance_min=_number(values["pl-allowance"]),
        existing=values["pl-existing"],
        category_weights=categories,
        population="population" in demand,
        incident_share=_share(values["pl-incident-share"], 50.0),
        kelurahan_candidates="kelurahan" in set(values["pl-candidates"] or ()),
        grid_spacing_m=grid,
        time_limit_s=_number(values["pl-time-limit"]) or 30.0,
    )
