"""Where the database is: a configured URL, or Tanggap's own embedded cluster."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from geodata.db.embedded import EmbeddedPostgres
from geodata.settings import Settings

__all__ = ["DatabaseUnavailableError", "database_url", "make_engine"]


class DatabaseUnavailableError(RuntimeError):
    """The database cannot be reached; the message says which one and why."""


@contextlib.contextmanager
def database_url(settings: Settings) -> Iterator[URL]:
    """Yield the URL to use: ``settings.database_url``, else the embedded cluster's.

    The embedded cluster is started if it is not running, and stopped on exit only if
    this call started it; a configured URL never starts anything.
    """
    if settings.database_url:
        yield make_url(settings.database_url)
        return
    cluster = EmbeddedPostgres(
        settings.data_dir,
        system_user=settings.pg_system_user,
        bindir=settings.pg_bindir,
    )
    with cluster:
        yield cluster.url()


def make_engine(url: URL | str, *, pool_size: int = 5, check: bool = True) -> Engine:
    """An engine for ``url`` that fails fast (5 s) and says clearly when the server is away.

    ``check``: connect once now (the CLI, to say at once what is wrong); a worker does not,
    so that it boots while the database is away and answers 503 until it is back.
    """
    engine = create_engine(
        url,
        pool_size=pool_size,
        pool_pre_ping=True,
        # A failed statement's parameters hold callers' names and numbers: never log them.
        hide_parameters=True,
        connect_args={"connect_timeout": 5, "application_name": "tanggap"},
    )
    if not check:
        return engine
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        shown = make_url(url).render_as_string(hide_password=True)
        raise DatabaseUnavailableError(
            f"Cannot connect to the database {shown}: {error.orig}"
        ) from error
    return engine
