"""The API as the app serves it: the blueprint behind the app's own protection (CSRF
exemption, body limits, headers, the shared rate limiter), on a test database."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import Engine

from dashboard.access.protection import install_protection
from dashboard.api import register_api
from geodata.settings import Settings


def api_app(engine: Engine, settings: Settings | None = None) -> Flask:
    """A Flask app with the API and everything every request goes through, on ``engine``."""
    settings = settings or Settings(database_url=engine.url.render_as_string(hide_password=False))
    app = Flask(__name__)
    app.config["TANGGAP_ENGINE"] = engine
    app.config["TANGGAP_SETTINGS"] = settings
    app.config["SECRET_KEY"] = "tests"
    install_protection(app, engine, settings, [])
    register_api(app)
    return app
