"""The analytics and coverage pages' adapters, inside the app but without a browser."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from types import ModuleType
from typing import Any

import dash
import pytest
from sqlalchemy.engine import URL

from dashboard.app import create_app
from geodata.settings import Settings


@pytest.fixture(scope="module")
def app(demo_url: URL) -> Iterator[dash.Dash]:
    yield create_app(Settings(database_url=demo_url.render_as_string(hide_password=False)))


@pytest.fixture
def page(app: dash.Dash) -> ModuleType:
    """The analytics page module, as Dash loaded it."""
    return sys.modules["pages.analytics"]


def ids(component: Any) -> set[str]:
    """Every string id in a Dash component tree."""
    found: set[str] = set()
    if isinstance(component, (list, tuple)):
        for child in component:
            found |= ids(child)
    elif hasattr(component, "to_plotly_json"):
        if isinstance(getattr(component, "id", None), str):
            found.add(component.id)
        found |= ids(getattr(component, "children", None))
    return found


def test_controls_parse_into_a_selection(page: ModuleType) -> None:
    values = {
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
    chosen = page.parse_selection(values, 12.7, 8)
    assert (chosen.first, chosen.last) == (date(2026, 5, 1), date(2026, 5, 31))
    assert chosen.categories == ("fire",) and chosen.agency_kind is None
    assert chosen.kecamatan_code == "99.99.01" and chosen.resolution == 9
    assert chosen.target_minutes == 12.0
    unchanged = page.parse_selection({**values, "target": None, "agency": "fire"}, None, 8)
    assert unchanged.resolution == 8 and unchanged.target_minutes is None
    assert unchanged.agency_kind == "fire"


def test_pages_build_with_every_output_of_their_callbacks(app: dash.Dash) -> None:
    analytics, coverage = sys.modules["pages.analytics"], sys.modules["pages.coverage"]
    with app.server.test_request_context("/analytics"):
        built = ids(analytics.layout(lang="en"))
        covered = ids(coverage.layout())
    assert {
        "an-heat",
        "an-grid",
        "an-trend",
        "an-summary",
        "an-worst",
        "an-by-agency",
        "an-by-category",
        "an-note",
        "an-calls",
        "an-report-button",
    } <= built
    assert {"cv-map", "cv-curve", "cv-gaps", "cv-cards", "cv-standard"} <= covered
    assert {"/analytics", "/coverage"} <= {p["path"] for p in dash.page_registry.values()}
