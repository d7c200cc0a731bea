"""``/tiles/{layer}/{z}/{x}/{y}.mvt``: the offline basemap as vector tiles (see geodata.map_tiles).

Every map page names these URLs as MapLibre vector sources, so a browser fetches only the
tiles in view, at the detail of its zoom, and caches each (``Cache-Control``, ``ETag``).
Public, like any map of the city; a bad z/x/y gets a 400 naming it, an unknown layer a 404.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, Response, jsonify, request
from sqlalchemy.exc import OperationalError

from dashboard.access.protection import unavailable
from dashboard.api._core import current_engine
from geodata.map_tiles import TileRequestError, read_tile

__all__ = ["TILE_PATH", "register_tiles", "tile_urls"]

TILE_PATH = "/tiles/{layer}/{z}/{x}/{y}.mvt"
#: How long a browser may reuse a tile without asking, in seconds.
MAX_AGE_S = 3600
MVT_TYPE = "application/vnd.mapbox-vector-tile"


def tile_urls(names: Iterable[str], template: str = "") -> dict[str, str]:
    """Absolute tile URL templates ({z}/{x}/{y} left for MapLibre) of the named layers:
    ``template`` (``Settings.tile_url``, a dedicated tile server) or, when empty, this app
    as the request reached us (MapLibre fetches tiles from a web worker, where a path has
    no base)."""
    if not template:
        template = request.host_url.rstrip("/") + TILE_PATH
    return {name: template.replace("{layer}", name) for name in names}


def _error(field: str, message: str, status: int) -> tuple[Response, int]:
    return jsonify({"error": "not_found" if status == 404 else "invalid", "field": field,
                    "message": message}), status  # fmt: skip


def _number(name: str, value: str) -> int:
    if not value.isdigit() or len(value) > 8:
        raise TileRequestError(name, f"{name} must be a whole number ≥ 0, not '{value}'")
    return int(value)


def vector_tile(layer: str, z: str, x: str, y: str) -> tuple[Response, int] | Response:
    try:
        zxy = _number("z", z), _number("x", x), _number("y", y)
        with current_engine().begin() as conn:
            tile = read_tile(conn, layer, *zxy)
    except TileRequestError as error:
        return _error(error.field, str(error), error.status)
    except OperationalError:
        return unavailable()  # Retry-After, and nothing about where the database is
    headers = {"ETag": f'"{tile.etag}"', "Cache-Control": f"public, max-age={MAX_AGE_S}"}
    if tile.etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    if not tile.body:
        return Response(status=204, headers=headers)
    return Response(tile.body, mimetype=MVT_TYPE, headers=headers)


def register_tiles(server: Flask) -> None:
    server.add_url_rule("/tiles/<layer>/<z>/<x>/<y>.mvt", "vector_tile", vector_tile,
                        methods=["GET"])  # fmt: skip
