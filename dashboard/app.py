"""The Dash application factory: ``create_app(settings)`` builds one app per worker process."""

from __future__ import annotations

from pathlib import Path

import dash
from flask import current_app
from sqlalchemy import Engine

from dashboard.api import register_api
from geodata.db.database import make_engine
from geodata.settings import Settings

__all__ = ["create_app", "current_engine", "current_settings"]


def create_app(settings: Settings) -> dash.Dash:
    """A Dash app over the database in ``settings.database_url`` (which must be set).

    The engine (a connection pool) belongs to this process; nothing else is kept in
    process memory, so any number of workers can serve the same city.
    """
    if not settings.database_url:
        raise ValueError("create_app needs settings.database_url; the CLI resolves it")
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(Path(__file__).with_name("pages")),
        title="Tanggap",
        update_title=None,
        serve_locally=True,
        # Pages fill their figures through callbacks: no page's layout is called just to
        # validate callbacks, and no page's HTML carries another page's layout.
        suppress_callback_exceptions=True,
        # Scripts, layouts, callback answers and tiles compressed (gzip/brotli, as the
        # browser asks): Plotly's bundle alone is 4.6 MB raw, about 1.4 MB compressed.
        compress=True,
    )
    app.server.config["COMPRESS_MIMETYPES"] = [
        *app.server.config.get("COMPRESS_MIMETYPES", []),
        "application/vnd.mapbox-vector-tile",
    ]
    app.server.config["TANGGAP_SETTINGS"] = settings
    app.server.config["TANGGAP_ENGINE"] = make_engine(settings.database_url)
    register_api(app.server)
    app.layout = dash.html.Div([dash.page_container], className="tanggap")
    # Dash registers its scripts, callbacks and page router on the first request, and
    # marks that done before doing it (plotly/dash#3971): with threads, requests arriving
    # meanwhile get 500s for every script. Run that set-up now, before this worker serves.
    with app.server.test_request_context("/"):
        app.server.preprocess_request()
    return app


def current_engine() -> Engine:
    """The engine of the app serving the current request."""
    engine: Engine = current_app.config["TANGGAP_ENGINE"]
    return engine


def current_settings() -> Settings:
    settings: Settings = current_app.config["TANGGAP_SETTINGS"]
    return settings
