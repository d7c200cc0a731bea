"""The shape of the phrasebook: a word is its text in each language of the interface."""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGUAGES", "Language", "Words"]

Language = Literal["id", "en"]
#: The interface languages, Bahasa Indonesia first (the default).
LANGUAGES: tuple[Language, ...] = ("id", "en")
#: key → {"id": text, "en": text}; text may hold ``{placeholders}`` filled by ``word()``.
Words = dict[str, dict[Language, str]]
