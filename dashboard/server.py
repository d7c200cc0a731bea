"""Serving the app under gunicorn, with the settings handed to every worker.

The access log names method, path (never the query string: the OsmAnd protocol carries its
token there), status, size and duration. gunicorn's control socket is switched off: its
default path is per user, so a second instance would take over the first one's. With a
certificate configured the app serves HTTPS itself; the usual deployment is behind a
reverse proxy that does TLS (``TANGGAP_TRUSTED_PROXIES=1``, docs/security.md).
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from dashboard.app import create_app
from geodata.settings import Settings

__all__ = ["gunicorn_options", "serve"]

#: Remote address, time, method and path without the query, status, bytes, microseconds.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(D)sus'


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Runs in each worker after fork: each gets its own engine and connection pool.
        return create_app(self.settings).server


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    """gunicorn's settings for ``settings``: bind, workers, logs, TLS, no control socket."""
    options: dict[str, Any] = {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        "threads": 4,
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "loglevel": "info",
        "control_socket_disable": True,
        "limit_request_line": 8190,
        "limit_request_fields": 100,
    }
    if settings.tls_certfile and settings.tls_keyfile:
        options.update(certfile=str(settings.tls_certfile), keyfile=str(settings.tls_keyfile))
    return options


def serve(settings: Settings) -> None:
    """Run the app on ``settings.host:port`` with ``settings.workers`` workers until stopped."""
    _Gunicorn(settings, gunicorn_options(settings)).run()
