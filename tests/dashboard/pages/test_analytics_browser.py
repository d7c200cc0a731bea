"""The analytics and coverage pages in headless Chromium on the demo city: the heatmap and
the hour × weekday grid render, a click re-aggregates by kelurahan, a CSV downloads, the
call tab and the coverage page draw; screenshots are left in test-artifacts/."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.access import Person, browser_sign_in
from tests.browser import chromium

pytestmark = pytest.mark.browser

PLOT = "document.querySelector('#{id} .js-plotly-plot')"


def plot_data(browser: WebDriver, graph_id: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = browser.execute_script(
        f"const gd = {PLOT.format(id=graph_id)}; return gd && gd._fullData ? "
        "gd._fullData.map(t => ({type: t.type, name: t.name,"
        " n: (t.locations || t.z || t.x || []).length,"
        " ids: Array.from(t.locations || []).slice(0, 3)}))"
        " : [];"
    )
    return data


def wait_for(browser: WebDriver, check: Callable[[], Any], timeout_s: float = 60) -> Any:
    return WebDriverWait(browser, timeout_s, poll_frequency=0.5).until(lambda _: check())


def wait_for_map(browser: WebDriver, graph_id: str) -> None:
    """Until the MapLibre map has loaded its style and drawn the first frame."""
    wait_for(
        browser,
        lambda: browser.execute_script(
            f"const gd = {PLOT.format(id=graph_id)}; return gd && gd._fullLayout && "
            "gd._fullLayout.map && gd._fullLayout.map._subplot.map.loaded();"
        ),
    )
    time.sleep(1.0)  # let the tiles of our own vector layers paint


def click_label(browser: WebDriver, group_id: str, text: str) -> None:
    """Click the option labelled ``text`` of the radio group ``group_id``."""
    browser.find_element(By.XPATH, f"//*[@id='{group_id}']//label[contains(., '{text}')]").click()


def severe(browser: WebDriver) -> list[dict[str, Any]]:
    return [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_analytics_page_renders_heatmap_grid_and_calls(
    live_app: str, artifacts_dir: Path, tmp_path: Path, people: dict[str, Person]
) -> None:
    with chromium(1500, 2300) as browser:
        browser.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
        )
        browser_sign_in(browser, live_app, people["analyst"], "/analytics")
        wait_for(browser, lambda: plot_data(browser, "an-heat") and plot_data(browser, "an-grid"))
        wait_for_map(browser, "an-heat")
        browser.save_screenshot(str(artifacts_dir / "analytics_id.png"))
        heat, grid = plot_data(browser, "an-heat"), plot_data(browser, "an-grid")
        title = browser.find_element(By.ID, "an-heat-title").text
        note = browser.find_element(By.ID, "an-note").text
        summary = browser.find_element(By.ID, "an-summary").text

        click_label(browser, "an-cells", "Kelurahan")
        wait_for(
            browser,
            lambda: any(
                t["ids"] and str(t["ids"][0]).startswith("99.99.")
                for t in plot_data(browser, "an-heat")
            ),
        )
        by_kelurahan = plot_data(browser, "an-heat")

        browser.execute_script(
            'document.getElementById(\'{"format":"csv","layer":"heat",'
            '"type":"an-export"}\').click()'
        )
        csv = wait_for(browser, lambda: next(iter(tmp_path.glob("*heat*.csv")), None))

        browser.find_elements(By.CSS_SELECTOR, ".tab")[1].click()
        wait_for(browser, lambda: plot_data(browser, "an-outcomes"))
        wait_for_map(browser, "an-pranks")
        browser.execute_script("window.scrollTo(0, 0)")
        browser.save_screenshot(str(artifacts_dir / "analytics_calls_id.png"))
        outcomes = plot_data(browser, "an-outcomes")
        errors = severe(browser)

    assert title == "Persentil ke-90 waktu tanggap (menit)"
    assert heat[0]["type"] == "choroplethmap" and heat[0]["n"] > 30  # H3 hexagons coloured
    assert any(t["name"].startswith("Data terlalu sedikit") for t in heat[1:])
    assert grid[0]["type"] == "heatmap" and grid[0]["n"] == 7  # one row per weekday
    assert "kejadian (unit pertama yang tiba)" in note and "Waktu tanggap" in summary
    assert sum(t["n"] for t in by_kelurahan) == 23  # every kelurahan of the demo city
    table = pd.read_csv(io.StringIO(csv.read_text(encoding="utf-8")))
    assert {"cell_id", "p90_s", "compliance", "too_few"} <= set(table.columns)
    assert table["cell_id"].str.startswith("99.99.").all() and len(table) == 23
    assert outcomes[0]["type"] == "bar" and outcomes[0]["n"] == 6
    assert errors == [], errors


def test_coverage_page_and_english(
    live_app: str, artifacts_dir: Path, people: dict[str, Person]
) -> None:
    with chromium(1500, 1700) as browser:
        browser_sign_in(browser, live_app, people["planner"], "/coverage")
        wait_for(browser, lambda: plot_data(browser, "cv-map"))
        wait_for_map(browser, "cv-map")
        browser.save_screenshot(str(artifacts_dir / "coverage_id.png"))
        bands = [t["name"] for t in plot_data(browser, "cv-map") if t["type"] == "choroplethmap"]
        standard = browser.find_element(By.ID, "cv-standard").text
        cards = browser.find_element(By.ID, "cv-cards").text

        click_label(browser, "cv-mode", "Unit siaga saat ini")
        wait_for(browser, lambda: "unit siaga" in browser.find_element(By.ID, "cv-cards").text)
        live = browser.find_element(By.ID, "cv-cards").text

        browser.get(live_app + "/analytics?lang=en")
        wait_for(browser, lambda: plot_data(browser, "an-heat") and plot_data(browser, "an-grid"))
        wait_for_map(browser, "an-heat")
        browser.save_screenshot(str(artifacts_dir / "analytics_en.png"))
        title = browser.find_element(By.ID, "an-heat-title").text
        errors = severe(browser)

    assert "≤ 5 menit" in bands
    assert standard.startswith("Permendagri 114/2018: 15 menit sejak laporan")
    assert "Wilayah terjangkau" in cards and "%" in cards
    assert "Unit siaga saat ini" in live
    assert title == "90th percentile of response time (min)"
    assert errors == [], errors
