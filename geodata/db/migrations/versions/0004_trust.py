"""Trust: users, sessions and shared secrets; rate-limit counters; each city's own incident
namespace; one current token per integration and city.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = "'wall', 'call_taker', 'supervisor', 'planner', 'analyst', 'admin'"


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=True, comment="None: every city"),
        sa.Column("password_hash", sa.Text(), nullable=True, comment="Argon2id; None: no sign-in"),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "may_export_callers",
            sa.Boolean(),
            server_default=sa.text("false"),
            nullable=False,
            comment="An admin allowed caller data in exports",
        ),
        sa.Column("failed_sign_ins", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f"role IN ({ROLES})", name=op.f("ck_users_role")),
        sa.CheckConstraint("username = lower(username)", name=op.f("ck_users_username_lower")),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_users_city_id_cities"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False, comment="SHA-256, hex"),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "last_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("client", sa.Text(), nullable=True, comment="Address and browser, for audit"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    op.create_index("ix_user_sessions_user_id", "user_sessions", ["user_id"], unique=False)
    op.create_table(
        "app_secrets",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_app_secrets")),
    )
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limits")),
        prefixes=["UNLOGGED"],
    )
    # Each city's sources have their own ids: the same external_id in two cities is two
    # incidents, never one rewritten across 600 km.
    op.drop_constraint("uq_incidents_source_external_id", "incidents", type_="unique")
    op.create_unique_constraint(
        op.f("uq_incidents_city_id_source_external_id"), "incidents",
        ["city_id", "source", "external_id"],
    )  # fmt: skip
    op.alter_column(
        "api_tokens", "revoked_at", existing_type=sa.DateTime(timezone=True),
        comment="Refused from then on (a rotated token: in a while)",
    )  # fmt: skip
    # Before one current token per name and city: keep the newest of any duplicates.
    op.execute(
        "UPDATE api_tokens t SET revoked_at = now() WHERE revoked_at IS NULL AND EXISTS ("
        "SELECT 1 FROM api_tokens n WHERE n.city_id = t.city_id AND n.name = t.name "
        "AND n.revoked_at IS NULL AND n.id > t.id)"
    )
    op.create_index(
        "uq_api_tokens_city_id_name_current", "api_tokens", ["city_id", "name"], unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("uq_api_tokens_city_id_name_current", table_name="api_tokens")
    op.alter_column("api_tokens", "revoked_at", existing_type=sa.DateTime(timezone=True),
                    comment=None)  # fmt: skip
    op.drop_constraint("uq_incidents_city_id_source_external_id", "incidents", type_="unique")
    op.create_unique_constraint(
        op.f("uq_incidents_source_external_id"), "incidents", ["source", "external_id"]
    )
    op.drop_table("rate_limits")
    op.drop_table("app_secrets")
    op.drop_index("ix_user_sessions_user_id", table_name="user_sessions")
    op.drop_table("user_sessions")
    op.drop_table("users")
