"""The live picture kept in PostgreSQL, rebuilt by one worker at a time for all viewers.

Design (several gunicorn workers, no Redis): one row per city in the UNLOGGED table
``live_snapshots`` holds the encoded :class:`~geodata.live.state.LiveState` with its
``version``, ``epoch`` and ``built_at``. Whichever worker finds the row older than
``max_age_s`` takes a transaction-scoped advisory lock (``pg_try_advisory_xact_lock``,
never waiting) and rebuilds it from the tables (:func:`~geodata.live.queries.read_live_rows`,
four statements, reading only the incidents and units changed lately, and all of them every
minute), so a tick costs what changed, not what is open;
a worker that does not get the lock keeps serving the row as it is. So
the database is read once per period for the whole city, whatever the number of viewers
and workers, and every worker serves the same versions, which is what lets a viewer's
ticks land on any worker. A crash loses only this derived row; the next tick rebuilds it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from geodata.live.queries import read_live_rows
from geodata.live.snapshot_codec import decode, encode
from geodata.live.state import LiveState, advance
from geodata.responders import ResponseAgencies

__all__ = ["ADVISORY_LOCK_CLASS", "SnapshotHeader", "fetch", "load_state", "read_header"]

#: Incidents and units are read in full this often (s); in between, only those changed since
#: the last read, less an overlap (s) that covers transactions still open at that read (a
#: row's ``updated_at`` is its transaction's start, which may precede a read that missed it).
FULL_READ_S = 60.0
OVERLAP_S = 30.0
#: First key of the advisory lock (the second is the city id): 'T','L' for Tanggap Live.
ADVISORY_LOCK_CLASS = 0x544C


@dataclass(frozen=True)
class SnapshotHeader:
    """The stored snapshot's version, epoch and age by the database clock (seconds)."""

    version: int
    epoch: int
    age_s: float


def read_header(conn: Connection, city_id: int) -> SnapshotHeader | None:
    """The stored snapshot's header (one primary-key lookup), or None if there is none yet."""
    row = conn.execute(
        text(
            "SELECT version, epoch, extract(epoch FROM now() - built_at) AS age_s "
            "FROM live_snapshots WHERE city_id = :city_id"
        ),
        {"city_id": city_id},
    ).first()
    return None if row is None else SnapshotHeader(row.version, row.epoch, float(row.age_s))


def load_state(conn: Connection, city_id: int) -> LiveState | None:
    """The stored snapshot, decoded."""
    payload = conn.execute(
        text("SELECT payload FROM live_snapshots WHERE city_id = :city_id"), {"city_id": city_id}
    ).scalar()
    if payload is None:
        return None
    try:
        return decode(bytes(payload))
    except (ValueError, KeyError, TypeError):  # written by another version: rebuild it
        return None


def _same(state: LiveState | None, header: SnapshotHeader | None) -> bool:
    return (
        state is not None
        and header is not None
        and (state.epoch, state.version) == (header.epoch, header.version)
    )


def _rebuild(
    conn: Connection,
    city_id: int,
    known: LiveState | None,
    stale_after_s: float,
    responders: ResponseAgencies,
) -> LiveState | None:
    """Rebuild under the lock; None when another worker holds it."""
    locked = conn.execute(
        text("SELECT pg_try_advisory_xact_lock(:class, :city_id)"),
        {"class": ADVISORY_LOCK_CLASS, "city_id": city_id},
    ).scalar_one()
    if not locked:
        return None
    header = read_header(conn, city_id)  # another worker may have written since we looked
    previous = known if _same(known, header) else load_state(conn, city_id)
    since = None
    if previous is not None and previous.incidents_read_s - previous.full_read_s < FULL_READ_S:
        since = previous.incidents_read_s - OVERLAP_S
    rows = read_live_rows(conn, city_id, responders, changed_since_s=since)
    after = (0, 0) if header is None else (header.epoch, header.version)
    state = advance(previous, rows, city_id=city_id, stale_after_s=stale_after_s, after=after)
    if previous is not None and state.version == previous.version:
        conn.execute(
            text("UPDATE live_snapshots SET built_at = now() WHERE city_id = :city_id"),
            {"city_id": city_id},
        )
    else:
        conn.execute(
            text(
                "INSERT INTO live_snapshots (city_id, version, epoch, built_at, payload) "
                "VALUES (:city_id, :version, :epoch, now(), :payload) "
                "ON CONFLICT (city_id) DO UPDATE SET version = EXCLUDED.version, "
                "epoch = EXCLUDED.epoch, built_at = EXCLUDED.built_at, payload = EXCLUDED.payload"
            ),
            {"city_id": city_id, "version": state.version, "epoch": state.epoch,
             "payload": encode(state)},
        )  # fmt: skip
    return state


def fetch(
    engine: Engine,
    city_id: int,
    known: LiveState | None,
    *,
    max_age_s: float,
    stale_after_s: float,
    responders: ResponseAgencies,
) -> LiveState | None:
    """The current live state, given the one this process already holds (``known``).

    ``responders`` is ``Settings.response_agencies`` (who an unassigned incident waits for).
    One short transaction: the header (one lookup); if the snapshot is older than
    ``max_age_s`` and this caller wins the advisory lock, a rebuild; else the payload only
    when its version differs from ``known``. Returns ``known`` itself when nothing changed,
    and None only if no snapshot exists and another worker is building the first one.
    """
    with engine.begin() as conn:
        header = read_header(conn, city_id)
        if header is None or header.age_s >= max_age_s:
            built = _rebuild(conn, city_id, known, stale_after_s, responders)
            if built is not None:
                return built
        if _same(known, header):
            return known
        if header is None:
            return known
        return load_state(conn, city_id) or known
