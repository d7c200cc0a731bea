"""A loaded command center: integrations writing while signed-in operators watch.

Run: ``.venv/bin/python benchmarks/bench_load.py [--seconds 60]``. It starts its own
PostgreSQL cluster (temporary directory), the demo city, ``tanggap serve`` on 127.0.0.1 with
three workers, and from this second process: 8 API clients creating incidents and moving
units for ``--seconds``, and 20 signed-in viewers polling the live page's tick twice a second
(each keeps its viewer state, as a browser does). Every loop is bounded in count and time.

Reports throughput and p50/p95 latency of the writes and of the ticks, and afterwards checks
that every acknowledged write is in the database exactly once.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_live import serve  # noqa: E402
from geodata.db import migrate  # noqa: E402
from geodata.db.embedded import EmbeddedPostgres  # noqa: E402
from geodata.demo import generate_demo_city  # noqa: E402
from geodata.load.city_load import load_city  # noqa: E402
from geodata.operations.api_tokens import create_token  # noqa: E402
from geodata.operations.users import create_user  # noqa: E402
from tests.access import csrf_of  # noqa: E402

WRITERS, VIEWERS = 8, 20
MAX_WRITES_PER_CLIENT = 20_000


def quantiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


class Connection:
    """One kept-alive HTTP connection to the app, with the cookies it was given."""

    def __init__(self, base: str) -> None:
        self.port = int(base.rsplit(":", 1)[1])
        self.http = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Any:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent = {**headers, **({"Cookie": cookie} if cookie else {})}
        for attempt in (1, 2):
            try:
                self.http.request(method, path, body, sent)
                response = self.http.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                self.http.close()
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data


def writer(base: str, token: str, index: int, units: list[str], until: float,
           results: dict[str, Any]) -> None:  # fmt: skip
    """Creates incidents and moves units, alternately, until ``until`` (monotonic)."""
    connection = Connection(base)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for n in range(MAX_WRITES_PER_CLIENT):
        if time.monotonic() >= until:
            break
        if n % 2 == 0:
            external_id = f"LOAD-{index}-{n}"
            body = {"external_id": external_id, "category": "health", "priority": 3,
                    "received_at": (datetime.now(UTC) - timedelta(seconds=30)).isoformat(),
                    "lat": -5.11 + (n % 50) * 1e-4, "lon": 105.30 + index * 1e-3}  # fmt: skip
            path = "/api/v1/incidents"
        else:
            unit = units[(index + n) % len(units)]
            body = {"positions": [{"unit": unit, "lat": -5.11 + (n % 80) * 1e-4,
                                   "lon": 105.30 + index * 1e-3,
                                   "at": datetime.now(UTC).isoformat()}]}  # fmt: skip
            path = "/api/v1/units/positions"
        started = time.perf_counter()
        status, _ = connection.send("POST", path, json.dumps(body).encode(), headers)
        results["latency_ms"].append((time.perf_counter() - started) * 1000)
        if status in (200, 201):
            if path == "/api/v1/incidents":
                results["incidents"].append(body["external_id"])
            else:
                results["positions"] += 1
        else:
            results["failures"].append(status)


def viewer(base: str, username: str, password: str, until: float,
           results: dict[str, Any]) -> None:  # fmt: skip
    """Signs in, opens /live, then asks for the live tick twice a second until ``until``."""
    connection = Connection(base)
    _, form = connection.send("GET", "/masuk", None, {})
    data = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrf_token": csrf_of(form.decode())}).encode()  # fmt: skip
    connection.send("POST", "/masuk", data, {"Content-Type": "application/x-www-form-urlencoded"})
    csrf = connection.cookies["_csrf_token"]
    headers = {"Content-Type": "application/json", "X-CSRFToken": csrf}
    route = {"output": ".._pages_content.children..._pages_store.data..",
             "outputs": [{"id": "_pages_content", "property": "children"},
                         {"id": "_pages_store", "property": "data"}],
             "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/live"},
                        {"id": "_pages_location", "property": "search", "value": ""}],
             "state": [], "changedPropIds": ["_pages_location.pathname"]}  # fmt: skip
    status, page = connection.send("POST", "/_dash-update-component", json.dumps(route).encode(),
                                   headers)  # fmt: skip
    stores = stores_of(json.loads(page)["response"]["_pages_content"]["children"])
    _, deps = connection.send("GET", "/_dash-dependencies", None, {})
    tick = next(c for c in json.loads(deps)
                if {"id": "live-tick", "property": "n_intervals"} in c["inputs"])  # fmt: skip
    n = 0
    while time.monotonic() < until and n < 10_000:
        n += 1
        body = {"output": tick["output"], "outputs": outputs_of(tick["output"]),
                "inputs": [{**i, "value": n if i["id"] == "live-tick" else stores.get(i["id"])}
                           for i in tick["inputs"]],
                "state": [{**s, "value": stores.get(s["id"])} for s in tick["state"]],
                "changedPropIds": ["live-tick.n_intervals"]}  # fmt: skip
        started = time.perf_counter()
        status, answer = connection.send("POST", "/_dash-update-component",
                                         json.dumps(body).encode(), headers)  # fmt: skip
        results["tick_ms"].append((time.perf_counter() - started) * 1000)
        if status == 200:
            for component, props in json.loads(answer)["response"].items():
                if component.endswith("-viewer") and "data" in props:
                    stores[component] = props["data"]
        elif status != 204:
            results["tick_failures"].append(status)
        time.sleep(max(0.0, 0.5 - (time.perf_counter() - started)))


def stores_of(tree: Any) -> dict[str, Any]:
    """Every store's initial data in a page layout (what the browser holds on load)."""
    found: dict[str, Any] = {}
    if isinstance(tree, list):
        for child in tree:
            found.update(stores_of(child))
    elif isinstance(tree, dict) and "props" in tree:
        props = tree["props"]
        if tree.get("type") in ("Store", "Checklist") and isinstance(props.get("id"), str):
            found[props["id"]] = props.get("data", props.get("value"))
        found.update(stores_of(props.get("children")))
    return found


def outputs_of(key: str) -> list[dict[str, str]]:
    return [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
            for part in key.strip(".").split("...")]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    base_dir = Path(tempfile.mkdtemp(prefix="tanggap-bench-load-"))
    base_dir.chmod(0o755)
    cluster = EmbeddedPostgres(base_dir, durable=True)
    cluster.start()
    process = None
    try:
        url = cluster.url()
        engine = create_engine(url)
        migrate.upgrade(engine)
        with engine.begin() as conn:
            city_id = load_city(conn, generate_demo_city(112, datetime.now(UTC),
                                                         n_incidents=3_000),
                                synthetic=True).city_id  # fmt: skip
            token = create_token(conn, "bench-load", city_id).token
            units = list(conn.execute(text("SELECT call_sign FROM units")).scalars())
            password = "load-bench-viewer-password"
            for v in range(VIEWERS):
                create_user(conn, f"viewer{v}", "call_taker", password, actor="bench")
        process, app = serve(url, workers=args.workers)
        until = time.monotonic() + args.seconds
        results: dict[str, Any] = {"latency_ms": [], "incidents": [], "positions": 0,
                                   "failures": [], "tick_ms": [], "tick_failures": []}  # fmt: skip
        threads = [threading.Thread(target=writer, args=(app, token, i, units, until, results))
                   for i in range(WRITERS)]  # fmt: skip
        threads += [
            threading.Thread(target=viewer, args=(app, f"viewer{v}", password, until, results))
            for v in range(VIEWERS)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        elapsed = time.perf_counter() - started
        with engine.connect() as conn:
            stored = dict(conn.execute(text(
                "SELECT external_id, count(*) FROM incidents WHERE source = 'bench-load' "
                "GROUP BY external_id")).all())  # fmt: skip
        engine.dispose()
        writes = len(results["incidents"]) + results["positions"]
        w50, w95 = quantiles(results["latency_ms"])
        t50, t95 = quantiles(results["tick_ms"])
        print(f"writes: {writes:,} in {elapsed:.0f} s = {writes / elapsed:.0f}/s "
              f"({WRITERS} clients); p50 {w50:.1f} ms, p95 {w95:.1f} ms; refused "
              f"{len(results['failures'])}")  # fmt: skip
        print(f"live ticks: {len(results['tick_ms']):,} from {VIEWERS} signed-in viewers = "
              f"{len(results['tick_ms']) / elapsed:.0f}/s; p50 {t50:.1f} ms, p95 {t95:.1f} ms; "
              f"failed {len(results['tick_failures'])}")  # fmt: skip
        exactly_once = all(stored.get(i) == 1 for i in results["incidents"])
        print(
            f"every acknowledged incident stored exactly once: {exactly_once} "
            f"({len(results['incidents']):,} acknowledged, {len(stored):,} stored)"
        )
        if not exactly_once:
            raise SystemExit(1)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        cluster.stop()
        shutil.rmtree(base_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
