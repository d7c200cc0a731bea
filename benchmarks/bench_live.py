"""Live operations at scale: 10,000 open incidents and 1,000 units, each figure with a baseline.

Run: ``.venv/bin/python benchmarks/bench_live.py`` (about two minutes; needs PostgreSQL with
PostGIS like the tests). It starts its own durable PostgreSQL cluster in a temporary
directory and, for the ingest part, ``tanggap serve`` on 127.0.0.1 only; every load is
bounded in count and time. Prints a table of figures and their ratios to the baseline.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import plotly.io as pio
from sqlalchemy import Engine, create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.live_feed import frames_of, tick_update  # noqa: E402
from dashboard.live_layout import patch_of  # noqa: E402
from geodata.db import migrate  # noqa: E402
from geodata.db.embedded import EmbeddedPostgres, free_loopback_port  # noqa: E402
from geodata.demo import generate_demo_city  # noqa: E402
from geodata.live import store as live_store  # noqa: E402
from geodata.live.queries import read_live_rows  # noqa: E402
from geodata.live.snapshot_codec import encode  # noqa: E402
from geodata.live.state import advance  # noqa: E402
from geodata.load.city_load import load_city  # noqa: E402
from geodata.operations.api_tokens import create_token  # noqa: E402
from geodata.operations.incidents import IncidentReport, upsert_incidents  # noqa: E402
from geodata.operations.unit_positions import PositionReport, record_positions  # noqa: E402
from geodata.responders import DEFAULT_RESPONSE_AGENCIES  # noqa: E402
from layers.city_map import incident_traces  # noqa: E402
from layers.live_map import live_map_traces  # noqa: E402

OPEN_INCIDENTS, UNITS, VIEWERS = 10_000, 1_000, 20
CLIENTS, WRITES_PER_CLIENT, BATCH = 8, 300, 50
NOW = datetime.now(UTC).replace(microsecond=0)
#: (HTTP method, path under /api/v1, JSON body or None)
Request = tuple[str, str, Any]


def median_ms(action: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def dash_json(value: Any) -> bytes:
    """What Dash puts on the wire for a callback answer (Plotly's JSON encoder)."""
    return pio.to_json(value, validate=False, remove_uids=False).encode()


def populate(engine: Engine) -> int:
    """The demo city, grown to 1,000 units with positions and 10,000 open incidents."""
    city = generate_demo_city(112, NOW, n_incidents=2_000)
    rng = np.random.default_rng(1)
    with engine.begin() as conn:
        city_id = load_city(conn, city, synthetic=True).city_id
        agencies = conn.execute(text("SELECT id FROM agencies WHERE city_id = :c"),
                                {"c": city_id}).scalars().all()  # fmt: skip
        have = conn.execute(text("SELECT count(*) FROM units")).scalar_one()
        conn.execute(
            text("INSERT INTO units (agency_id, call_sign, vehicle_profile) "
                 "VALUES (:a, :s, 'car')"),
            [{"a": agencies[i % len(agencies)], "s": f"BEN-{i:04d}"} for i in range(UNITS - have)],
        )  # fmt: skip
        unit_ids = conn.execute(text("SELECT id FROM units ORDER BY id")).scalars().all()
        x0, y0, x1, y1 = city.boundary.bounds
        lon, lat = rng.uniform(x0, x1, len(unit_ids)), rng.uniform(y0, y1, len(unit_ids))
        record_positions(conn, [PositionReport(u, float(x), float(y), NOW - timedelta(minutes=2))
                                for u, x, y in zip(unit_ids, lon, lat, strict=True)],
                         source="bench")  # fmt: skip
        ilon = rng.uniform(x0, x1, OPEN_INCIDENTS)
        ilat = rng.uniform(y0, y1, OPEN_INCIDENTS)
        categories = rng.choice(["health", "fire", "traffic_accident", "crime", "prank"],
                                OPEN_INCIDENTS)  # fmt: skip
        upsert_incidents(conn, city_id, [
            IncidentReport("bench", f"O-{i}", str(categories[i]), int(rng.integers(1, 5)),
                           NOW - timedelta(seconds=int(rng.integers(0, 7200))),
                           lon=float(ilon[i]), lat=float(ilat[i]))
            for i in range(OPEN_INCIDENTS)
        ])  # fmt: skip
        # They came in over the last two hours, not all at once: their last change is old,
        # as it is in steady operation (the producer reads only what changed lately).
        # Likewise the units: parked where they last reported, two minutes ago.
        for table, last_change in (("incidents", "received_at"), ("units", "last_position_at")):
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_touch_updated_at"))
            conn.execute(text(f"UPDATE {table} SET updated_at = {last_change}"))
            conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {table}_touch_updated_at"))
    return int(city_id)


def move_one_unit(engine: Engine, unit_id: int, step: int) -> None:
    with engine.begin() as conn:
        record_positions(conn, [PositionReport(unit_id, 105.3 + step * 1e-4, -5.11,
                                               NOW + timedelta(seconds=step))],
                         source="bench", now=NOW + timedelta(hours=1))  # fmt: skip


def bench_ticks(engine: Engine, city_id: int, report: Callable[..., None]) -> None:
    state = live_store.fetch(
        engine, city_id, None, max_age_s=0, stale_after_s=300, responders=DEFAULT_RESPONSE_AGENCIES
    )
    assert state is not None
    located = state.located_units()
    unit_id = int(located["unit_id"].iloc[0])
    points = len(state.open_incidents()) + len(located)
    report("open incidents / located units in the snapshot",
           f"{len(state.open_incidents()):,} / {len(located):,}")  # fmt: skip

    builds, steps = [], iter(range(1, 1000))
    for _ in range(7):
        move_one_unit(engine, unit_id, next(steps))
        started = time.perf_counter()
        state = live_store.fetch(
            engine,
            city_id,
            state,
            max_age_s=0,
            stale_after_s=300,
            responders=DEFAULT_RESPONSE_AGENCIES,
        )
        builds.append((time.perf_counter() - started) * 1000)

    viewer = {"key": None}
    full = tick_update(state, viewer, language="id")
    viewer = full.viewer
    move_one_unit(engine, unit_id, next(steps))
    moved = live_store.fetch(
        engine, city_id, state, max_age_s=0, stale_after_s=300, responders=DEFAULT_RESPONSE_AGENCIES
    )
    sent = [int((frame["changed"] > state.version).sum()) for frame in (moved.incidents,
                                                                         moved.units)]  # fmt: skip
    print(f"slots changed in that tick: {sent[0]} incidents, "
          f"{sent[1]} units", flush=True)  # fmt: skip

    def one_tick() -> bytes:
        update = tick_update(moved, viewer, language="id")
        return dash_json({"multi": True, "response": {
            "live-map": {"figure": patch_of(update.changes or [])},
            "live-viewer": {"data": update.viewer}}})  # fmt: skip

    tick_ms = median_ms(one_tick, 50)
    tick_bytes = len(one_tick())

    def resend() -> bytes:
        traces = live_map_traces(frames_of(moved))
        return dash_json({"multi": True, "response": {"live-map": {"figure": {
            "data": [t.to_plotly_json() for t in traces]}}}})  # fmt: skip

    resend_ms = median_ms(resend, 5)
    resend_bytes = len(resend())
    report("viewer tick, one unit moved: server time", f"{tick_ms:.2f} ms",
           f"full-figure resend {resend_ms:.1f} ms", resend_ms / tick_ms)  # fmt: skip
    report("viewer tick, one unit moved: bytes", f"{tick_bytes:,} B",
           f"full-figure resend {resend_bytes:,} B", resend_bytes / tick_bytes)  # fmt: skip

    def from_scratch() -> bytes:
        with engine.connect() as conn:
            rows = read_live_rows(conn, city_id, DEFAULT_RESPONSE_AGENCIES)
        return encode(advance(None, rows, city_id=city_id, stale_after_s=300))

    scratch_ms = median_ms(from_scratch, 5)
    rebuild_ms = statistics.median(builds)
    report("producer: rebuild of the shared snapshot (once per tick for all)",
           f"{rebuild_ms:.1f} ms", f"from scratch (all rows read, new slots): {scratch_ms:.0f} ms",
           scratch_ms / rebuild_ms)  # fmt: skip

    packed = dash_json({"data": full.traces})
    naive = naive_figure_bytes(moved)
    report("full load: bytes per point (typed arrays, codes)",
           f"{len(packed) / points:.1f} B/pt ({len(packed):,} B)",
           f"per-point text and lists {naive / points:.1f} B/pt", naive / len(packed))  # fmt: skip

    def per_viewer_queries() -> None:
        for _ in range(VIEWERS):
            with engine.connect() as conn:
                read_live_rows(conn, city_id, DEFAULT_RESPONSE_AGENCIES)

    def shared_snapshot() -> None:
        live_store.fetch(
            engine,
            city_id,
            moved,
            max_age_s=0,
            stale_after_s=300,
            responders=DEFAULT_RESPONSE_AGENCIES,
        )
        for _ in range(VIEWERS):
            tick_update(moved, viewer, language="id")

    per_viewer_ms = median_ms(per_viewer_queries, 3)
    shared_ms = median_ms(shared_snapshot, 3)
    report(f"one tick of {VIEWERS} viewers: database work + ticks", f"{shared_ms:.0f} ms",
           f"a query per viewer {per_viewer_ms:.0f} ms", per_viewer_ms / shared_ms)  # fmt: skip


def naive_figure_bytes(state: Any) -> int:
    """The overview page's way: one trace per category, hover text on every point."""
    import geopandas as gpd

    rows = state.open_incidents()
    frame = gpd.GeoDataFrame(
        {"category": rows["category"], "priority": rows["priority"], "status": rows["status"],
         "received_at": pd_times(rows["received_at_s"]), "kelurahan": rows["kelurahan"]},
        geometry=gpd.points_from_xy(rows["lon"], rows["lat"]), crs=4326,
    )  # fmt: skip
    traces = incident_traces(frame, NOW, "Asia/Jakarta", "id")
    units = live_map_traces(frames_of(state))[-2:]
    return len(dash_json({"data": [t.to_plotly_json() for t in [*traces, *units]]}))


def pd_times(seconds: Any) -> Any:
    import pandas as pd

    return pd.to_datetime(seconds, unit="s", utc=True)


def serve(url: Any, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_loopback_port()
    env = {**os.environ, "TANGGAP_DATABASE_URL": url.render_as_string(hide_password=False),
           "TANGGAP_HOST": "127.0.0.1", "TANGGAP_PORT": str(port),
           "TANGGAP_WORKERS": str(workers)}  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "dashboard", "serve"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=2).read()
            return process, base
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("the server did not start")


def client(base: str, token: str, requests: list[Request], failures: list[str]) -> None:
    """Send each ``(method, path, body)`` on one kept-alive connection; note failures."""
    connection = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for method, path, body in requests:
        connection.request(method, "/api/v1" + path, None if body is None else json.dumps(body),
                           headers)  # fmt: skip
        response = connection.getresponse()
        response.read()
        if response.status >= 300:
            failures.append(f"{path}: {response.status}")
    connection.close()


def run_clients(base: str, token: str, plans: list[list[Request]]) -> tuple[float, list[str]]:
    failures: list[str] = []
    threads = [
        threading.Thread(target=client, args=(base, token, plan, failures)) for plan in plans
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return time.perf_counter() - started, failures


def count(conn: Any, table: str) -> int:
    """Rows the ingest benchmark wrote to ``table``."""
    where = "WHERE source = 'bench-ingest'"
    return int(conn.execute(text(f"SELECT count(*) FROM {table} {where}")).scalar_one())


def bench_ingest(
    engine: Engine, url: Any, city_id: int, report: Callable[..., None], workers: int
) -> None:
    with engine.begin() as conn:
        token = create_token(conn, "bench-ingest", city_id).token
        query = "SELECT call_sign FROM units WHERE call_sign LIKE 'BEN-%' ORDER BY id LIMIT :n"
        signs = conn.execute(text(query), {"n": CLIENTS}).scalars().all()
    process, base = serve(url, workers)
    try:
        at = NOW - timedelta(hours=2)  # fixes from the past: a device's clock is never ahead
        plans = []
        for c in range(CLIENTS):
            plan: list[Request] = []
            for i in range(WRITES_PER_CLIENT):
                if i % 2:
                    plan.append(("POST", "/units/positions", {"positions": [{
                        "unit": signs[c], "lon": 105.3 + i * 1e-5, "lat": -5.11,
                        "at": (at + timedelta(seconds=i)).isoformat()}]}))  # fmt: skip
                else:
                    plan.append(("POST", "/incidents", {
                        "external_id": f"W-{c}-{i}", "category": "health", "priority": 2,
                        "received_at": NOW.isoformat(), "lon": 105.3, "lat": -5.11}))  # fmt: skip
            plans.append(plan)
        elapsed, failures = run_clients(base, token, plans)
        if failures:
            print("failures:", failures[:5], flush=True)
        writes = CLIENTS * WRITES_PER_CLIENT
        with engine.connect() as conn:
            incidents = count(conn, "incidents")
            positions = count(conn, "unit_positions")
        accounted = incidents + positions == writes and not failures
        single = writes / elapsed
        batch_plans = [[("POST", "/units/positions", {"positions": [
            {"unit": signs[c], "lon": 105.3, "lat": -5.11,
             "at": (at + timedelta(minutes=20, seconds=b * BATCH + k)).isoformat()}
            for k in range(BATCH)]}) for b in range(20)] for c in range(CLIENTS)]  # fmt: skip
        batch_elapsed, batch_failures = run_clients(base, token, batch_plans)
        if batch_failures:
            print("failures:", batch_failures[:5], flush=True)
        batch_writes = CLIENTS * 20 * BATCH
        with engine.connect() as conn:
            stored = count(conn, "unit_positions")
        batch_accounted = stored - positions == batch_writes and not batch_failures
        # The serving stack's own floor, same clients: a read of one incident (token
        # check and one indexed SELECT, nothing written, nothing to flush to disk).
        with engine.connect() as conn:
            some_id = conn.execute(text("SELECT max(id) FROM incidents")).scalar_one()
        read_plans = [[("GET", f"/incidents/{some_id}", None)] * WRITES_PER_CLIENT
                      for _ in range(CLIENTS)]  # fmt: skip
        read_elapsed, read_failures = run_clients(base, token, read_plans)
        reads = CLIENTS * WRITES_PER_CLIENT / read_elapsed
    finally:
        process.terminate()
        process.wait(timeout=30)
    report(f"ingest, {CLIENTS} clients, {workers} workers, one write per request "
           "(half incidents, half positions)",
           f"{single:.0f} writes/s (all {writes:,} accounted: {accounted})",
           f"one read per request: {reads:.0f}/s ({len(read_failures)} failed)",
           single / reads)  # fmt: skip
    report(f"ingest, {CLIENTS} clients, {BATCH} positions per request",
           f"{batch_writes / batch_elapsed:.0f} writes/s",
           f"all {batch_writes:,} accounted: {batch_accounted}",
           (batch_writes / batch_elapsed) / single)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (ingest)")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="tanggap-bench-live-"))
    base.chmod(0o755)
    cluster = EmbeddedPostgres(base, durable=True)
    cluster.start()
    rows: list[tuple[str, ...]] = []

    def report(what: str, value: str, baseline: str = "", ratio: float | None = None) -> None:
        rows.append((what, value, baseline, "" if ratio is None else f"{ratio:.1f}×"))
        print(f"{what}: {value}  {baseline}  {rows[-1][3]}", flush=True)

    try:
        url = cluster.url()
        engine = create_engine(url)
        migrate.upgrade(engine)
        started = time.perf_counter()
        city_id = populate(engine)
        print(f"populated in {time.perf_counter() - started:.0f} s", flush=True)
        bench_ticks(engine, city_id, report)
        if not args.skip_ingest:
            bench_ingest(engine, url, city_id, report, args.workers)
        engine.dispose()
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
    print("\n| measure | value | baseline | ratio |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
