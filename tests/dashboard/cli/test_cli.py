"""The ``tanggap`` command as a user runs it: real processes, real databases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import URL

from geodata.db import migrate


def tanggap(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
        check=False,
    )


def test_db_upgrade_then_status_on_a_configured_database(empty_engine) -> None:  # type: ignore[no-untyped-def]
    url = empty_engine.url.render_as_string(hide_password=False)
    before = tanggap("db", "status", TANGGAP_DATABASE_URL=url)
    assert before.returncode == 0, before.stderr
    assert "revision: empty" in before.stdout and "embedded: no" in before.stdout
    upgrade = tanggap("db", "upgrade", TANGGAP_DATABASE_URL=url)
    assert upgrade.returncode == 0, upgrade.stderr
    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    after = tanggap("db", "status", TANGGAP_DATABASE_URL=url)
    assert f"revision: {migrate.head_revision()}" in after.stdout
    assert "incidents: 0" in after.stdout
    assert empty_engine.url.password not in after.stdout  # the password is never printed


def test_serve_refuses_an_unmigrated_configured_database(empty_engine) -> None:  # type: ignore[no-untyped-def]
    url = empty_engine.url.render_as_string(hide_password=False)
    result = tanggap("serve", "--port", "1", TANGGAP_DATABASE_URL=url)
    assert result.returncode == 2
    assert "run `tanggap db upgrade`" in result.stderr and "Traceback" not in result.stderr


def test_an_unreachable_database_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    dead = URL.create("postgresql+psycopg", "nobody", host="127.0.0.1", port=9, database="x")
    result = tanggap("db", "status", TANGGAP_DATABASE_URL=dead.render_as_string())
    assert result.returncode == 2
    assert "Cannot connect to the database" in result.stderr and "Traceback" not in result.stderr


def test_missing_postgresql_tells_how_to_install_it(tmp_path: Path) -> None:
    result = tanggap(
        "db", "status", TANGGAP_DATA_DIR=str(tmp_path), TANGGAP_PG_BINDIR=str(tmp_path / "none")
    )
    assert result.returncode == 2
    assert "apt-get install -y postgresql-15" in result.stderr
    assert "Traceback" not in result.stderr
