"""Reading an OpenStreetMap extract (``.osm.pbf``) with pyrosm: drivable ways and facilities.

Ways are pyrosm's ``driving+service`` network (OSMnx's "drive_service": no footways,
tracks, parking aisles or private roads), each classed by :data:`.road_classes.HIGHWAY_CLASS`
and directed by :func:`oneway_direction`; the ways are split at their shared nodes later,
by :mod:`.road_network`. Facilities become posko of an agency kind by
:func:`facility_kind`: fire stations (Damkar), hospitals, clinics and puskesmas (PSC 119),
police (Polres/Polsek) and BPBD offices (disaster), after the OSM wiki's tagging.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyrosm
import shapely
from shapely.geometry.base import BaseGeometry

from geodata.importers.outcome import ImportRefusedError
from geodata.importers.road_classes import HIGHWAY_CLASS
from geodata.vocabulary import AgencyKind

__all__ = [
    "FACILITY_FILTER",
    "OsmExtract",
    "facility_kind",
    "oneway_direction",
    "read_osm",
]

#: The OSM tags read as facilities (any of them; pyrosm ORs the keys).
FACILITY_FILTER: Mapping[str, list[str]] = {
    "amenity": ["fire_station", "hospital", "clinic", "police"],
    "healthcare": ["hospital", "clinic", "centre"],
    "emergency": ["ambulance_station"],
    "office": ["government"],
}
#: Government offices that are a disaster agency (BPBD) by their name.
_DISASTER_NAME = re.compile(r"\bBPBD\b|penanggulangan bencana|disaster", re.IGNORECASE)
_FORWARD = {"yes", "true", "1"}
_REVERSE = {"-1", "reverse"}
_TWO_WAY = {"no", "false", "0", "reversible", "alternating"}  # time-dependent: both ways


@dataclass(frozen=True)
class OsmExtract:
    """What an extract holds near the city, EPSG:4326.

    ways: osm_id, highway, road_class, name, oneway (bool, drawn in driving direction);
    facilities: station_code (``osm-node-123``), name, kind, geometry (points);
    skipped_highways: ways left out by their ``highway`` value, with their counts.
    """

    ways: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    skipped_highways: dict[str, int]


def oneway_direction(oneway: object, junction: object, highway: object) -> int:
    """1: only along the drawing, -1: only against it, 0: both ways (OSM wiki Key:oneway).

    Roundabouts and motorways are one-way unless tagged otherwise.
    """
    value = str(oneway).strip().lower() if isinstance(oneway, str) else ""
    if value in _FORWARD:
        return 1
    if value in _REVERSE:
        return -1
    if value in _TWO_WAY:
        return 0
    if junction in ("roundabout", "circular") or highway == "motorway":
        return 1
    return 0


def facility_kind(tags: Mapping[str, object]) -> AgencyKind | None:
    """The agency kind a facility serves, from its OSM tags, or None (not a posko)."""
    amenity, healthcare = tags.get("amenity"), tags.get("healthcare")
    if amenity == "fire_station":
        return AgencyKind.FIRE
    if amenity == "police":
        return AgencyKind.POLICE
    if (
        amenity in ("hospital", "clinic")
        or healthcare in ("hospital", "clinic", "centre")
        or tags.get("emergency") == "ambulance_station"
    ):
        return AgencyKind.AMBULANCE
    name = tags.get("name")
    if tags.get("office") == "government" and isinstance(name, str) and _DISASTER_NAME.search(name):
        return AgencyKind.DISASTER
    return None


def read_osm(path: Path, near: BaseGeometry) -> OsmExtract:
    """Read the drivable ways and the facilities of ``path`` that touch ``near`` (EPSG:4326)."""
    if not path.is_file():
        raise ImportRefusedError(f"{path} does not exist")
    if not path.name.endswith(".pbf"):
        raise ImportRefusedError(f"{path.name} is not an OSM PBF extract (.osm.pbf)")
    try:
        osm = pyrosm.OSM(str(path), bounding_box=shapely.box(*near.bounds))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # pyrosm warns on empty results
            ways = osm.get_network(network_type="driving+service", extra_attributes=["junction"])
            pois = osm.get_pois(custom_filter=dict(FACILITY_FILTER))
    except (OSError, ValueError, RuntimeError) as error:
        raise ImportRefusedError(f"cannot read {path.name} as an OSM extract: {error}") from None
    if ways is None or ways.empty:
        raise ImportRefusedError(
            f"{path.name} has no drivable roads near the boundary: is it the right extract?"
        )
    lines, skipped = _ways(ways)
    return OsmExtract(lines, _facilities(pois), skipped)


def _ways(raw: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    known = raw["highway"].isin(list(HIGHWAY_CLASS))
    skipped = raw.loc[~known, "highway"].fillna("(none)").value_counts().to_dict()
    raw = raw.loc[known & raw.geometry.notna()]
    junction = raw["junction"] if "junction" in raw else pd.Series(None, index=raw.index)
    name = raw["name"] if "name" in raw else pd.Series(None, index=raw.index)
    direction = np.array(
        [
            oneway_direction(o, j, h)
            for o, j, h in zip(raw["oneway"], junction, raw["highway"], strict=True)
        ],
        dtype=np.int8,
    )
    geometry = raw.geometry.to_numpy()
    geometry = np.where(direction < 0, shapely.reverse(geometry), geometry)
    ways = gpd.GeoDataFrame(
        {
            "osm_id": raw["id"].to_numpy(dtype=np.int64),
            "highway": raw["highway"].to_numpy(dtype=object),
            "road_class": [HIGHWAY_CLASS[h].value for h in raw["highway"]],
            "name": name.to_numpy(dtype=object),
            "oneway": direction != 0,
        },
        geometry=geometry,
        crs=4326,
    )
    return ways, {str(k): int(v) for k, v in skipped.items()}


_FACILITY_COLUMNS = ["station_code", "name", "kind"]


def _facilities(pois: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    if pois is None or pois.empty:
        return gpd.GeoDataFrame(
            columns=[*_FACILITY_COLUMNS, "geometry"], geometry="geometry", crs=4326
        )
    columns = [c for c in ("amenity", "healthcare", "emergency", "office", "name") if c in pois]
    records = pois[columns].astype(object).where(pois[columns].notna(), None).to_dict("records")
    kinds = [facility_kind(record) for record in records]
    keep = np.array([kind is not None for kind in kinds])
    chosen = pois.loc[keep]
    codes = [f"osm-{t}-{i}" for t, i in zip(chosen["osm_type"], chosen["id"], strict=True)]
    names = [
        name if isinstance(name, str) and name.strip() else f"{kind.value} ({code})"
        for name, kind, code in zip(
            chosen.get("name", pd.Series(None, index=chosen.index)),
            [k for k in kinds if k is not None],
            codes,
            strict=True,
        )
    ]
    return gpd.GeoDataFrame(
        {
            "station_code": codes,
            "name": names,
            "kind": [k.value for k in kinds if k is not None],
        },
        geometry=shapely.point_on_surface(chosen.geometry.to_numpy()),
        crs=4326,
    )
