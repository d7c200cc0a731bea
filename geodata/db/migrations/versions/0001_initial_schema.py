"""Initial schema: cities, areas, agencies, posko, units, incidents, dispatches, audit, roads.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Kelurahan of an incident, resolved by point-in-polygon whenever its point is set or moved.
RESOLVE_AREA = """
CREATE FUNCTION tanggap_resolve_incident_area() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.geom IS NULL THEN
        NEW.area_id := NULL;
    ELSIF TG_OP = 'INSERT' OR NOT ST_Equals(NEW.geom, OLD.geom) OR NEW.area_id IS NULL THEN
        NEW.area_id := (
            SELECT a.id FROM admin_areas a
            WHERE a.city_id = NEW.city_id AND a.level = 'kelurahan'
              AND ST_Covers(a.geom, NEW.geom)
            ORDER BY a.id LIMIT 1
        );
    END IF;
    RETURN NEW;
END $$
"""

APPEND_ONLY = """
CREATE FUNCTION tanggap_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$
"""

TOUCH_UPDATED_AT = """
CREATE FUNCTION tanggap_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$
"""

ROUTING_SYNC = (
    """
CREATE FUNCTION tanggap_sync_routing_costs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM road_routing_edges r USING old_costs o
        WHERE r.profile = o.profile AND r.id = o.edge_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO road_routing_edges (profile, id, city_id, source, target, cost_s,
                                        reverse_cost_s, geom)
        SELECT n.profile, e.id, e.city_id, e.source, e.target, n.cost_s, n.reverse_cost_s, e.geom
        FROM new_costs n JOIN road_edges e ON e.id = n.edge_id
        ORDER BY n.profile, ST_GeoHash(ST_Centroid(e.geom), 7);
    END IF;
    RETURN NULL;
END $$
""",
    """
CREATE FUNCTION tanggap_sync_routing_edges() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE road_routing_edges r
    SET city_id = n.city_id, source = n.source, target = n.target, geom = n.geom
    FROM new_edges n WHERE r.id = n.id;
    RETURN NULL;
END $$
""",
    "CREATE TRIGGER road_edge_costs_insert AFTER INSERT ON road_edge_costs"
    " REFERENCING NEW TABLE AS new_costs"
    " FOR EACH STATEMENT EXECUTE FUNCTION tanggap_sync_routing_costs()",
    "CREATE TRIGGER road_edge_costs_update AFTER UPDATE ON road_edge_costs"
    " REFERENCING OLD TABLE AS old_costs NEW TABLE AS new_costs"
    " FOR EACH STATEMENT EXECUTE FUNCTION tanggap_sync_routing_costs()",
    "CREATE TRIGGER road_edge_costs_delete AFTER DELETE ON road_edge_costs"
    " REFERENCING OLD TABLE AS old_costs"
    " FOR EACH STATEMENT EXECUTE FUNCTION tanggap_sync_routing_costs()",
    "CREATE TRIGGER road_edges_update AFTER UPDATE ON road_edges"
    " REFERENCING NEW TABLE AS new_edges"
    " FOR EACH STATEMENT EXECUTE FUNCTION tanggap_sync_routing_edges()",
)

TRIGGERS = (
    RESOLVE_AREA,
    "CREATE TRIGGER incidents_resolve_area BEFORE INSERT OR UPDATE OF geom, area_id ON incidents"
    " FOR EACH ROW EXECUTE FUNCTION tanggap_resolve_incident_area()",
    APPEND_ONLY,
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log"
    " FOR EACH ROW EXECUTE FUNCTION tanggap_refuse_audit_change()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log"
    " FOR EACH STATEMENT EXECUTE FUNCTION tanggap_refuse_audit_change()",
    TOUCH_UPDATED_AT,
    "CREATE TRIGGER incidents_touch_updated_at BEFORE UPDATE ON incidents"
    " FOR EACH ROW EXECUTE FUNCTION tanggap_touch_updated_at()",
    *ROUTING_SYNC,
)

DROP_TRIGGERS = (
    "DROP TRIGGER IF EXISTS road_edges_update ON road_edges",
    "DROP TRIGGER IF EXISTS road_edge_costs_delete ON road_edge_costs",
    "DROP TRIGGER IF EXISTS road_edge_costs_update ON road_edge_costs",
    "DROP TRIGGER IF EXISTS road_edge_costs_insert ON road_edge_costs",
    "DROP FUNCTION IF EXISTS tanggap_sync_routing_edges()",
    "DROP FUNCTION IF EXISTS tanggap_sync_routing_costs()",
    "DROP TRIGGER IF EXISTS incidents_touch_updated_at ON incidents",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP TRIGGER IF EXISTS incidents_resolve_area ON incidents",
    "DROP FUNCTION IF EXISTS tanggap_touch_updated_at()",
    "DROP FUNCTION IF EXISTS tanggap_refuse_audit_change()",
    "DROP FUNCTION IF EXISTS tanggap_resolve_incident_area()",
)


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute("CREATE EXTENSION IF NOT EXISTS pgrouting")
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(
        "ix_audit_log_entity_entity_id", "audit_log", ["entity", "entity_id"], unique=False
    )
    op.create_table(
        "cities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "code", sa.String(length=32), nullable=False, comment="Kemendagri code, e.g. 18.72"
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "timezone", sa.Text(), nullable=False, comment="IANA zone: Asia/Jakarta, Asia/Makassar…"
        ),
        sa.Column(
            "boundary",
            geoalchemy2.types.Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("is_synthetic", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cities")),
        sa.UniqueConstraint("code", name=op.f("uq_cities_code")),
    )
    op.create_index(
        "ix_cities_boundary", "cities", ["boundary"], unique=False, postgresql_using="gist"
    )
    op.create_table(
        "admin_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column(
            "geom",
            geoalchemy2.types.Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint(
            "level IN ('kecamatan', 'kelurahan')", name=op.f("ck_admin_areas_level")
        ),
        sa.CheckConstraint(
            "population IS NULL OR population >= 0", name=op.f("ck_admin_areas_population")
        ),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["cities.id"],
            name=op.f("fk_admin_areas_city_id_cities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["admin_areas.id"],
            name=op.f("fk_admin_areas_parent_id_admin_areas"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_areas")),
        sa.UniqueConstraint(
            "city_id", "level", "code", name=op.f("uq_admin_areas_city_id_level_code")
        ),
    )
    op.create_index(
        "ix_admin_areas_geom", "admin_areas", ["geom"], unique=False, postgresql_using="gist"
    )
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "kind IN ('ambulance', 'fire', 'police', 'disaster', 'sar', 'transport', 'other')",
            name=op.f("ck_agencies_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_agencies_city_id_cities"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("city_id", "code", name=op.f("uq_agencies_city_id_code")),
    )
    op.create_table(
        "road_nodes",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column(
            "geom",
            geoalchemy2.types.Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["cities.id"],
            name=op.f("fk_road_nodes_city_id_cities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_road_nodes")),
    )
    op.create_index("ix_road_nodes_city_id", "road_nodes", ["city_id"], unique=False)
    op.create_index(
        "ix_road_nodes_geom", "road_nodes", ["geom"], unique=False, postgresql_using="gist"
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False, comment="1 critical … 4 low"),
        sa.Column("status", sa.String(length=16), server_default="received", nullable=False),
        sa.Column(
            "geom",
            geoalchemy2.types.Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("en_route_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("on_scene_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "category IN ('health', 'fire', 'traffic_accident', 'crime', 'flood', 'landslide', 'earthquake', 'search_rescue', 'animal_rescue', 'other_rescue', 'information', 'complaint', 'prank', 'ghost', 'dropped')",
            name=op.f("ck_incidents_category"),
        ),
        sa.CheckConstraint(
            "status IN ('received', 'dispatched', 'en_route', 'on_scene', 'cleared')",
            name=op.f("ck_incidents_status"),
        ),
        sa.CheckConstraint(
            "cleared_at IS NULL OR cleared_at >= COALESCE(on_scene_at, en_route_at, dispatched_at, received_at)",
            name=op.f("ck_incidents_cleared_order"),
        ),
        sa.CheckConstraint(
            "dispatched_at IS NULL OR dispatched_at >= received_at",
            name=op.f("ck_incidents_dispatched_order"),
        ),
        sa.CheckConstraint(
            "en_route_at IS NULL OR en_route_at >= COALESCE(dispatched_at, received_at)",
            name=op.f("ck_incidents_en_route_order"),
        ),
        sa.CheckConstraint(
            "on_scene_at IS NULL OR on_scene_at >= COALESCE(en_route_at, dispatched_at, received_at)",
            name=op.f("ck_incidents_on_scene_order"),
        ),
        sa.CheckConstraint("priority BETWEEN 1 AND 4", name=op.f("ck_incidents_priority")),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["admin_areas.id"],
            name=op.f("fk_incidents_area_id_admin_areas"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_incidents_city_id_cities"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_incidents_source_external_id")),
    )
    op.create_index(
        "ix_incidents_city_id_received_at", "incidents", ["city_id", "received_at"], unique=False
    )
    op.create_index(
        "ix_incidents_geom", "incidents", ["geom"], unique=False, postgresql_using="gist"
    )
    op.create_index(
        "ix_incidents_open",
        "incidents",
        ["city_id", "received_at"],
        unique=False,
        postgresql_where=sa.text("status <> 'cleared'"),
    )
    op.create_table(
        "road_edges",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.BigInteger(), nullable=False),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("road_class", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("oneway", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("length_m", sa.Double(), nullable=False),
        sa.Column(
            "geom",
            geoalchemy2.types.Geometry(
                geometry_type="LINESTRING",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint(
            "road_class IN ('arterial', 'collector', 'local', 'residential', 'service')",
            name=op.f("ck_road_edges_road_class"),
        ),
        sa.CheckConstraint("length_m > 0", name=op.f("ck_road_edges_length_positive")),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["cities.id"],
            name=op.f("fk_road_edges_city_id_cities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source"],
            ["road_nodes.id"],
            name=op.f("fk_road_edges_source_road_nodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target"],
            ["road_nodes.id"],
            name=op.f("fk_road_edges_target_road_nodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_road_edges")),
    )
    op.create_index("ix_road_edges_city_id", "road_edges", ["city_id"], unique=False)
    op.create_index(
        "ix_road_edges_geom", "road_edges", ["geom"], unique=False, postgresql_using="gist"
    )
    op.create_index("ix_road_edges_source", "road_edges", ["source"], unique=False)
    op.create_index("ix_road_edges_target", "road_edges", ["target"], unique=False)
    op.create_table(
        "stations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "geom",
            geoalchemy2.types.Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_stations_agency_id_agencies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stations")),
        sa.UniqueConstraint("agency_id", "code", name=op.f("uq_stations_agency_id_code")),
    )
    op.create_index("ix_stations_geom", "stations", ["geom"], unique=False, postgresql_using="gist")
    op.create_table(
        "incident_callers",
        sa.Column("incident_id", sa.BigInteger(), nullable=False),
        sa.Column("caller_name", sa.Text(), nullable=True),
        sa.Column("caller_phone", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_callers_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_incident_callers")),
    )
    op.create_table(
        "road_edge_costs",
        sa.Column("edge_id", sa.BigInteger(), nullable=False),
        sa.Column("profile", sa.String(length=16), nullable=False),
        sa.Column("cost_s", sa.Double(), nullable=False),
        sa.Column("reverse_cost_s", sa.Double(), nullable=False),
        sa.CheckConstraint(
            "profile IN ('ambulance', 'fire_engine', 'motorbike', 'car')",
            name=op.f("ck_road_edge_costs_profile"),
        ),
        sa.CheckConstraint("cost_s > 0", name=op.f("ck_road_edge_costs_cost_positive")),
        sa.ForeignKeyConstraint(
            ["edge_id"],
            ["road_edges.id"],
            name=op.f("fk_road_edge_costs_edge_id_road_edges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("edge_id", "profile", name=op.f("pk_road_edge_costs")),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("call_sign", sa.String(length=64), nullable=False),
        sa.Column("home_station_id", sa.Integer(), nullable=True),
        sa.Column("capability", sa.Text(), nullable=True, comment="e.g. ALS, BLS, pumper, rescue"),
        sa.Column("vehicle_profile", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="available", nullable=False),
        sa.Column(
            "status_changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "last_position",
            geoalchemy2.types.Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("last_position_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('available', 'dispatched', 'en_route', 'on_scene', 'transporting', 'out_of_service')",
            name=op.f("ck_units_status"),
        ),
        sa.CheckConstraint(
            "vehicle_profile IN ('ambulance', 'fire_engine', 'motorbike', 'car')",
            name=op.f("ck_units_vehicle_profile"),
        ),
        sa.CheckConstraint(
            "(last_position IS NULL) = (last_position_at IS NULL)",
            name=op.f("ck_units_position_has_time"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_units_agency_id_agencies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["home_station_id"],
            ["stations.id"],
            name=op.f("fk_units_home_station_id_stations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("agency_id", "call_sign", name=op.f("uq_units_agency_id_call_sign")),
    )
    op.create_index(
        "ix_units_last_position", "units", ["last_position"], unique=False, postgresql_using="gist"
    )
    op.create_table(
        "dispatches",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("incident_id", sa.BigInteger(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.Text(), nullable=False),
        sa.Column(
            "override_reason",
            sa.Text(),
            nullable=True,
            comment="Why the supervisor did not take the recommended unit",
        ),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("en_route_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("on_scene_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("transporting_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "cleared_at IS NULL OR cleared_at >= COALESCE(transporting_at, on_scene_at, en_route_at, assigned_at)",
            name=op.f("ck_dispatches_cleared_order"),
        ),
        sa.CheckConstraint(
            "en_route_at IS NULL OR en_route_at >= assigned_at",
            name=op.f("ck_dispatches_en_route_order"),
        ),
        sa.CheckConstraint(
            "on_scene_at IS NULL OR on_scene_at >= COALESCE(en_route_at, assigned_at)",
            name=op.f("ck_dispatches_on_scene_order"),
        ),
        sa.CheckConstraint(
            "transporting_at IS NULL OR transporting_at >= COALESCE(on_scene_at, en_route_at, assigned_at)",
            name=op.f("ck_dispatches_transporting_order"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_dispatches_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_dispatches_unit_id_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatches")),
    )
    op.create_index("ix_dispatches_incident_id", "dispatches", ["incident_id"], unique=False)
    op.create_index(
        "ix_dispatches_unit_id_assigned_at", "dispatches", ["unit_id", "assigned_at"], unique=False
    )
    op.create_index(
        "uq_dispatches_active_unit",
        "dispatches",
        ["unit_id"],
        unique=True,
        postgresql_where=sa.text("cleared_at IS NULL"),
    )
    op.create_table(
        "road_routing_edges",
        sa.Column("profile", sa.String(length=16), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.BigInteger(), nullable=False),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("cost_s", sa.Double(), nullable=False),
        sa.Column("reverse_cost_s", sa.Double(), nullable=False),
        sa.Column(
            "geom",
            geoalchemy2.types.Geometry(
                geometry_type="LINESTRING",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["id"],
            ["road_edges.id"],
            name=op.f("fk_road_routing_edges_id_road_edges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile", "id", name=op.f("pk_road_routing_edges")),
    )
    for profile in ("ambulance", "fire_engine", "motorbike", "car"):
        op.create_index(
            f"ix_road_routing_edges_geom_{profile}",
            "road_routing_edges",
            ["geom"],
            unique=False,
            postgresql_using="gist",
            postgresql_where=sa.text(f"profile = '{profile}'"),
        )
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    # The postgis and pgrouting extensions stay: other schemas in the database may use them.
    for statement in DROP_TRIGGERS:
        op.execute(statement)
    op.drop_table("road_routing_edges")
    op.drop_index(
        "uq_dispatches_active_unit",
        table_name="dispatches",
        postgresql_where=sa.text("cleared_at IS NULL"),
    )
    op.drop_index("ix_dispatches_unit_id_assigned_at", table_name="dispatches")
    op.drop_index("ix_dispatches_incident_id", table_name="dispatches")
    op.drop_table("dispatches")
    op.drop_index("ix_units_last_position", table_name="units", postgresql_using="gist")
    op.drop_table("units")
    op.drop_table("road_edge_costs")
    op.drop_table("incident_callers")
    op.drop_index("ix_stations_geom", table_name="stations", postgresql_using="gist")
    op.drop_table("stations")
    op.drop_index("ix_road_edges_target", table_name="road_edges")
    op.drop_index("ix_road_edges_source", table_name="road_edges")
    op.drop_index("ix_road_edges_geom", table_name="road_edges", postgresql_using="gist")
    op.drop_index("ix_road_edges_city_id", table_name="road_edges")
    op.drop_table("road_edges")
    op.drop_index(
        "ix_incidents_open", table_name="incidents", postgresql_where=sa.text("status <> 'cleared'")
    )
    op.drop_index("ix_incidents_geom", table_name="incidents", postgresql_using="gist")
    op.drop_index("ix_incidents_city_id_received_at", table_name="incidents")
    op.drop_table("incidents")
    op.drop_index("ix_road_nodes_geom", table_name="road_nodes", postgresql_using="gist")
    op.drop_index("ix_road_nodes_city_id", table_name="road_nodes")
    op.drop_table("road_nodes")
    op.drop_table("agencies")
    op.drop_index("ix_admin_areas_geom", table_name="admin_areas", postgresql_using="gist")
    op.drop_table("admin_areas")
    op.drop_index("ix_cities_boundary", table_name="cities", postgresql_using="gist")
    op.drop_table("cities")
    op.drop_index("ix_audit_log_entity_entity_id", table_name="audit_log")
    op.drop_table("audit_log")
