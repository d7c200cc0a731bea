"""Live tick speed: read only what changed; store snapshots uncompressed.

Every tick the live producer reads the incidents and units changed since its last read
(``updated_at >=``): incidents find theirs by index (a city's history is long); units get
an ``updated_at`` kept by the same trigger as incidents (a city has a few hundred). The
snapshot payload is dense binary that hardly compresses: PostgreSQL's default storage tried
to compress it on every write (about 25 ms for 1 MB); EXTERNAL keeps it out of line, as is.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_incidents_city_id_updated_at", "incidents", ["city_id", "updated_at"], unique=False
    )
    op.execute("ALTER TABLE live_snapshots ALTER COLUMN payload SET STORAGE EXTERNAL")
    op.add_column(
        "units",
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
            nullable=False,
        ),
    )  # fmt: skip
    op.execute(
        "CREATE TRIGGER units_touch_updated_at BEFORE UPDATE ON units"
        " FOR EACH ROW EXECUTE FUNCTION tanggap_touch_updated_at()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS units_touch_updated_at ON units")
    op.drop_column("units", "updated_at")
    op.execute("ALTER TABLE live_snapshots ALTER COLUMN payload SET STORAGE EXTENDED")
    op.drop_index("ix_incidents_city_id_updated_at", table_name="incidents")
