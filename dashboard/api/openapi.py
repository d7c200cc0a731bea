"""``/openapi.json``: the OpenAPI 3.1 description of the API, built from its routes.

Every route is added with a :class:`~dashboard.api._core.RouteDoc` and its bodies are
pydantic models, so the document is generated from what is served, never kept by hand;
``tests/dashboard/test_api_openapi.py`` checks the two agree and that it validates.
"""

from __future__ import annotations

import re
from typing import Any

from flask import jsonify
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from dashboard.api._core import API_PREFIX, ApiRoutes, RouteDoc
from dashboard.api.schemas import ErrorOut

__all__ = ["openapi_document", "register"]

_RULE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
_ERRORS = {
    401: "Missing, unknown or revoked token",
    404: "No such incident or unit in the token's city",
    409: "Refused by the lifecycle or a concurrent change (the message says why)",
    422: "Invalid payload; 'field' names the field at fault",
}


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: ``/incidents/<int:incident_id>`` → ``{incident_id}``."""
    return API_PREFIX + _RULE_PARAM.sub(r"{\2}", rule)


def _operation(doc: RouteDoc, method: str) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "integer" if converter == "int" else "string"}}
        for converter, name in _RULE_PARAM.findall(doc.rule)
    ] + [
        {"name": name, "in": "query", "required": False, "description": text,
         "schema": {"type": kind}}
        for name, kind, text in doc.query
    ]  # fmt: skip
    error = {"content": {"application/json": {"schema": _ref(ErrorOut)}}}
    success: dict[str, Any] = {"description": "Done; durable before this answer"}
    if doc.response is not None:
        success["content"] = {"application/json": {"schema": _ref(doc.response)}}
    operation: dict[str, Any] = {
        "operationId": doc.operation_id if len(doc.methods) == 1 else
        f"{doc.operation_id}_{method}",
        "summary": doc.summary,
        "tags": [doc.tag],
        "responses": {
            str(doc.success): success,
            **{str(code): {"description": _ERRORS[code], **error} for code in doc.errors},
        },
    }  # fmt: skip
    if parameters:
        operation["parameters"] = parameters
    if doc.request is not None and method != "get":
        operation["requestBody"] = {
            "required": True, "content": {"application/json": {"schema": _ref(doc.request)}},
        }  # fmt: skip
    if doc.public:
        operation["security"] = []
    return operation


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def openapi_document(docs: list[RouteDoc]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``docs``."""
    models = {ErrorOut} | {m for d in docs for m in (d.request, d.response) if m is not None}
    _, schemas = models_json_schema(
        [(model, "validation") for model in sorted(models, key=lambda m: m.__name__)],
        ref_template="#/components/schemas/{model}",
    )
    paths: dict[str, dict[str, Any]] = {}
    for doc in docs:
        for method in doc.methods:
            paths.setdefault(openapi_path(doc.rule), {})[method.lower()] = _operation(
                doc, method.lower()
            )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tanggap ingest API",
            "version": "1",
            "description": "Incidents, lifecycle events, dispatches, unit statuses and "
            "positions for a 112 command center. Each integration has its own token "
            "(`tanggap api token create NAME`); writes are durable before the answer and "
            "all-or-nothing; errors name the field at fault.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas.get("$defs", {}),
        },
        "paths": paths,
    }


def register(api: ApiRoutes) -> None:
    def serve() -> Any:
        return jsonify(openapi_document(api.docs))

    api.add(RouteDoc("/openapi.json", ("GET",), "openapi", "This description", "meta",
                     public=True, errors=()), serve)  # fmt: skip
