"""What every endpoint shares: routes that document themselves, errors, auth, transactions.

An endpoint is a plain Flask view registered through :meth:`ApiRoutes.add`, which also
records what the OpenAPI document says about it (so the document cannot drift from the
routes). Writes run in :func:`transaction`: authentication and the write share one
connection and commit before the response is built, so an accepted write is durable, and
any error rolls everything back, so nothing partial is stored.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, jsonify, request
from limits import parse as parse_limit
from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from dashboard.access.protection import limiter
from dashboard.api.schemas import clean_text
from geodata.coordinates import BoundingBox, CoordinateError, check_lon_lat
from geodata.db.errors import constraint_name
from geodata.operations.api_tokens import Integration, authenticate
from geodata.operations.dispatching import DispatchError

__all__ = [
    "API_PREFIX",
    "ApiError",
    "ApiRoutes",
    "RouteDoc",
    "area_of",
    "check_point",
    "dispatch_refusal",
    "parse",
    "path_text",
    "transaction",
]

API_PREFIX = "/api/v1"
#: Degrees added around the city's boundary for the points it accepts (about 20 km).
AREA_MARGIN_DEG = 0.2
WORKER_HEADER = "X-Tanggap-Worker"
#: Endpoints open without a token, and those that also take it as a ``token`` parameter
#: (devices such as the Traccar Client app can only put it in their URL).
PUBLIC_ENDPOINTS = frozenset({"openapi", "unknown"})
QUERY_TOKEN_ENDPOINTS = frozenset({"report_osmand"})
M = TypeVar("M", bound=BaseModel)


class ApiError(Exception):
    """An answer other than success: HTTP status, the field at fault, a readable message."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        field: str | None = None,
        code: str = "invalid",
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.field, self.code = status, message, field, code
        self.errors = errors

    def response(self) -> tuple[Response, int]:
        body: dict[str, Any] = {"error": self.code, "field": self.field, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return jsonify(body), self.status


@dataclass(frozen=True)
class RouteDoc:
    """What the OpenAPI document says about one route."""

    rule: str
    methods: tuple[str, ...]
    operation_id: str
    summary: str
    tag: str
    request: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    success: int = 200
    public: bool = False
    query: tuple[tuple[str, str, str], ...] = ()  # (name, JSON type, description)
    errors: tuple[int, ...] = (401, 422)


@dataclass
class ApiRoutes:
    """The API's blueprint and the documentation of each route added to it."""

    blueprint: Blueprint
    docs: list[RouteDoc] = field(default_factory=list)

    def add(self, doc: RouteDoc, view: Callable[..., Any]) -> None:
        self.docs.append(doc)
        self.blueprint.add_url_rule(doc.rule, doc.operation_id, view, methods=list(doc.methods))


def parse(model: type[M], payload: Any) -> M:
    """Validate ``payload`` into ``model``; a 422 naming the first field at fault otherwise."""
    if payload is None:
        raise ApiError(422, "the request body must be JSON (Content-Type: application/json)",
                       field="body")  # fmt: skip
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        details = [
            {"field": ".".join(str(part) for part in e["loc"]) or "body", "message": e["msg"]}
            for e in error.errors(include_url=False)
        ]
        first = details[0]
        raise ApiError(422, f"{first['field']}: {first['message']}", field=first["field"],
                       errors=details) from None  # fmt: skip


def area_of(who: Integration) -> BoundingBox | None:
    """The box a point of this integration's city must fall in (its extent plus a margin)."""
    if who.bounds is None:
        return None
    min_lon, min_lat, max_lon, max_lat = who.bounds
    m = AREA_MARGIN_DEG
    return BoundingBox(min_lon - m, min_lat - m, max_lon + m, max_lat + m)


def check_point(lon: float, lat: float, area: BoundingBox | None, prefix: str = "") -> None:
    """A 422 naming ``lat`` or ``lon`` if the point is not in the city (or looks swapped)."""
    if area is None:
        return
    try:
        check_lon_lat(lon, lat, area)
    except CoordinateError as error:
        field = "lon" if area.min_lat <= lat <= area.max_lat else "lat"
        raise ApiError(422, f"{prefix}{field}: {error}", field=f"{prefix}{field}") from None


def bearer_token(*, allow_query: bool = False) -> str:
    """The token of ``Authorization: Bearer …`` (or the ``token`` parameter, for devices)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    if allow_query:
        token = request.values.get("token")
        if token:
            return token
    where = "an Authorization: Bearer header" + (" or a token parameter" if allow_query else "")
    raise ApiError(401, f"missing token: send {where}", field="Authorization",
                   code="unauthorized")  # fmt: skip


def current_engine() -> Engine:
    """The engine of the app serving this request (``create_app`` puts it in the config)."""
    engine: Engine = current_app.config["TANGGAP_ENGINE"]
    return engine


#: Wrong tokens one address may try, shared by every worker, before it is told to wait.
BAD_TOKENS = parse_limit("20/minute")


def dispatch_refusal(error: DispatchError) -> ApiError:
    """The API's answer to a refused assignment or status change: 422 for a time out of
    order (field ``at``), 409 for the rest (the unit's or incident's state)."""
    if error.reason == "too_early":
        return ApiError(422, f"at: {error}", field="at")
    field = "unit" if error.reason in ("unavailable", "no_unit", "other_city") else "incident_id"
    return ApiError(409, str(error), field=field, code=error.reason)


def path_text(value: str, field: str) -> str:
    """A text taken from the URL path (a call sign), checked like a body's text."""
    try:
        return clean_text(value)
    except ValueError as error:
        raise ApiError(422, f"{field}: {error}", field=field) from None


@contextmanager
def transaction(*, allow_query_token: bool = False) -> Iterator[tuple[Connection, Integration]]:
    """One transaction: authenticate, then the caller's work; committed on leaving.

    The answers a client can act on: 401 for a wrong token (429 after too many from one
    address), 409 naming the rule for a write the stored data refuses, 422 for a value the
    database cannot hold, 503 with Retry-After when the database is away (nothing about
    it). Any error rolls the whole transaction back.
    """
    token = bearer_token(allow_query=allow_query_token)
    client = request.remote_addr or "unknown"
    counters = limiter().limiter
    try:
        if not counters.test(BAD_TOKENS, "api-bad-token", client):
            raise ApiError(429, "too many wrong tokens from this address: wait a minute",
                           field="Authorization", code="rate_limited")  # fmt: skip
        with current_engine().begin() as conn:
            who = authenticate(conn, token)
            if who is None:
                counters.hit(BAD_TOKENS, "api-bad-token", client)
                raise ApiError(401, "unknown or revoked token", field="Authorization",
                               code="unauthorized")  # fmt: skip
            yield conn, who
    except OperationalError:
        raise ApiError(503, "the database is unavailable; try again shortly",
                       code="unavailable") from None  # fmt: skip
    except IntegrityError as error:
        rule = constraint_name(error) or "a stored rule"
        raise ApiError(409, f"the stored data refuses this write ({rule})",
                       code="conflict") from None  # fmt: skip
    except DataError:
        raise ApiError(422, "a value cannot be stored (out of range or malformed)",
                       field="body") from None  # fmt: skip


def make_blueprint() -> Blueprint:
    """The API's blueprint with JSON errors and a header naming the worker that answered."""
    blueprint = Blueprint("api", __name__, url_prefix=API_PREFIX)

    @blueprint.before_request
    def require_token() -> None:
        # A request without any token is refused before its body is even read.
        endpoint = (request.endpoint or "").rpartition(".")[2]
        if endpoint not in PUBLIC_ENDPOINTS:
            bearer_token(allow_query=endpoint in QUERY_TOKEN_ENDPOINTS)

    @blueprint.errorhandler(ApiError)
    def api_error(error: ApiError) -> tuple[Response, int]:
        response, status = error.response()
        if status == 503:
            response.headers["Retry-After"] = "5"
        return response, status

    @blueprint.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def unknown(rest: str) -> tuple[Response, int]:
        # Without this, Dash's catch-all page route would answer 200 with HTML.
        return ApiError(404, f"no API route /{rest[:200]}", field="path",
                        code="not_found").response()  # fmt: skip

    @blueprint.after_app_request
    def name_worker(response: Response) -> Response:
        # Which process answered: tests use it to hit two workers on purpose.
        response.headers[WORKER_HEADER] = str(os.getpid())
        return response

    return blueprint
