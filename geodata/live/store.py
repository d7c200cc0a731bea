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

Writing and reading a tick costs what changed: each new version of an epoch is stored as a
delta (:mod:`geodata.live.deltas`, the changed slots only) in ``live_deltas``, and the full
payload is rewritten only every :data:`SNAPSHOT_EVERY` versions (or for a new epoch), with
``payload_version`` saying which version it holds. A worker holding version ``v`` reads the
deltas after ``v`` (one indexed range scan) and replays them; one too far behind (or of
another epoch) reads the payload and the deltas after it. Deltas older than one snapshot
period before the payload are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from geodata.live.deltas import DeltaError, apply_delta, decode_delta, delta_of, encode_delta
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
#: The full payload is rewritten every this many versions; deltas carry those between.
SNAPSHOT_EVERY = 30


@dataclass(frozen=True)
class SnapshotHeader:
    """The stored snapshot's version, epoch and age by the database clock (seconds)."""

    version: int
    epoch: int
    age_s: float
    payload_version: int = 0


def read_header(conn: Connection, city_id: int) -> SnapshotHeader | None:
    """The stored snapshot's header (one primary-key lookup), or None if there is none yet."""
    row = conn.execute(
        text(
            "SELECT version, epoch, extract(epoch FROM now() - built_at) AS age_s, "
            "payload_version FROM live_snapshots WHERE city_id = :city_id"
        ),
        {"city_id": city_id},
    ).first()
    if row is None:
        return None
    return SnapshotHeader(row.version, row.epoch, float(row.age_s), row.payload_version)


def _caught_up(
    conn: Connection, city_id: int, state: LiveState, header: SnapshotHeader
) -> LiveState | None:
    """``state`` replayed up to the header's version from the delta log; None if a delta is
    missing (pruned, or another epoch in between)."""
    if state.epoch != header.epoch or state.version > header.version:
        return None
    rows = conn.execute(
        text("SELECT epoch, payload FROM live_deltas WHERE city_id = :c AND version > :v "
             "AND version <= :head ORDER BY version"),
        {"c": city_id, "v": state.version, "head": header.version},
    ).all()  # fmt: skip
    if len(rows) != header.version - state.version:
        return None
    try:
        for row in rows:
            state = apply_delta(state, decode_delta(bytes(row.payload)))
    except (DeltaError, KeyError, TypeError, ValueError):
        return None
    return state


def load_state(conn: Connection, city_id: int) -> LiveState | None:
    """The stored snapshot, decoded and brought up to its head version by the delta log."""
    header = read_header(conn, city_id)
    payload = conn.execute(
        text("SELECT payload FROM live_snapshots WHERE city_id = :city_id"), {"city_id": city_id}
    ).scalar()
    if payload is None or header is None:
        return None
    try:
        state = decode(bytes(payload))
    except (ValueError, KeyError, TypeError):  # written by another version: rebuild it
        return None
    return _caught_up(conn, city_id, state, header)


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
    previous = known if _same(known, header) else None
    if previous is None and known is not None and header is not None:
        previous = _caught_up(conn, city_id, known, header)
    if previous is None:
        previous = load_state(conn, city_id)
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
        return state
    if previous is not None and header is not None and previous.epoch == state.epoch:
        conn.execute(
            text("INSERT INTO live_deltas (city_id, version, epoch, payload) VALUES "
                 "(:c, :v, :e, :p) ON CONFLICT (city_id, version) DO UPDATE SET "
                 "epoch = EXCLUDED.epoch, payload = EXCLUDED.payload"),
            {"c": city_id, "v": state.version, "e": state.epoch,
             "p": encode_delta(delta_of(previous, state))},
        )  # fmt: skip
        if state.version - header.payload_version < SNAPSHOT_EVERY:
            conn.execute(
                text("UPDATE live_snapshots SET version = :v, epoch = :e, built_at = now() "
                     "WHERE city_id = :c"),
                {"c": city_id, "v": state.version, "e": state.epoch},
            )  # fmt: skip
            return state
    _write_full(conn, city_id, state)
    return state


def _write_full(conn: Connection, city_id: int, state: LiveState) -> None:
    """The whole payload at ``state.version``; deltas of older epochs or periods dropped."""
    conn.execute(
        text("DELETE FROM live_deltas WHERE city_id = :c AND (epoch <> :e OR version <= :old)"),
        {"c": city_id, "e": state.epoch, "old": state.version - SNAPSHOT_EVERY},
    )
    conn.execute(
        text(
            "INSERT INTO live_snapshots (city_id, version, epoch, built_at, payload, "
            "payload_version) VALUES (:city_id, :version, :epoch, now(), :payload, :version) "
            "ON CONFLICT (city_id) DO UPDATE SET version = EXCLUDED.version, "
            "epoch = EXCLUDED.epoch, built_at = EXCLUDED.built_at, payload = EXCLUDED.payload,"
            " payload_version = EXCLUDED.payload_version"
        ),
        {"city_id": city_id, "version": state.version, "epoch": state.epoch,
         "payload": encode(state)},
    )  # fmt: skip


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
        if known is not None:
            caught_up = _caught_up(conn, city_id, known, header)
            if caught_up is not None:
                return caught_up
        return load_state(conn, city_id) or known
