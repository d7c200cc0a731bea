"""Serving the app under gunicorn, with the settings object handed to every worker."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from dashboard.app import create_app
from geodata.settings import Settings

__all__ = ["serve"]


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


def serve(settings: Settings) -> None:
    """Run the app on ``settings.host:port`` with ``settings.workers`` workers until stopped."""
    options = {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        "threads": 4,
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
    }
    _Gunicorn(settings, options).run()
