"""Each page, each callback: the role and the city checked on the server, whatever the
browser sends; who did what comes from the session; callers' data only for who needs it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text

from dashboard.access.policy import PAGE_ROLES
from geodata.vocabulary import UserRole
from tests.access import sign_in
from tests.dash_client import run_callback
from tests.dashboard.access.conftest import TrustCity

PAGES = ("/", "/dispatch", "/live", "/wall", "/analytics", "/coverage")


def router(client: Any, trust: TrustCity, path: str) -> str:
    """The text of the page layout the router gives this signed-in client for ``path``."""
    status, out = run_callback(client, trust.app, "_pages_content.children",
                               {"_pages_location.pathname": path,
                                "_pages_location.search": ""},
                               triggered=["_pages_location.pathname"])  # fmt: skip
    assert status == 200
    return str(out["_pages_content"]["children"])


@pytest.mark.parametrize("role", [r.value for r in UserRole])
def test_each_role_opens_exactly_its_pages(trust: TrustCity, role: str) -> None:
    client = sign_in(trust.app.server.test_client(), trust.people[role])
    for path in PAGES:
        layout = router(client, trust, path)
        refused = "not-permitted" in layout
        if role == UserRole.WALL.value and path != "/wall":
            continue  # a wall screen's browser is sent to /wall before any page (below)
        assert refused == (UserRole(role) not in PAGE_ROLES[path]), (role, path)


def test_a_wall_screen_reaches_the_wall_only(trust: TrustCity) -> None:
    client = sign_in(trust.app.server.test_client(), trust.people["wall"])
    assert client.get("/wall").status_code == 200
    for path in ("/", "/dispatch", "/analytics"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.headers["Location"] == "/wall"


def assign_values(trust: TrustCity, unit: str, incident: int, city: str,
                  reason: str | None = None) -> dict[str, Any]:  # fmt: skip
    return {
        "{\"type\":\"assign\",\"unit\":[\"ALL\"]}.n_clicks": [
            {"id": {"type": "assign", "unit": trust.units[unit]}, "property": "n_clicks",
             "value": 1}],
        "dispatch-incident.data": incident, "dispatch-reason.value": reason,
        "dispatch-refresh.data": 0, "dispatch-context.data": {"city": city, "language": "en"},
    }  # fmt: skip


def post_assign(client: Any, trust: TrustCity, values: dict[str, Any], unit: str) -> Any:
    from tests.dash_client import callback_payload

    body = callback_payload(trust.app, "dispatch-message.children", values)
    body["inputs"] = [values['{"type":"assign","unit":["ALL"]}.n_clicks']]
    body["changedPropIds"] = [f'{{"type":"assign","unit":{trust.units[unit]}}}.n_clicks']
    return client.post("/_dash-update-component", json=body)


def dispatches(trust: TrustCity) -> list[tuple[Any, ...]]:
    engine = create_engine(trust.url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT u.call_sign, d.assigned_by, d.override_reason FROM dispatches d "
            "JOIN units u ON u.id = d.unit_id WHERE d.cleared_at IS NULL ORDER BY d.id"
        )).all()  # fmt: skip
    engine.dispose()
    return [tuple(r) for r in rows]


def test_assigning_is_decided_on_the_server(trust: TrustCity) -> None:
    analyst = sign_in(trust.app.server.test_client(), trust.people["analyst"])
    values = assign_values(trust, "DMK-1", trust.incident, trust.city_code)
    assert post_assign(analyst, trust, values, "DMK-1").status_code == 403  # not a dispatcher

    supervisor = sign_in(trust.app.server.test_client(), trust.people["supervisor"])
    # The slower engine without a reason: refused, whatever the browser claims.
    slower = post_assign(supervisor, trust, assign_values(trust, "DMK-2", trust.incident,
                                                          trust.city_code), "DMK-2")  # fmt: skip
    assert slower.status_code == 200 and "write the reason first" in slower.get_data(as_text=True)
    # Another city's unit for this incident, and this city's unit for another city's incident.
    stray = post_assign(supervisor, trust, assign_values(trust, "POL-9", trust.incident,
                                                         trust.city_code), "POL-9")  # fmt: skip
    assert "another city" in stray.get_data(as_text=True)
    foreign = post_assign(supervisor, trust, assign_values(trust, "DMK-1", trust.other_incident,
                                                           trust.city_code), "DMK-1")  # fmt: skip
    assert foreign.status_code == 403
    assert dispatches(trust) == []
    # The fastest: assigned, by the signed-in supervisor (no name typed anywhere).
    fastest = post_assign(supervisor, trust, values, "DMK-1")
    assert fastest.status_code == 200 and "DMK-1 assigned" in fastest.get_data(as_text=True)
    assert dispatches(trust) == [("DMK-1", trust.people["supervisor"].username, None)]


def test_a_city_scoped_account_sees_its_city_only(trust: TrustCity) -> None:
    scoped = sign_in(trust.app.server.test_client(), trust.other_people["supervisor"])
    values = {"dispatch-tick.n_intervals": None, "dispatch-refresh.data": 0,
              "dispatch-page.data": 0,
              "dispatch-context.data": {"city": trust.city_code, "language": "en"}}  # fmt: skip
    status, _ = run_callback(scoped, trust.app, "dispatch-queue.children", values)
    assert status == 403  # the first city, asked by a store the browser controls
    values["dispatch-context.data"] = {"city": trust.other_code, "language": "en"}
    status, out = run_callback(scoped, trust.app, "dispatch-queue.children", values)
    assert status == 200 and "#" in str(out["dispatch-queue"]["children"])


def test_callers_are_shown_to_who_needs_them_and_every_view_is_recorded(
    trust: TrustCity,
) -> None:
    values = {"dispatch-show-caller.n_clicks": 1, "dispatch-incident.data": trust.incident,
              "dispatch-context.data": {"city": trust.city_code, "language": "en"}}  # fmt: skip
    planner = sign_in(trust.app.server.test_client(), trust.people["planner"])
    assert run_callback(planner, trust.app, "dispatch-caller.children", values,
                        ["dispatch-show-caller.n_clicks"],
                        via="dispatch-show-caller.n_clicks")[0] == 403  # fmt: skip
    supervisor = sign_in(trust.app.server.test_client(), trust.people["supervisor"])
    status, out = run_callback(supervisor, trust.app, "dispatch-caller.children", values,
                               ["dispatch-show-caller.n_clicks"],
                               via="dispatch-show-caller.n_clicks")  # fmt: skip
    assert status == 200 and "Wahyuningsih Rahasia" in str(out)
    engine = create_engine(trust.url)
    with engine.connect() as conn:
        viewed = conn.execute(
            text("SELECT actor, entity_id FROM audit_log WHERE action = 'caller.view'")
        ).all()
    engine.dispose()
    assert [tuple(v) for v in viewed] == [
        (trust.people["supervisor"].username, str(trust.incident))
    ]


def test_every_callback_of_every_page_is_guarded(trust: TrustCity) -> None:
    """No server callback left without its check (Dash's own router excepted; clientside
    callbacks run in the browser and reach nothing of the server)."""
    server_side = {key: spec["callback"] for key, spec in trust.app.callback_map.items()
                   if "callback" in spec and "_pages_" not in key}  # fmt: skip
    assert len(server_side) > 15
    assert [key for key, f in server_side.items() if not hasattr(f, "__tanggap_roles__")] == []


def test_expensive_callbacks_are_limited_per_person(trust: TrustCity) -> None:
    analyst = sign_in(trust.app.server.test_client(), trust.people["analyst"])
    values = {"cv-agency.value": "fire", "cv-mode.value": "planned", "cv-target.value": None,
              "cv-allowance.value": None,
              "cv-context.data": {"city": trust.city_code, "language": "en"}}  # fmt: skip
    codes = [run_callback(analyst, trust.app, "cv-gaps.children", values,
                          ["cv-agency.value"])[0] for _ in range(62)]  # fmt: skip
    assert codes[:60] == [200] * 60 and codes[60:] == [429, 429]
    other = sign_in(trust.app.server.test_client(), trust.people["planner"])
    assert run_callback(other, trust.app, "cv-gaps.children", values, ["cv-agency.value"])[0] == 200
