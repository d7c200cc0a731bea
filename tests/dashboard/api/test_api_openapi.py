"""The OpenAPI document describes exactly the routes served, and is valid OpenAPI 3.1."""

from __future__ import annotations

from flask import Flask
from openapi_spec_validator import validate

from dashboard.api import API_PREFIX, register_api
from dashboard.api.openapi import openapi_path


def served_app() -> Flask:
    app = Flask(__name__)
    app.config["TANGGAP_ENGINE"] = None  # the document needs no database
    register_api(app)
    return app


def test_the_document_lists_every_served_route_and_method() -> None:
    app = served_app()
    document = app.test_client().get(f"{API_PREFIX}/openapi.json").json
    served = {
        (openapi_path(rule.rule.removeprefix(API_PREFIX)), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API_PREFIX) and rule.endpoint != "api.unknown"
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert served == documented
    assert ("/api/v1/incidents/{incident_id}/events", "post") in documented


def test_an_unknown_api_path_is_a_json_404_not_a_page() -> None:
    client = served_app().test_client()
    for method in ("get", "post", "delete"):
        answer = getattr(client, method)(f"{API_PREFIX}/incidentz/7")
        assert answer.status_code == 404 and answer.is_json
        assert answer.json == {"error": "not_found", "field": "path",
                               "message": "no API route /incidentz/7"}  # fmt: skip


def test_the_document_is_valid_openapi_with_field_level_schemas() -> None:
    document = served_app().test_client().get(f"{API_PREFIX}/openapi.json").json
    validate(document)
    incident = document["components"]["schemas"]["IncidentIn"]
    assert set(incident["required"]) == {"external_id", "category", "priority", "received_at"}
    assert incident["additionalProperties"] is False
    post = document["paths"]["/api/v1/incidents"]["post"]
    assert set(post["responses"]) == {"201", "401", "409", "422"}
    assert document["paths"]["/api/v1/openapi.json"]["get"]["security"] == []
