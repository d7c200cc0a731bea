"""Writing a whole city (boundaries, roads, agencies, posko, units, history) in one transaction.

The demo generator and the real-data importers (:mod:`geodata.importers`) hand over the same
shapes (GeoDataFrames in EPSG:4326, columns listed on :class:`CityBundle`) to the same
writers: areas and posko are upserted by code, the road network is written by
:mod:`geodata.load.road_store`. Bulk tables go through COPY; everything happens inside
the caller's transaction, so a failure leaves the database as it was, and writing the same
rows again changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, text

from geodata.db.copy import copy_rows
from geodata.load.area_store import (
    link_orphan_kelurahan,
    resolve_incident_areas,
    upsert_areas,
)
from geodata.load.counts import UpsertCounts
from geodata.load.ewkt import as_multipolygon, ewkt
from geodata.load.responder_store import upsert_agencies, upsert_stations
from geodata.load.road_store import load_road_network
from geodata.operations import audit
from geodata.operations.incidents import IncidentReport, upsert_incidents

__all__ = [
    "CityBundle",
    "CityExistsError",
    "LoadSummary",
    "UpsertCounts",
    "as_multipolygon",
    "city_id_by_code",
    "ewkt",
    "link_orphan_kelurahan",
    "load_areas",
    "load_city",
    "load_responders",
    "load_road_network",
    "resolve_incident_areas",
    "upsert_agencies",
    "upsert_areas",
    "upsert_stations",
]


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
    audit.record(
        conn, actor="tanggap", action="city.load", entity="city", entity_id=city_id,
        details=counts,
    )  # fmt: skip
    return LoadSummary(city_id, counts)


def load_areas(
    conn: Connection, city_id: int, kecamatan: gpd.GeoDataFrame, kelurahan: gpd.GeoDataFrame
) -> int:
    """Upsert kecamatan, then kelurahan (linked by ``kecamatan_code``); returns the row count."""
    upsert_areas(conn, city_id, "kecamatan", kecamatan)
    parents = kelurahan.rename(columns={"kecamatan_code": "parent_code"})
    upsert_areas(conn, city_id, "kelurahan", parents)
    return len(kecamatan) + len(kelurahan)


def load_responders(
    conn: Connection,
    city_id: int,
    agencies: pd.DataFrame,
    stations: gpd.GeoDataFrame,
    units: pd.DataFrame,
) -> dict[str, int]:
    """Upsert agencies, their posko and their units, linked by codes."""
    agency_ids = upsert_agencies(conn, city_id, agencies)
    upsert_stations(conn, agency_ids, stations)
    station_ids = {
        (row.agency_id, row.code): row.id
        for row in conn.execute(
            text(
                "SELECT s.id, s.agency_id, s.code FROM stations s "
                "JOIN agencies a ON a.id = s.agency_id WHERE a.city_id = :c"
            ),
            {"c": city_id},
        )
    }
    if len(units):
        conn.execute(
            text(
                "INSERT INTO units (agency_id, call_sign, home_station_id, capability, "
                "vehicle_profile, status) VALUES (:agency, :call_sign, :station, :capability, "
                ":profile, :status) ON CONFLICT (agency_id, call_sign) DO NOTHING"
            ),
            [
                {
                    "agency": agency_ids[str(row.agency_code)],
                    "call_sign": row.call_sign,
                    "station": station_ids.get(
                        (agency_ids[str(row.agency_code)], row.station_code)
                    ),
                    "capability": row.capability,
                    "profile": row.vehicle_profile,
                    "status": row.status,
                }
                for row in units.itertuples(index=False)
            ],
        )
    return {"agencies": len(agencies), "stations": len(stations), "units": len(units)}


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
