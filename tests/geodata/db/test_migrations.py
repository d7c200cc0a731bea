"""Migrations build exactly the schema the models describe, and come back down cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from geoalchemy2 import Geometry
from sqlalchemy import Engine, inspect, text

from geodata.db import migrate
from geodata.db.schema import Base

TABLES = {
    "cities", "admin_areas", "agencies", "stations", "units", "incidents", "incident_callers",
    "dispatches", "audit_log", "road_nodes", "road_edges", "road_edge_costs",
    "road_routing_edges", "api_tokens", "unit_positions", "live_snapshots", "live_deltas",
    "map_tiles", "road_graphs", "users", "user_sessions", "app_secrets", "rate_limits",
    "planning_scenarios", "planning_scenario_sites", "planning_scenario_areas", "planning_jobs",
}  # fmt: skip


def test_upgrade_creates_every_table_with_extensions(empty_engine: Engine) -> None:
    assert migrate.current_revision(empty_engine) is None
    migrate.upgrade(empty_engine)
    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    assert set(inspect(empty_engine).get_table_names()) >= TABLES
    with empty_engine.connect() as conn:
        extensions = set(conn.execute(text("SELECT extname FROM pg_extension")).scalars())
    assert {"postgis", "pgrouting"} <= extensions


def test_migrated_schema_matches_the_models(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": migrate.include_object, "compare_type": True}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_every_geometry_column_has_a_gist_index_in_4326(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        columns = conn.execute(
            text("SELECT f_table_name, f_geometry_column, srid FROM geometry_columns")
        ).all()
        gist = set(
            conn.execute(
                text(
                    "SELECT t.relname || '.' || a.attname FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                    "JOIN pg_am am ON am.oid = i.relam "
                    "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey) "
                    "WHERE am.amname = 'gist'"
                )
            ).scalars()
        )
    modelled = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, Geometry)
    }
    stored = {f"{t}.{c}": srid for t, c, srid in columns if t in TABLES}
    assert set(stored) == modelled
    assert set(stored.values()) == {4326}
    assert modelled <= gist


def test_downgrade_removes_everything_and_upgrade_again_works(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")
    assert migrate.current_revision(empty_engine) is None
    assert not TABLES & set(inspect(empty_engine).get_table_names())
    with empty_engine.connect() as conn:
        functions = conn.execute(
            text("SELECT count(*) FROM pg_proc WHERE proname LIKE 'tanggap_%'")
        ).scalar_one()
    assert functions == 0
    migrate.upgrade(empty_engine)
    assert set(inspect(empty_engine).get_table_names()) >= TABLES


def test_0008_adds_crew_size_and_retirement_to_units_and_takes_them_away(
    empty_engine: Engine,
) -> None:
    migrate.upgrade(empty_engine, "0008")
    columns = {c["name"]: c for c in inspect(empty_engine).get_columns("units")}
    assert columns["crew_size"]["nullable"] and columns["retired_at"]["nullable"]
    with empty_engine.connect() as conn:
        checks = conn.execute(
            text("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                 "WHERE conname = 'ck_units_crew_size'")
        ).scalars().all()  # fmt: skip
    assert checks == ["CHECK ((crew_size >= 1))"]
    migrate.downgrade(empty_engine, "0007")
    columns = {c["name"] for c in inspect(empty_engine).get_columns("units")}
    assert not {"crew_size", "retired_at"} & columns
