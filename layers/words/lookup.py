"""The one lookup of the phrasebook: words by key, labels of codes, numbers, time zones."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from layers.words import (
    access,
    analytics,
    app,
    dispatch,
    entry,
    fleet,
    live,
    planning,
    readiness,
    report,
    wall,
)
from layers.words.codes import CODES
from layers.words.types import LANGUAGES, Language, Words

__all__ = [
    "CATALOGUE",
    "choose_language",
    "clock",
    "codes",
    "label",
    "labels",
    "minutes",
    "number",
    "other_language",
    "percent",
    "word",
    "zone_abbreviation",
]


def _catalogue(sections: Mapping[str, Words]) -> Words:
    """Every section's words under ``<section>.<key>``."""
    return {
        f"{name}.{key}": texts for name, words in sections.items() for key, texts in words.items()
    }


#: Every UI word by its full key, e.g. ``dispatch.title``; one module per section.
CATALOGUE: Words = _catalogue(
    {
        "app": app.WORDS,
        "access": access.WORDS,
        "dispatch": dispatch.WORDS,
        "live": live.WORDS,
        "wall": wall.WORDS,
        "analytics": analytics.WORDS,
        "report": report.WORDS,
        "planning": planning.WORDS,
        "readiness": readiness.WORDS,
        "entry": entry.WORDS,
        "fleet": fleet.WORDS,
    }
)

_ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def word(key: str, language: Language, **values: object) -> str:
    """The word ``key`` (``section.name``) in ``language``, with ``values`` filled in."""
    return CATALOGUE[key][language].format(**values)


def label(kind: str, code: str, language: Language) -> str:
    """The word for a stored ``code`` of ``kind`` (e.g. ``category``); the code if none.

    ``call_outcome`` falls back to ``category``: the outcomes of a call are its categories
    but "emergency".
    """
    table = CODES[kind]
    if code not in table and kind == "call_outcome":
        table = CODES["category"]
    return table.get(code, {}).get(language, code)


def labels(kind: str, language: Language) -> dict[str, str]:
    """Every code of ``kind`` and its word, in the catalogue's order."""
    return {code: texts[language] for code, texts in CODES[kind].items()}


def codes(kind: str) -> tuple[str, ...]:
    """The codes of ``kind`` in the catalogue's order (the order lists and legends use)."""
    return tuple(CODES[kind])


def choose_language(requested: object, default: Language) -> Language:
    """``requested`` if it is an interface language (``?lang=en``), else ``default``."""
    for language in LANGUAGES:
        if requested == language:
            return language
    return default


def other_language(language: Language) -> Language:
    """The language the switch in the top bar offers."""
    return "en" if language == "id" else "id"


def zone_abbreviation(timezone: str) -> str:
    """WIB, WITA or WIT for an Indonesian IANA zone; the zone name otherwise."""
    return _ZONES.get(timezone, timezone)


def clock(epoch_s: float, timezone: str, *, seconds: bool = False) -> str:
    """The time of ``epoch_s`` (Unix seconds) in the city's zone: ``14:05 WIB``
    (``14:05:09 WIB`` with ``seconds``)."""
    when = datetime.fromtimestamp(epoch_s, UTC).astimezone(ZoneInfo(timezone))
    shown = f"{when:%H:%M:%S}" if seconds else f"{when:%H:%M}"
    return f"{shown} {zone_abbreviation(timezone)}"


def number(value: float | None, language: Language, decimals: int = 0) -> str:
    """``value`` with the language's separators (``1.234,5`` / ``1,234.5``); – when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if language == "id":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def minutes(seconds: float | None, language: Language, decimals: int = 1) -> str:
    """Seconds shown as minutes, e.g. ``7,5``."""
    if seconds is None or math.isnan(seconds):
        return "–"
    return number(seconds / 60.0, language, decimals)


def percent(share: float | None, language: Language, decimals: int = 0) -> str:
    """A 0…1 share shown as a percentage, e.g. ``93 %``."""
    if share is None or math.isnan(share):
        return "–"
    return f"{number(share * 100.0, language, decimals)} %"
