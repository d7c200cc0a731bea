"""What the live pages share: this worker's window on the live state, ticks, the basemap.

Each worker holds the latest :class:`~geodata.live.state.LiveState` it has read, on the
Flask app (like its connection pool), never in a module global. Any viewer's tick asks it
for the state; at most once per ``check_interval_s`` the worker asks PostgreSQL whether
the shared snapshot moved on (one primary-key lookup), rebuilding it first if it is older
than ``max_age_s`` and no other worker is doing so (see :mod:`geodata.live.store`). So the
database sees a few statements per second per worker, whatever the number of viewers, and
the copy held here is only a cache of the shared row: losing it costs one read.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
from flask import current_app
from sqlalchemy import Engine

from dashboard.app import current_engine, current_settings
from geodata.live import store as live_store
from geodata.live.state import LiveState
from geodata.responders import DEFAULT_RESPONSE_AGENCIES, ResponseAgencies
from geodata.settings import Settings
from layers.city_map import OFFLINE_BASEMAP
from layers.live_map import (
    DEFAULT_STYLE,
    LAYERS,
    LiveFrames,
    LiveMapStyle,
    live_map_changes,
    live_map_traces,
    trace_index,
)
from layers.words import (
    Language,
)

__all__ = [
    "LiveFeed",
    "LiveOptions",
    "TickUpdate",
    "current_feed",
    "frames_of",
    "reachable_basemap",
    "tick_update",
]

#: Online styles Plotly knows, and a tile whose answer says their server is reachable.
TILE_PROBES = {
    "open-street-map": "https://tile.openstreetmap.org/0/0/0.png",
    "carto-positron": "https://basemaps.cartocdn.com/gl/positron-gl-style/style.json",
    "carto-darkmatter": "https://basemaps.cartocdn.com/gl/dark-matter-gl-style/style.json",
    "carto-voyager": "https://basemaps.cartocdn.com/gl/voyager-gl-style/style.json",
}
#: How long (tenths of a second) a first viewer waits for another worker's first build.
FIRST_BUILD_POLLS = 30
#: A patch touching more than this share of the points costs more than the whole picture.
MAX_PATCH_SHARE = 0.3


@dataclass(frozen=True)
class LiveOptions:
    """What the live pages need of the settings; times in seconds.

    ``tick_s``: how often a page asks for news; ``stale_after_s``: a unit position older
    than this is stale; ``wall_rotation_s``: the wall's period between city and kecamatan;
    ``responders``: which agencies respond to each category (``Settings.response_agencies``).
    """

    tick_s: float = 0.5
    stale_after_s: float = 300.0
    wall_rotation_s: float = 30.0
    probe_timeout_s: float = 1.5
    #: The shared snapshot is rebuilt when older than this (at most twice a second).
    max_age_s: float = 0.5
    responders: ResponseAgencies = field(default_factory=lambda: DEFAULT_RESPONSE_AGENCIES)

    @property
    def page_stale_after_s(self) -> float:
        """How long a page goes without an answer before it says its data is stale (s)."""
        return max(10.0, 8 * self.tick_s)

    @property
    def check_interval_s(self) -> float:
        """How long this worker trusts its copy before asking PostgreSQL again."""
        return min(0.25, self.tick_s / 2)

    @classmethod
    def from_settings(cls, settings: Settings) -> LiveOptions:
        return cls(
            tick_s=settings.live_tick_s,
            stale_after_s=60.0 * settings.stale_position_minutes,
            wall_rotation_s=settings.wall_rotation_s,
            responders=settings.response_agencies,
        )


@dataclass
class LiveFeed:
    """This worker's copy of each city's shared live state, refreshed at most every check."""

    engine: Engine
    options: LiveOptions
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _states: dict[int, tuple[LiveState | None, float]] = field(default_factory=dict)
    _basemaps: dict[str, tuple[bool, float]] = field(default_factory=dict)

    def state(self, city_id: int) -> LiveState | None:
        """The live state of ``city_id``, at most ``check_interval_s`` behind the shared one."""
        with self._lock:
            known, checked = self._states.get(city_id, (None, -1e9))
            if known is not None and time.monotonic() - checked < self.options.check_interval_s:
                return known
            for _ in range(FIRST_BUILD_POLLS):
                state = live_store.fetch(
                    self.engine, city_id, known, max_age_s=self.options.max_age_s,
                    stale_after_s=self.options.stale_after_s, responders=self.options.responders,
                )  # fmt: skip
                if state is not None:
                    break
                time.sleep(0.1)  # another worker is building the very first snapshot
            self._states[city_id] = (state, time.monotonic())
            return state

    def basemap_reachable(self, url: str) -> bool:
        """Whether ``url`` answered lately (probed at most every 5 minutes, 1.5 s timeout)."""
        with self._lock:
            answer, at = self._basemaps.get(url, (False, -1e9))
            if time.monotonic() - at < 300:
                return answer
        answer = _answers(url, self.options.probe_timeout_s)
        with self._lock:
            self._basemaps[url] = (answer, time.monotonic())
        return answer


def _answers(url: str, timeout_s: float) -> bool:
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "Tanggap"})
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return 200 <= response.status < 400
    except (OSError, ValueError):
        return False


def current_feed() -> LiveFeed:
    """The live feed of the app serving this request (created on first use)."""
    feed = current_app.config.get("TANGGAP_LIVE_FEED")
    if feed is None:
        fresh = LiveFeed(current_engine(), LiveOptions.from_settings(current_settings()))
        feed = current_app.config.setdefault("TANGGAP_LIVE_FEED", fresh)
    assert isinstance(feed, LiveFeed)
    return feed


def reachable_basemap(feed: LiveFeed, configured: str) -> str:
    """The configured basemap if its tile server answers, else our offline one.

    Online styles that the server cannot reach would leave the map blank (or, for styles
    fetched as JSON, unpainted), so the offline basemap stands in; it needs nothing.
    """
    if configured == OFFLINE_BASEMAP:
        return OFFLINE_BASEMAP
    probe = TILE_PROBES.get(configured, configured if configured.startswith("http") else None)
    if probe is None or not feed.basemap_reachable(probe):
        return OFFLINE_BASEMAP
    return configured


def frames_of(state: LiveState) -> LiveFrames:
    return LiveFrames(state.incidents, state.units, state.stations, state.stations_changed)


@dataclass(frozen=True)
class TickUpdate:
    """What a tick sends a viewer: whole point traces, or assignments, or nothing."""

    viewer: dict[str, Any] | None
    traces: list[dict[str, Any]] | None = None
    changes: list[tuple[tuple[str | int, ...], Any]] | None = None


def viewer_key(state: LiveState) -> str:
    return f"{state.epoch}|{trace_index(state.stations).key}"


def tick_update(
    state: LiveState,
    viewer: dict[str, Any] | None,
    *,
    language: Language,
    visible: frozenset[str] = frozenset(LAYERS),
    style: LiveMapStyle = DEFAULT_STYLE,
) -> TickUpdate:
    """Bring a viewer holding ``viewer`` ({key, version, epoch}) up to ``state``.

    A viewer of the same epoch and trace layout gets the changed slots; one of an older
    epoch (or none yet) gets the point traces whole; one ahead of this worker's copy (its
    last tick was served by a fresher worker) gets nothing this time.
    """
    key = viewer_key(state)
    current = {"key": key, "version": state.version, "epoch": state.epoch}
    frames = frames_of(state)
    if viewer and viewer.get("epoch", 0) > state.epoch:
        return TickUpdate(None)
    if viewer and viewer.get("key") == key:
        since = int(viewer.get("version", 0))
        if since >= state.version:
            return TickUpdate(None)
        index = trace_index(state.stations)
        changes = live_map_changes(frames, since, index, language=language,
                                   marker_scale=style.marker_scale)  # fmt: skip
        points = len(state.incidents) + 2 * len(state.units)
        if len(changes) <= MAX_PATCH_SHARE * 4 * max(points, 1):
            return TickUpdate(current, changes=changes)
    traces = live_map_traces(frames, language=language, visible=visible, style=style)
    # Through a Figure, numpy arrays become compact typed arrays (a trace alone keeps them).
    return TickUpdate(current, traces=go.Figure(traces).to_plotly_json()["data"])
