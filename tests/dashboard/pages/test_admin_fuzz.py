"""The fleet page's writing callback fuzzed with what a hostile browser could post: never a
500, and nothing stored but a valid unit of the admin's own city."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.access import sign_in
from tests.dash_client import callback_payload
from tests.dashboard.pages.test_admin_page import CONTEXT, FleetApp, fleet, prop_id

__all__ = ["fleet"]
pytestmark = pytest.mark.fuzz

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=8,
)  # fmt: skip
FORM = ("admin-call-sign", "admin-agency", "admin-posko", "admin-profile", "admin-crew")


def test_write_survives_any_payload(fleet: FleetApp) -> None:
    admin = sign_in(fleet.app.server.test_client(), fleet.people["admin"])

    @given(form=st.lists(JSON, min_size=5, max_size=5), editing=JSON, button=JSON,
           context=st.sampled_from([CONTEXT, {"city": "73.98"}, None]) | JSON)  # fmt: skip
    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def write(form: list[Any], editing: Any, button: Any, context: Any) -> None:
        values = {f"{name}.value": value for name, value in zip(FORM, form, strict=True)}
        values |= {"admin-editing.data": editing, "admin-save.n_clicks": 1,
                   "admin-refresh.data": 0, "admin-context.data": context}  # fmt: skip
        body = callback_payload(fleet.app, "admin-message.children", values)
        retire = {"type": "admin-retire", "unit": button, "retire": True}
        if isinstance(button, str):
            body["inputs"][1] = [{"id": retire, "property": "n_clicks", "value": 1}]
        body["changedPropIds"] = [prop_id(retire) if isinstance(button, str)
                                  else "admin-save.n_clicks"]  # fmt: skip
        answer = admin.post("/_dash-update-component", json=body)
        assert answer.status_code in (200, 204, 400, 403), answer.get_data(as_text=True)[:300]

    write()
    with fleet.engine.connect() as conn:
        foreign = conn.execute(text(
            "SELECT count(*) FROM units u JOIN agencies a ON a.id = u.agency_id "
            "JOIN cities c ON c.id = a.city_id WHERE c.code <> '73.99'")).scalar_one()  # fmt: skip
        bad = conn.execute(text("SELECT count(*) FROM units WHERE call_sign ~ '[[:cntrl:]]'"))
    assert foreign == 0 and bad.scalar_one() == 0
