"""How soon an incident posted to the API is painted on an operator's live map, in the browser.

Run: ``.venv/bin/python benchmarks/bench_live_browser.py`` (about a minute; needs Debian's
chromium and chromium-driver, like the browser tests). It starts its own PostgreSQL cluster
in a temporary directory, the demo city, ``tanggap serve`` (two workers) on 127.0.0.1, and
a headless Chromium on ``/live``. Each of ``--posts`` incidents is posted *from the page*
with ``fetch`` (so both ends are timed on the browser's clock), and a frame-by-frame watcher
notes when the new point is in the map's data and a frame has been drawn after it.

Figures: p50 and p95 of post → painted marker, against the same run's p50 of post →
acknowledged (the API's own answer: the floor that no live map can beat).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_live import serve  # noqa: E402
from geodata.db import migrate  # noqa: E402
from geodata.db.embedded import EmbeddedPostgres  # noqa: E402
from geodata.demo import generate_demo_city  # noqa: E402
from geodata.load.city_load import load_city  # noqa: E402
from geodata.operations.api_tokens import create_token  # noqa: E402
from tests.browser import chromium  # noqa: E402

#: Posts the incident from the page, then watches each animation frame for its point.
POST_AND_WATCH = """
const [token, body, lon, lat, done] = arguments;
const gd = document.querySelector('#live-map .js-plotly-plot');
const sent = performance.now();
fetch('/api/v1/incidents', {method: 'POST', body: JSON.stringify(body),
      headers: {'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'}})
  .then(r => { window.__acknowledged = performance.now() - sent; });
const has = () => gd.data.some(t => t.lon && t.lon.some((x, i) =>
    x !== null && Math.abs(x - lon) < 1e-5 && Math.abs(t.lat[i] - lat) < 1e-5));
const watch = () => {
  if (has()) { requestAnimationFrame(() => done([performance.now() - sent,
                                                 window.__acknowledged])); return; }
  if (performance.now() - sent > 20000) { done([null, window.__acknowledged]); return; }
  requestAnimationFrame(watch);
};
requestAnimationFrame(watch);
"""


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20, help="incidents to post (bounded)")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="tanggap-bench-browser-"))
    base.chmod(0o755)
    cluster = EmbeddedPostgres(base, durable=True)
    cluster.start()
    process = None
    try:
        url = cluster.url()
        engine = create_engine(url)
        migrate.upgrade(engine)
        city = generate_demo_city(112, datetime.now(UTC), n_incidents=5_000)
        with engine.begin() as conn:
            city_id = load_city(conn, city, synthetic=True).city_id
            token = create_token(conn, "bench-browser", city_id).token
        engine.dispose()
        process, app = serve(url, workers=2)
        painted, acknowledged = [], []
        with chromium(1500, 900) as browser:
            browser.set_script_timeout(30)
            browser.get(app + "/live")
            deadline = time.monotonic() + 60
            while not browser.execute_script(
                "const gd = document.querySelector('#live-map .js-plotly-plot');"
                "return !!(gd && gd.data && gd.data.length > 3);"
            ):
                if time.monotonic() > deadline:
                    raise RuntimeError("the live map did not load")
                time.sleep(0.2)
            x0, y0, x1, y1 = city.boundary.bounds
            for i in range(args.posts):
                lon = round(x0 + (x1 - x0) * (0.2 + 0.6 * i / args.posts), 6)
                lat = round(y0 + (y1 - y0) * 0.5, 6)
                body = {
                    "external_id": f"BROWSER-{i}",
                    "category": "fire",
                    "priority": 1,
                    "received_at": datetime.now(UTC).isoformat(),
                    "lon": lon,
                    "lat": lat,
                }
                seen, ack = browser.execute_async_script(POST_AND_WATCH, token, body, lon, lat)
                if seen is None:
                    raise RuntimeError(f"incident {i} never reached the map")
                painted.append(seen)
                acknowledged.append(ack)
                time.sleep(0.7)  # not in step with the ticks
        p50, p95 = statistics.median(painted), quantile(painted, 0.95)
        ack = statistics.median(acknowledged)
        print(f"post → painted marker ({args.posts} posts): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        print(f"baseline, post → acknowledged by the API: p50 {ack:.0f} ms")
        print(
            f"ratio (p50 painted / p50 acknowledged): {p50 / ack:.1f}×; target p95 < 2000 ms: "
            f"{'met' if p95 < 2000 else 'missed'}"
        )
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
