"""The operational vocabulary of an Indonesian 112 center: categories, agencies, lifecycles.

Every code here is stored as plain text in the database (with a CHECK constraint), so
the values are the contract between the importers, the API and the map layers. Display
labels in Bahasa Indonesia and English live in :mod:`layers.vocabulary`.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "EMERGENCY_CATEGORIES",
    "NON_EMERGENCY_CATEGORIES",
    "AgencyKind",
    "IncidentCategory",
    "IncidentStatus",
    "RoadClass",
    "UnitStatus",
    "UserRole",
    "VehicleProfile",
]


class IncidentCategory(StrEnum):
    """What a call turned out to be, as 112 centers record it."""

    HEALTH = "health"
    FIRE = "fire"
    TRAFFIC_ACCIDENT = "traffic_accident"
    CRIME = "crime"
    FLOOD = "flood"
    LANDSLIDE = "landslide"
    EARTHQUAKE = "earthquake"
    SEARCH_RESCUE = "search_rescue"
    ANIMAL_RESCUE = "animal_rescue"
    OTHER_RESCUE = "other_rescue"
    INFORMATION = "information"
    COMPLAINT = "complaint"
    PRANK = "prank"
    GHOST = "ghost"
    DROPPED = "dropped"


#: Categories that normally lead to a dispatch.
EMERGENCY_CATEGORIES: frozenset[IncidentCategory] = frozenset(
    {
        IncidentCategory.HEALTH,
        IncidentCategory.FIRE,
        IncidentCategory.TRAFFIC_ACCIDENT,
        IncidentCategory.CRIME,
        IncidentCategory.FLOOD,
        IncidentCategory.LANDSLIDE,
        IncidentCategory.EARTHQUAKE,
        IncidentCategory.SEARCH_RESCUE,
        IncidentCategory.ANIMAL_RESCUE,
        IncidentCategory.OTHER_RESCUE,
    }
)

#: Calls closed by the call taker without sending anyone.
NON_EMERGENCY_CATEGORIES: frozenset[IncidentCategory] = (
    frozenset(IncidentCategory) - EMERGENCY_CATEGORIES
)


class AgencyKind(StrEnum):
    """The kind of OPD (agency) a 112 call taker forwards to."""

    AMBULANCE = "ambulance"  # PSC 119, Dinas Kesehatan, RSUD
    FIRE = "fire"  # Damkar
    POLICE = "police"  # Polres / Polsek
    DISASTER = "disaster"  # BPBD
    SAR = "sar"  # Basarnas
    TRANSPORT = "transport"  # Dishub
    OTHER = "other"


class UnitStatus(StrEnum):
    """Where a unit is in its duty cycle; transitions are in :mod:`geodata.operations.lifecycle`."""

    AVAILABLE = "available"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    TRANSPORTING = "transporting"
    OUT_OF_SERVICE = "out_of_service"


class IncidentStatus(StrEnum):
    """Where an incident is in its lifecycle; each step has its own timestamp column."""

    RECEIVED = "received"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    CLEARED = "cleared"


class VehicleProfile(StrEnum):
    """A way of moving on the road network, each with its own speed per road class."""

    AMBULANCE = "ambulance"
    FIRE_ENGINE = "fire_engine"
    MOTORBIKE = "motorbike"
    CAR = "car"


class UserRole(StrEnum):
    """What a signed-in person may do; the pages and callbacks each role reaches are in
    :mod:`dashboard.access.policy`."""

    WALL = "wall"  # the kiosk screen: /wall only, read-only, never caller data
    CALL_TAKER = "call_taker"  # takes calls, enters incidents, sees the live picture
    SUPERVISOR = "supervisor"  # dispatches units
    PLANNER = "planner"  # plans posko, saves scenarios
    ANALYST = "analyst"  # reads analytics and exports
    ADMIN = "admin"  # users, cities, tokens, units


class RoadClass(StrEnum):
    """Functional road hierarchy used for travel speeds (fungsi jalan)."""

    ARTERIAL = "arterial"
    COLLECTOR = "collector"
    LOCAL = "local"
    RESIDENTIAL = "residential"
    SERVICE = "service"
