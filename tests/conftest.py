"""Fixtures shared by every test room: a throwaway PostGIS cluster started by the suite.

The cluster is Tanggap's own embedded mechanism (so the tests exercise it too) in a fresh
temporary directory; it never uses a server that happens to be running on the machine.
Each test that needs a database gets a new one cloned from a migrated template.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL

from geodata.db import migrate
from geodata.db.embedded import EmbeddedPostgres, free_loopback_port
from geodata.demo import DemoCity, generate_demo_city
from geodata.load.city_load import load_city
from tests.access import Person, add_people

TEMPLATE = "tanggap_template"
#: Apps built in this process run no planning job threads (they would outlive each test's
#: database); the served apps that need them say so (``live_app``).
os.environ.setdefault("TANGGAP_PLANNING_WORKERS", "0")

SHARED_REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[EmbeddedPostgres]:
    """A PostgreSQL+PostGIS+pgRouting cluster for this test session only."""
    base = Path(tempfile.mkdtemp(prefix="tanggap-test-"))
    base.chmod(0o755)  # the unprivileged server user must reach it when we run as root
    cluster = EmbeddedPostgres(base, durable=False)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def template_url(pg_cluster: EmbeddedPostgres) -> URL:
    """A database migrated to the newest schema (by the app's own role, no superuser),
    cloned by :func:`engine`."""
    url = pg_cluster.create_database(TEMPLATE)
    engine = create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def new_database(cluster: EmbeddedPostgres, template: str | None = None) -> URL:
    """A new empty (PostGIS and pgRouting only) or cloned database with a unique name."""
    # Random, not counted: this module is imported twice (as pytest's ``conftest`` and as
    # ``tests.conftest``), and two counters would hand out the same names.
    return cluster.create_database(f"t{os.getpid()}_{secrets.token_hex(4)}", template=template)


def drop_database(cluster: EmbeddedPostgres, url: URL) -> None:
    cluster.drop_database(str(url.database))


@pytest.fixture
def engine(pg_cluster: EmbeddedPostgres, template_url: URL) -> Iterator[Engine]:
    """An engine on a fresh database with the full schema and no data."""
    url = new_database(pg_cluster, TEMPLATE)
    engine = create_engine(url)
    yield engine
    engine.dispose()
    drop_database(pg_cluster, url)


@pytest.fixture
def empty_engine(pg_cluster: EmbeddedPostgres) -> Iterator[Engine]:
    """An engine on a fresh database with nothing in it (for migration tests)."""
    url = new_database(pg_cluster)
    engine = create_engine(url)
    yield engine
    engine.dispose()
    drop_database(pg_cluster, url)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests leave screenshots and reports for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


#: The demo history ends at the top of the current hour, so "the last 24 hours" has data.
DEMO_END = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


@pytest.fixture(scope="session")
def demo_city() -> DemoCity:
    """The demo city as generated, before it touches the database."""
    return generate_demo_city(112, DEMO_END)


@pytest.fixture(scope="session")
def people_passwords() -> dict[str, Person]:
    """Filled by :func:`demo_databases`: one account per role in both demo databases."""
    return {}


@pytest.fixture(scope="session")
def demo_databases(
    pg_cluster: EmbeddedPostgres,
    template_url: URL,
    demo_city: DemoCity,
    people_passwords: dict[str, Person],
) -> Iterator[tuple[URL, URL]]:
    """The demo city loaded once through the real loader, and a clone for the live app,
    with one account per role (``people``).

    Tests that check what was loaded read the first; the app's end-to-end tests change the
    second (assigning units, posting incidents) without disturbing them.
    """
    url = new_database(pg_cluster, TEMPLATE)
    engine = create_engine(url)
    with engine.begin() as conn:
        load_city(conn, demo_city, synthetic=True)
        people_passwords.update(add_people(conn))
    engine.dispose()
    live_url = new_database(pg_cluster, url.database)
    yield url, live_url
    drop_database(pg_cluster, live_url)
    drop_database(pg_cluster, url)


@pytest.fixture(scope="session")
def people(
    demo_databases: tuple[URL, URL], people_passwords: dict[str, Person]
) -> dict[str, Person]:
    """The demo databases' accounts by role value (``people["supervisor"]``)."""
    return people_passwords


@pytest.fixture(scope="session")
def demo_url(demo_databases: tuple[URL, URL]) -> URL:
    """The demo city as loaded; tests must not change it."""
    return demo_databases[0]


@pytest.fixture(scope="session")
def live_demo_url(demo_databases: tuple[URL, URL]) -> URL:
    """A copy of the demo city that the running app may change."""
    return demo_databases[1]


@pytest.fixture(scope="session")
def live_app(live_demo_url: URL, artifacts_dir: Path) -> Iterator[str]:
    """``tanggap serve`` running on the demo database; yields its base URL."""
    port = free_loopback_port()
    env = {
        **os.environ,
        "TANGGAP_DATABASE_URL": live_demo_url.render_as_string(hide_password=False),
        "TANGGAP_PORT": str(port),
        "TANGGAP_WORKERS": "2",
        "TANGGAP_PLANNING_WORKERS": "1",  # the planner's browser test runs its jobs here
    }
    log = (artifacts_dir / "live_app.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "serve"], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def wait_until_serving(base: str, process: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}; see live_app.log")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app did not answer at {base} within {timeout_s} s")
