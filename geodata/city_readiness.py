"""What a city has loaded and what each page still lacks: the one rule of "what is missing".

A city can start from its boundary alone (``tanggap city create --boundary``) and grow:
areas, roads, posko, units, its call log. Every page opens whatever is there, and says
what it lacks through :func:`missing_for` (the words and commands that add each part are
in ``layers.words.readiness``). One statement counts everything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, text

__all__ = ["PAGE_NEEDS", "PARTS", "CityReadiness", "city_readiness", "missing_for"]

#: The parts of a city, in the order they are usually added.
PARTS = ("areas", "roads", "stations", "units", "incidents")

#: What each page needs to show more than an empty map (path → parts).
PAGE_NEEDS: Mapping[str, tuple[str, ...]] = {
    "/": ("areas", "stations", "incidents"),
    "/dispatch": ("roads", "units", "incidents"),
    "/live": ("units", "incidents"),
    "/wall": ("units", "incidents"),
    "/analytics": ("incidents", "areas", "units"),
    "/coverage": ("roads", "stations", "areas"),
    "/perencanaan": ("roads", "areas", "incidents"),
    "/kejadian-baru": ("areas",),
}


@dataclass(frozen=True)
class CityReadiness:
    """How many of each part a city has: kecamatan and kelurahan (admin areas), road edges,
    posko (stations), units (any status) and incidents (every call stored)."""

    city_code: str
    kecamatan: int
    kelurahan: int
    road_edges: int
    stations: int
    units: int
    incidents: int

    def has(self, part: str) -> bool:
        """Whether the city has ``part`` (one of :data:`PARTS`); areas means kelurahan."""
        counts = {"areas": self.kelurahan, "roads": self.road_edges, "stations": self.stations,
                  "units": self.units, "incidents": self.incidents}  # fmt: skip
        if part not in counts:
            raise ValueError(f"unknown part '{part}'; known: {', '.join(PARTS)}")
        return counts[part] > 0


_COUNTS = text("""
SELECT c.code,
       (SELECT count(*) FROM admin_areas a WHERE a.city_id = c.id AND a.level = 'kecamatan')
           AS kecamatan,
       (SELECT count(*) FROM admin_areas a WHERE a.city_id = c.id AND a.level = 'kelurahan')
           AS kelurahan,
       (SELECT count(*) FROM road_edges e WHERE e.city_id = c.id) AS road_edges,
       (SELECT count(*) FROM stations s JOIN agencies g ON g.id = s.agency_id
         WHERE g.city_id = c.id) AS stations,
       (SELECT count(*) FROM units u JOIN agencies g ON g.id = u.agency_id
         WHERE g.city_id = c.id) AS units,
       (SELECT count(*) FROM incidents i WHERE i.city_id = c.id) AS incidents
FROM cities c WHERE c.id = :city_id
""")


def city_readiness(conn: Connection, city_id: int) -> CityReadiness:
    """The counts of city ``city_id`` in one statement (index-only counts, a few ms even for
    a kabupaten's year of calls). KeyError if there is no such city."""
    row = conn.execute(_COUNTS, {"city_id": city_id}).mappings().first()
    if row is None:
        raise KeyError(f"no city with id {city_id}")
    return CityReadiness(
        city_code=str(row["code"]),
        **{key: int(row[key]) for key in ("kecamatan", "kelurahan", "road_edges", "stations",
                                          "units", "incidents")},
    )  # fmt: skip


def missing_for(readiness: CityReadiness, path: str) -> tuple[str, ...]:
    """The parts page ``path`` needs that the city lacks, in the order of :data:`PARTS`."""
    needs = PAGE_NEEDS.get(path, ())
    return tuple(part for part in PARTS if part in needs and not readiness.has(part))
