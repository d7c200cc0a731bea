"""The dispatch page's writing callbacks fuzzed with what a hostile browser could post:
any JSON in any id, input or state. Never a 500; nothing stored but a valid assignment."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from tests.access import sign_in
from tests.dash_client import callback_payload
from tests.dashboard.access.conftest import TrustCity

pytestmark = pytest.mark.fuzz

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12,
)  # fmt: skip
ASSIGN_IDS = st.fixed_dictionaries({"type": st.just("assign"), "unit": JSON})


@pytest.fixture(scope="module")
def supervisor(trust: TrustCity) -> FlaskClient:
    """One signed-in supervisor for every generated request (signing in is the slow part)."""
    return sign_in(trust.app.server.test_client(), trust.people["supervisor"])


@given(unit_id=ASSIGN_IDS, incident=JSON, reason=JSON, refresh=JSON, context=JSON,
       clicks=JSON)  # fmt: skip
@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_assign_survives_any_payload(
    trust: TrustCity, supervisor: FlaskClient, unit_id: dict[str, Any], incident: Any,
    reason: Any, refresh: Any, context: Any, clicks: Any,
) -> None:  # fmt: skip
    client = supervisor
    body = callback_payload(trust.app, "dispatch-message.children", {
        "dispatch-incident.data": incident, "dispatch-reason.value": reason,
        "dispatch-refresh.data": refresh, "dispatch-context.data": context,
    })  # fmt: skip
    body["inputs"] = [[{"id": unit_id, "property": "n_clicks", "value": clicks}]]
    body["changedPropIds"] = [f"{text_id(unit_id)}.n_clicks"]
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code in (200, 204, 400, 403), answer.get_data(as_text=True)[:400]
    engine = create_engine(trust.url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM dispatches")).scalar_one()
    engine.dispose()
    assert stored == 0  # no generated payload names a real incident in a store of its city


def text_id(component_id: dict[str, Any]) -> str:
    import json

    return json.dumps(component_id, sort_keys=True, separators=(",", ":"), default=str)


@given(page=JSON, context=JSON, tick=JSON)
@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_the_queue_survives_any_payload(trust: TrustCity, supervisor: FlaskClient, page: Any,
                                        context: Any, tick: Any) -> None:  # fmt: skip
    client = supervisor
    body = callback_payload(trust.app, "dispatch-queue.children", {
        "dispatch-tick.n_intervals": tick, "dispatch-refresh.data": 0,
        "dispatch-page.data": page, "dispatch-context.data": context,
    })  # fmt: skip
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code in (200, 204, 400, 403), answer.get_data(as_text=True)[:400]
