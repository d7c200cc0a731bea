"""Which agencies respond to which incident category (configurable, sensible defaults)."""

from __future__ import annotations

from collections.abc import Mapping

from geodata.vocabulary import EMERGENCY_CATEGORIES, AgencyKind, IncidentCategory, VehicleProfile

__all__ = [
    "DEFAULT_RESPONSE_AGENCIES",
    "TYPICAL_PROFILE",
    "responding_kinds",
    "validate_response_agencies",
]

C, A = IncidentCategory, AgencyKind

#: Defaults as Indonesian 112 centers forward calls: Damkar also handles animal and other
#: rescues (snakes, bees, trapped people); traffic accidents get an ambulance and police.
DEFAULT_RESPONSE_AGENCIES: Mapping[str, tuple[str, ...]] = {
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


#: The vehicle an agency usually sends, for travel times from a posko (which has no unit).
TYPICAL_PROFILE: Mapping[str, str] = {
    A.AMBULANCE: VehicleProfile.AMBULANCE,
    A.FIRE: VehicleProfile.FIRE_ENGINE,
    A.POLICE: VehicleProfile.CAR,
    A.DISASTER: VehicleProfile.CAR,
    A.SAR: VehicleProfile.CAR,
    A.TRANSPORT: VehicleProfile.CAR,
    A.OTHER: VehicleProfile.CAR,
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


def responding_kinds(category: str, mapping: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Agency kinds that respond to ``category``; empty for calls that need no one."""
    return tuple(mapping.get(category, ()))
