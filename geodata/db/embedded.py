"""A PostgreSQL + PostGIS + pgRouting cluster that Tanggap owns and starts itself.

Used when no database URL is configured. The cluster lives in ``<data_dir>/pg``, listens
on loopback only (no unix socket) on a free port, and requires passwords that are
generated at initialisation and kept in ``<data_dir>/embedded-postgres.json`` (mode 0600).
Because ``initdb`` refuses to run as root, a root caller runs every server command as an
unprivileged system user (``Settings.pg_system_user``).

Two roles: the superuser ``tanggap`` (``admin_url``) only creates the database and its
extensions (PostGIS and pgRouting need one); the app connects as ``tanggap_app``
(``url``), which owns the database and its schema but is no superuser, cannot create
roles or databases, and cannot read the server's files.
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
#: The role the app connects as: owns its database, no superuser.
APP_ROLE = "tanggap_app"
#: Extensions the superuser creates in each application database.
EXTENSIONS = ("postgis", "pgrouting")


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
    """Whether a server could listen on ``port`` of 127.0.0.1 now.

    With SO_REUSEADDR, as PostgreSQL and gunicorn bind: connections of a stopped server
    lingering in TIME_WAIT do not make its port look taken (which would move a restarted
    cluster to another port, away from every client that knows the old one).
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass(frozen=True)
class _State:
    port: int
    password: str
    app_password: str


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
        """URL of ``database`` (default: the application's) as the app role, no superuser."""
        state = self._read_state()
        return URL.create(
            "postgresql+psycopg",
            username=APP_ROLE,
            password=state.app_password,
            host="127.0.0.1",
            port=state.port,
            database=database or self.database,
        )

    def admin_url(self, database: str = "postgres") -> URL:
        """URL of ``database`` as the superuser (creating databases and extensions only)."""
        state = self._read_state()
        return URL.create(
            "postgresql+psycopg",
            username=SUPERUSER,
            password=state.password,
            host="127.0.0.1",
            port=state.port,
            database=database,
        )

    def create_database(self, name: str, *, template: str | None = None) -> URL:
        """A new database ``name`` owned by the app role, with PostGIS and pgRouting (or a
        copy of ``template``); returns its app-role URL. Names are letters, digits, ``_``."""
        import psycopg  # local: only needed here

        for value in (name, template):
            if value is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
                raise ValueError(f"not a database name: {value!r}")
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            clause = f" TEMPLATE {template}" if template else ""
            conn.execute(f'CREATE DATABASE "{name}" OWNER {APP_ROLE}{clause}')
        if template is None:
            with psycopg.connect(self._dsn(name), autocommit=True) as conn:
                for extension in EXTENSIONS:
                    conn.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` (its connections are ended first)."""
        import psycopg

        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _dsn(self, database: str) -> str:
        admin = self.admin_url(database)
        return (f"host={admin.host} port={admin.port} user={admin.username} "
                f"password={admin.password} dbname={database}")  # fmt: skip

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
        state = _State(port=free_loopback_port(), password=secrets.token_urlsafe(24),
                       app_password=secrets.token_urlsafe(24))  # fmt: skip
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
            state = _State(free_loopback_port(), state.password, state.app_password)
            self._write_state(state)
        log = self.pgdata / "server.log"
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(log), "-o", f"-p {state.port}")

    def _create_database(self) -> None:
        """The app role and the application database, once; extensions checked."""
        import psycopg  # local: only needed here

        state = self._read_state()
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            role = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone()
            verb = "ALTER" if role else "CREATE"
            conn.execute(
                f"{verb} ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                f"PASSWORD '{state.app_password}'"
            )
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)
            ).fetchone()
            available = {
                row[0]
                for row in conn.execute(
                    "SELECT name FROM pg_available_extensions "
                    "WHERE name IN ('postgis', 'pgrouting')"
                )
            }
        missing = set(EXTENSIONS) - available
        if missing:
            raise PostgresNotInstalledError(
                f"PostgreSQL runs but lacks {', '.join(sorted(missing))}. Install: {INSTALL_HINT}"
            )
        if not exists:
            self.create_database(self.database)
        else:
            self._hand_over(self.database)

    def _hand_over(self, database: str) -> None:
        """A database made before the app role existed: it and our objects become the app's
        (PostGIS's own tables stay the extension's)."""
        import psycopg

        with psycopg.connect(self._dsn(database), autocommit=True) as conn:
            row = conn.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", (database,)
            ).fetchone()
            if row is None or row[0] == APP_ROLE:
                return
            conn.execute(f'ALTER DATABASE "{database}" OWNER TO {APP_ROLE}')
            ours = conn.execute(
                "SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' "
                "ELSE 'TABLE' END, c.oid::regclass::text FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                "AND c.relkind IN ('r', 'p', 'S', 'v') AND NOT EXISTS (SELECT 1 FROM pg_depend d "
                "WHERE d.objid = c.oid AND d.deptype = 'e')"
            ).fetchall()
            functions = conn.execute(
                "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
                "ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND NOT EXISTS "
                "(SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
            ).fetchall()
            for kind, name in ours:
                conn.execute(f"ALTER {kind} {name} OWNER TO {APP_ROLE}")
            for (signature,) in functions:
                conn.execute(f"ALTER FUNCTION {signature} OWNER TO {APP_ROLE}")

    def _read_state(self) -> _State:
        try:
            raw = json.loads(self._state_file.read_text())
        except FileNotFoundError as error:
            raise RuntimeError(f"No embedded cluster initialised in {self.data_dir}.") from error
        if "app_password" not in raw:  # a cluster made before the app role: give it one
            raw["app_password"] = secrets.token_urlsafe(24)
            self._write_state(_State(int(raw["port"]), str(raw["password"]), raw["app_password"]))
        return _State(int(raw["port"]), str(raw["password"]), str(raw["app_password"]))

    def _write_state(self, state: _State) -> None:
        tmp = self._state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"port": state.port, "password": state.password,
                                   "app_password": state.app_password}))  # fmt: skip
        tmp.chmod(0o600)
        tmp.replace(self._state_file)
