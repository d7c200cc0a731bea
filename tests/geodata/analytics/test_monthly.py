"""Standards, the page's selection and the monthly gathering on the generated log."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest
from sqlalchemy import Engine

from geodata import map_queries
from geodata.analytics.monthly import gather_monthly, month_bounds, parse_month, previous_month
from geodata.analytics.selection import Selection, calls_view, local_range, response_view
from geodata.analytics.standards import AnalyticsConfig
from geodata.settings import Settings
from layers.analytics.monthly_report import monthly_report_html
from tests.geodata.analytics.generated_log import Log


def test_fire_standard_is_named_and_its_budget_subtracts_the_allowance() -> None:
    fire = AnalyticsConfig().standard("fire")
    assert fire.name == "Permendagri 114/2018" and fire.is_regulation
    assert (fire.target_s, fire.allowance_s, fire.travel_budget_s) == (900, 300, 600)
    assert AnalyticsConfig().standard("unknown kind").agency_kind == "other"


def test_settings_and_page_can_change_targets() -> None:
    settings = Settings(
        response_targets_min={"fire": 10},
        analytics_min_count=5,
        analytics_heat_resolution=9,
        response_allowances_min={"ambulance": 2},
    )
    config = AnalyticsConfig.from_settings(settings)
    assert config.min_count == 5 and config.heat_resolution == 9
    assert config.standard("fire").target_s == 600
    assert not config.standard("fire").is_regulation
    assert config.standard("ambulance").allowance_s == 120
    chosen = AnalyticsConfig().with_target("fire", None, 3)
    assert chosen.standard("fire").is_regulation and chosen.standard("fire").travel_budget_s == 720
    assert AnalyticsConfig().with_target("fire", 20, None).standard("fire").name == "Target pilihan"


def test_months_are_local() -> None:
    start, end = month_bounds(parse_month("2026-05"), "Asia/Jakarta")
    assert start.astimezone(UTC) == datetime(2026, 4, 30, 17, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 5, 31, 17, tzinfo=UTC)
    assert month_bounds(date(2026, 12, 1), "Asia/Jakarta")[1].year == 2027
    assert previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_month("Mei 2026")


def test_selection_views_use_incidents_or_the_chosen_agency(engine: Engine, log: Log) -> None:
    config = AnalyticsConfig()
    with engine.connect() as conn:
        city = map_queries.city_summary(conn)
        assert city is not None
        everyone = response_view(conn, city, Selection(date(2026, 5, 4), date(2026, 5, 18)), config)
        police = response_view(
            conn,
            city,
            Selection(
                date(2026, 5, 4),
                date(2026, 5, 18),
                agency_kind="police",
                cells="kelurahan",
                target_minutes=12,
            ),
            config,
        )
        calls = calls_view(conn, city, date(2026, 5, 4), date(2026, 5, 18))
    emergencies = log.incidents["category"].isin(
        ["fire", "health", "crime", "flood", "traffic_accident"]
    )
    assert len(everyone.frame) == int(emergencies.sum())
    assert len(police.frame) == int(log.dispatches["call_sign"].str.startswith("POL").sum())
    assert police.target_s == 720.0 and set(police.heat["cell_id"]) == {
        "00.01.01.1001",
        "00.01.01.1002",
    }
    assert set(everyone.layers()) == {
        "heat",
        "grid",
        "trend",
        "summary",
        "worst",
        "by_agency",
        "by_category",
        "intervals",
    }
    assert everyone.period == "day" and int(calls.totals["calls"].sum()) == len(log.incidents)
    start, end = local_range(date(2026, 5, 4), date(2026, 5, 4), "Asia/Jakarta")
    assert (end - start).total_seconds() == 86_400
    with pytest.raises(ValueError):
        Selection(date(2026, 5, 4), date(2026, 5, 1))


def test_monthly_gathering_and_report(engine: Engine, log: Log, network: object) -> None:
    with engine.connect() as conn:
        city = map_queries.city_summary(conn)
        assert city is not None
        data = gather_monthly(
            conn,
            city,
            date(2026, 5, 1),
            AnalyticsConfig(),
            generated_at=datetime(2026, 6, 1, 2, tzinfo=UTC),
        )
    response = data.summary.set_index("interval").loc["response"]
    on_scene = log.incidents.dropna(subset=["on_scene_at"])
    on_scene = on_scene[on_scene["category"] != "prank"]
    assert response["rows"] == len(
        log.incidents[
            log.incidents["category"].isin(["fire", "health", "crime", "flood", "traffic_accident"])
        ]
    )
    assert data.previous_summary["rows"].tolist() == [0, 0, 0, 0]
    assert int(data.outcomes["calls"].sum()) == len(log.incidents)
    assert [c.agency_kind for c in data.coverage] == ["fire", "ambulance"]
    assert np.isclose(data.coverage[0].standard.travel_budget_s, 600)
    html = monthly_report_html(data)
    assert "Mei 2026" in html and "Kota Uji" in html and "Permendagri 114/2018" in html
    assert "<script src=" not in html  # self-contained: plotly.js inlined
    assert html.count("Plotly.newPlot") == 8
    english = monthly_report_html(data, "en")
    assert "May 2026" in english and "Response-Time Monthly Report" in english
