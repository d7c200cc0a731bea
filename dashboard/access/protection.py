"""What every response and request goes through: CSRF, headers, Host/Origin, sizes, limits.

- CSRF: Flask-WTF's ``CSRFProtect`` on every state-changing request of a browser session,
  Dash's callbacks included (Dash's renderer sends the ``_csrf_token`` cookie back as the
  ``X-CSRFToken`` header). The token API (``/api/v1``) is exempt: it takes no cookies.
- Headers: a Content-Security-Policy Dash and MapLibre work under (Dash's one inline
  script allowed by its hash, ``app.csp_hashes()``), no framing, nosniff, Referrer-Policy,
  HSTS over HTTPS.
- Host: only configured names (DNS rebinding); Origin: a browser's write must come from a
  page of this site.
- Sizes: ``max_request_mb`` for any body, ``max_api_request_mb`` under ``/api/v1``; JSON
  nested too deep is a 400, never a crash.
- Limits: Flask-Limiter with its counters in PostgreSQL (:mod:`geodata.db.rate_limits`) or
  Redis, shared by every worker.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, jsonify, request
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

import geodata.db.rate_limits  # noqa: F401 (registers the tanggap+postgresql scheme)
from geodata.settings import Settings

__all__ = [
    "CSRF_COOKIE",
    "content_security_policy",
    "install_protection",
    "limiter",
    "problem",
    "unavailable",
]

LIMITER = "tanggap_limiter"


def limiter() -> Limiter:
    """The rate limiter of the app serving this request (one per app, its storage shared
    by every worker: counters live in PostgreSQL or Redis, never in this process)."""
    found: Limiter = current_app.extensions[LIMITER]
    return found


CSRF_COOKIE = "_csrf_token"  # the name Dash's renderer reads
RETRY_AFTER_S = 5
#: Online basemaps the map may fetch tiles and styles from, when one is configured.
BASEMAP_HOSTS = ("https://tile.openstreetmap.org", "https://*.tile.openstreetmap.org",
                 "https://basemaps.cartocdn.com", "https://*.basemaps.cartocdn.com")  # fmt: skip


def _remote() -> str:
    return request.remote_addr or "unknown"


def problem(status: int, error: str, field: str | None, message: str) -> tuple[Response, int]:
    """A JSON error as the API gives them: ``{"error", "field", "message"}``."""
    return jsonify({"error": error, "field": field, "message": message}), status


def unavailable() -> tuple[Response, int]:
    """503 with ``Retry-After`` and nothing about the database (no host, no port)."""
    wants_json = request.path.startswith(("/api/", "/_dash-"))
    body = (
        jsonify({"error": "unavailable", "field": None,
                 "message": "the database is unavailable; try again shortly"})
        if wants_json
        else Response("Tanggap: basis data sementara tidak dapat dihubungi. Coba lagi sebentar.",
                      mimetype="text/plain")
    )  # fmt: skip
    body.headers["Retry-After"] = str(RETRY_AFTER_S)
    return body, 503


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    """Host names to answer to; None when any will do (bound to all interfaces, unset)."""
    if settings.allowed_hosts:
        return frozenset(h.lower() for h in settings.allowed_hosts)
    if settings.host in ("0.0.0.0", "::"):
        return None
    return frozenset({"localhost", "127.0.0.1", "::1", settings.host.lower()})


def content_security_policy(script_hashes: Iterable[str], basemap: str) -> str:
    """The CSP of every response: our own origin, Dash's inline script by hash, MapLibre's
    workers from blob:, and the online basemap's hosts only when one is configured."""
    online = "" if basemap == "offline" else " " + " ".join(BASEMAP_HOSTS)
    hashes = " ".join(script_hashes)  # quoted already: "'sha256-…'"
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {hashes} 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob:{online}",
        "font-src 'self' data:",
        f"connect-src 'self'{online}",
        "worker-src 'self' blob:",
        "child-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])  # fmt: skip


def install_protection(
    server: Flask, engine: Engine, settings: Settings, script_hashes: Iterable[str]
) -> tuple[CSRFProtect, Limiter]:
    """CSRF, headers, Host/Origin checks, body limits and the shared rate limiter.

    ``script_hashes``: the inline scripts allowed (Dash's, once its set-up ran); a later
    ``server.config["TANGGAP_CSP"]`` replaces the policy built from them.
    """
    server.config.update(
        MAX_CONTENT_LENGTH=int(settings.max_request_mb * 1024 * 1024),
        WTF_CSRF_TIME_LIMIT=None,  # as long as the session: a wall ticks for weeks
        WTF_CSRF_SSL_STRICT=True,
        RATELIMIT_STORAGE_URI=settings.redis_url or "tanggap+postgresql://",
        RATELIMIT_STORAGE_OPTIONS={} if settings.redis_url else {"engine": engine},
        RATELIMIT_STRATEGY="fixed-window",
        RATELIMIT_HEADERS_ENABLED=True,
    )
    csrf = CSRFProtect(server)
    # Counting fails open when its storage is away: the database being down already
    # refuses sign-ins (503), and the API's writes are bounded by the same outage.
    server.extensions[LIMITER] = Limiter(_remote, app=server, default_limits=[],
                                         headers_enabled=True, swallow_errors=True)  # fmt: skip
    hosts = allowed_hosts(settings)
    server.config["TANGGAP_CSP"] = content_security_policy(script_hashes, settings.basemap)
    api_limit = int(settings.max_api_request_mb * 1024 * 1024)

    @server.before_request
    def check_request() -> Any:
        if hosts is not None and (request.host.rsplit(":", 1)[0].strip("[]").lower()
                                  not in hosts):  # fmt: skip
            return problem(400, "bad_host", "Host", "this server does not answer to that host")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("Origin")
            if origin and urlsplit(origin).netloc.lower() != request.host.lower():
                return problem(
                    403, "bad_origin", "Origin", "a write must come from this site's pages"
                )
        if request.path.startswith("/api/") and (request.content_length or 0) > api_limit:
            return problem(
                413, "too_large", "body", f"the body exceeds {settings.max_api_request_mb:g} MB"
            )
        return None

    @server.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", server.config["TANGGAP_CSP"])
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
            response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Strict",
                                secure=request.is_secure, httponly=False)  # fmt: skip
        return response

    @server.errorhandler(CSRFError)
    def refused(error: CSRFError) -> tuple[Response, int]:
        return problem(400, "csrf", "X-CSRFToken", f"refused: {error.description}")

    @server.errorhandler(413)
    def too_large(_: Any) -> tuple[Response, int]:
        return problem(413, "too_large", "body", f"the body exceeds {settings.max_request_mb:g} MB")

    @server.errorhandler(429)
    def too_many(error: Any) -> tuple[Response, int]:
        return problem(429, "rate_limited", None, f"too many requests: {error.description}")

    @server.errorhandler(OperationalError)
    def database_away(_: OperationalError) -> tuple[Response, int]:
        return unavailable()  # a page or callback that met a database gone away: never a 500

    @server.errorhandler(RecursionError)
    def too_deep(_: Any) -> tuple[Response, int]:
        return problem(400, "invalid", "body", "the JSON is nested too deeply")

    return csrf, server.extensions[LIMITER]
