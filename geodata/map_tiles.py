"""Vector tiles of the offline basemap, straight from PostGIS (``ST_AsMVT``/``ST_AsMVTGeom``).

Layers: ``land`` (the cities' outlines, filled), ``kecamatan`` and ``kelurahan`` (their
boundaries as lines), ``roads-<class>`` (one road class each). A tile holds one MVT layer,
named like the layer, in Web Mercator tile coordinates (extent 4096, buffer 64). Detail
follows the zoom: a road class appears only from its :data:`MIN_ZOOM` (below it the tile is
empty), lines and boundaries are simplified to a quarter of a tile unit and, below
:data:`MERGE_BELOW_ZOOM`, a class's edges are merged into few lines, so a tile's size and
cost stay bounded whatever the city. Tiles are public: what any map of the city shows.
Built tiles are kept in ``map_tiles`` (cleared by triggers whenever roads, areas or cities
change), so each is computed once for all workers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, text

from geodata.vocabulary import RoadClass

__all__ = [
    "MAX_ZOOM",
    "MIN_ZOOM",
    "TILE_LAYERS",
    "Tile",
    "TileRequestError",
    "check_tile",
    "read_tile",
]

MAX_ZOOM = 20
#: First zoom at which a layer has features (MapLibre's 512 px tiles).
MIN_ZOOM: dict[str, int] = {
    "land": 0, "kecamatan": 0, "kelurahan": 10,
    f"roads-{RoadClass.ARTERIAL}": 0, f"roads-{RoadClass.COLLECTOR}": 11,
    f"roads-{RoadClass.LOCAL}": 13, f"roads-{RoadClass.RESIDENTIAL}": 14,
    f"roads-{RoadClass.SERVICE}": 15,
}  # fmt: skip
TILE_LAYERS = tuple(MIN_ZOOM)
#: Below this zoom a road class's edges in a tile are merged into few lines.
MERGE_BELOW_ZOOM = 13
EXTENT, BUFFER = 4096, 64
#: Web Mercator world width, metres.
WORLD_M = 40_075_016.685578488

_ENVELOPE = """
    bounds AS (SELECT ST_TileEnvelope(:z, :x, :y) AS env,
                      ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => :margin), 4326) AS wgs)
"""
_ROADS = """
    WITH {envelope}, picked AS (
        SELECT e.geom FROM road_edges e, bounds
        WHERE e.road_class = :road_class AND e.geom && bounds.wgs
    ), shaped AS (
        SELECT ST_AsMVTGeom(ST_Simplify(ST_Transform(geom, 3857), :tolerance_m),
                            bounds.env, {extent}, {buffer}, true) AS geom
        FROM {source}, bounds
    )
    SELECT ST_AsMVT(shaped, :layer, {extent}, 'geom') FROM shaped WHERE geom IS NOT NULL
"""
_PER_EDGE = "picked"
_MERGED = "(SELECT ST_LineMerge(ST_Collect(geom)) AS geom FROM picked) merged"
_AREAS = """
    WITH {envelope}, shaped AS (
        SELECT ST_AsMVTGeom(ST_Simplify({outline}, :tolerance_m), bounds.env, {extent},
                            {buffer}, true) AS geom
        FROM {table} a, bounds
        WHERE {where} a.{column} && bounds.wgs
    )
    SELECT ST_AsMVT(shaped, :layer, {extent}, 'geom') FROM shaped WHERE geom IS NOT NULL
"""


class TileRequestError(ValueError):
    """A tile that cannot exist: unknown layer, or z/x/y out of range (names the field)."""

    def __init__(self, field: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


@dataclass(frozen=True)
class Tile:
    """A tile's bytes (an MVT protobuf, possibly empty) and its entity tag."""

    body: bytes
    etag: str


def check_tile(layer: str, z: int, x: int, y: int) -> None:
    """Refuse an unknown layer (404) or a zoom, column or row that does not exist (400)."""
    if layer not in MIN_ZOOM:
        raise TileRequestError("layer", f"no tile layer '{layer}'", status=404)
    if not 0 <= z <= MAX_ZOOM:
        raise TileRequestError("z", f"zoom {z} is outside 0..{MAX_ZOOM}")
    for name, value in (("x", x), ("y", y)):
        if not 0 <= value < 2**z:
            raise TileRequestError(name, f"{name} {value} is outside 0..{2**z - 1} at zoom {z}")


def _statement(layer: str, z: int) -> str:
    parts = {"envelope": _ENVELOPE, "extent": EXTENT, "buffer": BUFFER}
    if layer.startswith("roads-"):
        source = _MERGED if z < MERGE_BELOW_ZOOM else _PER_EDGE
        return _ROADS.format(source=source, **parts)
    if layer == "land":
        return _AREAS.format(table="cities", column="boundary", where="",
                             outline="ST_Transform(a.boundary, 3857)", **parts)  # fmt: skip
    return _AREAS.format(table="admin_areas", column="geom", where=f"a.level = '{layer}' AND",
                         outline="ST_Boundary(ST_Transform(a.geom, 3857))", **parts)  # fmt: skip


def _build(conn: Connection, layer: str, z: int, x: int, y: int) -> bytes:
    if z < MIN_ZOOM[layer]:
        return b""
    unit_m = WORLD_M / 2**z / EXTENT
    body = conn.execute(
        text(_statement(layer, z)),
        {"z": z, "x": x, "y": y, "margin": BUFFER / EXTENT, "tolerance_m": unit_m / 4,
         "layer": layer, "road_class": layer.removeprefix("roads-")},
    ).scalar()  # fmt: skip
    return bytes(body or b"")


def read_tile(conn: Connection, layer: str, z: int, x: int, y: int) -> Tile:
    """The tile, from the shared cache or built (and cached) now; checks its address first.

    One cache lookup when cached; else one tile query and one insert (a concurrent builder
    of the same tile is harmless: the same bytes, ``ON CONFLICT DO NOTHING``).
    """
    check_tile(layer, z, x, y)
    key = {"layer": layer, "z": z, "x": x, "y": y}
    row = conn.execute(
        text("SELECT body, etag FROM map_tiles WHERE layer = :layer AND z = :z AND x = :x "
             "AND y = :y"), key,
    ).first()  # fmt: skip
    if row is not None:
        return Tile(bytes(row.body), row.etag)
    body = _build(conn, layer, z, x, y)
    etag = hashlib.sha256(body).hexdigest()[:32]
    conn.execute(
        text("INSERT INTO map_tiles (layer, z, x, y, body, etag) VALUES (:layer, :z, :x, :y, "
             ":body, :etag) ON CONFLICT DO NOTHING"),
        {**key, "body": body, "etag": etag},
    )  # fmt: skip
    return Tile(body, etag)
