"""The road network as imported, its per-profile costs, routing copy, packed graphs, tiles."""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from geodata.db.schema._base import Base, gist, one_of, point
from geodata.vocabulary import RoadClass, VehicleProfile


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
