"""The embedded cluster: starts as an unprivileged user, loopback only, password required."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from geodata.db.embedded import EmbeddedPostgres, PostgresNotInstalledError


def server_uid(cluster: EmbeddedPostgres) -> int:
    pid = (cluster.pgdata / "postmaster.pid").read_text().splitlines()[0]
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])


def test_the_server_never_runs_as_root(pg_cluster: EmbeddedPostgres) -> None:
    expected = pwd.getpwnam("postgres").pw_uid if os.geteuid() == 0 else os.geteuid()
    assert server_uid(pg_cluster) == expected != 0


def test_it_listens_on_loopback_only_and_has_postgis(pg_cluster: EmbeddedPostgres) -> None:
    engine = create_engine(pg_cluster.admin_url("postgres"))
    with engine.connect() as conn:
        listen = conn.execute(text("SHOW listen_addresses")).scalar()
        sockets = conn.execute(text("SHOW unix_socket_directories")).scalar()
        available = set(conn.execute(text("SELECT name FROM pg_available_extensions")).scalars())
    engine.dispose()
    assert (listen, sockets) == ("127.0.0.1", "")
    assert {"postgis", "pgrouting"} <= available


def test_a_wrong_password_is_refused(pg_cluster: EmbeddedPostgres) -> None:
    url = pg_cluster.url("postgres").set(password="not-the-password")
    engine = create_engine(url)
    with pytest.raises(OperationalError, match="password authentication failed"):
        engine.connect()
    engine.dispose()


def test_a_second_handle_reuses_the_running_server_and_leaves_it_running(
    pg_cluster: EmbeddedPostgres,
) -> None:
    other = EmbeddedPostgres(pg_cluster.data_dir)
    with other:
        assert other.is_running()
    assert pg_cluster.is_running()  # the other handle did not start it, so did not stop it
    assert other.url() == pg_cluster.url()


def test_missing_postgresql_names_the_install_command(tmp_path: Path) -> None:
    with pytest.raises(PostgresNotInstalledError, match="apt-get install -y postgresql-15"):
        EmbeddedPostgres(tmp_path, bindir=tmp_path / "no-such-bin")


def test_the_app_connects_as_a_role_that_owns_its_database_but_is_no_superuser(
    pg_cluster: EmbeddedPostgres, engine: object
) -> None:
    app = create_engine(pg_cluster.url("postgres"))
    with app.connect() as conn:
        role = conn.execute(
            text("SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles "
                 "WHERE rolname = current_user")
        ).one()  # fmt: skip
    app.dispose()
    assert tuple(role) == ("tanggap_app", False, False, False)
    with engine.connect() as conn:  # type: ignore[attr-defined]
        owner = conn.execute(
            text("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'incidents'")
        ).scalar_one()
        with pytest.raises(Exception, match=r"must be superuser|permission denied"):
            conn.execute(text("CREATE ROLE intruder SUPERUSER"))
    assert owner == "tanggap_app"
