"""The admin's fleet table: each unit's cells in the reader's language, and the summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from layers.words import Language, label, word

__all__ = ["COLUMNS", "FleetRow", "fleet_header", "fleet_rows", "fleet_summary"]

#: The table's columns (phrasebook keys of ``fleet.*``), in order.
COLUMNS = (
    "call_sign", "agency", "home_posko", "vehicle_profile", "status", "crew_size", "in_service",
)  # fmt: skip


@dataclass(frozen=True)
class FleetRow:
    """One unit as the table shows it (its agency by kind, the full name in ``agency``);
    ``retired`` decides its buttons and its shade."""

    call_sign: str
    cells: tuple[str, ...]
    retired: bool
    agency: str


def fleet_header(language: Language) -> list[str]:
    """The column titles, then the actions column."""
    return [word(f"fleet.{key}", language) for key in (*COLUMNS, "actions")]


def fleet_rows(
    units: Sequence[Mapping[str, object]], language: Language, timezone: str
) -> list[FleetRow]:
    """The rows of ``units`` (as :func:`geodata.operations.units.list_units` lists them,
    with the retired), in service first, each group by call sign."""
    ordered = sorted(units, key=lambda u: (u["retired_at"] is not None, str(u["call_sign"])))
    rows = []
    for unit in ordered:
        retired_at = unit["retired_at"]
        if isinstance(retired_at, datetime):
            local = retired_at.astimezone(ZoneInfo(timezone))
            service = word("fleet.retired_since", language, date=f"{local:%d-%m-%Y}")
        else:
            service = word("fleet.yes", language)
        cells = (
            str(unit["call_sign"]),
            label("agency_kind", str(unit["agency_kind"]), language),
            str(unit["home_station"] or word("fleet.no_posko", language)),
            label("vehicle_profile", str(unit["vehicle_profile"]), language),
            label("unit_status", str(unit["status"]), language),
            "–" if unit["crew_size"] is None else str(unit["crew_size"]),
            service,
        )
        rows.append(
            FleetRow(str(unit["call_sign"]), cells, retired_at is not None, str(unit["agency"]))
        )
    return rows


def fleet_summary(units: Sequence[Mapping[str, object]], language: Language) -> str:
    """``12 unit · 10 beroperasi · 2 pensiun``."""
    retired = sum(1 for unit in units if unit["retired_at"] is not None)
    return word("fleet.summary", language, total=len(units), in_service=len(units) - retired,
                retired=retired)  # fmt: skip
