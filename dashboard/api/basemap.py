"""``/cities/{code}/layers/{name}.geojson``: the offline basemap's geometry, one layer a file.

The live map names these URLs as its layers' sources, so a browser fetches each layer once
and caches it (``Cache-Control``, ``ETag``) instead of receiving megabytes of roads inside
every figure. Public: boundaries and streets are what any map of the city shows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
from flask import Response, request

from dashboard.api._core import API_PREFIX, ApiError, ApiRoutes, RouteDoc, current_engine
from geodata import map_queries
from geodata.live.queries import road_class_lines
from layers.city_map import layer_geojson

__all__ = ["layer_url", "layer_urls", "register"]

#: How long a browser may reuse a layer without asking, in seconds.
MAX_AGE_S = 600


def layer_url(city_code: str, name: str) -> str:
    return f"{API_PREFIX}/cities/{city_code}/layers/{name}.geojson"


def layer_urls(city_code: str, names: Iterable[str]) -> dict[str, str]:
    """Absolute URLs of the named layers, as the request reached us: MapLibre fetches
    sources from a web worker, where a path has no base."""
    host = request.host_url.rstrip("/")
    return {name: host + layer_url(city_code, name) for name in names}


def _frame(conn: Any, city_id: int, name: str) -> gpd.GeoDataFrame | None:
    if name in ("land", "kecamatan"):
        return map_queries.area_outlines(conn, city_id, "kecamatan")
    if name == "kelurahan":
        return map_queries.area_outlines(conn, city_id, "kelurahan")
    if name.startswith("roads-"):
        return road_class_lines(conn, city_id, name.removeprefix("roads-"))
    return None


def basemap_layer(code: str, name: str) -> Any:
    with current_engine().connect() as conn:
        city = map_queries.city_summary(conn, code)
        frame = None if city is None else _frame(conn, city.id, name)
    if frame is None:
        raise ApiError(404, f"no layer '{name}' of city '{code}'", field="name", code="not_found")
    body = json.dumps(layer_geojson(frame), separators=(",", ":")).encode()
    etag = hashlib.sha256(body).hexdigest()[:32]
    headers = {"ETag": f'"{etag}"', "Cache-Control": f"public, max-age={MAX_AGE_S}"}
    if etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    return Response(body, mimetype="application/geo+json", headers=headers)


def register(api: ApiRoutes) -> None:
    api.add(RouteDoc("/cities/<code>/layers/<name>.geojson", ("GET",), "basemap_layer",
                     "One layer of the offline basemap (land, roads-<class>, kelurahan, "
                     "kecamatan) as GeoJSON", "basemap", public=True, errors=(404,)),
            basemap_layer)  # fmt: skip
