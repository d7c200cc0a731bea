"""Which available units reach an incident first, by road, exactly.

For each incident, each responding agency kind gets its available units ranked by travel
time over the road network for the unit's own vehicle profile, from its last reported
position (or its posko when it has none), honouring one-way streets.

**Why the prefilter never drops a faster unit.** Edge costs come only from
:data:`geodata.routing.vehicle_profiles.SPEEDS_KMH`, so no edge is driven faster than the
profile's top speed ``v_max``, and a road path is never shorter than the straight line.
A unit snaps only within :data:`~geodata.routing.network_search.MAX_SNAP_M` (``S``) of a road, so a
unit at straight-line distance ``d`` from an incident that snapped ``s_i`` from its road
needs at least ``(d − S − s_i) / v_max`` seconds. The search (see
:mod:`geodata.routing.network_search`) finds every time up to a limit ``T`` exactly, on the edges
within ``T · v_max + s_i`` of the incident, and snaps only the units within
``T · v_max + S + s_i`` (the rest provably need more than ``T``). ``T`` doubles until every
agency kind has ``k`` units within ``T`` or the search has covered the whole network (then
units still without a path are *unreachable*). Every ranked time is ≤ ``T`` and every unit
not ranked needs ≥ the k-th ranked time. Distances get 1 % slack for the planar fractions
along curved edges.

Cost per incident: one statement for the candidates, one per vehicle profile to snap the
incident and one to snap the candidate units, one binary read of the profile's packed graph
(:mod:`geodata.routing.graph_store`) and a Dijkstra stopped at the limit per profile (more
only when the first limit was too small). :func:`recommend_surge` shares all but the last
across many incidents.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from types import SimpleNamespace
from typing import Any

import pandas as pd
from sqlalchemy import Connection, text

from geodata.operations.units import IN_SERVICE
from geodata.responders import responding_kinds
from geodata.routing._search import (
    GraphLookup,
    ProfileSearch,
    extent_lookup,
    graph_lookup,
    run_together,
)
from geodata.routing.network_search import route_paths, snap_points
from geodata.routing.vehicle_profiles import AGENCY_PROFILE

__all__ = [
    "IncidentRecommendation",
    "NearestStation",
    "UnitOption",
    "nearest_stations",
    "recommend_surge",
    "recommend_units",
]


@dataclass(frozen=True)
class UnitOption:
    """One available unit and how it would reach the incident.

    ``outcome``: ``ranked`` (exact travel time), ``slower`` (provably slower than the
    ranked ones), ``unreachable`` (no road path), ``off_network`` (farther than
    ``MAX_SNAP_M`` from any road). Distances in metres, time in seconds.
    """

    unit_id: int
    call_sign: str
    agency_kind: str
    agency_name: str
    vehicle_profile: str
    from_station: bool
    lon: float
    lat: float
    straight_distance_m: float
    outcome: str
    travel_time_s: float | None = None
    road_distance_m: float | None = None
    snap_distance_m: float | None = None
    route_wkt: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class IncidentRecommendation:
    """Options per responding agency kind for one incident (ranked ones first)."""

    incident_id: int
    city_id: int
    category: str
    lon: float
    lat: float
    snap_distance_m: float | None
    options: dict[str, list[UnitOption]]

    def ranked(self, agency_kind: str) -> list[UnitOption]:
        return [o for o in self.options.get(agency_kind, []) if o.outcome == "ranked"]

    def fastest_unit_ids(self) -> set[int]:
        """The unit ranked first of each agency kind: taking another needs a reason."""
        return {ranked[0].unit_id for kind in self.options if (ranked := self.ranked(kind))}

    def to_frame(self) -> pd.DataFrame:
        """All options as one table (one row per unit, agency kinds in response order)."""
        rows = [asdict(o) for options in self.options.values() for o in options]
        columns = [f.name for f in fields(UnitOption)]
        return pd.DataFrame(rows, columns=columns)


_INCIDENTS = text(
    "SELECT id, city_id, category, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incidents "
    "WHERE id = ANY(:ids) AND geom IS NOT NULL"
)

_CANDIDATES = text(
    f"""
    SELECT u.id AS unit_id, u.call_sign, a.kind AS agency_kind, a.name AS agency_name,
           u.vehicle_profile, u.last_position IS NULL AS from_station,
           ST_X(p.pos) AS lon, ST_Y(p.pos) AS lat,
           ST_Distance(p.pos::geography,
                       ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography) AS straight_m
    FROM units u
    JOIN agencies a ON a.id = u.agency_id
    LEFT JOIN stations s ON s.id = u.home_station_id
    CROSS JOIN LATERAL (SELECT COALESCE(u.last_position, s.geom) AS pos) p
    WHERE a.city_id = :city_id AND a.kind = ANY(:kinds) AND u.status = 'available'
      AND {IN_SERVICE} AND p.pos IS NOT NULL
    ORDER BY straight_m, u.id
    """
)


def recommend_units(
    conn: Connection,
    incident_ids: Sequence[int],
    response_agencies: Mapping[str, tuple[str, ...]],
    *,
    k: int = 10,
    with_routes: bool = False,
) -> list[IncidentRecommendation]:
    """Rank available units for each incident by road travel time (exact top ``k`` per kind).

    ``response_agencies`` maps categories to agency kinds (``Settings.response_agencies``).
    Other units are listed as ``slower``, ``unreachable`` or ``off_network``, never dropped.
    ``with_routes`` adds the road distance and path (WKT) of each ranked unit.
    Incidents without a location are left out of the result.
    """
    order = {incident_id: index for index, incident_id in enumerate(incident_ids)}
    incidents = conn.execute(_INCIDENTS, {"ids": list(incident_ids)}).all()
    network_extent = extent_lookup(conn)
    graphs = graph_lookup(conn)

    return [
        _recommend_one(
            conn,
            incident,
            response_agencies,
            k,
            with_routes,
            functools.partial(network_extent, incident.city_id),
            graphs,
        )
        for incident in sorted(incidents, key=lambda row: order[row.id])
    ]


def _recommend_one(
    conn: Connection,
    incident: Any,
    response_agencies: Mapping[str, tuple[str, ...]],
    k: int,
    with_routes: bool,
    network_bbox: Callable[[], tuple[float, float, float, float]],
    graphs: GraphLookup,
) -> IncidentRecommendation:
    kinds = responding_kinds(incident.category, response_agencies)
    candidates = conn.execute(
        _CANDIDATES,
        {
            "lon": incident.lon,
            "lat": incident.lat,
            "city_id": incident.city_id,
            "kinds": list(kinds),
        },
    ).all()
    options: dict[str, list[UnitOption]] = {kind: [] for kind in kinds}
    snap_distance_m = None
    for profile in sorted({c.vehicle_profile for c in candidates}):
        group = [c for c in candidates if c.vehicle_profile == profile]
        target = snap_points(conn, incident.city_id, profile, {0: (incident.lon, incident.lat)})
        if not target:
            for candidate in group:
                options[candidate.agency_kind].append(_option(candidate, "unreachable"))
            continue
        snap_distance_m = target[0].snap_m
        search = ProfileSearch(conn, incident, profile, target[0], group, network_bbox,
                               graphs(incident.city_id, profile))  # fmt: skip
        search.run(k)
        routes = {}
        if with_routes:
            routes = route_paths(
                conn,
                profile,
                search.target,
                {u: (search.snaps[u], exit_node) for u, (_, exit_node) in search.timed.items()},
                bbox=search.bbox,
            )
        for candidate, option in _profile_options(group, search, routes):
            options[candidate.agency_kind].append(option)
    ranked_options = {kind: _ordered(found, k) for kind, found in options.items()}
    return IncidentRecommendation(
        incident.id,
        incident.city_id,
        incident.category,
        incident.lon,
        incident.lat,
        snap_distance_m,
        ranked_options,
    )


_SURGE_CANDIDATES = text(
    f"""
    SELECT q.incident_id, u.id AS unit_id, u.call_sign, a.kind AS agency_kind,
           a.name AS agency_name, u.vehicle_profile, u.last_position IS NULL AS from_station,
           ST_X(p.pos) AS lon, ST_Y(p.pos) AS lat,
           ST_Distance(p.pos::geography,
                       ST_SetSRID(ST_MakePoint(q.lon, q.lat), 4326)::geography) AS straight_m
    FROM unnest(CAST(:ids AS bigint[]), CAST(:lons AS float8[]), CAST(:lats AS float8[]),
                CAST(:cities AS int[]), CAST(:kinds AS text[]))
         AS q(incident_id, lon, lat, city_id, kinds)
    JOIN agencies a ON a.city_id = q.city_id AND a.kind = ANY(string_to_array(q.kinds, ','))
    JOIN units u ON u.agency_id = a.id AND u.status = 'available' AND {IN_SERVICE}
    LEFT JOIN stations s ON s.id = u.home_station_id
    CROSS JOIN LATERAL (SELECT COALESCE(u.last_position, s.geom) AS pos) p
    WHERE p.pos IS NOT NULL
    ORDER BY q.incident_id, straight_m, u.id
    """
)


def recommend_surge(
    conn: Connection,
    incident_ids: Sequence[int],
    response_agencies: Mapping[str, tuple[str, ...]],
    *,
    k: int = 10,
) -> list[IncidentRecommendation]:
    """:func:`recommend_units` for many incidents at once (a flood surge), sharing the work.

    The same answer as one :func:`recommend_units` call per incident (without routes): each
    incident's search runs the same limits, boxes and snaps, so it is exact by the same
    bound. Shared: one statement for every incident's candidates; per city and vehicle
    profile one statement snapping all the incidents; then, per round of limits, one
    statement snapping the units newly in reach of any incident (each unit once); and the
    profile's graph, read once (:mod:`geodata.routing.graph_store`) for all of them.
    """
    order = {incident_id: index for index, incident_id in enumerate(incident_ids)}
    incidents = sorted(conn.execute(_INCIDENTS, {"ids": list(incident_ids)}).all(),
                       key=lambda row: order[row.id])  # fmt: skip
    kinds_of = {i.id: responding_kinds(i.category, response_agencies) for i in incidents}
    candidates: dict[int, list[Any]] = {i.id: [] for i in incidents}
    for row in conn.execute(_SURGE_CANDIDATES, {
        "ids": [i.id for i in incidents], "lons": [i.lon for i in incidents],
        "lats": [i.lat for i in incidents], "cities": [i.city_id for i in incidents],
        "kinds": [",".join(kinds_of[i.id]) for i in incidents],
    }).all():  # fmt: skip
        candidates[row.incident_id].append(row)
    options: dict[int, dict[str, list[UnitOption]]] = {
        i.id: {kind: [] for kind in kinds_of[i.id]} for i in incidents
    }
    snap_m: dict[int, float | None] = dict.fromkeys(candidates)
    extent = extent_lookup(conn)
    graphs = graph_lookup(conn)
    for city_id, profile in sorted(
        {(i.city_id, c.vehicle_profile) for i in incidents for c in candidates[i.id]}
    ):
        here = [i for i in incidents if i.city_id == city_id]
        groups = {i.id: [c for c in candidates[i.id] if c.vehicle_profile == profile]
                  for i in here}  # fmt: skip
        here = [i for i in here if groups[i.id]]
        targets = snap_points(conn, city_id, profile, {i.id: (i.lon, i.lat) for i in here})
        searches = {}
        for incident in here:
            target = targets.get(incident.id)
            if target is None:
                for candidate in groups[incident.id]:
                    options[incident.id][candidate.agency_kind].append(
                        _option(candidate, "unreachable")
                    )
                continue
            snap_m[incident.id] = target.snap_m
            searches[incident.id] = ProfileSearch(
                conn, incident, profile, target, groups[incident.id],
                functools.partial(extent, city_id), graphs(city_id, profile),
            )  # fmt: skip
        run_together(conn, city_id, profile, list(searches.values()), k)
        for incident_id, search in searches.items():
            for candidate, option in _profile_options(groups[incident_id], search, {}):
                options[incident_id][candidate.agency_kind].append(option)
    return [
        IncidentRecommendation(
            i.id,
            i.city_id,
            i.category,
            i.lon,
            i.lat,
            snap_m[i.id],
            {kind: _ordered(found, k) for kind, found in options[i.id].items()},
        )
        for i in incidents
    ]


def _profile_options(
    group: list[Any], search: ProfileSearch, routes: Mapping[int, Any]
) -> list[tuple[Any, UnitOption]]:
    """Each candidate of one profile with its option, as the finished ``search`` found it."""
    found = []
    for candidate in group:
        unit_id = candidate.unit_id
        if unit_id in search.timed:
            route = routes.get(unit_id)
            option = _option(
                candidate,
                "ranked",
                travel_time_s=search.timed[unit_id][0],
                snap_distance_m=search.snaps[unit_id].snap_m,
                road_distance_m=route.length_m if route else None,
                route_wkt=route.wkt if route else None,
            )
        else:
            snap = search.snaps.get(unit_id)
            option = _option(
                candidate, search.outcome(unit_id), snap_distance_m=snap.snap_m if snap else None
            )
        found.append((candidate, option))
    return found


def _option(candidate: Any, outcome: str, **values: Any) -> UnitOption:
    return UnitOption(
        unit_id=candidate.unit_id,
        call_sign=candidate.call_sign,
        agency_kind=candidate.agency_kind,
        agency_name=candidate.agency_name,
        vehicle_profile=candidate.vehicle_profile,
        from_station=candidate.from_station,
        lon=candidate.lon,
        lat=candidate.lat,
        straight_distance_m=candidate.straight_m,
        outcome=outcome,
        **values,
    )


_OUTCOME_ORDER = {"ranked": 0, "slower": 1, "unreachable": 2, "off_network": 3}


def _ordered(options: list[UnitOption], k: int) -> list[UnitOption]:
    """The k fastest ranked (across profiles), then the rest by outcome and distance."""
    timed = sorted(
        (o for o in options if o.outcome == "ranked"), key=lambda o: (o.travel_time_s, o.unit_id)
    )
    demoted = [
        replace(o, outcome="slower", travel_time_s=None, road_distance_m=None, route_wkt=None)
        for o in timed[k:]
    ]
    rest = sorted(
        [o for o in options if o.outcome != "ranked"] + demoted,
        key=lambda o: (_OUTCOME_ORDER[o.outcome], o.straight_distance_m, o.unit_id),
    )
    return timed[:k] + rest


@dataclass(frozen=True)
class NearestStation:
    """The posko of one agency kind that a vehicle from it reaches a point from first."""

    agency_kind: str
    station_id: int
    station_name: str
    agency_name: str
    vehicle_profile: str
    travel_time_s: float | None  # None: no road path from any posko of this kind
    straight_distance_m: float


_STATIONS = text(
    """
    SELECT s.id AS unit_id, s.name AS call_sign, a.kind AS agency_kind, a.name AS agency_name,
           ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat,
           ST_Distance(s.geom::geography,
                       ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography) AS straight_m
    FROM stations s JOIN agencies a ON a.id = s.agency_id
    WHERE a.city_id = :city_id AND (CAST(:kinds AS text[]) IS NULL OR a.kind = ANY(:kinds))
    ORDER BY straight_m, s.id
    """
)


def nearest_stations(
    conn: Connection,
    city_id: int,
    lon: float,
    lat: float,
    *,
    kinds: Sequence[str] | None = None,
) -> list[NearestStation]:
    """For call takers: the posko of each agency kind nearest to a point by road time.

    Each kind is searched with its usual vehicle
    (:data:`~geodata.routing.vehicle_profiles.AGENCY_PROFILE`), exactly, with the same
    bounded search as :func:`recommend_units` (k = 1).
    """
    stations = conn.execute(
        _STATIONS,
        {"lon": lon, "lat": lat, "city_id": city_id, "kinds": list(kinds) if kinds else None},
    ).all()
    point = SimpleNamespace(lon=lon, lat=lat, city_id=city_id)
    network_extent = functools.partial(extent_lookup(conn), city_id)

    found = []
    for kind in sorted({row.agency_kind for row in stations}):
        group = [row for row in stations if row.agency_kind == kind]
        profile = AGENCY_PROFILE[kind]
        target = snap_points(conn, city_id, profile, {0: (lon, lat)})
        best: tuple[float, Any] | None = None
        if target:
            search = ProfileSearch(conn, point, profile, target[0], group, network_extent,
                                   graph_lookup(conn)(city_id, profile))  # fmt: skip
            search.run(1)
            reached = [(search.timed[s.unit_id][0], s) for s in group if s.unit_id in search.timed]
            if reached:
                best = min(reached, key=lambda pair: (pair[0], pair[1].unit_id))
        station = best[1] if best else group[0]
        found.append(
            NearestStation(kind, station.unit_id, station.call_sign, station.agency_name, profile,
                           best[0] if best else None, station.straight_m)
        )  # fmt: skip
    return found
