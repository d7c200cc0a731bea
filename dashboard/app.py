"""The Dash application factory: ``create_app(settings)`` builds one app per worker process."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import dash
from flask import current_app, jsonify
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.access.protection import content_security_policy, install_protection, unavailable
from dashboard.access.signin import install_sign_in
from dashboard.api import register_api
from geodata.analytics.standards import AnalyticsConfig
from geodata.db.app_secrets import shared_secret
from geodata.db.database import make_engine
from geodata.planning.jobs import JobWorker
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
    engine = make_engine(settings.database_url, check=False)
    server = app.server
    server.config.update(
        TANGGAP_SETTINGS=settings,
        TANGGAP_ENGINE=engine,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.tls_certfile is not None or settings.trusted_proxies > 0,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
    )
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    server.before_request(_load_secret_key)
    server.config["COMPRESS_MIMETYPES"] = [
        *server.config.get("COMPRESS_MIMETYPES", []),
        "application/vnd.mapbox-vector-tile",
    ]
    # Planning jobs run beside the requests, in this process's threads; their state is in
    # PostgreSQL, so any worker of any process may run any job.
    workers = [JobWorker(engine, AnalyticsConfig.from_settings(settings),
                         poll_s=settings.planning_poll_s)
               for _ in range(settings.planning_workers)]  # fmt: skip
    for worker in workers:
        worker.start()
    server.config["TANGGAP_PLANNING_WORKERS"] = workers
    app.layout = dash.html.Div([dash.page_container], className="tanggap")
    _, limiter = install_protection(server, engine, settings, app.csp_hashes())
    install_sign_in(server, engine, settings, limiter)
    register_api(server)
    server.add_url_rule("/healthz", "healthz", health)
    # Dash registers its scripts, callbacks and page router on the first request, and
    # marks that done before doing it (plotly/dash#3971): with threads, requests arriving
    # meanwhile get 500s for every script. Run that set-up now, before this worker serves.
    with app.server.test_request_context("/"):
        app.server.preprocess_request()
    # Dash's inline scripts exist once that set-up ran: allow exactly those, by hash.
    server.config["TANGGAP_CSP"] = content_security_policy(app.csp_hashes(), settings.basemap)
    return app


def _load_secret_key() -> Any:
    """The session-signing key every worker shares, read from the database the first time
    it is needed (a worker boots while the database is away, and answers 503 meanwhile)."""
    if current_app.secret_key:
        return None
    try:
        current_app.secret_key = shared_secret(current_engine(), "flask_secret_key")
    except OperationalError:
        return unavailable()
    return None


def health() -> Any:
    """Whether this worker serves and reaches its database: 200, or 503 (no details)."""
    try:
        with current_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError:
        return unavailable()
    return jsonify({"status": "ok"})


def current_engine() -> Engine:
    """The engine of the app serving the current request."""
    engine: Engine = current_app.config["TANGGAP_ENGINE"]
    return engine


def current_settings() -> Settings:
    settings: Settings = current_app.config["TANGGAP_SETTINGS"]
    return settings
