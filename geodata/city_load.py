"""Writing a whole city (boundaries, roads, agencies, posko, units, history) in one transaction.

The demo generator and the real-data importers hand over the same shapes (GeoDataFrames in
EPSG:4326, columns listed on :class:`CityBundle`), so one loader serves both. Bulk tables go
through COPY; everything happens inside the caller's transaction, so a failure leaves the
database as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, text

from geodata.copy import copy_rows, reserve_ids
from geodata.incidents import IncidentReport, upsert_incidents
from geodata.vehicle_profiles import edge_costs

__all__ = ["CityBundle", "CityExistsError", "LoadSummary", "city_id_by_code", "load_city"]


class CityBundle(Protocol):
    """What a city source provides. All frames are in EPSG:4326.

    kecamatan/kelurahan: code, name, population, geometry (+ kecamatan_code on kelurahan);
    road_nodes: node_id, geometry; road_edges: edge_id, source, target, road_class, name,
    oneway, geometry; agencies: agency_code, name, kind; stations: station_code, name,
    agency_code, geometry; units: call_sign, agency_code, station_code, capability,
    vehicle_profile, status; incidents: source, external_id, category, priority, address,
    received_at … cleared_at, status, caller_name, caller_phone, geometry; dispatches:
    external_id, call_sign, assigned_by, assigned_at, en_route_at, on_scene_at, cleared_at.
    """

    @property
    def name(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def boundary(self) -> BaseGeometry: ...
    @property
    def kecamatan(self) -> gpd.GeoDataFrame: ...
    @property
    def kelurahan(self) -> gpd.GeoDataFrame: ...
    @property
    def road_nodes(self) -> gpd.GeoDataFrame: ...
    @property
    def road_edges(self) -> gpd.GeoDataFrame: ...
    @property
    def agencies(self) -> pd.DataFrame: ...
    @property
    def stations(self) -> gpd.GeoDataFrame: ...
    @property
    def units(self) -> pd.DataFrame: ...
    @property
    def incidents(self) -> gpd.GeoDataFrame: ...
    @property
    def dispatches(self) -> pd.DataFrame: ...


class CityExistsError(RuntimeError):
    """A city with this Kemendagri code is already loaded."""


@dataclass(frozen=True)
class LoadSummary:
    """Row counts written, per table."""

    city_id: int
    counts: dict[str, int]


def ewkt(geometry: BaseGeometry | None) -> str | None:
    """EWKT in EPSG:4326, as COPY and ``ST_GeomFromEWKT`` accept it."""
    if geometry is None or geometry.is_empty:
        return None
    return f"SRID=4326;{shapely.to_wkt(geometry, rounding_precision=-1)}"


def as_multipolygon(geometry: BaseGeometry) -> BaseGeometry:
    """Polygons are stored as MULTIPOLYGON so that every area has one geometry type."""
    if isinstance(geometry, shapely.Polygon):
        return shapely.MultiPolygon([geometry])
    return geometry


def city_id_by_code(conn: Connection, code: str) -> int | None:
    return conn.execute(text("SELECT id FROM cities WHERE code = :code"), {"code": code}).scalar()


def load_city(conn: Connection, bundle: CityBundle, *, synthetic: bool = False) -> LoadSummary:
    """Write ``bundle`` as a new city inside ``conn``'s transaction and return the counts."""
    try:
        ZoneInfo(bundle.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"'{bundle.timezone}' is not an IANA time zone (e.g. Asia/Jakarta)"
        ) from None
    if city_id_by_code(conn, bundle.code) is not None:
        raise CityExistsError(f"City {bundle.code} ({bundle.name}) is already loaded.")
    city_id = conn.execute(
        text(
            "INSERT INTO cities (code, name, timezone, boundary, is_synthetic) "
            "VALUES (:code, :name, :tz, ST_GeomFromEWKT(:boundary), :synthetic) RETURNING id"
        ),
        {
            "code": bundle.code,
            "name": bundle.name,
            "tz": bundle.timezone,
            "boundary": ewkt(as_multipolygon(bundle.boundary)),
            "synthetic": synthetic,
        },
    ).scalar_one()
    counts = {"admin_areas": load_areas(conn, city_id, bundle.kecamatan, bundle.kelurahan)}
    counts.update(load_road_network(conn, city_id, bundle.road_nodes, bundle.road_edges))
    counts.update(load_responders(conn, city_id, bundle.agencies, bundle.stations, bundle.units))
    reports = incident_reports(bundle.incidents)
    counts["incidents"] = len(upsert_incidents(conn, city_id, reports).inserted_ids)
    counts["dispatches"] = load_dispatch_history(conn, city_id, bundle.dispatches)
    conn.execute(
        text(
            "INSERT INTO audit_log (actor, action, entity, entity_id, details) "
            "VALUES ('tanggap', 'city.load', 'city', :id, CAST(:details AS jsonb))"
        ),
        {"id": str(city_id), "details": pd.Series(counts).to_json()},
    )
    return LoadSummary(city_id, counts)


def load_areas(
    conn: Connection, city_id: int, kecamatan: gpd.GeoDataFrame, kelurahan: gpd.GeoDataFrame
) -> int:
    """Insert kecamatan, then kelurahan linked to their kecamatan by code; returns the count."""
    insert = (
        "INSERT INTO admin_areas (city_id, level, code, name, parent_id, population, geom) "
        "VALUES (:city_id, :level, :code, :name, :parent_id, :population, "
        "ST_GeomFromEWKT(:geom))"
    )
    parent_ids: dict[str, int] = {}
    for row in kecamatan.itertuples(index=False):
        parent_ids[row.code] = conn.execute(
            text(insert + " RETURNING id"), _area_params(city_id, "kecamatan", row, None)
        ).scalar_one()
    if len(kelurahan):
        conn.execute(
            text(insert),
            [
                _area_params(city_id, "kelurahan", row, parent_ids.get(row.kecamatan_code))
                for row in kelurahan.itertuples(index=False)
            ],
        )
    return len(kecamatan) + len(kelurahan)


def _area_params(city_id: int, level: str, row: object, parent_id: int | None) -> dict[str, object]:
    population = getattr(row, "population", None)
    return {
        "city_id": city_id,
        "level": level,
        "code": row.code,  # type: ignore[attr-defined]
        "name": row.name,  # type: ignore[attr-defined]
        "parent_id": parent_id,
        "population": None if population is None or pd.isna(population) else int(population),
        "geom": ewkt(as_multipolygon(row.geometry)),  # type: ignore[attr-defined]
    }


def load_road_network(
    conn: Connection, city_id: int, nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame
) -> dict[str, int]:
    """COPY a noded network: nodes, edges (ids remapped to fresh ones) and per-profile costs.

    ``length_m`` is computed on the spheroid by PostGIS afterwards, so callers need not.
    """
    node_ids = dict(
        zip(nodes["node_id"].tolist(), reserve_ids(conn, "road_nodes", len(nodes)), strict=True)
    )
    edge_ids = reserve_ids(conn, "road_edges", len(edges))
    copy_rows(
        conn,
        "road_nodes",
        ("id", "city_id", "geom"),
        zip(node_ids.values(), _repeat(city_id), _ewkb(nodes.geometry), strict=False),
    )
    sources = [node_ids[node] for node in edges["source"].tolist()]
    targets = [node_ids[node] for node in edges["target"].tolist()]
    copy_rows(
        conn,
        "road_edges",
        ("id", "city_id", "source", "target", "road_class", "name", "oneway", "length_m", "geom"),
        zip(
            edge_ids,
            _repeat(city_id),
            sources,
            targets,
            edges["road_class"].tolist(),
            edges["name"].tolist(),
            edges["oneway"].astype(bool).tolist(),
            _repeat(1.0),  # placeholder, replaced by the geodesic length below
            _ewkb(edges.geometry),
            strict=False,
        ),
    )
    conn.execute(
        text(
            "UPDATE road_edges SET length_m = GREATEST(ST_Length(geom::geography), 0.01) "
            "WHERE id BETWEEN :lo AND :hi"
        ),
        {"lo": min(edge_ids, default=0), "hi": max(edge_ids, default=-1)},
    )
    lengths = pd.read_sql_query(
        text(
            "SELECT id AS edge_id, road_class, length_m, oneway FROM road_edges WHERE city_id = :c"
        ),
        conn,
        params={"c": city_id},
    )
    costs = edge_costs(lengths)
    copy_rows(
        conn,
        "road_edge_costs",
        ("edge_id", "profile", "cost_s", "reverse_cost_s"),
        costs.itertuples(index=False, name=None),
    )
    return {"road_nodes": len(nodes), "road_edges": len(edges), "road_edge_costs": len(costs)}


def load_responders(
    conn: Connection,
    city_id: int,
    agencies: pd.DataFrame,
    stations: gpd.GeoDataFrame,
    units: pd.DataFrame,
) -> dict[str, int]:
    """Insert agencies, their posko and their units, linked by codes."""
    agency_ids = {
        row.agency_code: conn.execute(
            text(
                "INSERT INTO agencies (city_id, code, name, kind) "
                "VALUES (:city_id, :code, :name, :kind) RETURNING id"
            ),
            {"city_id": city_id, "code": row.agency_code, "name": row.name, "kind": row.kind},
        ).scalar_one()
        for row in agencies.itertuples(index=False)
    }
    station_ids = {}
    for row in stations.itertuples(index=False):
        station_ids[row.station_code] = conn.execute(
            text(
                "INSERT INTO stations (agency_id, code, name, geom) "
                "VALUES (:agency, :code, :name, ST_GeomFromEWKT(:geom)) RETURNING id"
            ),
            {
                "agency": agency_ids[row.agency_code],
                "code": row.station_code,
                "name": row.name,
                "geom": ewkt(row.geometry),
            },
        ).scalar_one()
    if len(units):
        conn.execute(
            text(
                "INSERT INTO units (agency_id, call_sign, home_station_id, capability, "
                "vehicle_profile, status) VALUES (:agency, :call_sign, :station, :capability, "
                ":profile, :status)"
            ),
            [
                {
                    "agency": agency_ids[row.agency_code],
                    "call_sign": row.call_sign,
                    "station": station_ids.get(row.station_code),
                    "capability": row.capability,
                    "profile": row.vehicle_profile,
                    "status": row.status,
                }
                for row in units.itertuples(index=False)
            ],
        )
    return {"agencies": len(agency_ids), "stations": len(station_ids), "units": len(units)}


def incident_reports(incidents: gpd.GeoDataFrame) -> list[IncidentReport]:
    """Turn an incidents frame (columns as on :class:`CityBundle`) into reports."""
    frame = pd.DataFrame(incidents.drop(columns="geometry"))
    frame["lon"] = incidents.geometry.x.to_numpy()
    frame["lat"] = incidents.geometry.y.to_numpy()
    wanted = [name for name in IncidentReport.__dataclass_fields__ if name in frame.columns]
    frame = frame[wanted].astype(object).where(frame[wanted].notna(), None)
    return [
        IncidentReport(**{**record, "priority": int(record["priority"])})
        for record in _records(frame)
    ]


def _records(frame: pd.DataFrame) -> Iterable[dict[str, Any]]:
    columns = list(frame.columns)
    for values in frame.itertuples(index=False, name=None):
        record = dict(zip(columns, values, strict=True))
        for key, value in record.items():
            if isinstance(value, pd.Timestamp):
                record[key] = value.to_pydatetime()
        yield record


_DISPATCH_COLUMNS = (
    "external_id", "call_sign", "assigned_by", "assigned_at", "en_route_at", "on_scene_at",
    "cleared_at",
)  # fmt: skip


def load_dispatch_history(conn: Connection, city_id: int, dispatches: pd.DataFrame) -> int:
    """Insert past dispatches, matched to incidents by external id and units by call sign.

    Rows already present (same incident, unit and assignment time) are skipped, so a log
    loaded twice does not double its dispatches.
    """
    if dispatches.empty:
        return 0
    conn.execute(
        text(
            "CREATE TEMP TABLE dispatch_stage (external_id text, call_sign text, assigned_by text,"
            " assigned_at timestamptz, en_route_at timestamptz, on_scene_at timestamptz,"
            " cleared_at timestamptz) ON COMMIT DROP"
        )
    )
    frame = dispatches[list(_DISPATCH_COLUMNS)].astype(object)
    frame = frame.where(dispatches[list(_DISPATCH_COLUMNS)].notna(), None)
    copy_rows(conn, "dispatch_stage", _DISPATCH_COLUMNS, frame.itertuples(index=False, name=None))
    inserted = conn.execute(
        text(
            """
            INSERT INTO dispatches (incident_id, unit_id, assigned_by, assigned_at,
                                    en_route_at, on_scene_at, cleared_at)
            SELECT i.id, u.id, s.assigned_by, s.assigned_at, s.en_route_at, s.on_scene_at,
                   -- a dispatch of a cleared incident is over, even where the log lost its time
                   COALESCE(s.cleared_at, i.cleared_at)
            FROM dispatch_stage s
            JOIN incidents i ON i.external_id = s.external_id AND i.city_id = :city_id
            JOIN units u ON u.call_sign = s.call_sign
            JOIN agencies a ON a.id = u.agency_id AND a.city_id = :city_id
            WHERE NOT EXISTS (
                SELECT 1 FROM dispatches d
                WHERE d.incident_id = i.id AND d.unit_id = u.id AND d.assigned_at = s.assigned_at
            )
            """
        ),
        {"city_id": city_id},
    ).rowcount
    conn.execute(text("DROP TABLE dispatch_stage"))
    return inserted


def _repeat(value: object) -> Iterable[object]:
    while True:
        yield value


def _ewkb(geometries: Sequence[BaseGeometry] | gpd.GeoSeries) -> list[str]:
    """Hex EWKB with SRID 4326, the fastest text form COPY takes for geometry."""
    array = shapely.set_srid(np.asarray(geometries, dtype=object), 4326)
    return list(shapely.to_wkb(array, hex=True, include_srid=True))
