"""What the supervisor sees for one incident: options as table rows, and the map with routes.

Pure: takes the options table that ``IncidentRecommendation.to_frame()`` gives (one row per
unit: agency_kind, call_sign, agency_name, vehicle_profile, from_station, lon, lat,
straight_distance_m, outcome, travel_time_s, road_distance_m, snap_distance_m, route_wkt)
and returns display rows and a Plotly figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import shapely

from layers.city_map import zoom_for_bounds
from layers.palette import AGENCY_KIND_COLOURS
from layers.words import (
    Language,
    label,
    word,
)

__all__ = [
    "DispatchTarget",
    "dispatch_heading",
    "dispatch_map_figure",
    "format_eta",
    "option_rows",
]


@dataclass(frozen=True)
class DispatchTarget:
    """The incident being dispatched to (lon/lat in degrees)."""

    lon: float
    lat: float
    title: str


def dispatch_heading(
    incident_id: int, category: str, snap_distance_m: float | None, language: Language
) -> tuple[str, str]:
    """The incident's title (``#12 Kebakaran``) and the heading that adds its distance to
    the road it was snapped to, in metres, when known."""
    title = f"#{incident_id} {label('category', category, language)}"
    if snap_distance_m is None:
        return title, title
    snap = word("dispatch.snap_to_road", language, metres=f"{snap_distance_m:.0f}")
    return title, f"{title} · {snap}"


def format_eta(seconds: float | None) -> str:
    """Minutes and seconds, e.g. ``4:05``; a dash when unknown."""
    if seconds is None or pd.isna(seconds):
        return "–"
    whole = round(float(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _km(metres: float | None) -> str:
    return "–" if metres is None or pd.isna(metres) else f"{metres / 1000:.2f} km"


def option_rows(options: pd.DataFrame, language: Language) -> list[dict[str, object]]:
    """One display row per unit, in the order given (fastest first within each kind)."""
    rows: list[dict[str, object]] = []
    ranks: dict[str, int] = {}
    for option in options.to_dict("records"):
        if option["outcome"] == "ranked":
            ranks[option["agency_kind"]] = ranks.get(option["agency_kind"], 0) + 1
        where = word(
            "dispatch.from_station" if option["from_station"] else "dispatch.from_gps", language
        )
        snap = option["snap_distance_m"]
        rows.append(
            {
                "unit_id": int(option["unit_id"]),
                "agency_kind": option["agency_kind"],
                "agency": label("agency_kind", option["agency_kind"], language),
                "call_sign": option["call_sign"],
                "vehicle": label("vehicle_profile", option["vehicle_profile"], language),
                "eta": format_eta(option["travel_time_s"]),
                "road": _km(option["road_distance_m"]),
                "straight": _km(option["straight_distance_m"]),
                "snap": "–" if snap is None or pd.isna(snap) else f"{snap:.0f} m",
                "from": where,
                "outcome": option["outcome"],
                "outcome_label": label("dispatch_outcome", option["outcome"], language).format(
                    rank=ranks.get(option["agency_kind"], 0)
                ),
            }
        )
    return rows


def dispatch_map_figure(
    target: DispatchTarget,
    options: pd.DataFrame,
    background: Sequence[dict[str, Any]],
    *,
    language: Language = "id",
) -> go.Figure:
    """The incident, the candidate units and the road route of each ranked unit, over
    ``background`` (the basemap layers, :func:`layers.city_map.basemap_layers`).

    The fastest unit's route of each agency kind is drawn bold, the others thin.
    """
    ranked = options[options["outcome"] == "ranked"]
    fastest = set(ranked.sort_values("travel_time_s").groupby("agency_kind")["unit_id"].first())
    traces: list[go.Scattermap] = []
    for row in ranked.to_dict("records"):
        if not row["route_wkt"]:
            continue
        bold = row["unit_id"] in fastest
        lon, lat = _line_coordinates(str(row["route_wkt"]))
        traces.append(
            go.Scattermap(
                lon=lon, lat=lat, mode="lines", hoverinfo="skip", showlegend=bold,
                name=word("dispatch.route", language, call_sign=row["call_sign"]),
                line={"width": 6 if bold else 2,
                      "color": "#1565c0" if bold else "rgba(21,101,192,0.45)"},
            )
        )  # fmt: skip
    for kind, group in options.groupby("agency_kind", sort=False):
        hover = [
            f"<b>{r['call_sign']}</b> · {r['outcome_label']}<br>ETA {r['eta']} · {r['road']}"
            for r in option_rows(group, language)
        ]
        traces.append(
            go.Scattermap(
                # Markers only: map text needs glyph fonts from the internet.
                lon=group["lon"], lat=group["lat"], mode="markers",
                name=label("agency_kind", str(kind), language),
                marker={"size": 13, "color": AGENCY_KIND_COLOURS.get(str(kind), "#424242")},
                hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
            )
        )  # fmt: skip
    traces.append(go.Scattermap(lon=[target.lon], lat=[target.lat], mode="markers",
                                marker={"size": 24, "color": "#212121"}, hoverinfo="skip",
                                showlegend=False))  # fmt: skip
    traces.append(
        go.Scattermap(
            lon=[target.lon], lat=[target.lat], mode="markers", name=target.title,
            marker={"size": 16, "color": "#ffeb3b"}, hovertemplate=f"{target.title}<extra></extra>",
        )
    )  # fmt: skip
    lons = [target.lon, *ranked["lon"]]
    lats = [target.lat, *ranked["lat"]]
    bounds = (min(lons), min(lats), max(lons), max(lats))
    figure = go.Figure(traces)
    figure.update_layout(
        map={
            "style": "white-bg",
            "center": {"lon": (bounds[0] + bounds[2]) / 2, "lat": (bounds[1] + bounds[3]) / 2},
            "zoom": min(zoom_for_bounds(_padded(bounds), 700, 480), 16.5),
            "layers": list(background),
        },
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        uirevision=f"dispatch-{target.lon:.5f}-{target.lat:.5f}",
        legend={"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.85)"},
        paper_bgcolor="#f3f1ec",
    )
    return figure


def _padded(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    margin = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 0.004) * 0.15
    return (bounds[0] - margin, bounds[1] - margin, bounds[2] + margin, bounds[3] + margin)


def _line_coordinates(wkt: str) -> tuple[list[float | None], list[float | None]]:
    """Coordinates of a (multi)line, parts separated by None as Plotly expects."""
    geometry = shapely.from_wkt(wkt)
    parts = getattr(geometry, "geoms", [geometry])
    lon: list[float | None] = []
    lat: list[float | None] = []
    for part in parts:
        xs, ys = part.xy
        lon += [*xs, None]
        lat += [*ys, None]
    return lon, lat
