"""The phrasebook: every word of the interface in Bahasa Indonesia (default) and English.

A translator works in this folder alone: one module per section (``app``, ``dispatch``,
``live``, ``wall``, ``analytics``, ``report``) holds ``WORDS`` (key → {"id", "en"}), and
``codes`` holds the words for stored codes by kind. Code everywhere asks
``word("dispatch.title", language)`` or ``label("category", code, language)``;
``tests/layers/test_words.py`` checks that every key and code has both languages with the
same placeholders, and that every key the code asks for exists.
"""

from layers.words.lookup import (
    CATALOGUE,
    choose_language,
    clock,
    codes,
    label,
    labels,
    minutes,
    number,
    other_language,
    percent,
    word,
    zone_abbreviation,
)
from layers.words.types import LANGUAGES, Language, Words

__all__ = [
    "CATALOGUE",
    "LANGUAGES",
    "Language",
    "Words",
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
