"""The operational schema: cities, areas, agencies, posko, units, incidents, dispatches, roads.

Geometry is stored in EPSG:4326 with a GiST index on every geometry column. Codes
(categories, statuses, kinds) are text constrained to the values of
:mod:`geodata.vocabulary`. Alembic migrations in ``geodata/migrations`` create exactly
this schema; ``tests/geodata/test_migrations.py`` checks that the two agree.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from geodata.vocabulary import (
    AgencyKind,
    IncidentCategory,
    IncidentStatus,
    RoadClass,
    UnitStatus,
    UserRole,
    VehicleProfile,
)

__all__ = [
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
    "LiveSnapshot",
    "PlanningJob",
    "PlanningScenario",
    "PlanningScenarioArea",
    "PlanningScenarioSite",
    "RateLimit",
    "RoadEdge",
    "RoadEdgeCost",
    "RoadNode",
    "RoadRoutingEdge",
    "Station",
    "Unit",
    "UnitPosition",
    "User",
    "UserSession",
]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(column: str, values: type[StrEnum] | tuple[str, ...]) -> str:
    """SQL for ``column IN (...)`` over an enum's values (used in CHECK constraints)."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({allowed})"


def not_before(later: str, *earlier: str) -> str:
    """SQL that a lifecycle time is not before the latest earlier step that happened."""
    bound = earlier[0] if len(earlier) == 1 else f"COALESCE({', '.join(earlier)})"
    return f"{later} IS NULL OR {later} >= {bound}"


def point() -> Geometry:
    return Geometry("POINT", srid=4326, spatial_index=False)


def gist(table: str, column: str = "geom") -> Index:
    return Index(f"ix_{table}_{column}", column, postgresql_using="gist")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class City(Base):
    """A kabupaten/kota running a 112 center; times are shown in its zone."""

    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(
        String(32), unique=True, comment="Kemendagri code, e.g. 18.72"
    )
    name: Mapped[str] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(Text, comment="IANA zone: Asia/Jakarta, Asia/Makassar…")
    boundary = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))
    is_synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (gist("cities", "boundary"),)


class AdminArea(Base):
    """A kecamatan or kelurahan/desa polygon, with population where known."""

    __tablename__ = "admin_areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("admin_areas.id", ondelete="SET NULL"))
    population: Mapped[int | None] = mapped_column(Integer)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False)

    __table_args__ = (
        UniqueConstraint("city_id", "level", "code"),
        CheckConstraint(one_of("level", ("kecamatan", "kelurahan")), name="level"),
        CheckConstraint("population IS NULL OR population >= 0", name="population"),
        gist("admin_areas"),
    )


class Agency(Base):
    """An OPD a 112 call is forwarded to: PSC 119, Damkar, Polres, BPBD, Basarnas, Dishub…"""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        UniqueConstraint("city_id", "code"),
        CheckConstraint(one_of("kind", AgencyKind), name="kind"),
    )


class Station(Base):
    """A posko (station) of an agency, where its units are based."""

    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    geom = mapped_column(point(), nullable=False)

    __table_args__ = (UniqueConstraint("agency_id", "code"), gist("stations"))


class Unit(Base):
    """A responding vehicle or team, its status and its last reported position."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    call_sign: Mapped[str] = mapped_column(String(64))
    home_station_id: Mapped[int | None] = mapped_column(
        ForeignKey("stations.id", ondelete="SET NULL")
    )
    capability: Mapped[str | None] = mapped_column(Text, comment="e.g. ALS, BLS, pumper, rescue")
    vehicle_profile: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), server_default=UnitStatus.AVAILABLE.value)
    status_changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    last_position = mapped_column(point())
    last_position_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Kept by a trigger (migration 0003): the live producer reads the units changed lately.
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: Migration 0008 (the fleet): people on board, and retirement (history kept).
    crew_size: Mapped[int | None] = mapped_column(SmallInteger, comment="People on board")
    retired_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), comment="When it left service; NULL: in service"
    )

    __table_args__ = (
        UniqueConstraint("agency_id", "call_sign"),
        CheckConstraint("crew_size >= 1", name="crew_size"),
        CheckConstraint(one_of("status", UnitStatus), name="status"),
        CheckConstraint(one_of("vehicle_profile", VehicleProfile), name="vehicle_profile"),
        CheckConstraint(
            "(last_position IS NULL) = (last_position_at IS NULL)", name="position_has_time"
        ),
        gist("units", "last_position"),
    )


class Incident(Base):
    """A 112 call and what followed; caller identity lives in :class:`IncidentCaller`.

    ``(city_id, source, external_id)`` is unique so that a retrying source never creates a
    duplicate, and two cities' sources never share ids. ``area_id`` (the kelurahan) is set
    by a database trigger from ``geom``.
    """

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(SmallInteger, comment="1 critical … 4 low")
    status: Mapped[str] = mapped_column(String(16), server_default=IncidentStatus.RECEIVED.value)
    geom = mapped_column(point())
    address: Mapped[str | None] = mapped_column(Text)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("admin_areas.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    en_route_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    on_scene_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        UniqueConstraint("city_id", "source", "external_id"),
        CheckConstraint(one_of("category", IncidentCategory), name="category"),
        CheckConstraint(one_of("status", IncidentStatus), name="status"),
        CheckConstraint("priority BETWEEN 1 AND 4", name="priority"),
        CheckConstraint(not_before("dispatched_at", "received_at"), name="dispatched_order"),
        CheckConstraint(
            not_before("en_route_at", "dispatched_at", "received_at"), name="en_route_order"
        ),
        CheckConstraint(
            not_before("on_scene_at", "en_route_at", "dispatched_at", "received_at"),
            name="on_scene_order",
        ),
        CheckConstraint(
            not_before("cleared_at", "on_scene_at", "en_route_at", "dispatched_at", "received_at"),
            name="cleared_order",
        ),
        gist("incidents"),
        Index("ix_incidents_city_id_received_at", "city_id", "received_at"),
        Index("ix_incidents_city_id_updated_at", "city_id", "updated_at"),
        Index(
            "ix_incidents_open",
            "city_id",
            "received_at",
            postgresql_where=text("status <> 'cleared'"),
        ),
    )


class IncidentCaller(Base):
    """Who called: kept apart so that display queries never touch it (never on the wall)."""

    __tablename__ = "incident_callers"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    caller_name: Mapped[str | None] = mapped_column(Text)
    caller_phone: Mapped[str | None] = mapped_column(String(32))


class Dispatch(Base):
    """One unit assigned to one incident, with the time of each step of that assignment."""

    __tablename__ = "dispatches"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    assigned_by: Mapped[str] = mapped_column(Text)
    override_reason: Mapped[str | None] = mapped_column(
        Text, comment="Why the supervisor did not take the recommended unit"
    )
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    en_route_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    on_scene_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    transporting_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(not_before("en_route_at", "assigned_at"), name="en_route_order"),
        CheckConstraint(
            not_before("on_scene_at", "en_route_at", "assigned_at"), name="on_scene_order"
        ),
        CheckConstraint(
            not_before("transporting_at", "on_scene_at", "en_route_at", "assigned_at"),
            name="transporting_order",
        ),
        CheckConstraint(
            not_before(
                "cleared_at", "transporting_at", "on_scene_at", "en_route_at", "assigned_at"
            ),
            name="cleared_order",
        ),
        Index("ix_dispatches_incident_id", "incident_id"),
        # A unit can be on one active assignment only: the database refuses a second.
        Index(
            "uq_dispatches_active_unit",
            "unit_id",
            unique=True,
            postgresql_where=text("cleared_at IS NULL"),
        ),
        Index("ix_dispatches_unit_id_assigned_at", "unit_id", "assigned_at"),
    )


class AuditEntry(Base):
    """Append-only log of who did what and when; a trigger refuses UPDATE, DELETE, TRUNCATE."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    entity: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, object] | None] = mapped_column(JSONB)

    __table_args__ = (Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),)


class RoadNode(Base):
    """A vertex of the routable road network (pgRouting ``source``/``target``)."""

    __tablename__ = "road_nodes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    geom = mapped_column(point(), nullable=False)

    __table_args__ = (gist("road_nodes"), Index("ix_road_nodes_city_id", "city_id"))


class RoadEdge(Base):
    """A road segment between two nodes; ``oneway`` means travel only source → target."""

    __tablename__ = "road_edges"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    source: Mapped[int] = mapped_column(ForeignKey("road_nodes.id", ondelete="CASCADE"))
    target: Mapped[int] = mapped_column(ForeignKey("road_nodes.id", ondelete="CASCADE"))
    road_class: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(Text)
    oneway: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    length_m: Mapped[float] = mapped_column(Double)
    geom = mapped_column(Geometry("LINESTRING", srid=4326, spatial_index=False), nullable=False)

    __table_args__ = (
        CheckConstraint(one_of("road_class", RoadClass), name="road_class"),
        CheckConstraint("length_m > 0", name="length_positive"),
        gist("road_edges"),
        Index("ix_road_edges_city_id", "city_id"),
        Index("ix_road_edges_source", "source"),
        Index("ix_road_edges_target", "target"),
    )


class RoadEdgeCost(Base):
    """Travel time over an edge for one vehicle profile, in pgRouting's convention.

    ``reverse_cost_s`` is negative where the edge cannot be driven target → source.
    """

    __tablename__ = "road_edge_costs"

    edge_id: Mapped[int] = mapped_column(
        ForeignKey("road_edges.id", ondelete="CASCADE"), primary_key=True
    )
    profile: Mapped[str] = mapped_column(String(16), primary_key=True)
    cost_s: Mapped[float] = mapped_column(Double)
    reverse_cost_s: Mapped[float] = mapped_column(Double)

    __table_args__ = (
        CheckConstraint(one_of("profile", VehicleProfile), name="profile"),
        CheckConstraint("cost_s > 0", name="cost_positive"),
    )


class ApiToken(Base):
    """A token an integration uses on the ingest API; only its SHA-256 digest is stored.

    ``name`` is the integration (a call-taking system, an AVL gateway, a crew's phone app)
    and the ``source`` of the incidents it writes. A name may hold several tokens (rotation).
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="SHA-256, hex")
    token_prefix: Mapped[str] = mapped_column(String(12), comment="Shown to recognise a token")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), comment="Refused from then on (a rotated token: in a while)"
    )

    __table_args__ = (
        Index("ix_api_tokens_name", "name"),
        # One current token per integration and city; a rotated one has a revoked_at.
        Index(
            "uq_api_tokens_city_id_name_current",
            "city_id",
            "name",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )


class UnitPosition(Base):
    """One reported position of a unit (its GPS track), in degrees EPSG:4326.

    ``(unit_id, reported_at)`` is the key, so a phone re-sending its buffered positions
    stores each once. Plain lon/lat columns, no GiST index: this table is written at the
    rate of every unit's GPS and read per unit and time range only.
    """

    __tablename__ = "unit_positions"

    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    lon: Mapped[float] = mapped_column(Double)
    lat: Mapped[float] = mapped_column(Double)
    speed_kmh: Mapped[float | None] = mapped_column(Double)
    bearing_deg: Mapped[float | None] = mapped_column(Double)
    accuracy_m: Mapped[float | None] = mapped_column(Double)
    source: Mapped[str] = mapped_column(String(64), comment="Integration that reported it")
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    __table_args__ = (
        CheckConstraint("lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90", name="degrees"),
    )


class LiveSnapshot(Base):
    """The shared live picture of a city (open incidents, units, counts), encoded.

    Rebuilt by one worker at a time and read by all (see :mod:`geodata.live.store`). The
    table is UNLOGGED: it is derived data, rebuilt after a crash, and needs no WAL. The
    payload is stored uncompressed (STORAGE EXTERNAL, migration 0003): it hardly compresses.
    """

    __tablename__ = "live_snapshots"

    city_id: Mapped[int] = mapped_column(
        ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(BigInteger)
    epoch: Mapped[int] = mapped_column(BigInteger)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    #: The version the full ``payload`` holds; ``version`` is ahead by ``live_deltas``.
    payload_version: Mapped[int] = mapped_column(BigInteger, server_default="0")

    __table_args__ = ({"prefixes": ["UNLOGGED"]},)


class LiveDelta(Base):
    """The live picture's slots that changed in one version (see :mod:`geodata.live.store`):
    a viewer holding the version before catches up by this row alone. UNLOGGED, derived."""

    __tablename__ = "live_deltas"

    city_id: Mapped[int] = mapped_column(
        ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    epoch: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = ({"prefixes": ["UNLOGGED"]},)


class RoadGraphRow(Base):
    """One profile's reversed road graph, packed (see :mod:`geodata.routing.graph_store`):
    derived data, emptied by a statement trigger whenever ``road_routing_edges`` changes."""

    __tablename__ = "road_graphs"

    #: No foreign key: see geodata.routing.graph_store (emptied with the routing edges).
    city_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    profile: Mapped[str] = mapped_column(String(16), primary_key=True)
    node_ids: Mapped[bytes] = mapped_column(LargeBinary, comment="int64 LE, sorted")
    lon: Mapped[bytes] = mapped_column(LargeBinary, comment="float64 LE, degrees")
    lat: Mapped[bytes] = mapped_column(LargeBinary, comment="float64 LE, degrees")
    indptr: Mapped[bytes] = mapped_column(LargeBinary, comment="int32 LE, CSR rows")
    indices: Mapped[bytes] = mapped_column(LargeBinary, comment="int32 LE, CSR columns")
    weights: Mapped[bytes] = mapped_column(LargeBinary, comment="float64 LE, seconds")

    __table_args__ = ({"prefixes": ["UNLOGGED"]},)


class MapTile(Base):
    """A built basemap vector tile (see :mod:`geodata.map_tiles`), shared by every worker;
    emptied by statement triggers when cities, areas or roads change (migration 0007)."""

    __tablename__ = "map_tiles"

    layer: Mapped[str] = mapped_column(String(32), primary_key=True)
    z: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    x: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    y: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    body: Mapped[bytes] = mapped_column(LargeBinary, comment="MVT protobuf")
    etag: Mapped[str] = mapped_column(String(32))

    __table_args__ = ({"prefixes": ["UNLOGGED"]},)


#: One partial GiST index per profile: a disk query reads only that profile's rows.
_ROUTING_GEOM_INDEXES = tuple(
    Index(
        f"ix_road_routing_edges_geom_{profile.value}",
        "geom",
        postgresql_using="gist",
        postgresql_where=text(f"profile = '{profile.value}'"),
    )
    for profile in VehicleProfile
)


class RoadRoutingEdge(Base):
    """Routing copy of each edge per profile (geometry and costs in one row, no join).

    Kept current by triggers on ``road_edge_costs`` and ``road_edges``; read by the
    bounded pgRouting searches, whose speed depends on fetching a disk of edges without a
    join. Partial GiST indexes per profile serve those disk queries.
    """

    __tablename__ = "road_routing_edges"

    profile: Mapped[str] = mapped_column(String(16), primary_key=True)
    id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("road_edges.id", ondelete="CASCADE"), primary_key=True
    )
    city_id: Mapped[int] = mapped_column(Integer)
    source: Mapped[int] = mapped_column(BigInteger)
    target: Mapped[int] = mapped_column(BigInteger)
    cost_s: Mapped[float] = mapped_column(Double)
    reverse_cost_s: Mapped[float] = mapped_column(Double)
    geom = mapped_column(Geometry("LINESTRING", srid=4326, spatial_index=False), nullable=False)

    __table_args__ = _ROUTING_GEOM_INDEXES


class User(Base):
    """A person who signs in: role, optional city scope, Argon2 password hash, lockout.

    ``username`` is stored lower-case. ``failed_sign_ins`` counts failures since the last
    success; past a threshold the account is locked until ``locked_until`` (backoff).
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    city_id: Mapped[int | None] = mapped_column(
        ForeignKey("cities.id", ondelete="CASCADE"), comment="None: every city"
    )
    password_hash: Mapped[str | None] = mapped_column(Text, comment="Argon2id; None: no sign-in")
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    may_export_callers: Mapped[bool] = mapped_column(
        Boolean, server_default=text("false"), comment="An admin allowed caller data in exports"
    )
    failed_sign_ins: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(one_of("role", UserRole), name="role"),
        CheckConstraint("username = lower(username)", name="username_lower"),
    )


class UserSession(Base):
    """One signed-in browser; only the SHA-256 of its random token is stored.

    Refused after ``expires_at`` (absolute), after ``idle_timeout`` without a request, or
    once ``revoked_at`` is set (sign-out, deactivation, password change).
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="SHA-256, hex")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    client: Mapped[str | None] = mapped_column(Text, comment="Address and browser, for audit")

    __table_args__ = (Index("ix_user_sessions_user_id", "user_id"),)


class AppSecret(Base):
    """Secrets every worker shares and a restart keeps (the session-signing key)."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RateLimit(Base):
    """Fixed-window counters of the rate limiter, shared by every worker (UNLOGGED)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = ({"prefixes": ["UNLOGGED"]},)


#: The states of a planning job (:mod:`geodata.planning.jobs`).
JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")


class PlanningScenario(Base):
    """A saved plan: what was asked (``request``), its figures (``summary``), the replay of
    past incidents and every candidate with its status; sites and kelurahan in the two
    tables below. Written in one transaction with its audit entry."""

    __tablename__ = "planning_scenarios"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    agency_kind: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    request: Mapped[dict[str, object]] = mapped_column(JSONB)
    summary: Mapped[dict[str, object]] = mapped_column(JSONB)
    replay: Mapped[list[dict[str, object]]] = mapped_column(JSONB)
    candidates: Mapped[list[dict[str, object]]] = mapped_column(JSONB)

    __table_args__ = (
        UniqueConstraint("city_id", "name"),
        CheckConstraint(one_of("agency_kind", AgencyKind), name="agency_kind"),
        CheckConstraint("length(btrim(name)) > 0", name="name_not_blank"),
    )


class PlanningScenarioSite(Base):
    """A usable site of a scenario: existing posko or candidate, and whether it is open in
    the plan. ``snap_m``: metres from the place to its road node."""

    __tablename__ = "planning_scenario_sites"

    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("planning_scenarios.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    existing: Mapped[bool] = mapped_column(Boolean)
    open_after: Mapped[bool] = mapped_column(Boolean)
    reaches_demand: Mapped[bool] = mapped_column(Boolean)
    node_id: Mapped[int] = mapped_column(BigInteger)
    snap_m: Mapped[float] = mapped_column(Double)
    station_id: Mapped[int | None] = mapped_column(Integer)
    geom = mapped_column(point(), nullable=False)

    __table_args__ = (gist("planning_scenario_sites"),)


class PlanningScenarioArea(Base):
    """Coverage of one kelurahan in a scenario, before (existing posko) and after."""

    __tablename__ = "planning_scenario_areas"

    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("planning_scenarios.id", ondelete="CASCADE"), primary_key=True
    )
    area_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    population: Mapped[float | None] = mapped_column(Double)
    people_before: Mapped[float] = mapped_column(Double)
    people_after: Mapped[float] = mapped_column(Double)
    share_before: Mapped[float | None] = mapped_column(Double)
    share_after: Mapped[float | None] = mapped_column(Double)
    incidents: Mapped[int] = mapped_column(Integer)
    incidents_before: Mapped[int] = mapped_column(Integer)
    incidents_after: Mapped[int] = mapped_column(Integer)


class PlanningJob(Base):
    """A planning run outside the web request: any worker claims a queued job
    (``FOR UPDATE SKIP LOCKED``), reports its progress and heartbeat, and stores the
    result (or the error naming the field); ``cancel_requested`` stops it. ``state``
    holds what the one-click what-if needs (the matrix rows, compressed)."""

    __tablename__ = "planning_jobs"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    status: Mapped[str] = mapped_column(String(16), server_default="queued")
    request: Mapped[dict[str, object]] = mapped_column(JSONB)
    progress: Mapped[float] = mapped_column(Double, server_default=text("0"))
    step: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    worker: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    result: Mapped[dict[str, object] | None] = mapped_column(JSONB)
    error: Mapped[dict[str, object] | None] = mapped_column(JSONB)
    state: Mapped[bytes | None] = mapped_column(LargeBinary)

    __table_args__ = (
        CheckConstraint(one_of("status", JOB_STATUSES), name="status"),
        CheckConstraint("progress BETWEEN 0 AND 1", name="progress"),
        Index(
            "ix_planning_jobs_queued",
            "created_at",
            "id",
            postgresql_where=text("status = 'queued'"),
        ),
        Index("ix_planning_jobs_city_id_created_at", "city_id", "created_at"),
    )
