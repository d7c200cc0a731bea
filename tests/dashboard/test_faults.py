"""Faults while the app serves: the database stops for 30 seconds, a worker is killed.

Against a PostGIS of this module's own (stopped and started by the test) and the app under
gunicorn with two workers. Clients retry as integrations should (on 503 and on a dropped
connection, bounded); afterwards every acknowledged write is stored exactly once. Through
the outage a supervisor's live page and a wall screen (headless Chromium) say since when
their data is stale, and stop saying it once the database is back; no answer is a 500.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from geodata.db import migrate
from geodata.db.embedded import EmbeddedPostgres, free_loopback_port
from geodata.operations.api_tokens import create_token
from tests.access import Person, add_people, browser_sign_in
from tests.browser import chromium
from tests.conftest import wait_until_serving
from tests.dashboard.api.test_api import city as build_city

pytestmark = pytest.mark.faults

OUTAGE_S = 30


def request(base: str, path: str, token: str | None, body: Any = None) -> tuple[int, Any, Any]:
    """(status, JSON body, headers); a connection that fails is status 0."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "Connection": "close"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        with urllib.request.urlopen(urllib.request.Request(base + path, data=data,
                                                           headers=headers),
                                    timeout=15) as answer:  # fmt: skip
            raw = answer.read()
            is_json = "json" in (answer.headers.get("Content-Type") or "")
            return answer.status, json.loads(raw) if is_json else raw, answer.headers
    except urllib.error.HTTPError as error:
        with error:
            raw = error.read()
            return error.code, json.loads(raw) if raw.startswith(b"{") else raw, error.headers
    except OSError:
        return 0, None, None


@dataclass(frozen=True)
class Served:
    """The app under gunicorn over its own cluster, a token, and one account per role."""

    cluster: EmbeddedPostgres
    base: str
    token: str
    url: URL
    process: subprocess.Popen[bytes]
    people: dict[str, Person]
    log: Path


@pytest.fixture(scope="module")
def served(artifacts_dir: Path) -> Iterator[Served]:
    base_dir = Path(tempfile.mkdtemp(prefix="tanggap-faults-"))
    base_dir.chmod(0o755)
    cluster = EmbeddedPostgres(base_dir, durable=True)
    cluster.start()
    url = cluster.url()
    engine = create_engine(url)
    migrate.upgrade(engine)
    build_city.__wrapped__(engine)
    with engine.begin() as conn:
        city_id = conn.execute(text("SELECT id FROM cities")).scalar_one()
        token = create_token(conn, "faults", city_id).token
        people = add_people(conn)
    engine.dispose()
    port = free_loopback_port()
    env = {**os.environ, "TANGGAP_DATABASE_URL": url.render_as_string(hide_password=False),
           "TANGGAP_PORT": str(port), "TANGGAP_WORKERS": "2"}  # fmt: skip
    log_path = artifacts_dir / "faults_app.log"
    log = log_path.open("w")
    process = subprocess.Popen([sys.executable, "-m", "dashboard", "serve"], env=env,
                               stdout=log, stderr=log)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process)
        yield Served(cluster, base, token, url, process, people, log_path)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        cluster.stop()
        shutil.rmtree(base_dir, ignore_errors=True)


class Writer(threading.Thread):
    """Posts incidents one after another, retrying each (bounded) until acknowledged."""

    def __init__(self, base: str, token: str, prefix: str, count: int, pause_s: float) -> None:
        super().__init__(daemon=True)
        self.base, self.token, self.prefix = base, token, prefix
        self.count, self.pause_s = count, pause_s
        self.acknowledged: list[str] = []
        self.refusals: list[tuple[int, Any]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        for i in range(self.count):
            external_id = f"{self.prefix}-{i}"
            body = {"external_id": external_id, "category": "fire", "priority": 2,
                    "received_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
                    "lat": -5.1, "lon": 105.1}  # fmt: skip
            for _ in range(200):  # retry as an integration does: bounded
                if self.stop.is_set():
                    return
                status, answer, _ = request(self.base, "/api/v1/incidents", self.token, body)
                if status in (200, 201):
                    self.acknowledged.append(external_id)
                    break
                if status not in (0, 503):
                    self.refusals.append((status, answer))
                    break
                time.sleep(0.5)
            time.sleep(self.pause_s)


def stored(url: Any, prefix: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT external_id, count(*) FROM incidents WHERE "
                                 "external_id LIKE :p GROUP BY external_id"),
                            {"p": f"{prefix}-%"}).all()  # fmt: skip
    engine.dispose()
    return {external_id: int(n) for external_id, n in rows}


#: The stale notice of each live page, by the page's path.
STALE_NOTICES = {"/live": "live-stale", "/wall": "wall-stale"}
MAP_DRAWN = (
    "var g = document.querySelector('.js-plotly-plot'); return !!(g && g.data && g.data.length);"
)
ACCESS_LINE = re.compile(r'"(?:GET|POST|HEAD|PUT|PATCH|DELETE) (\S+)" (\d{3}) ')


def stale_notice(browser: WebDriver, path: str) -> str:
    """The stale notice's text while it shows, else ''."""
    found = browser.find_elements(By.ID, STALE_NOTICES[path])
    if not found or "show" not in (found[0].get_attribute("class") or "").split():
        return ""
    return str(found[0].text)


def server_errors(log: Path) -> list[str]:
    """Requests the app answered with a 5xx other than 503 (in its access log)."""
    lines = log.read_text(errors="replace").splitlines()
    return [line for line in lines
            if (m := ACCESS_LINE.search(line)) and m.group(2).startswith("5")
            and m.group(2) != "503"]  # fmt: skip


def open_live_pages(served: Served, live: WebDriver, wall: WebDriver) -> None:
    """A supervisor on the live page, the wall on its kiosk link; both up and fresh."""
    browser_sign_in(live, served.base, served.people["supervisor"], then="/live")
    browser_sign_in(wall, served.base, served.people["wall"])
    for browser, path in ((live, "/live"), (wall, "/wall")):
        WebDriverWait(browser, 60).until(lambda b, p=path: b.find_elements(By.ID, STALE_NOTICES[p]))
        WebDriverWait(browser, 60).until(lambda b: b.execute_script(MAP_DRAWN))
        assert stale_notice(browser, path) == ""


def test_a_30_second_database_outage_is_503s_then_recovery_with_every_write_once(
    served: Served, artifacts_dir: Path
) -> None:
    base, token = served.base, served.token
    with chromium() as live, chromium(1920, 1080) as wall:
        open_live_pages(served, live, wall)
        writer = Writer(base, token, "OUT", count=80, pause_s=0.3)
        writer.start()
        time.sleep(3)
        served.cluster.stop()
        try:
            down_at = time.monotonic()
            probe = {"external_id": "PROBE", "category": "fire", "priority": 2, "lat": -5.1,
                     "lon": 105.1, "received_at": datetime.now(UTC).isoformat()}  # fmt: skip
            status, answer, headers = request(base, "/api/v1/incidents", token, probe)
            health = request(base, "/healthz", None)[0]
            page = request(base, "/masuk", None)[0]
            notices = {}
            for browser, path in ((live, "/live"), (wall, "/wall")):
                left = max(1.0, OUTAGE_S - 2 - (time.monotonic() - down_at))
                WebDriverWait(browser, left).until(lambda b, p=path: stale_notice(b, p))
                notices[path] = stale_notice(browser, path)
                browser.save_screenshot(str(artifacts_dir / f"outage{path.replace('/', '_')}.png"))
            time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - down_at)))
        finally:
            served.cluster.start()  # whatever happened: the next test needs its database
        deadline = time.monotonic() + 60
        while request(base, "/healthz", None)[0] != 200:
            assert time.monotonic() < deadline, "the app did not recover by itself"
            time.sleep(0.5)
        for browser, path in ((live, "/live"), (wall, "/wall")):
            WebDriverWait(browser, 60).until(lambda b, p=path: stale_notice(b, p) == "")
    writer.join(timeout=180)
    writer.stop.set()
    assert not writer.is_alive(), "the writer never finished"

    assert status == 503 and headers["Retry-After"] == "5"
    assert answer == {"error": "unavailable", "field": None,
                      "message": "the database is unavailable; try again shortly"}  # fmt: skip
    assert health == 503
    assert page == 200  # the sign-in form needs no database
    for notice in notices.values():  # "Data belum diperbarui sejak 10:15:03 WIB; …"
        assert re.search(r"sejak \d\d:\d\d:\d\d WIB", notice), notice
    assert writer.refusals == []
    assert len(writer.acknowledged) == 80  # every write made it once the database was back
    assert stored(served.url, "OUT") == dict.fromkeys(writer.acknowledged, 1)  # each exactly once
    assert server_errors(served.log) == []


def worker_pids(master: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().split(") ")[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == master:
                found.append(int(entry.name))
    return found


def test_a_killed_worker_loses_nothing_acknowledged_and_the_others_serve(
    served: Served,
) -> None:
    base, token, url, process = served.base, served.token, served.url, served.process
    workers = worker_pids(process.pid)
    assert len(workers) == 2
    writer = Writer(base, token, "KILL", count=60, pause_s=0.05)
    writer.start()
    time.sleep(1.0)
    os.kill(workers[0], signal.SIGKILL)
    served_meanwhile = [request(base, "/healthz", None)[0] for _ in range(20)]
    writer.join(timeout=120)
    assert not writer.is_alive()
    deadline = time.monotonic() + 30
    while len(worker_pids(process.pid)) < 2:  # gunicorn replaces the killed worker
        assert time.monotonic() < deadline, "no new worker"
        time.sleep(0.3)
    assert served_meanwhile.count(200) >= 15  # the other worker kept answering
    assert writer.refusals == [] and len(writer.acknowledged) == 60
    assert stored(url, "KILL") == dict.fromkeys(writer.acknowledged, 1)
    assert server_errors(served.log) == []
