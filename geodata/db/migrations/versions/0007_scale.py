"""Kabupaten scale: basemap tile cache, live delta log, packed road graphs for searches.

``map_tiles`` keeps each built tile (see :mod:`geodata.map_tiles`); statement triggers on
``cities``, ``admin_areas`` and ``road_edges`` empty it whenever what tiles show changes.
``live_deltas`` holds, per city and version, the slots that changed in that version (see
:mod:`geodata.live.store`); ``live_snapshots.payload_version`` is the version its full
payload holds (the head ``version`` may be ahead of it by the deltas). Both UNLOGGED:
derived data, rebuilt after a crash. ``road_graphs`` keeps each profile's reversed road
graph packed for bounded searches (:mod:`geodata.routing.graph_store`), emptied by a
statement trigger whenever ``road_routing_edges`` changes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TILE_SOURCES = ("cities", "admin_areas", "road_edges")


def upgrade() -> None:
    op.create_table(
        "map_tiles",
        sa.Column("layer", sa.String(length=32), nullable=False),
        sa.Column("z", sa.SmallInteger(), nullable=False),
        sa.Column("x", sa.Integer(), nullable=False),
        sa.Column("y", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False, comment="MVT protobuf"),
        sa.Column("etag", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("layer", "z", "x", "y"),
        prefixes=["UNLOGGED"],
    )
    op.execute("ALTER TABLE map_tiles ALTER COLUMN body SET STORAGE EXTERNAL")
    op.execute(
        "CREATE FUNCTION tanggap_clear_map_tiles() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN DELETE FROM map_tiles; RETURN NULL; END $$"
    )
    for table in _TILE_SOURCES:
        op.execute(
            f"CREATE TRIGGER {table}_clear_map_tiles AFTER INSERT OR UPDATE OR DELETE OR "
            f"TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION tanggap_clear_map_tiles()"
        )
    op.create_table(
        "live_deltas",
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("city_id", "version"),
        prefixes=["UNLOGGED"],
    )
    op.create_table(
        "road_graphs",
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("profile", sa.String(length=16), nullable=False),
        sa.Column("node_ids", sa.LargeBinary(), nullable=False, comment="int64 LE, sorted"),
        sa.Column("lon", sa.LargeBinary(), nullable=False, comment="float64 LE, degrees"),
        sa.Column("lat", sa.LargeBinary(), nullable=False, comment="float64 LE, degrees"),
        sa.Column("indptr", sa.LargeBinary(), nullable=False, comment="int32 LE, CSR rows"),
        sa.Column("indices", sa.LargeBinary(), nullable=False, comment="int32 LE, CSR columns"),
        sa.Column("weights", sa.LargeBinary(), nullable=False, comment="float64 LE, seconds"),
        sa.PrimaryKeyConstraint("city_id", "profile"),
        prefixes=["UNLOGGED"],
    )
    for column in ("node_ids", "lon", "lat", "indptr", "indices", "weights"):
        op.execute(f"ALTER TABLE road_graphs ALTER COLUMN {column} SET STORAGE EXTERNAL")
    op.execute(
        "CREATE FUNCTION tanggap_clear_road_graphs() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN DELETE FROM road_graphs; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER road_routing_edges_clear_graphs AFTER INSERT OR UPDATE OR DELETE OR "
        "TRUNCATE ON road_routing_edges FOR EACH STATEMENT "
        "EXECUTE FUNCTION tanggap_clear_road_graphs()"
    )
    op.add_column(
        "live_snapshots",
        sa.Column("payload_version", sa.BigInteger(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("live_snapshots", "payload_version")
    op.drop_table("live_deltas")
    op.execute("DROP TRIGGER IF EXISTS road_routing_edges_clear_graphs ON road_routing_edges")
    op.execute("DROP FUNCTION IF EXISTS tanggap_clear_road_graphs()")
    op.drop_table("road_graphs")
    for table in _TILE_SOURCES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_clear_map_tiles ON {table}")
    op.execute("DROP FUNCTION IF EXISTS tanggap_clear_map_tiles()")
    op.drop_table("map_tiles")
