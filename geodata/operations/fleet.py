"""The city's fleet as people describe it: call sign, agency, home posko, vehicle, crew.

One set of rules for every way a unit comes in (the roster import, the API, the admin
page): :class:`FleetCatalog` reads the city's agencies, posko and units once and turns a
:class:`UnitSpec` (words as typed: ``Damkar``, ``Pos Damkar Cibeber``, ``mobil pemadam``)
into stored ids, or says which field is wrong and why. :func:`create_units` and
:func:`change_unit` are the writes of the API and the admin page, audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, text

from geodata.agencies import kind_from_text
from geodata.load.unit_store import lock_city_fleet, update_unit, upsert_units
from geodata.operations import audit
from geodata.routing.vehicle_profiles import AGENCY_PROFILE
from geodata.vocabulary import AgencyKind, UnitStatus, VehicleProfile

__all__ = [
    "IDLE_STATUSES",
    "MAX_CREW",
    "FleetCatalog",
    "FleetError",
    "UnitChange",
    "UnitSpec",
    "change_unit",
    "create_units",
    "parse_profile",
]

P, S = VehicleProfile, UnitStatus
#: What a roster may call each vehicle profile (lower case, spaces for _ and -).
PROFILE_WORDS: dict[str, VehicleProfile] = {
    "ambulans": P.AMBULANCE, "mobil ambulans": P.AMBULANCE, "ambulance": P.AMBULANCE,
    "pemadam": P.FIRE_ENGINE, "mobil pemadam": P.FIRE_ENGINE, "damkar": P.FIRE_ENGINE,
    "truk pemadam": P.FIRE_ENGINE, "mobil tangki": P.FIRE_ENGINE, "fire engine": P.FIRE_ENGINE,
    "motor": P.MOTORBIKE, "sepeda motor": P.MOTORBIKE, "roda dua": P.MOTORBIKE,
    "motorbike": P.MOTORBIKE, "mobil": P.CAR, "roda empat": P.CAR, "mobil patroli": P.CAR,
    "patroli": P.CAR, "car": P.CAR,
}  # fmt: skip
#: Statuses a roster or an admin may set: a unit on a call moves only by its duty cycle.
IDLE_STATUSES: dict[str, UnitStatus] = {
    "available": S.AVAILABLE, "siaga": S.AVAILABLE, "siap": S.AVAILABLE,
    "tersedia": S.AVAILABLE, "out of service": S.OUT_OF_SERVICE, "rusak": S.OUT_OF_SERVICE,
    "perbaikan": S.OUT_OF_SERVICE, "tidak aktif": S.OUT_OF_SERVICE,
}  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: The largest crew a unit is believed to carry (a typo guard).
MAX_CREW = 60


class FleetError(ValueError):
    """A unit that cannot be stored so: ``field`` names what is wrong; ``code`` is
    ``invalid``, ``duplicate``, ``not_found`` or ``on_duty`` (for the API's 422/409/404)."""

    def __init__(self, field: str, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.field, self.code = field, code


@dataclass(frozen=True)
class UnitSpec:
    """A unit as typed; ``vehicle_profile`` None: the agency's usual vehicle."""

    call_sign: str
    agency: str
    home_station: str | None = None
    vehicle_profile: str | None = None
    status: str | None = None
    crew_size: int | str | None = None


@dataclass(frozen=True)
class UnitChange:
    """What an admin changes; ``None`` leaves a field as it is (``clear_*`` empties it)."""

    agency: str | None = None
    home_station: str | None = None
    clear_home_station: bool = False
    vehicle_profile: str | None = None
    crew_size: int | None = None
    clear_crew_size: bool = False
    status: str | None = None
    retired: bool | None = None


def _words(value: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[_\-]", " ", value.strip().lower()))


def parse_profile(value: str) -> VehicleProfile:
    """The profile ``value`` names (``fire_engine``, ``mobil pemadam``…), or ValueError."""
    found = PROFILE_WORDS.get(_words(value))
    if found is None:
        try:
            return VehicleProfile(_words(value).replace(" ", "_"))
        except ValueError:
            known = ", ".join(p.value for p in VehicleProfile)
            raise ValueError(f"'{value}' is not a vehicle profile ({known})") from None
    return found


def _status(value: str) -> UnitStatus:
    found = IDLE_STATUSES.get(_words(value))
    if found is None:
        raise ValueError(f"'{value}' is not a status a roster sets (available, out_of_service)")
    return found


def _crew(value: int | str) -> int:
    try:
        number = float(str(value).strip())
    except ValueError:
        number = -1.0
    if not number.is_integer() or not 1 <= number <= MAX_CREW:
        raise ValueError(f"crew size '{value}' is not a whole number from 1 to {MAX_CREW}")
    return int(number)


@dataclass(frozen=True)
class FleetCatalog:
    """The city's agencies, posko and units, read once, to resolve what people type."""

    city_id: int
    agencies: pd.DataFrame  # id, code, name, kind
    stations: pd.DataFrame  # id, agency_id, code, name
    units: pd.DataFrame  # id, call_sign, agency_id, status, retired

    @classmethod
    def of_city(cls, conn: Connection, city_id: int) -> FleetCatalog:
        """Three statements; call signs are compared as typed (trimmed)."""
        params = {"c": city_id}
        agencies = pd.read_sql_query(
            text("SELECT id, code, name, kind FROM agencies WHERE city_id = :c ORDER BY id"),
            conn, params=params,
        )  # fmt: skip
        stations = pd.read_sql_query(
            text("SELECT s.id, s.agency_id, s.code, s.name FROM stations s JOIN agencies a "
                 "ON a.id = s.agency_id WHERE a.city_id = :c ORDER BY s.id"), conn, params=params,
        )  # fmt: skip
        units = pd.read_sql_query(
            text("SELECT u.id, u.call_sign, u.agency_id, u.status, u.retired_at IS NOT NULL "
                 "AS retired FROM units u JOIN agencies a ON a.id = u.agency_id "
                 "WHERE a.city_id = :c ORDER BY u.id"), conn, params=params,
        )  # fmt: skip
        return cls(city_id, agencies, stations, units)

    def agency_id(self, value: str) -> int:
        """The agency a roster names by code, kind or name words (``Damkar``, ``fire``)."""
        typed = value.strip()
        rows = self.agencies
        if not typed:
            raise ValueError(f"no agency given: one of {', '.join(rows['code']) or 'none'}")
        for column in ("code", "name"):
            hit = rows[rows[column].str.casefold() == typed.casefold()]
            if len(hit):
                return int(hit["id"].iloc[0])
        kind = next((k for k in AgencyKind if k.value == typed.lower()), None)
        kind = kind or kind_from_text(typed)
        hit = rows[rows["kind"] == kind] if kind else rows.iloc[0:0]
        if len(hit) == 1:
            return int(hit["id"].iloc[0])
        known = ", ".join(rows["code"]) or "none: run `tanggap city create` first"
        many = f" ({len(hit)} agencies of that kind: use the code)" if len(hit) > 1 else ""
        raise ValueError(f"no agency '{value}' in this city{many}; its agencies: {known}")

    def station_id(self, value: str, agency_id: int) -> int:
        """The posko a roster names by code or name; the unit's own agency's first."""
        typed = value.strip().casefold()
        rows = self.stations
        own = rows["agency_id"] == agency_id
        for column in ("code", "name"):
            match = rows[column].str.casefold() == typed
            for hit in (rows[match & own], rows[match]):
                if len(hit):
                    return int(hit["id"].iloc[0])
        raise ValueError(
            f"no posko '{value}' in this city (by code or name); import posko with "
            "`tanggap city import-stations FILE --city CODE`"
        )

    def resolve(self, spec: UnitSpec) -> tuple[dict[str, object], list[tuple[str, str]]]:
        """The stored values of ``spec`` (call_sign, agency_id, station_id,
        vehicle_profile, status, crew_size), and every (field, problem) found."""
        problems: list[tuple[str, str]] = []
        values: dict[str, object] = {"call_sign": spec.call_sign.strip()}
        if not values["call_sign"] or len(str(values["call_sign"])) > 64:
            problems.append(("call_sign", "the call sign is empty or longer than 64 characters"))
        elif _CONTROL.search(str(values["call_sign"])):
            problems.append(("call_sign", "the call sign holds a control character"))
        steps = (
            ("agency", "agency_id", lambda: self.agency_id(spec.agency)),
            ("home_posko", "station_id", lambda: self._station(spec, values)),
            ("vehicle_profile", "vehicle_profile", lambda: self._profile(spec, values)),
            ("status", "status", lambda: _status(spec.status) if spec.status else None),
            ("crew_size", "crew_size",
             lambda: None if spec.crew_size in (None, "") else _crew(spec.crew_size)),
        )  # fmt: skip
        for field, key, step in steps:
            try:
                values[key] = step()
            except ValueError as error:
                problems.append((field, str(error)))
                values[key] = None
        return values, problems

    def _station(self, spec: UnitSpec, values: dict[str, object]) -> int | None:
        agency = values.get("agency_id")
        if not spec.home_station or not isinstance(agency, int):
            return None
        return self.station_id(spec.home_station, agency)

    def _profile(self, spec: UnitSpec, values: dict[str, object]) -> str | None:
        if spec.vehicle_profile:
            return parse_profile(spec.vehicle_profile).value
        agency = values.get("agency_id")
        kind = self.agencies.loc[self.agencies["id"] == agency, "kind"]
        return AGENCY_PROFILE[str(kind.iloc[0])] if len(kind) else None

    def existing(self, call_sign: str) -> pd.DataFrame:
        """The stored units with this call sign (one, none, or — a legacy — several)."""
        return self.units[self.units["call_sign"] == call_sign.strip()]


def create_units(
    conn: Connection, city_id: int, specs: list[UnitSpec], *, actor: str
) -> list[tuple[int, str]]:
    """Add new units to the city, all or none; (id, call sign) of each, in order.

    Raises :class:`FleetError` with the field (``units.3.agency`` in a batch of several):
    ``duplicate`` for a call sign the city already has (or the batch has twice).
    """
    lock_city_fleet(conn, city_id)
    catalog = FleetCatalog.of_city(conn, city_id)
    prefix = (lambda i: f"units.{i}.") if len(specs) > 1 else (lambda i: "")
    seen: set[str] = set()
    rows = []
    for index, spec in enumerate(specs):
        values, problems = catalog.resolve(spec)
        if problems:
            field, message = problems[0]
            raise FleetError(f"{prefix(index)}{field}", message)
        sign = str(values["call_sign"])
        if len(catalog.existing(sign)) or sign in seen:
            where = "this batch" if sign in seen else "the city"
            message = f"{where} already has a unit with call sign '{sign}'"
            raise FleetError(f"{prefix(index)}call_sign", message, "duplicate")
        seen.add(sign)
        rows.append(values)
    upsert_units(conn, rows)
    ids = _ids(conn, city_id, [str(row["call_sign"]) for row in rows])
    for row in rows:
        audit.record(conn, actor=actor, action="unit.create", entity="unit",
                     entity_id=ids[str(row["call_sign"])], details=_details(row))  # fmt: skip
    return [(ids[str(row["call_sign"])], str(row["call_sign"])) for row in rows]


def change_unit(
    conn: Connection,
    city_id: int,
    call_sign: str,
    change: UnitChange,
    *,
    actor: str,
    now: datetime | None = None,
) -> dict[str, object]:
    """Change one unit of the city (agency, posko, vehicle, crew, retire or bring back).

    Retiring stands the unit out of service and keeps its history; a unit on a call
    cannot be retired (``on_duty``). Returns what changed (empty: nothing), audited.
    """
    lock_city_fleet(conn, city_id)
    catalog = FleetCatalog.of_city(conn, city_id)
    found = catalog.existing(call_sign)
    if len(found) != 1:
        raise FleetError("call_sign", f"no unit with call sign '{call_sign}' in this city",
                         "not_found")  # fmt: skip
    current = _current(conn, int(found["id"].iloc[0]))
    spec = UnitSpec(
        call_sign, change.agency or str(current["agency_code"]),
        None if change.clear_home_station else change.home_station or current["station_code"],
        change.vehicle_profile or str(current["vehicle_profile"]), change.status,
        None if change.clear_crew_size else change.crew_size or current["crew_size"],
    )  # fmt: skip
    values, problems = catalog.resolve(spec)
    if problems:
        raise FleetError(*problems[0])
    retired_at = current["retired_at"]
    if change.retired is not None and change.retired != (retired_at is not None):
        idle = current["status"] in (S.AVAILABLE, S.OUT_OF_SERVICE)
        if change.retired and not idle:
            raise FleetError("retired", f"unit {call_sign} is on a call ({current['status']}): "
                             "retire it once it is back", "on_duty")  # fmt: skip
        retired_at = (now or datetime.now(UTC)) if change.retired else None
        values["status"] = S.OUT_OF_SERVICE if change.retired else S.AVAILABLE
    if values["status"] is not None and current["status"] not in (S.AVAILABLE, S.OUT_OF_SERVICE):
        raise FleetError("status", f"unit {call_sign} is on a call: its status follows the "
                         "call", "on_duty")  # fmt: skip
    changed = update_unit(conn, int(current["id"]), {**values, "retired_at": retired_at})
    if changed:
        action = "unit.update" if change.retired is None else (
            "unit.retire" if change.retired else "unit.unretire")  # fmt: skip
        audit.record(conn, actor=actor, action=action, entity="unit", entity_id=current["id"],
                     details={"call_sign": call_sign, "changed": changed})  # fmt: skip
    return changed


def _current(conn: Connection, unit_id: int) -> dict[str, Any]:
    row = conn.execute(
        text("SELECT u.id, a.code AS agency_code, s.code AS station_code, u.vehicle_profile, "
             "u.crew_size, u.status, u.retired_at FROM units u JOIN agencies a ON "
             "a.id = u.agency_id LEFT JOIN stations s ON s.id = u.home_station_id "
             "WHERE u.id = :id FOR UPDATE OF u"), {"id": unit_id},
    ).mappings().one()  # fmt: skip
    return dict(row)


def _ids(conn: Connection, city_id: int, call_signs: list[str]) -> dict[str, int]:
    rows = conn.execute(
        text("SELECT u.call_sign, u.id FROM units u JOIN agencies a ON a.id = u.agency_id "
             "WHERE a.city_id = :c AND u.call_sign = ANY(:s)"), {"c": city_id, "s": call_signs},
    ).all()  # fmt: skip
    return {str(sign): int(unit_id) for sign, unit_id in rows}


def _details(values: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in values.items() if value is not None}
