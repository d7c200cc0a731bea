"""Display words cover every stored code, in both languages."""

from __future__ import annotations

from geodata.vocabulary import AgencyKind, IncidentCategory, IncidentStatus
from layers.ui_text import PHRASES
from layers.vocabulary import (
    AGENCY_KIND_COLOURS,
    AGENCY_KIND_LABELS,
    CATEGORY_COLOURS,
    CATEGORY_LABELS,
    INCIDENT_STATUS_LABELS,
    label,
    zone_abbreviation,
)


def test_every_code_has_a_label_in_both_languages_and_a_colour() -> None:
    assert set(CATEGORY_LABELS) == set(CATEGORY_COLOURS) == {c.value for c in IncidentCategory}
    assert set(AGENCY_KIND_LABELS) == set(AGENCY_KIND_COLOURS) == {k.value for k in AgencyKind}
    assert set(INCIDENT_STATUS_LABELS) == {s.value for s in IncidentStatus}
    for table in (CATEGORY_LABELS, AGENCY_KIND_LABELS, INCIDENT_STATUS_LABELS, PHRASES):
        for words in table.values():
            assert set(words) == {"id", "en"} and all(w.strip() for w in words.values())


def test_emergency_colours_are_distinct() -> None:
    emergencies = [CATEGORY_COLOURS[c] for c in ("health", "fire", "traffic_accident", "crime")]
    assert len(set(emergencies)) == len(emergencies)


def test_labels_and_zones() -> None:
    assert label(CATEGORY_LABELS, "fire", "id") == "Kebakaran"
    assert label(CATEGORY_LABELS, "fire", "en") == "Fire"
    assert label(CATEGORY_LABELS, "unheard-of", "id") == "unheard-of"
    assert [zone_abbreviation(z) for z in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")] == [
        "WIB", "WITA", "WIT",
    ]  # fmt: skip
