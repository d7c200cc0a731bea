"""Sign-in, the gate, CSRF and the headers, against the real app (Flask's test client)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, text

from tests.access import csrf_of, sign_in
from tests.dashboard.access.conftest import TrustCity

PAGES = ("/", "/dispatch", "/live", "/wall", "/analytics", "/coverage")


@pytest.mark.parametrize("path", [*PAGES, "/no-such-page", "/_dash-layout", "/_dash-dependencies"])
def test_an_anonymous_request_to_any_page_is_refused(trust: TrustCity, path: str) -> None:
    answer = trust.app.server.test_client().get(path)
    if path.startswith("/_dash-"):
        assert answer.status_code == 401 and answer.json["error"] == "unauthorized"
    else:
        assert answer.status_code == 302
        assert answer.headers["Location"].startswith("/masuk?next=")


def test_an_anonymous_callback_is_refused_and_changes_nothing(trust: TrustCity) -> None:
    client = trust.app.server.test_client()
    form = client.get("/masuk").get_data(as_text=True)
    body = {"output": "..dispatch-message.children...dispatch-refresh.data..", "outputs": [],
            "inputs": [[{"id": {"type": "assign", "unit": trust.units["DMK-1"]},
                         "property": "n_clicks", "value": 1}]],
            "state": [], "changedPropIds": []}  # fmt: skip
    without_token = client.post("/_dash-update-component", json=body)
    with_token = client.post("/_dash-update-component", json=body,
                             headers={"X-CSRFToken": csrf_of(form)})  # fmt: skip
    assert without_token.status_code == 400 and without_token.json["error"] == "csrf"
    assert with_token.status_code == 401
    engine = create_engine(trust.url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM dispatches")).scalar_one() == 0
    engine.dispose()


def test_signing_in_sets_a_session_and_signing_out_ends_it(trust: TrustCity) -> None:
    client = sign_in(trust.app.server.test_client(), trust.people["analyst"])
    assert client.get("/analytics").status_code == 200
    session = client.get_cookie("session")
    assert session is not None and session.http_only
    page = client.get("/analytics").get_data(as_text=True)
    assert 'id="_dash-config"' in page
    token = client.get_cookie("_csrf_token").value  # type: ignore[union-attr]
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 302
    assert client.get("/analytics").status_code == 302  # signed out: back to the form


def test_a_wrong_password_is_refused_in_words_without_saying_which(trust: TrustCity) -> None:
    client = trust.app.server.test_client()
    form = client.get("/masuk").get_data(as_text=True)
    for username in (trust.people["admin"].username, "nobody.at.all"):
        answer = client.post("/masuk", data={"username": username, "password": "nope-nope-nope",
                                             "csrf_token": csrf_of(form)})  # fmt: skip
        assert answer.status_code == 401
        assert "Nama pengguna atau kata sandi salah" in answer.get_data(as_text=True)


def test_a_sign_in_without_the_form_token_is_refused(trust: TrustCity) -> None:
    person = trust.people["admin"]
    answer = trust.app.server.test_client().post(
        "/masuk", data={"username": person.username, "password": person.password}
    )
    assert answer.status_code == 400 and answer.json["error"] == "csrf"


def test_sign_in_attempts_are_rate_limited_per_address(trust: TrustCity) -> None:
    client = trust.app.server.test_client()
    token = csrf_of(client.get("/masuk").get_data(as_text=True))
    codes = [
        client.post("/masuk", data={"username": f"x{i}", "password": "y" * 12,
                                    "csrf_token": token},
                    environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code
        for i in range(34)
    ]  # fmt: skip
    assert codes[:30] == [401] * 30 and set(codes[30:]) == {429}


def test_the_next_page_after_sign_in_stays_on_this_site(trust: TrustCity) -> None:
    person = trust.people["analyst"]
    client = trust.app.server.test_client()
    token = csrf_of(client.get("/masuk").get_data(as_text=True))
    for target, landing in (("/analytics", "/analytics"), ("//evil.example/x", "/"),
                            ("https://evil.example", "/")):  # fmt: skip
        client.post("/keluar", data={"csrf_token": token})
        token = csrf_of(client.get("/masuk").get_data(as_text=True))
        answer = client.post("/masuk", data={"username": person.username,
                                             "password": person.password, "next": target,
                                             "csrf_token": token})  # fmt: skip
        assert answer.headers["Location"] == landing
        token = client.get_cookie("_csrf_token").value  # type: ignore[union-attr]


def test_every_response_carries_the_security_headers(trust: TrustCity) -> None:
    client = sign_in(trust.app.server.test_client(), trust.people["analyst"])
    for path in ("/masuk", "/analytics", "/api/v1/openapi.json"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
        assert re.search(r"script-src 'self' 'sha256-", policy)  # Dash's inline script, by hash
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_other_hosts_and_foreign_origins_are_refused(trust: TrustCity) -> None:
    client = trust.app.server.test_client()
    assert client.get("/masuk", headers={"Host": "evil.example"}).status_code == 400
    person = trust.people["admin"]
    token = csrf_of(client.get("/masuk").get_data(as_text=True))
    answer = client.post("/masuk", headers={"Origin": "https://evil.example"},
                         data={"username": person.username, "password": person.password,
                               "csrf_token": token})  # fmt: skip
    assert answer.status_code == 403 and answer.json["error"] == "bad_origin"


def test_large_bodies_and_deep_json_are_refused_not_parsed(trust: TrustCity) -> None:
    client = sign_in(trust.app.server.test_client(), trust.people["supervisor"])
    huge = b"x" * (21 * 1024 * 1024)
    assert client.post("/_dash-update-component", data=huge,
                       content_type="application/json").status_code == 413  # fmt: skip
    deep = "[" * 100_000 + "]" * 100_000
    answer = client.post("/_dash-update-component", data=deep, content_type="application/json")
    assert answer.status_code == 400
