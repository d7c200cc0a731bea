"""The fleet: a unit's crew size, and when it was retired (kept for history, never sent).

``units.crew_size`` is the number of people a unit carries (NULL: not told, else ≥ 1);
``units.retired_at`` is when the unit left service (NULL: in service). A retired unit is
never recommended, listed on the live map, wall or dispatch page, but its dispatches stay.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "units",
        sa.Column("crew_size", sa.SmallInteger(), nullable=True, comment="People on board"),
    )
    op.add_column(
        "units",
        sa.Column(
            "retired_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="When it left service; NULL: in service",
        ),
    )
    op.create_check_constraint("crew_size", "units", "crew_size >= 1")


def downgrade() -> None:
    op.drop_constraint("crew_size", "units", type_="check")
    op.drop_column("units", "retired_at")
    op.drop_column("units", "crew_size")
