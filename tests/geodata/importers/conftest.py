"""Helpers of the importer tests: the database's whole content, to prove an import idempotent."""

from __future__ import annotations

from sqlalchemy import Engine, text

#: Every table an import may write.
TABLES = (
    "cities", "admin_areas", "agencies", "stations", "units", "road_nodes", "road_edges",
    "road_edge_costs", "incidents", "incident_callers", "dispatches", "audit_log",
)  # fmt: skip


def database_content(engine: Engine) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row, per table: equal means nothing changed."""
    with engine.connect() as conn:
        return {
            table: tuple(
                conn.execute(
                    text(
                        f"SELECT count(*), coalesce(md5(string_agg(t::text, ',' ORDER BY "
                        f"t::text)), '') FROM {table} t"
                    )
                ).one()
            )
            for table in TABLES
        }
