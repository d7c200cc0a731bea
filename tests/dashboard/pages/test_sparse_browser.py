"""In headless Chromium, on a served app: every page of a city made from its boundary alone
says what is missing and how to add it (screenshots ``empty_city_*.png``), and a call
taker places an incident by clicking the map, saves it, and a supervisor finds it on
/dispatch (``manual_entry.png``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from geodata.db.embedded import EmbeddedPostgres, free_loopback_port
from tests.access import Person, add_people, browser_sign_in
from tests.browser import chromium
from tests.conftest import TEMPLATE, drop_database, new_database, wait_until_serving
from tests.dashboard.pages.sparse_city import BOUNDARY_ONLY, add_boundary_only_city
from tests.dashboard.pages.test_manual_entry import CODE, add_entry_city

pytestmark = pytest.mark.browser

#: The pages walked for the boundary-only city: the screenshot's name, and what shows
#: that the page's first callbacks have answered.
WALK = (("/", "overview", "#city-facts"), ("/dispatch", "dispatch", "#dispatch-queue"),
        ("/live", "live", "#live-facts"), ("/wall", "wall", "#wall-tiles"),
        ("/analytics", "analytics", "#an-by-agency .annotation-text"),
        ("/coverage", "coverage", "#cv-curve .annotation-text"),
        ("/perencanaan", "planning", "#pl-status"),
        ("/kejadian-baru", "manual_entry", "#ke-place"))  # fmt: skip
#: True once the element holds some text (its callback answered).
SHOWS_TEXT = "var e = document.querySelector(arguments[0]); return !!(e && e.textContent.trim());"


@pytest.fixture(scope="module")
def served(
    pg_cluster: EmbeddedPostgres, template_url: URL, artifacts_dir: Path
) -> Iterator[tuple[str, URL, dict[str, Person]]]:
    """``tanggap serve`` on a database with a boundary-only city and the entry city."""
    url = new_database(pg_cluster, TEMPLATE)
    engine = create_engine(url)
    with engine.begin() as conn:
        add_boundary_only_city(conn)
        add_entry_city(conn)
        people = add_people(conn)
    engine.dispose()
    port = free_loopback_port()
    env = {**os.environ, "TANGGAP_DATABASE_URL": url.render_as_string(hide_password=False),
           "TANGGAP_PORT": str(port), "TANGGAP_WORKERS": "1",
           "TANGGAP_PLANNING_WORKERS": "0"}  # fmt: skip
    log = (artifacts_dir / "sparse_app.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "dashboard", "serve"], env=env,
                               stdout=log, stderr=log)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process)
        yield base, url, people
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        drop_database(pg_cluster, url)


def test_a_boundary_only_city_says_on_every_page_what_to_add(
    served: tuple[str, URL, dict[str, Person]], artifacts_dir: Path
) -> None:
    base, _, people = served
    with chromium(1500, 1300) as browser:
        wait = WebDriverWait(browser, 30)
        browser_sign_in(browser, base, people["admin"], "/")
        for path, name, answered in WALK:
            browser.get(f"{base}{path}?city={BOUNDARY_ONLY}")
            notice = wait.until(ec.visibility_of_element_located((By.ID, "readiness")))
            assert "belum lengkap" in notice.text, path
            assert "tanggap " in notice.text, path  # a command to run
            if name != "manual_entry":  # its place line stays empty until a place is chosen
                try:
                    wait.until(lambda b, selector=answered: b.execute_script(SHOWS_TEXT, selector))
                except TimeoutException:
                    browser.save_screenshot(str(artifacts_dir / f"empty_city_{name}_failed.png"))
                    raise AssertionError(f"{path}: {answered} stayed empty") from None
            wait.until(lambda b: not b.find_elements(By.CSS_SELECTOR,
                                                     "[data-dash-is-loading='true']"))  # fmt: skip
            assert "Traceback" not in browser.page_source and "Error" not in browser.title
            browser.save_screenshot(str(artifacts_dir / f"empty_city_{name}.png"))


def _choose(browser: object, wait: WebDriverWait, element_id: str, typed: str) -> None:
    """Choose in a dcc.Dropdown as a person does: open it, type, press Enter."""
    dropdown = wait.until(ec.element_to_be_clickable((By.ID, element_id)))
    dropdown.click()
    ActionChains(browser).send_keys(typed).pause(0.3).send_keys(Keys.ENTER).perform()  # type: ignore[arg-type]


def test_a_call_taker_clicks_the_map_and_the_supervisor_sees_it(
    served: tuple[str, URL, dict[str, Person]], artifacts_dir: Path
) -> None:
    base, url, people = served
    with chromium(1500, 1000) as browser:
        wait = WebDriverWait(browser, 30)
        browser_sign_in(browser, base, people["call_taker"], f"/kejadian-baru?city={CODE}")
        canvas = wait.until(ec.presence_of_element_located(
            (By.CSS_SELECTOR, "#ke-map .maplibregl-canvas")))  # fmt: skip
        field = browser.find_element(By.ID, "ke-coordinates")
        wait.until(
            lambda b: b.execute_script(
                "var g = document.querySelector('#ke-map .js-plotly-plot');"
                "var m = g && g._fullLayout.map && g._fullLayout.map._subplot.map;"
                "return !!(m && m.__tanggapClicks);"
            )
        )
        ActionChains(browser).move_to_element_with_offset(canvas, 40, -30).click().perform()
        wait.until(lambda b: field.get_attribute("value"))
        place = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".ke-place.ok")))
        assert "di dalam Kota Grid" in place.text
        _choose(browser, wait, "ke-category", "Kebakaran")
        browser.find_element(By.ID, "ke-caller-name").send_keys("Ibu Sari")
        browser.find_element(By.ID, "ke-caller-phone").send_keys("0812 3456 7890")
        browser.find_element(By.ID, "ke-address").send_keys("Jl. Uji 3, dekat masjid")
        browser.find_element(By.ID, "ke-description").send_keys("Asap tebal dari atap rumah")
        browser.find_element(By.XPATH, "//label[contains(., '1 Kritis')]//input").click()
        browser.save_screenshot(str(artifacts_dir / "manual_entry.png"))
        browser.find_element(By.ID, "ke-save").click()
        stored = wait.until(ec.visibility_of_element_located((By.ID, "ke-stored")))
        incident_id = int(stored.text.split("#")[1].split()[0])
        browser.save_screenshot(str(artifacts_dir / "manual_entry_saved.png"))
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT category, priority, source FROM incidents WHERE id = :i"),
                           {"i": incident_id}).one()  # fmt: skip
    engine.dispose()
    assert tuple(row) == ("fire", 1, "manual")
    with chromium(1500, 1000) as browser:
        wait = WebDriverWait(browser, 30)
        browser_sign_in(browser, base, people["supervisor"], f"/dispatch?city={CODE}")
        queue = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".incident-pick")))
        assert f"#{incident_id} Kebakaran" in queue.text
        browser.save_screenshot(str(artifacts_dir / "manual_entry_on_dispatch.png"))
