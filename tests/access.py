"""Signing in from tests, the way a person does: the sign-in form, its CSRF token, a cookie."""

from __future__ import annotations

import http.cookiejar
import re
import secrets
import urllib.parse
import urllib.request
from dataclasses import dataclass

from flask.testing import FlaskClient
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import URL

from geodata.operations.user_sessions import issue_kiosk_link
from geodata.operations.users import Account, create_user, find_user
from geodata.vocabulary import UserRole

__all__ = ["Person", "add_people", "browser_sign_in", "csrf_of", "http_sign_in", "sign_in"]


@dataclass(frozen=True)
class Person:
    """A test account: username, password (none for a wall), and the database it is in (a
    wall signs in by a one-time kiosk link, issued afresh each time)."""

    username: str
    password: str
    role: UserRole
    url: URL | None = None

    def kiosk_link(self) -> str:
        assert self.url is not None and self.role == UserRole.WALL
        engine = create_engine(self.url)
        with engine.begin() as conn:
            account = find_by_name(conn, self.username)
            token = issue_kiosk_link(conn, account, actor="tests")
        engine.dispose()
        return token


def find_by_name(conn: Connection, username: str) -> Account:
    user_id = conn.execute(text("SELECT id FROM users WHERE username = :u"),
                           {"u": username}).scalar_one()  # fmt: skip
    account = find_user(conn, int(user_id))
    assert account is not None
    return account


def add_people(conn: Connection, city_id: int | None = None, suffix: str = "") -> dict[str, Person]:
    """One account per role, random passwords; keyed by role value."""
    url = conn.engine.url
    people = {}
    for role in UserRole:
        username = f"test.{role.value}{suffix}"
        secret = "" if role == UserRole.WALL else secrets.token_urlsafe(16)
        create_user(conn, username, role, secret or None, actor="tests", city_id=city_id)
        people[role.value] = Person(username, secret, role, url)
    return people


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: FlaskClient, person: Person) -> FlaskClient:
    """Sign ``client`` in as ``person`` (kiosk link for a wall); the CSRF header is set.

    Each client signs in from its own address, as people do (the sign-in rate limit counts
    per address)."""
    client.environ_base["REMOTE_ADDR"] = (
        f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
    )
    if person.role == UserRole.WALL:
        answer = client.get(f"/masuk/kiosk/{person.kiosk_link()}")
    else:
        form = client.get("/masuk").get_data(as_text=True)
        answer = client.post("/masuk", data={"username": person.username,
                                             "password": person.password,
                                             "csrf_token": csrf_of(form)})  # fmt: skip
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    page = client.get(answer.headers["Location"])
    cookie = client.get_cookie("_csrf_token")
    assert cookie is not None, f"no CSRF cookie after signing in ({page.status_code})"
    client.environ_base["HTTP_X_CSRFTOKEN"] = cookie.value
    return client


def browser_sign_in(browser: WebDriver, base: str, person: Person, then: str = "") -> None:
    """Sign the browser in through the form (or the wall through its kiosk link)."""
    if person.role == UserRole.WALL:
        browser.get(f"{base}/masuk/kiosk/{person.kiosk_link()}")
        return
    browser.get(f"{base}/masuk?next={then or '/'}")
    browser.find_element(By.ID, "username").send_keys(person.username)
    browser.find_element(By.ID, "password").send_keys(person.password)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda b: "/masuk" not in b.current_url)


def http_sign_in(base: str, person: Person) -> tuple[urllib.request.OpenerDirector, str]:
    """An HTTP client (cookies kept) signed in at a served app, and its CSRF header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/masuk", timeout=20) as answer:
        token = csrf_of(answer.read().decode())
    form = urllib.parse.urlencode({"username": person.username, "password": person.password,
                                   "csrf_token": token}).encode()  # fmt: skip
    with opener.open(f"{base}/masuk", data=form, timeout=20) as answer:
        answer.read()
        assert "/masuk" not in answer.url, f"{person.username} could not sign in"
    cookie = next(c for c in jar if c.name == "_csrf_token")
    return opener, str(cookie.value)
