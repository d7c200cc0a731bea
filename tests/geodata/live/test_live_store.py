"""The shared live snapshot: built once for all, rebuilt by one worker, never with callers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, create_engine, text

from geodata.live import store as live_store
from geodata.live.queries import read_live_rows
from geodata.live.snapshot_codec import decode
from geodata.operations.api_tokens import authenticate, create_token, list_tokens, revoke_tokens
from geodata.operations.incidents import IncidentReport, upsert_incidents
from geodata.operations.unit_positions import PositionReport, record_positions
from geodata.responders import DEFAULT_RESPONSE_AGENCIES

NOW = datetime.now(UTC).replace(microsecond=0)


def add_unit(engine: Engine, city_id: int, call_sign: str = "DMK-01") -> int:
    with engine.begin() as conn:
        agency = conn.execute(text(
            "INSERT INTO agencies (city_id, code, name, kind) VALUES (:c, 'D', 'Damkar', 'fire') "
            "ON CONFLICT (city_id, code) DO UPDATE SET name = EXCLUDED.name RETURNING id"),
            {"c": city_id}).scalar_one()  # fmt: skip
        return int(conn.execute(text(
            "INSERT INTO units (agency_id, call_sign, vehicle_profile) "
            "VALUES (:a, :s, 'fire_engine') RETURNING id"),
            {"a": agency, "s": call_sign}).scalar_one())  # fmt: skip


def report(external_id: str, minutes_ago: float = 2) -> IncidentReport:
    return IncidentReport("cad", external_id, "fire", 1, NOW - timedelta(minutes=minutes_ago),
                          lon=105.05, lat=-5.05, caller_name="Siti Rahayu",
                          caller_phone="+6281234567890")  # fmt: skip


def fetch(engine: Engine, city_id: int, known: object = None, max_age_s: float = 0.0):  # type: ignore[no-untyped-def]
    return live_store.fetch(
        engine,
        city_id,
        known,
        max_age_s=max_age_s,
        stale_after_s=300,
        responders=DEFAULT_RESPONSE_AGENCIES,
    )  # type: ignore[arg-type]


def test_first_fetch_builds_later_ones_reuse_or_advance(engine: Engine, tiny_city: int) -> None:
    unit_id = add_unit(engine, tiny_city)
    with engine.begin() as conn:
        upsert_incidents(conn, tiny_city, [report("A")])
    first = fetch(engine, tiny_city, max_age_s=60)
    assert first is not None and first.version == 1
    assert list(first.open_incidents()["kelurahan"]) == ["Barat"]
    assert fetch(engine, tiny_city, first, max_age_s=60) is first  # fresh: nothing read
    with engine.begin() as conn:
        record_positions(conn, [PositionReport(unit_id, 105.15, -5.1, NOW)], source="gps")
    moved = fetch(engine, tiny_city, first)
    assert moved.version == 2
    assert list(moved.units["changed"]) == [2] and list(moved.incidents["changed"]) == [1]
    assert moved.today.calls == 1


def test_a_worker_without_the_lock_serves_the_stored_snapshot(
    engine: Engine, tiny_city: int
) -> None:
    first = fetch(engine, tiny_city)
    with engine.begin() as conn:
        upsert_incidents(conn, tiny_city, [report("B")])
    other_worker = create_engine(engine.url)
    try:
        with other_worker.begin() as holder:
            holder.execute(text("SELECT pg_advisory_xact_lock(:k, :c)"),
                           {"k": live_store.ADVISORY_LOCK_CLASS, "c": tiny_city})  # fmt: skip
            while_locked = fetch(engine, tiny_city, first)
        after = fetch(engine, tiny_city, first)
    finally:
        other_worker.dispose()
    assert while_locked is first
    assert after.version == first.version + 1 and len(after.open_incidents()) == 1


def test_the_stored_snapshot_holds_no_caller_data(engine: Engine, tiny_city: int) -> None:
    with engine.begin() as conn:
        upsert_incidents(conn, tiny_city, [report("C")])
    fetch(engine, tiny_city)
    with engine.connect() as conn:
        payload = conn.execute(text("SELECT payload FROM live_snapshots")).scalar_one()
    raw = bytes(payload)
    state = decode(raw)
    shown = {
        str(value)
        for frame in (state.incidents, state.units, state.stations)
        for column in frame.columns
        for value in frame[column].unique()
    }
    assert "fire" in shown  # the text of the snapshot is searched, and found
    for secret in ("Siti", "6281234567890"):
        assert not any(secret in value for value in shown)
        assert secret.encode("utf-8") not in raw and secret.encode("utf-32-le") not in raw


def test_tokens_authenticate_until_revoked(engine: Engine, tiny_city: int) -> None:
    with engine.begin() as conn:
        issued = create_token(conn, "cad-uji", tiny_city)
        who = authenticate(conn, issued.token)
        stored = conn.execute(text("SELECT token_hash, token_prefix FROM api_tokens")).one()
    assert who is not None and (who.name, who.city_id) == ("cad-uji", tiny_city)
    assert who.bounds == (105.0, -5.2, 105.2, -5.0)
    assert issued.token not in stored.token_hash and issued.token.startswith(stored.token_prefix)
    with engine.begin() as conn:
        assert revoke_tokens(conn, "cad-uji") == 1
        assert authenticate(conn, issued.token) is None
        assert list_tokens(conn)[0].revoked_at is not None


def test_between_full_reads_only_changed_incidents_are_read(engine: Engine, tiny_city: int) -> None:
    with engine.begin() as conn:
        upsert_incidents(conn, tiny_city, [report("D1"), report("D2")])
    first = fetch(engine, tiny_city)
    with engine.begin() as conn:
        conn.execute(text("UPDATE incidents SET cleared_at = received_at + interval '5 minutes', "
                          "status = 'cleared' WHERE external_id = 'D1'"))  # fmt: skip
        upsert_incidents(conn, tiny_city, [report("D3")])
    after = fetch(engine, tiny_city, first)
    assert after.full_read_s == first.full_read_s  # a partial read
    assert after.incidents_read_s > first.incidents_read_s
    with engine.connect() as conn:
        ids = dict(conn.execute(text("SELECT external_id, id FROM incidents")).all())
    assert sorted(after.open_incidents()["incident_id"]) == sorted([ids["D2"], ids["D3"]])
    slots = after.incidents.set_index("incident_id")["changed"]
    assert slots[ids["D2"]] == first.version  # untouched: not resent to viewers


def test_between_full_reads_only_units_changed_lately_are_read(
    engine: Engine, tiny_city: int
) -> None:
    moving, parked = add_unit(engine, tiny_city), add_unit(engine, tiny_city, "DMK-02")
    with engine.begin() as conn:
        record_positions(conn, [PositionReport(moving, 105.15, -5.1, NOW - timedelta(minutes=2)),
                                PositionReport(parked, 105.05, -5.1, NOW - timedelta(minutes=2))],
                         source="gps")  # fmt: skip
        # Both reported a while ago (backdated past the trigger that stamps every change).
        conn.execute(text("ALTER TABLE units DISABLE TRIGGER units_touch_updated_at"))
        conn.execute(text("UPDATE units SET updated_at = now() - interval '10 minutes'"))
        conn.execute(text("ALTER TABLE units ENABLE TRIGGER units_touch_updated_at"))
    first = fetch(engine, tiny_city)
    with engine.begin() as conn:
        record_positions(conn, [PositionReport(moving, 105.16, -5.1, NOW)], source="gps")
        since = first.incidents_read_s - live_store.OVERLAP_S
        changed = read_live_rows(
            conn, tiny_city, DEFAULT_RESPONSE_AGENCIES, changed_since_s=since
        ).units
    assert changed["unit_id"].tolist() == [moving]  # the trigger stamped the moved unit only
    after = fetch(engine, tiny_city, first)
    slots = after.units.set_index("unit_id")
    assert slots.loc[moving, "lon"] == 105.16 and slots.loc[moving, "changed"] == after.version
    assert slots.loc[parked, "lon"] == 105.05 and slots.loc[parked, "changed"] == first.version


def test_snapshot_payloads_are_stored_uncompressed(engine: Engine) -> None:
    with engine.connect() as conn:
        storage = conn.execute(
            text("SELECT attstorage FROM pg_attribute "
                 "WHERE attrelid = 'live_snapshots'::regclass AND attname = 'payload'")
        ).scalar_one()  # fmt: skip
    assert storage == "e"  # EXTERNAL: out of line, never compressed


def test_an_unreadable_snapshot_is_rebuilt_past_its_numbers(engine: Engine, tiny_city: int) -> None:
    first = fetch(engine, tiny_city)
    with engine.begin() as conn:
        conn.execute(text("UPDATE live_snapshots SET payload = '\\x789c00', version = 41"))
    rebuilt = fetch(engine, tiny_city)
    assert (rebuilt.epoch, rebuilt.version) == (first.epoch + 1, 42)
