"""The time zone of a city as people name it: WIB, WITA, WIT, or any IANA zone.

Stored cities always carry the IANA name (``Asia/Jakarta``); the three Indonesian
abbreviations are accepted wherever a zone is typed (the CLI, mapping files).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["ZONE_ALIASES", "ZoneError", "parse_zone"]

#: Indonesia's three zones by the names people use (UTC+7, +8, +9).
ZONE_ALIASES: dict[str, str] = {
    "WIB": "Asia/Jakarta",
    "WITA": "Asia/Makassar",
    "WIT": "Asia/Jayapura",
}


class ZoneError(ValueError):
    """A zone that is neither WIB/WITA/WIT nor an IANA zone; the message gives examples."""


def parse_zone(value: str) -> str:
    """The IANA zone ``value`` names (``WITA`` → ``Asia/Makassar``), or :class:`ZoneError`."""
    name = value.strip()
    canonical = ZONE_ALIASES.get(name.upper(), name)
    try:
        ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError):
        raise ZoneError(
            f"'{value}' is not a time zone: use WIB (Asia/Jakarta), WITA (Asia/Makassar), "
            "WIT (Asia/Jayapura) or another IANA zone such as Asia/Pontianak"
        ) from None
    return canonical
