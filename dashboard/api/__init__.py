"""The ingest API under ``/api/v1``, on the Dash app's Flask server.

One module per resource; each has ``register(api)`` adding its routes. A new resource
(e.g. ``recommendations.py``) adds itself to :data:`RESOURCES`.
"""

from __future__ import annotations

from flask import Flask

from dashboard.api import (
    dispatches,
    incidents,
    openapi,
    osmand,
    planning,
    recommendations,
    units,
)
from dashboard.api._core import API_PREFIX, ApiRoutes, make_blueprint
from dashboard.api.tiles import register_tiles

__all__ = ["API_PREFIX", "RESOURCES", "register_api"]

RESOURCES = (incidents, dispatches, recommendations, units, osmand, planning, openapi)


def register_api(server: Flask) -> ApiRoutes:
    """Add the API's routes to ``server`` (the app's engine is in its config)."""
    api = ApiRoutes(make_blueprint())
    for resource in RESOURCES:
        resource.register(api)
    server.register_blueprint(api.blueprint)
    csrf = server.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(api.blueprint)  # the API takes tokens, never cookies: no CSRF to forge
    register_tiles(server)
    return api
