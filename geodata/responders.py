"""Which agencies respond to which incident category: the one rule, configurable.

``Settings.response_agencies`` (``TANGGAP_RESPONSE_AGENCIES``) holds the mapping and every
reader takes it as a parameter: dispatch recommendations, the live queue and the wall (an
incident no unit is on yet is listed under its responding agencies), the simulator and the
demo generator. Nothing else defines it.
"""

from __future__ import annotations

from collections.abc import Mapping

from geodata.vocabulary import EMERGENCY_CATEGORIES, AgencyKind, IncidentCategory

__all__ = [
    "DEFAULT_RESPONSE_AGENCIES",
    "ResponseAgencies",
    "primary_kind",
    "responding_kinds",
    "validate_response_agencies",
]

#: Incident category → the agency kinds that respond, first the one a call goes to first.
ResponseAgencies = Mapping[str, tuple[str, ...]]

C, A = IncidentCategory, AgencyKind

#: Defaults as Indonesian 112 centers forward calls: Damkar also handles animal and other
#: rescues (snakes, bees, trapped people); traffic accidents get an ambulance and police.
DEFAULT_RESPONSE_AGENCIES: ResponseAgencies = {
    C.HEALTH: (A.AMBULANCE,),
    C.FIRE: (A.FIRE,),
    C.TRAFFIC_ACCIDENT: (A.AMBULANCE, A.POLICE),
    C.CRIME: (A.POLICE,),
    C.FLOOD: (A.DISASTER, A.SAR),
    C.LANDSLIDE: (A.DISASTER, A.SAR),
    C.EARTHQUAKE: (A.DISASTER, A.SAR, A.AMBULANCE),
    C.SEARCH_RESCUE: (A.SAR, A.FIRE),
    C.ANIMAL_RESCUE: (A.FIRE,),
    C.OTHER_RESCUE: (A.FIRE, A.SAR),
}


def validate_response_agencies(mapping: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
    """Check a configured mapping (category → agency kinds); raise ValueError naming the fault."""
    categories = {category.value for category in IncidentCategory}
    kinds = {kind.value for kind in AgencyKind}
    checked: dict[str, tuple[str, ...]] = {}
    for category, agencies in mapping.items():
        if category not in categories:
            raise ValueError(f"unknown category '{category}' in the response mapping")
        if not isinstance(agencies, list | tuple) or not agencies:
            raise ValueError(f"category '{category}' needs a non-empty list of agency kinds")
        unknown = [kind for kind in agencies if kind not in kinds]
        if unknown:
            raise ValueError(
                f"unknown agency kinds {unknown} for '{category}'; known: {sorted(kinds)}"
            )
        checked[str(category)] = tuple(str(kind) for kind in agencies)
    missing = {c.value for c in EMERGENCY_CATEGORIES} - set(checked)
    if missing:
        raise ValueError(f"emergency categories without responding agencies: {sorted(missing)}")
    return checked


def responding_kinds(category: str, mapping: ResponseAgencies) -> tuple[str, ...]:
    """Agency kinds that respond to ``category``; empty for calls that need no one."""
    return tuple(mapping.get(category, ()))


def primary_kind(category: str, mapping: ResponseAgencies) -> str | None:
    """The agency kind a call of ``category`` goes to first; None for calls that need no one."""
    kinds = responding_kinds(category, mapping)
    return kinds[0] if kinds else None
