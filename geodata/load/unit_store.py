"""Writing units: a roster upserted by call sign (unique within the city), one unit changed.

A roster's status applies only to a unit at rest (available or out of service): a unit on
a call moves by its duty cycle, never by a file. Retirement is never set by a roster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from sqlalchemy import Connection, text

from geodata.db.copy import copy_rows
from geodata.load.counts import UpsertCounts

__all__ = ["UNIT_COLUMNS", "lock_city_fleet", "update_unit", "upsert_units"]


def lock_city_fleet(conn: Connection, city_id: int) -> None:
    """Take the city's fleet lock for this transaction: call signs are unique per city by
    rule (the table's key is per agency), so two writers of one city's fleet take turns."""
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('tanggap.fleet'), :c)"),
                 {"c": city_id})  # fmt: skip


#: The columns a roster frame carries (status and crew_size may be None).
UNIT_COLUMNS = ("call_sign", "agency_id", "station_id", "vehicle_profile", "status", "crew_size")

_STAGE = (
    "CREATE TEMP TABLE unit_stage (ord integer, call_sign text, agency_id integer, "
    "station_id integer, vehicle_profile text, status text, crew_size smallint) ON COMMIT DROP"
)
_UPDATE = """
WITH target AS (
    SELECT s.*, u.id AS unit_id,
           CASE WHEN s.status IS NOT NULL AND u.status IN ('available', 'out_of_service')
                THEN s.status ELSE u.status END AS new_status
    FROM unit_stage s
    JOIN agencies sa ON sa.id = s.agency_id
    JOIN units u ON u.call_sign = s.call_sign
    JOIN agencies ua ON ua.id = u.agency_id AND ua.city_id = sa.city_id
)
UPDATE units u SET agency_id = t.agency_id, home_station_id = t.station_id,
    vehicle_profile = t.vehicle_profile, crew_size = t.crew_size, status = t.new_status,
    status_changed_at = CASE WHEN t.new_status <> u.status THEN now()
                             ELSE u.status_changed_at END
FROM target t
WHERE u.id = t.unit_id
  AND (u.agency_id, u.home_station_id, u.vehicle_profile, u.crew_size, u.status)
      IS DISTINCT FROM (t.agency_id, t.station_id, t.vehicle_profile, t.crew_size, t.new_status)
RETURNING u.id
"""
_INSERT = """
INSERT INTO units (agency_id, call_sign, home_station_id, vehicle_profile, status, crew_size)
SELECT s.agency_id, s.call_sign, s.station_id, s.vehicle_profile,
       COALESCE(s.status, 'available'), s.crew_size
FROM unit_stage s JOIN agencies sa ON sa.id = s.agency_id
WHERE NOT EXISTS (SELECT 1 FROM units u JOIN agencies ua ON ua.id = u.agency_id
                  WHERE ua.city_id = sa.city_id AND u.call_sign = s.call_sign)
ORDER BY s.ord
RETURNING id
"""


def upsert_units(conn: Connection, units: Sequence[Mapping[str, object]]) -> UpsertCounts:
    """Insert new units and update changed ones, keyed on the call sign within the city.

    ``units``: records with :data:`UNIT_COLUMNS` (ids already resolved; one city; call
    signs distinct). One COPY and two statements.
    """
    if not units:
        return UpsertCounts(0, 0, 0)
    conn.execute(text(_STAGE))
    copy_rows(
        conn,
        "unit_stage",
        ("ord", *UNIT_COLUMNS),
        (
            (index, *(_cell(row[column]) for column in UNIT_COLUMNS))
            for index, row in enumerate(units)
        ),
    )
    updated = len(conn.execute(text(_UPDATE)).all())
    inserted = len(conn.execute(text(_INSERT)).all())
    conn.execute(text("DROP TABLE unit_stage"))
    return UpsertCounts(inserted, updated, len(units) - inserted - updated)


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars from a frame
        return value.item()
    return value


def update_unit(conn: Connection, unit_id: int, values: Mapping[str, object]) -> dict[str, object]:
    """Set one unit's agency, posko, vehicle, crew, status and retirement; returns the
    columns that changed with their new values (empty: it was already so)."""
    before = conn.execute(
        text("SELECT agency_id, home_station_id, vehicle_profile, crew_size, status, retired_at "
             "FROM units WHERE id = :id"), {"id": unit_id},
    ).mappings().one()  # fmt: skip
    wanted = {
        "agency_id": values["agency_id"],
        "home_station_id": values["station_id"],
        "vehicle_profile": values["vehicle_profile"],
        "crew_size": values["crew_size"],
        "status": values["status"] or before["status"],
        "retired_at": values["retired_at"],
    }
    changed = {key: value for key, value in wanted.items() if before[key] != value}
    if changed:
        stamp = ", status_changed_at = now()" if "status" in changed else ""
        conn.execute(
            text(f"UPDATE units SET {', '.join(f'{k} = :{k}' for k in changed)}{stamp} "
                 "WHERE id = :id"), {**changed, "id": unit_id},
        )  # fmt: skip
    return changed
