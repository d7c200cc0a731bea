"""Parts of :mod:`benchmarks.bench_kabupaten`: the browser's first view, the live tick, ingest."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import statistics
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import geopandas as gpd
import plotly
import plotly.io as pio
import shapely
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from sqlalchemy import Engine, text

from benchmarks.bench_live import count, run_clients
from dashboard.live_feed import frames_of, tick_update, viewer_key
from dashboard.live_layout import patch_of
from geodata.db.embedded import free_loopback_port
from geodata.live import store
from geodata.live.snapshot_codec import encode
from geodata.operations.api_tokens import create_token
from geodata.operations.unit_positions import PositionReport, record_positions
from geodata.responders import DEFAULT_RESPONSE_AGENCIES
from layers.city_map import LIGHT_BASEMAP, MapView, zoom_for_bounds
from layers.live_map import live_map_figure
from tests.browser import CHROMIUM_FLAGS

Report = Callable[..., None]
STALE_AFTER_S = 900.0

#: Resolves when the map has its points, MapLibre has loaded every tile in view and a frame
#: was drawn after: the time (ms since navigation) of a painted map.
PAINTED = """
const [id, done] = arguments;
const started = performance.now();
const check = () => {
  const gd = document.querySelector('#' + id + ' .js-plotly-plot') || document.getElementById(id);
  const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
  const map = sub && sub.map;
  if (gd && gd.data && gd.data.length > 3 && map && map.loaded() && map.areTilesLoaded()
      && (gd.layout.map.layers || []).length > 0) {
    requestAnimationFrame(() => done(performance.now()));
    return;
  }
  if (performance.now() - started > 60000) { done(null); return; }
  setTimeout(check, 50);
};
check();
"""


def geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """A layer as today's basemap served it: whole city, coordinates to 5 decimals."""
    geometries = shapely.set_precision(frame.geometry.to_numpy(), 1e-5)
    features = [{"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(g)}
                for g in geometries if g is not None and not g.is_empty]  # fmt: skip
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, separators=(",", ":")).encode()


def _browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for flag in (*CHROMIUM_FLAGS, "--window-size=1500,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = Service(executable_path=shutil.which("chromedriver"))
    return webdriver.Chrome(options=options, service=driver)


def first_view(url: str, graph_id: str) -> tuple[float | None, int, int]:
    """(ms to a painted map, bytes transferred, requests) of a fresh browser opening ``url``."""
    browser = _browser()
    try:
        browser.set_script_timeout(70)
        browser.execute_cdp_cmd("Network.enable", {})
        browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        browser.get(url)
        painted = browser.execute_async_script(PAINTED, graph_id)
        time.sleep(0.5)
        transferred, requests = 0, 0
        for entry in browser.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.loadingFinished":
                transferred += int(message["params"].get("encodedDataLength", 0))
                requests += 1
        return painted, transferred, requests
    finally:
        browser.quit()


def _baseline_page(folder: Path, engine: Engine, city_id: int, geojson: dict[str, bytes]) -> None:
    """Today's live page as it drew the map: the figure inline, each basemap layer one
    whole-city GeoJSON file, Plotly's own bundle."""
    with engine.connect() as conn:
        state = store.load_state(conn, city_id)
        bounds = conn.execute(text(
            "SELECT ST_XMin(boundary), ST_YMin(boundary), ST_XMax(boundary), ST_YMax(boundary) "
            "FROM cities WHERE id = :c"), {"c": city_id}).one()  # fmt: skip
    assert state is not None
    view = MapView((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2,
                   zoom_for_bounds(tuple(bounds), 1000, 760))  # fmt: skip
    layers = []
    for name, kind in (("land", "fill"), *((f"roads-{c}", "line") for c in LIGHT_BASEMAP.roads),
                       ("kelurahan", "line"), ("kecamatan", "line")):  # fmt: skip
        if name in geojson:
            colour = LIGHT_BASEMAP.land if name == "land" else "#9e9e9e"
            layers.append({"name": name, "sourcetype": "geojson", "source": f"layers/{name}.json",
                           "type": kind, "color": colour, "below": "traces"})  # fmt: skip
    figure = live_map_figure(layers, frames_of(state), view)
    (folder / "layers").mkdir(parents=True, exist_ok=True)
    for name, body in geojson.items():
        (folder / "layers" / f"{name}.json").write_bytes(body)
    bundle = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    shutil.copy(bundle, folder / "plotly.min.js")
    (folder / "index.html").write_text(
        "<html><body><div id='live-map' style='width:1000px;height:760px'></div>"
        "<script src='plotly.min.js'></script><script>"
        f"Plotly.newPlot('live-map', {pio.to_json(figure)})"
        "</script></body></html>"
    )


def bench_browser(
    app: str, engine: Engine, city_id: int, geojson: dict[str, bytes], base: Path, report: Report
) -> None:
    """The live page's first view, and today's whole-city GeoJSON page, in the same run."""
    painted, transferred, requests = first_view(app + "/live", "live-map")
    folder = base / "baseline-page"
    _baseline_page(folder, engine, city_id, geojson)
    port = free_loopback_port()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        old_painted, old_bytes, old_requests = first_view(f"http://127.0.0.1:{port}/", "live-map")
    finally:
        server.shutdown()
    ok = painted is not None and painted <= 3000 and transferred <= 1_500_000
    report("live page first view, headless Chromium (cache off)",
           f"{transferred / 1e6:.2f} MB in {requests} requests, map painted at "
           f"{painted or float('nan'):.0f} ms",
           f"whole-city GeoJSON page: {old_bytes / 1e6:.2f} MB in {old_requests} requests, "
           f"painted at {old_painted or float('nan'):.0f} ms",
           old_bytes / max(transferred, 1), "≤ 1.5 MB, ≤ 3 s", ok)  # fmt: skip


def bench_live_tick(engine: Engine, city_id: int, report: Report) -> None:
    """One unit moves per tick: producer rebuild (delta write), a reader on another worker,
    one viewer's patch; against rewriting and reading the whole snapshot, same run."""
    fetch = functools.partial(store.fetch, engine, city_id, stale_after_s=STALE_AFTER_S,
                              responders=DEFAULT_RESPONSE_AGENCIES)  # fmt: skip
    state = fetch(None, max_age_s=0.0)
    assert state is not None
    with engine.connect() as conn:
        unit_id = conn.execute(text(
            "SELECT u.id FROM units u JOIN agencies a ON a.id = u.agency_id "
            "WHERE a.city_id = :c ORDER BY u.id LIMIT 1"), {"c": city_id}).scalar_one()  # fmt: skip
    produce: list[float] = []
    read, tick, full_write, full_read = [], [], [], []
    delta_bytes, patch_bytes = [], []
    reader = state
    now = datetime.now(UTC)
    for step in range(30):
        with engine.begin() as conn:
            record_positions(conn, [PositionReport(unit_id, 106.5 + step * 1e-4, -6.2,
                                                   now + timedelta(seconds=step))],
                             source="bench", now=now + timedelta(minutes=5))  # fmt: skip
        ms, new = _ms(lambda s=state: fetch(s, max_age_s=0.0))
        produce.append(ms)
        with engine.connect() as conn:
            delta_bytes.append(conn.execute(text(
                "SELECT length(payload) FROM live_deltas WHERE city_id = :c ORDER BY version "
                "DESC LIMIT 1"), {"c": city_id}).scalar() or 0)  # fmt: skip
        ms, reader = _ms(lambda r=reader: fetch(r, max_age_s=1e9))
        read.append(ms)
        viewer = {"key": viewer_key(state), "version": state.version, "epoch": state.epoch}
        ms, update = _ms(lambda n=new, v=viewer: tick_update(n, v, language="id"))
        tick.append(ms)
        patch_bytes.append(len(pio.to_json(patch_of(update.changes or []), validate=False)))
        ms, _ = _ms(lambda n=new: _write_whole(engine, city_id, n))
        full_write.append(ms)
        ms, _ = _ms(lambda: _read_whole(engine, city_id))
        full_read.append(ms)
        state = new
    open_incidents = len(state.open_incidents())
    server = statistics.median(produce) + statistics.median(read) + statistics.median(tick)
    old = statistics.median(full_write) + statistics.median(full_read) + statistics.median(tick)
    report(f"live tick, one unit moved, {open_incidents:,} open incidents",
           f"{server:.1f} ms server work (rebuild and delta write "
           f"{statistics.median(produce):.1f}, a reader's catch-up {statistics.median(read):.1f}"
           f", one viewer's patch {statistics.median(tick):.1f}); delta "
           f"{statistics.median(delta_bytes):.0f} B, patch {statistics.median(patch_bytes):.0f} B",
           f"whole snapshot rewritten and read back instead: {old:.1f} ms, "
           f"{len(encode(state)) / 1e6:.2f} MB", old / server, "≤ 10 ms, ≤ 2 KB",
           server <= 10 and statistics.median(patch_bytes) <= 2000)  # fmt: skip


def _ms(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


def _write_whole(engine: Engine, city_id: int, state: Any) -> None:
    """Today's tick: the whole snapshot encoded and rewritten (into a scratch row)."""
    with engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE IF NOT EXISTS whole (payload bytea)"))
        conn.execute(text("INSERT INTO whole VALUES (:p)"), {"p": encode(state)})
        conn.execute(text("DELETE FROM whole"))


def _read_whole(engine: Engine, city_id: int) -> Any:
    with engine.connect() as conn:
        header = store.read_header(conn, city_id)
        payload = conn.execute(text("SELECT payload FROM live_snapshots WHERE city_id = :c"),
                               {"c": city_id}).scalar()  # fmt: skip
        from geodata.live.snapshot_codec import decode

        return header, decode(bytes(payload))


def bench_ingest(app: str, engine: Engine, city_id: int, clients: int, report: Report) -> None:
    """One write per request from ``clients`` threads, against one authenticated read each."""
    writes_per_client = 300
    with engine.begin() as conn:
        token = create_token(conn, "bench-ingest", city_id).token
        signs = conn.execute(text(
            "SELECT u.call_sign FROM units u JOIN agencies a ON a.id = u.agency_id "
            "WHERE a.city_id = :c ORDER BY u.id LIMIT :n"), {"c": city_id, "n": clients},
        ).scalars().all()  # fmt: skip
        some_id = conn.execute(text("SELECT max(id) FROM incidents")).scalar_one()
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    plans = []
    for c in range(clients):
        plan: list[Any] = []
        for i in range(writes_per_client):
            if i % 2:
                plan.append(("POST", "/units/positions", {"positions": [{
                    "unit": signs[c], "lon": 106.5 + i * 1e-5, "lat": -6.2,
                    "at": (at + timedelta(seconds=i)).isoformat()}]}))  # fmt: skip
            else:
                plan.append(("POST", "/incidents", {
                    "external_id": f"W-{c}-{i}", "category": "health", "priority": 2,
                    "received_at": at.isoformat(), "lon": 106.5, "lat": -6.2}))  # fmt: skip
        plans.append(plan)
    read_plans = [[("GET", f"/incidents/{some_id}", None)] * writes_per_client] * clients
    run_clients(app, token, [p[:20] for p in read_plans])  # warm every worker
    read_s, read_failures = run_clients(app, token, read_plans)
    write_s, failures = run_clients(app, token, plans)
    again_s, _ = run_clients(app, token, read_plans)
    with engine.connect() as conn:
        stored = count(conn, "incidents") + count(conn, "unit_positions")
    total = clients * writes_per_client
    reads = total / min(read_s, again_s)
    writes = total / write_s
    report(
        f"single-write ingest, {clients} clients (half incidents, half positions)",
        f"{writes:.0f} writes/s (all {total:,} stored: {stored == total and not failures})",
        f"authenticated reads, same server: {reads:.0f}/s (best of two runs, "
        f"{len(read_failures)} failed)",
        writes / reads,
        "≥ 0.8× reads",
        writes >= 0.8 * reads,
    )
