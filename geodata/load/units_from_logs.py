"""The units a call log names: found by call sign, or created for the agency the mapping says.

A minimal unit store for the log importer (``unknown_units: create``): a created unit gets
its agency's usual vehicle (:data:`geodata.routing.vehicle_profiles.AGENCY_PROFILE`), no
home posko, status available. ``tanggap units import`` (the fleet file) is the place to give
units their posko and profile; it updates these units by (agency, call sign).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, text

from geodata.load.unit_store import lock_city_fleet
from geodata.routing.vehicle_profiles import AGENCY_PROFILE

__all__ = ["CityUnit", "agency_kinds", "city_units", "create_log_units", "unit_key"]


def unit_key(call_sign: str) -> str:
    """How call signs are compared: trimmed, case and inner spaces ignored."""
    return " ".join(call_sign.split()).casefold()


@dataclass(frozen=True)
class CityUnit:
    """A unit of the city: its id, call sign and agency code."""

    id: int
    call_sign: str
    agency: str


def agency_kinds(conn: Connection, city_id: int) -> dict[str, str]:
    """Kind of each agency of the city, by agency code. One statement."""
    rows = conn.execute(text("SELECT code, kind FROM agencies WHERE city_id = :c"), {"c": city_id})
    return {str(code): str(kind) for code, kind in rows}


def city_units(conn: Connection, city_id: int) -> dict[str, list[CityUnit]]:
    """The city's units by :func:`unit_key` of their call sign (one per agency). One statement."""
    rows = conn.execute(
        text(
            "SELECT u.id, u.call_sign, a.code FROM units u JOIN agencies a ON a.id = u.agency_id "
            "WHERE a.city_id = :c ORDER BY a.code"
        ),
        {"c": city_id},
    )
    units: dict[str, list[CityUnit]] = {}
    for unit_id, call_sign, agency in rows:
        units.setdefault(unit_key(call_sign), []).append(CityUnit(unit_id, call_sign, agency))
    return units


def create_log_units(
    conn: Connection, city_id: int, wanted: Iterable[tuple[str, str]]
) -> list[CityUnit]:
    """Create the units ``(call_sign, agency_code)`` (agencies of the city, which must exist).

    A unit already there, or a call sign another agency of the city holds, is left as it
    is. Returns the units created. Under the city's fleet lock; one statement.
    """
    rows = sorted(set(wanted))
    if not rows:
        return []
    lock_city_fleet(conn, city_id)
    kinds = agency_kinds(conn, city_id)
    created = conn.execute(
        text(
            "INSERT INTO units (agency_id, call_sign, vehicle_profile) "
            "SELECT a.id, w.call_sign, w.profile FROM unnest(CAST(:signs AS text[]), "
            "CAST(:agencies AS text[]), CAST(:profiles AS text[])) "
            "AS w(call_sign, agency, profile) "
            "JOIN agencies a ON a.city_id = :c AND a.code = w.agency "
            # a call sign is the city's, whatever agency holds it (the fleet's rule)
            "WHERE NOT EXISTS (SELECT 1 FROM units u JOIN agencies ua ON ua.id = u.agency_id "
            "WHERE ua.city_id = :c AND u.call_sign = w.call_sign) "
            "ON CONFLICT (agency_id, call_sign) DO NOTHING RETURNING id, call_sign, agency_id"
        ),
        {
            "c": city_id,
            "signs": [sign for sign, _ in rows],
            "agencies": [agency for _, agency in rows],
            "profiles": [AGENCY_PROFILE[kinds[agency]] for _, agency in rows],
        },
    ).all()
    codes = {
        int(agency_id): str(code)
        for agency_id, code in conn.execute(
            text("SELECT id, code FROM agencies WHERE city_id = :c"), {"c": city_id}
        )
    }
    return [CityUnit(int(r.id), str(r.call_sign), codes[int(r.agency_id)]) for r in created]
