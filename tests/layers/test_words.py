"""The phrasebook: every code and every key has both languages, and the code asks for no
word the phrasebook lacks."""

from __future__ import annotations

import math
import re
import string
from pathlib import Path

import pytest

from geodata.vocabulary import (
    AgencyKind,
    IncidentCategory,
    IncidentStatus,
    RoadClass,
    UnitStatus,
    UserRole,
    VehicleProfile,
)
from layers.palette import AGENCY_KIND_COLOURS, CATEGORY_COLOURS
from layers.words import (
    CATALOGUE,
    LANGUAGES,
    choose_language,
    clock,
    codes,
    label,
    minutes,
    number,
    percent,
    word,
    zone_abbreviation,
)
from layers.words.codes import CODES

ROOT = Path(__file__).resolve().parents[2]
ENUMS = {
    "category": IncidentCategory,
    "agency_kind": AgencyKind,
    "incident_status": IncidentStatus,
    "unit_status": UnitStatus,
    "vehicle_profile": VehicleProfile,
    "road_class": RoadClass,
    "user_role": UserRole,
}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_code_of_every_enum_has_a_word_in_both_languages() -> None:
    for kind, enum in ENUMS.items():
        missing = {code.value for code in enum} - set(CODES[kind])
        assert not missing, f"{kind}: no word for {sorted(missing)}"
        for code in enum:
            for language in LANGUAGES:
                assert label(kind, code.value, language).strip(), (kind, code, language)
    assert set(CATEGORY_COLOURS) == {c.value for c in IncidentCategory}
    assert set(AGENCY_KIND_COLOURS) == {k.value for k in AgencyKind}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    tables = {"ui": CATALOGUE, **{f"codes.{kind}": table for kind, table in CODES.items()}}
    for name, table in tables.items():
        for key, texts in table.items():
            assert set(texts) == set(LANGUAGES), (name, key)
            assert all(texts[language].strip() for language in LANGUAGES), (name, key)
            assert placeholders(texts["id"]) == placeholders(texts["en"]), (name, key)


def _asked_for() -> tuple[set[str], set[str], set[str]]:
    """Literal keys, prefixes of f-string keys, and label kinds the code asks for."""
    keys, prefixes, kinds = set(), set(), set()
    for path in [*ROOT.glob("layers/**/*.py"), *ROOT.glob("dashboard/**/*.py")]:
        if "words" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r"""\bword\(\s*["']([\w.]+)["']""", source))
        prefixes |= set(re.findall(r"""\bword\(\s*f["']([\w.]+)\{""", source))
        kinds |= set(re.findall(r"""\blabels?\(\s*["'](\w+)["']""", source))
        kinds |= set(re.findall(r"""\bcodes\(\s*["'](\w+)["']""", source))
    return keys, prefixes, kinds


def test_every_word_the_code_asks_for_exists() -> None:
    keys, prefixes, kinds = _asked_for()
    assert len(keys) > 100  # the scan found the code's words (a broken scan finds none)
    assert not keys - set(CATALOGUE), sorted(keys - set(CATALOGUE))
    for prefix in prefixes:
        assert any(key.startswith(prefix) for key in CATALOGUE), prefix
    assert kinds <= set(CODES), sorted(kinds - set(CODES))


def test_labels_fall_back_to_the_code_and_call_outcomes_to_categories() -> None:
    assert label("category", "fire", "id") == "Kebakaran"
    assert label("category", "fire", "en") == "Fire"
    assert label("category", "unheard-of", "id") == "unheard-of"
    assert label("call_outcome", "emergency", "en") == "Emergency (forwarded)"
    assert label("call_outcome", "prank", "id") == "Panggilan iseng"
    assert codes("weekday")[0] == "0" and label("weekday", "0", "id") == "Senin"
    assert label("month", "12", "en") == "December"
    assert word("analytics.too_few", "id", min_count=10) == "Data terlalu sedikit (n < 10)"


def test_languages_and_zones() -> None:
    assert choose_language("en", "id") == "en"
    assert choose_language("fr", "id") == "id" and choose_language(None, "en") == "en"
    zones = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura", "UTC")
    assert [zone_abbreviation(z) for z in zones] == ["WIB", "WIB", "WITA", "WIT", "UTC"]


def test_clock_shows_the_city_zone() -> None:
    moment = 1_764_581_109.0  # 2025-12-01 09:25:09 UTC
    assert clock(moment, "Asia/Jakarta") == "16:25 WIB"
    assert clock(moment, "Asia/Makassar", seconds=True) == "17:25:09 WITA"
    assert clock(moment, "Asia/Jayapura", seconds=True) == "18:25:09 WIT"


def test_emergency_colours_are_distinct() -> None:
    emergencies = [CATEGORY_COLOURS[c] for c in ("health", "fire", "traffic_accident", "crime")]
    assert len(set(emergencies)) == len(emergencies)


@pytest.mark.parametrize(
    ("value", "language", "decimals", "expected"),
    [
        (1234.5, "id", 1, "1.234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (7, "id", 0, "7"),
        (None, "id", 0, "–"),
        (math.nan, "en", 2, "–"),
    ],
)
def test_numbers_follow_the_language(
    value: float | None, language: str, decimals: int, expected: str
) -> None:
    assert number(value, language, decimals) == expected  # type: ignore[arg-type]


def test_minutes_and_percent() -> None:
    assert minutes(450, "id") == "7,5" and minutes(None, "en") == "–"
    assert percent(0.966, "id") == "97 %" and percent(math.nan, "id") == "–"
