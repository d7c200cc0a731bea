"""The live pages' basemap choice: online tiles only when reachable, never a hang offline."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator

import pytest

from dashboard.live_feed import LiveFeed, LiveOptions, reachable_basemap
from geodata.db.embedded import free_loopback_port
from geodata.settings import Settings
from layers.city_map import OFFLINE_BASEMAP


@pytest.fixture
def tile_server() -> Iterator[str]:
    """A style URL answered on 127.0.0.1, standing in for a tile server."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_loopback_port()), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/style.json"
    server.shutdown()
    server.server_close()


def feed() -> LiveFeed:
    return LiveFeed(engine=None, options=LiveOptions(probe_timeout_s=1.0))  # type: ignore[arg-type]


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A style URL whose server accepts the connection and never answers (a firewall's
    black hole, or a proxy that hangs): the probe must give up, not wait for it."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/style.json"
    listener.close()


def test_an_unreachable_tile_server_falls_back_to_offline(silent_server: str) -> None:
    dead = f"http://127.0.0.1:{free_loopback_port()}/style.json"
    answers: list[str] = []
    probe = threading.Thread(
        target=lambda: answers.extend(
            reachable_basemap(feed(), url) for url in (dead, silent_server)
        ),
        daemon=True,
    )
    probe.start()
    probe.join(timeout=60)  # bounded: a probe that hung would never finish
    assert not probe.is_alive(), "the basemap probe hung on a server that never answers"
    assert answers == [OFFLINE_BASEMAP, OFFLINE_BASEMAP]
    assert reachable_basemap(feed(), OFFLINE_BASEMAP) == OFFLINE_BASEMAP
    assert reachable_basemap(feed(), "some-unknown-style") == OFFLINE_BASEMAP


def test_a_reachable_tile_server_is_used_and_remembered(tile_server: str) -> None:
    live = feed()
    assert reachable_basemap(live, tile_server) == tile_server
    assert live.basemap_reachable(tile_server)  # from memory, no second request


def test_options_read_every_live_setting() -> None:
    settings = Settings(
        database_url="postgresql://x/y", live_tick_s=2.0, stale_position_minutes=3.0,
        wall_rotation_s=45.0, response_agencies={"fire": ["fire", "police"]},
    )  # fmt: skip
    options = LiveOptions.from_settings(settings)
    assert (options.tick_s, options.stale_after_s, options.wall_rotation_s) == (2.0, 180.0, 45.0)
    assert options.responders["fire"] == ("fire", "police")
    assert options.responders["health"] == ("ambulance",)  # the defaults fill the rest
