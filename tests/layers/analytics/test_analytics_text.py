"""Words and numbers: every phrase in both languages, numbers in each language's style."""

from __future__ import annotations

import math

import pytest

from layers.analytics.text import (
    INTERVAL_LABELS,
    OUTCOME_LABELS,
    PHRASES,
    WEEKDAYS,
    minutes,
    number,
    outcome_label,
    percent,
    phrase,
)


def test_every_phrase_and_label_has_both_languages() -> None:
    for table in (PHRASES, INTERVAL_LABELS, OUTCOME_LABELS):
        for key, words in table.items():
            assert set(words) == {"id", "en"} and all(words.values()), key
    assert WEEKDAYS["id"][0] == "Senin" and WEEKDAYS["en"][6] == "Sunday"


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


def test_minutes_percent_and_outcomes() -> None:
    assert minutes(450, "id") == "7,5" and minutes(None, "en") == "–"
    assert percent(0.966, "id") == "97 %" and percent(math.nan, "id") == "–"
    assert outcome_label("emergency", "en") == "Emergency (forwarded)"
    assert outcome_label("prank", "id") == "Panggilan iseng"
    assert phrase("too_few", "id", min_count=10) == "Data terlalu sedikit (n < 10)"
