"""The planner: saved scenarios (sites, kelurahan coverage) and the job table.

Long solves run outside the web request: a job is queued in ``planning_jobs`` and any
worker claims it with ``SELECT … FOR UPDATE SKIP LOCKED`` (several gunicorn workers, one
database). A scenario is written with its sites and kelurahan in one transaction.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AGENCY_KINDS = "'ambulance', 'fire', 'police', 'disaster', 'sar', 'transport', 'other'"
JOB_STATUSES = "'queued', 'running', 'done', 'failed', 'cancelled'"


def upgrade() -> None:
    op.create_table(
        "planning_scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("agency_kind", sa.String(length=16), nullable=False),
        sa.Column("model", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("request", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("summary", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("replay", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("candidates", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint(
            f"agency_kind IN ({AGENCY_KINDS})", name=op.f("ck_planning_scenarios_agency_kind")
        ),
        sa.CheckConstraint(
            "length(btrim(name)) > 0", name=op.f("ck_planning_scenarios_name_not_blank")
        ),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["cities.id"],
            name=op.f("fk_planning_scenarios_city_id_cities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning_scenarios")),
        sa.UniqueConstraint("city_id", "name", name=op.f("uq_planning_scenarios_city_id_name")),
    )
    op.create_table(
        "planning_scenario_sites",
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("existing", sa.Boolean(), nullable=False),
        sa.Column("open_after", sa.Boolean(), nullable=False),
        sa.Column("reaches_demand", sa.Boolean(), nullable=False),
        sa.Column("node_id", sa.BigInteger(), nullable=False),
        sa.Column("snap_m", sa.Double(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column(
            "geom",
            geoalchemy2.types.Geometry(
                geometry_type="POINT",
                srid=4326,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["planning_scenarios.id"],
            name=op.f("fk_planning_scenario_sites_scenario_id_planning_scenarios"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("scenario_id", "position", name=op.f("pk_planning_scenario_sites")),
    )
    op.create_index(
        "ix_planning_scenario_sites_geom",
        "planning_scenario_sites",
        ["geom"],
        unique=False,
        postgresql_using="gist",
    )
    op.create_table(
        "planning_scenario_areas",
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("population", sa.Double(), nullable=True),
        sa.Column("people_before", sa.Double(), nullable=False),
        sa.Column("people_after", sa.Double(), nullable=False),
        sa.Column("share_before", sa.Double(), nullable=True),
        sa.Column("share_after", sa.Double(), nullable=True),
        sa.Column("incidents", sa.Integer(), nullable=False),
        sa.Column("incidents_before", sa.Integer(), nullable=False),
        sa.Column("incidents_after", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["planning_scenarios.id"],
            name=op.f("fk_planning_scenario_areas_scenario_id_planning_scenarios"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "scenario_id", "area_code", name=op.f("pk_planning_scenario_areas")
        ),
    )
    op.create_table(
        "planning_jobs",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), server_default="queued", nullable=False),
        sa.Column("request", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("progress", sa.Double(), server_default=sa.text("0"), nullable=False),
        sa.Column("step", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("worker", sa.Text(), nullable=True),
        sa.Column(
            "cancel_requested", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("error", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("state", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(f"status IN ({JOB_STATUSES})", name=op.f("ck_planning_jobs_status")),
        sa.CheckConstraint("progress BETWEEN 0 AND 1", name=op.f("ck_planning_jobs_progress")),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["cities.id"],
            name=op.f("fk_planning_jobs_city_id_cities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning_jobs")),
    )
    op.create_index(
        "ix_planning_jobs_queued",
        "planning_jobs",
        ["created_at", "id"],
        unique=False,
        postgresql_where=sa.text("status = 'queued'"),
    )
    op.create_index(
        "ix_planning_jobs_city_id_created_at",
        "planning_jobs",
        ["city_id", "created_at"],
        unique=False,
    )
    # the what-if state is compressed already: store it as it is
    op.execute("ALTER TABLE planning_jobs ALTER COLUMN state SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_index("ix_planning_jobs_city_id_created_at", table_name="planning_jobs")
    op.drop_index(
        "ix_planning_jobs_queued",
        table_name="planning_jobs",
        postgresql_where=sa.text("status = 'queued'"),
    )
    op.drop_table("planning_jobs")
    op.drop_table("planning_scenario_areas")
    op.drop_index(
        "ix_planning_scenario_sites_geom",
        table_name="planning_scenario_sites",
        postgresql_using="gist",
    )
    op.drop_table("planning_scenario_sites")
    op.drop_table("planning_scenarios")
