"""The operational schema: cities, areas, agencies, posko, units, incidents, dispatches, roads.

Geometry is stored in EPSG:4326 with a GiST index on every geometry column. Codes
(categories, statuses, kinds) are text constrained to the values of
:mod:`geodata.vocabulary`. Alembic migrations in ``geodata/db/migrations`` create exactly
this schema; ``tests/geodata/db/test_migrations.py`` checks that the two agree.
"""

from geodata.db.schema._base import Base
from geodata.db.schema.access import ApiToken, AppSecret, RateLimit, User, UserSession
from geodata.db.schema.live import LiveDelta, LiveSnapshot
from geodata.db.schema.operations import (
    AuditEntry,
    Dispatch,
    Incident,
    IncidentCaller,
    Unit,
    UnitPosition,
)
from geodata.db.schema.places import AdminArea, Agency, City, Station
from geodata.db.schema.planning import (
    JOB_STATUSES,
    PlanningJob,
    PlanningScenario,
    PlanningScenarioArea,
    PlanningScenarioSite,
)
from geodata.db.schema.roads import (
    MapTile,
    RoadEdge,
    RoadEdgeCost,
    RoadGraphRow,
    RoadNode,
    RoadRoutingEdge,
)

__all__ = [
    "JOB_STATUSES",
    "AdminArea",
    "Agency",
    "ApiToken",
    "AppSecret",
    "AuditEntry",
    "Base",
    "City",
    "Dispatch",
    "Incident",
    "IncidentCaller",
    "LiveDelta",
    "LiveSnapshot",
    "MapTile",
    "PlanningJob",
    "PlanningScenario",
    "PlanningScenarioArea",
    "PlanningScenarioSite",
    "RateLimit",
    "RoadEdge",
    "RoadEdgeCost",
    "RoadGraphRow",
    "RoadNode",
    "RoadRoutingEdge",
    "Station",
    "Unit",
    "UnitPosition",
    "User",
    "UserSession",
]
