"""Every API route fuzzed from its own OpenAPI document (schemathesis, bounded): whatever
arrives, never a 500, and nothing half-stored."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from geodata.db.embedded import EmbeddedPostgres
from geodata.operations.api_tokens import create_token
from tests.conftest import TEMPLATE, drop_database, new_database
from tests.dashboard.api.conftest import api_app
from tests.dashboard.api.test_api import city as build_city

pytestmark = pytest.mark.fuzz

TOKEN: dict[str, str] = {}


@pytest.fixture(scope="module")
def fuzz_database(pg_cluster: EmbeddedPostgres, template_url: URL) -> Iterator[URL]:
    url = new_database(pg_cluster, TEMPLATE)
    yield url
    drop_database(pg_cluster, url)


@pytest.fixture(scope="module")
def api_schema(fuzz_database: URL) -> Iterator[schemathesis.BaseSchema]:
    engine = create_engine(fuzz_database)
    build_city.__wrapped__(engine)  # the tiny city of the API tests, once
    with engine.begin() as conn:
        city_id = conn.execute(text("SELECT id FROM cities")).scalar_one()
        TOKEN["value"] = create_token(conn, "fuzz", city_id).token
    app = api_app(engine)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    engine.dispose()


def test_no_route_answers_500_whatever_it_is_sent(api_schema: schemathesis.BaseSchema) -> None:
    """Each operation: 25 generated requests (schemathesis' strategies driven by hypothesis,
    derandomised: the same cases every run)."""
    seen: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        seen.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def run(case: schemathesis.Case) -> None:
            response = case.call(headers={"Authorization": f"Bearer {TOKEN['value']}"})
            assert response.status_code < 500, (case.method, case.path, response.text[:500])
            if response.status_code >= 400:
                kind = {k.lower(): v for k, v in response.headers.items()}["content-type"]
                assert "application/json" in str(kind), (case.path, response.text[:300])
                assert {"error", "field", "message"} <= set(response.json())

        run()
    assert len(seen) >= 10, seen  # every documented route was fuzzed
