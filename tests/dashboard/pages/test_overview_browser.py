"""The first page in headless Chromium: the demo city's map renders posko and incidents."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from layers.city_map import ROAD_STYLE
from layers.palette import AGENCY_KIND_COLOURS, CATEGORY_COLOURS
from tests.access import Person, browser_sign_in
from tests.browser import chromium

pytestmark = pytest.mark.browser


def rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])


def pixels_near(image: np.ndarray, hex_colour: str, tolerance: int = 12) -> int:
    """How many pixels of ``image`` are within ``tolerance`` of a colour on every channel."""
    return int(
        (np.abs(image[..., :3].astype(int) - rgb(hex_colour)).max(axis=-1) <= tolerance).sum()
    )


def map_screenshot(browser: WebDriver) -> np.ndarray:
    element = browser.find_element(By.ID, "city-map")
    return np.asarray(Image.open(io.BytesIO(element.screenshot_as_png)).convert("RGB"))


def wait_for_rendered_map(browser: WebDriver, timeout_s: float = 45) -> np.ndarray:
    """Wait until MapLibre has painted our arterial roads and the incident markers."""
    WebDriverWait(browser, timeout_s).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#city-map .maplibregl-canvas"))
    )
    deadline = time.monotonic() + timeout_s
    while True:
        image = map_screenshot(browser)
        painted = pixels_near(image, ROAD_STYLE["arterial"][0]) > 500
        if painted or time.monotonic() > deadline:
            return image
        time.sleep(0.5)


def trace_names(browser: WebDriver) -> list[str]:
    names: list[str] = browser.execute_script(
        "return document.querySelector('#city-map .js-plotly-plot').data"
        ".map(t => t.name).filter(n => n)"
    )
    return names


def test_demo_city_map_shows_roads_posko_and_incidents(
    live_app: str, artifacts_dir: Path, people: dict[str, Person]
) -> None:
    with chromium() as browser:
        browser_sign_in(browser, live_app, people["call_taker"], "/")
        image = wait_for_rendered_map(browser)
        browser.save_screenshot(str(artifacts_dir / "overview_id.png"))
        banner = browser.find_element(By.ID, "synthetic").text
        count_text = browser.find_element(By.ID, "incident-count").text
        names = trace_names(browser)
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]

    assert "KOTA DEMO SINTETIS" in banner
    assert count_text.startswith("Kejadian 24 jam terakhir:")
    assert int(count_text.rsplit(":", 1)[1]) > 20
    assert {"Posko Damkar", "Posko Ambulans (PSC 119)", "Posko Polisi"} <= set(names)
    assert "Panggilan iseng" in names and "Kegawatdaruratan medis" in names
    assert pixels_near(image, ROAD_STYLE["arterial"][0]) > 500  # roads painted offline
    assert pixels_near(image, AGENCY_KIND_COLOURS["fire"]) > 10  # Damkar posko centres
    assert pixels_near(image, CATEGORY_COLOURS["prank"], tolerance=30) > 20  # incident markers
    assert errors == [], errors


def test_the_page_speaks_english_when_asked(
    live_app: str, artifacts_dir: Path, people: dict[str, Person]
) -> None:
    with chromium() as browser:
        browser_sign_in(browser, live_app, people["analyst"], "/?lang=en")
        wait_for_rendered_map(browser)
        browser.save_screenshot(str(artifacts_dir / "overview_en.png"))
        banner = browser.find_element(By.ID, "synthetic").text
        names = trace_names(browser)
    assert "SYNTHETIC DEMO CITY" in banner
    assert {"Prank call", "Posko Fire brigade (Damkar)"} <= set(names)
