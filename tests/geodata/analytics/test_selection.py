"""The analytics controls as a checked selection, and the period a page opens on."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from geodata.analytics.selection import (
    MAX_DAYS,
    SelectionError,
    default_period,
    parse_selection,
)

CONTROLS: dict[str, Any] = {
    "first": "2026-05-01",
    "last": "2026-05-31T00:00:00",
    "categories": ["fire"],
    "agency": "__all__",
    "kecamatan": "99.99.01",
    "interval": "travel",
    "cells": "h3",
    "resolution": "auto",
    "target": 12,
}


def test_controls_parse_into_a_selection() -> None:
    chosen = parse_selection(CONTROLS, 12.7, 8)
    assert (chosen.first, chosen.last) == (date(2026, 5, 1), date(2026, 5, 31))
    assert chosen.categories == ("fire",) and chosen.agency_kind is None
    assert chosen.kecamatan_code == "99.99.01" and chosen.resolution == 9
    assert chosen.target_minutes == 12.0
    unchanged = parse_selection({**CONTROLS, "target": None, "agency": "fire"}, None, 8)
    assert unchanged.resolution == 8 and unchanged.target_minutes is None
    assert unchanged.agency_kind == "fire"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"resolution": 15}, "resolution"),
        ({"resolution": "9; DROP TABLE incidents"}, "resolution"),
        ({"first": "kemarin"}, "first"),
        ({"first": "2000-01-01", "last": "2026-05-31"}, "last"),
        ({"categories": ["fire", "alien"]}, "categories"),
        ({"target": 0}, "target"),
        ({"target": "lima"}, "target"),
        ({"interval": "lunch"}, "selection"),
        ({"agency": "navy"}, "selection"),
        ({"first": "2026-06-02"}, "selection"),  # ends before it starts
    ],
)
def test_bad_controls_are_refused_naming_the_control(change: dict[str, Any], field: str) -> None:
    with pytest.raises(SelectionError) as refused:
        parse_selection({**CONTROLS, **change}, None, 8)
    assert refused.value.field == field


def test_a_period_of_max_days_is_accepted() -> None:
    last = date(2026, 5, 31)
    first = date.fromordinal(last.toordinal() - MAX_DAYS + 1)
    assert parse_selection({**CONTROLS, "first": first.isoformat()}, None, 8).first == first


def test_pages_open_on_the_last_days_of_the_data_not_of_the_calendar() -> None:
    today = date(2026, 12, 1)
    assert default_period(None, today) == (date(2026, 9, 3), today)
    old_log = (date(2025, 1, 10), date(2025, 6, 30))
    assert default_period(old_log, today) == (date(2025, 4, 2), date(2025, 6, 30))
    short_log = (date(2026, 11, 20), date(2026, 11, 25))
    assert default_period(short_log, today) == short_log
