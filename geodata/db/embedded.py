"""A PostgreSQL + PostGIS + pgRouting cluster that Tanggap owns and starts itself.

Used when no database URL is configured. The cluster lives in ``<data_dir>/pg``, listens
on loopback only (no unix socket) on a free port, and requires a password that is
generated at initialisation and kept in ``<data_dir>/embedded-postgres.json`` (mode 0600).
Because ``initdb`` refuses to run as root, a root caller runs every server command as an
unprivileged system user (``Settings.pg_system_user``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

__all__ = [
    "INSTALL_HINT",
    "EmbeddedPostgres",
    "PostgresNotInstalledError",
    "find_pg_bindir",
]

INSTALL_HINT = (
    "apt-get install -y postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting "
    "(or run: bash scripts/install.sh)"
)
SUPERUSER = "tanggap"


class PostgresNotInstalledError(RuntimeError):
    """PostgreSQL (or PostGIS/pgRouting) is missing; the message says how to install it."""


def find_pg_bindir(configured: Path | None = None) -> Path:
    """Directory holding ``initdb`` and ``pg_ctl``: the configured one, else the newest found."""
    if configured is not None:
        if (configured / "initdb").exists():
            return configured
        raise PostgresNotInstalledError(
            f"No initdb in TANGGAP_PG_BINDIR={configured}. Install PostgreSQL: {INSTALL_HINT}"
        )
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(re.sub(r"\D", "", p.parent.parent.name) or 0),
    )
    if candidates:
        return candidates[-1].parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise PostgresNotInstalledError(
        f"PostgreSQL server programs (initdb, pg_ctl) were not found. Install them: {INSTALL_HINT}"
    )


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass(frozen=True)
class _State:
    port: int
    password: str


class EmbeddedPostgres:
    """A cluster in ``data_dir``; ``with EmbeddedPostgres(...) as pg:`` starts and stops it.

    Parameters
    ----------
    data_dir
        Directory for the cluster (``pg/``), its log and its credentials.
    database
        Name of the application database created on first start.
    system_user
        User that runs the server when the caller is root.
    bindir
        Where ``initdb``/``pg_ctl`` are; found automatically when None.
    durable
        False turns off fsync (throwaway test clusters only).
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        database: str = "tanggap",
        system_user: str = "postgres",
        bindir: Path | None = None,
        durable: bool = True,
    ) -> None:
        self.data_dir = Path(data_dir).absolute()
        self.pgdata = self.data_dir / "pg"
        self.database = database
        self.system_user = system_user if os.geteuid() == 0 else None
        self.bindir = find_pg_bindir(bindir)
        self.durable = durable
        self._state_file = self.data_dir / "embedded-postgres.json"
        self._started_here = False

    # -- public API -------------------------------------------------------------------

    def url(self, database: str | None = None) -> URL:
        """SQLAlchemy URL of ``database`` (default: the application database)."""
        state = self._read_state()
        return URL.create(
            "postgresql+psycopg",
            username=SUPERUSER,
            password=state.password,
            host="127.0.0.1",
            port=state.port,
            database=database or self.database,
        )

    def start(self) -> bool:
        """Initialise if needed and start; True if this call started the server."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._lock():
            if not (self.pgdata / "PG_VERSION").exists():
                self._initdb()
            if self.is_running():
                return False
            self._start_server()
            self._create_database()
        self._started_here = True
        return True

    def stop(self) -> None:
        """Stop the server (fast shutdown: open transactions roll back, data stays)."""
        if self.is_running():
            self._pg_ctl("stop", "-m", "fast", "-w", "-t", "60")
        self._started_here = False

    def is_running(self) -> bool:
        if not (self.pgdata / "postmaster.pid").exists():
            return False
        return self._pg_ctl("status", check=False).returncode == 0

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._started_here:
            self.stop()

    # -- internals ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Serialise init/start between concurrent Tanggap processes on this data dir."""
        with open(self.data_dir / ".embedded.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self.system_user is not None:
            command = ["runuser", "-u", self.system_user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{Path(args[0]).name} failed (exit {result.returncode}):\n"
                f"{result.stderr.strip() or result.stdout.strip()}"
            )
        return result

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self._run(str(self.bindir / "pg_ctl"), "-D", str(self.pgdata), *args, check=check)

    def _prepare_for_system_user(self) -> None:
        """As root: make sure the system user exists and can reach and own ``pgdata``."""
        assert self.system_user is not None
        try:
            pwd.getpwnam(self.system_user)
        except KeyError:
            subprocess.run(
                [
                    "useradd",
                    "--system",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                    self.system_user,
                ],
                check=True,
            )
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        shutil.chown(self.pgdata, user=self.system_user, group=None)
        reachable = self._run("test", "-w", str(self.pgdata), check=False).returncode == 0
        if not reachable:
            raise RuntimeError(
                f"The embedded PostgreSQL runs as the system user '{self.system_user}', who "
                f"cannot reach {self.pgdata} (a parent directory is private). Set "
                "TANGGAP_DATA_DIR to a directory such as /var/lib/tanggap."
            )

    def _initdb(self) -> None:
        state = _State(port=free_loopback_port(), password=secrets.token_urlsafe(24))
        if self.system_user is not None:
            self._prepare_for_system_user()
        else:
            self.pgdata.mkdir(mode=0o700, exist_ok=True)
        pwfile = self.data_dir / ".initpw"
        pwfile.write_text(state.password + "\n")
        pwfile.chmod(0o600)
        if self.system_user is not None:
            shutil.chown(pwfile, user=self.system_user)
        try:
            self._run(
                str(self.bindir / "initdb"),
                "-D",
                str(self.pgdata),
                "-U",
                SUPERUSER,
                "--pwfile",
                str(pwfile),
                "--auth",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--locale",
                "C.UTF-8",
            )
        except BaseException:
            self._run("find", str(self.pgdata), "-mindepth", "1", "-delete", check=False)
            raise
        finally:
            pwfile.unlink(missing_ok=True)
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": "''",
            "shared_buffers": "'256MB'",
            "work_mem": "'32MB'",
            "maintenance_work_mem": "'256MB'",
            "timezone": "'UTC'",
            "log_timezone": "'UTC'",
            "fsync": "on" if self.durable else "off",
            "synchronous_commit": "on" if self.durable else "off",
            "full_page_writes": "on" if self.durable else "off",
        }
        conf = "".join(f"{key} = {value}\n" for key, value in settings.items())
        self._run("sh", "-c", f"cat >> '{self.pgdata}/postgresql.auto.conf' <<'EOF'\n{conf}EOF")
        self._write_state(state)

    def _start_server(self) -> None:
        state = self._read_state()
        if not port_is_free(state.port):
            state = _State(port=free_loopback_port(), password=state.password)
            self._write_state(state)
        log = self.pgdata / "server.log"
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(log), "-o", f"-p {state.port}")

    def _create_database(self) -> None:
        import psycopg  # local: only needed here

        admin = self.url("postgres")
        with psycopg.connect(
            host=admin.host,
            port=admin.port,
            user=admin.username,
            password=admin.password,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{self.database}"')
            available = {
                row[0]
                for row in conn.execute(
                    "SELECT name FROM pg_available_extensions "
                    "WHERE name IN ('postgis', 'pgrouting')"
                )
            }
        missing = {"postgis", "pgrouting"} - available
        if missing:
            raise PostgresNotInstalledError(
                f"PostgreSQL runs but lacks {', '.join(sorted(missing))}. Install: {INSTALL_HINT}"
            )

    def _read_state(self) -> _State:
        try:
            raw = json.loads(self._state_file.read_text())
        except FileNotFoundError as error:
            raise RuntimeError(f"No embedded cluster initialised in {self.data_dir}.") from error
        return _State(port=int(raw["port"]), password=str(raw["password"]))

    def _write_state(self, state: _State) -> None:
        tmp = self._state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"port": state.port, "password": state.password}))
        tmp.chmod(0o600)
        tmp.replace(self._state_file)
