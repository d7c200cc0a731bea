"""An admin adds a unit on /admin in headless Chromium, then retires it (the demo stays as
it was for the other browser tests); a screenshot for a kepala dinas to read."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from tests.access import Person, browser_sign_in
from tests.browser import chromium

pytestmark = pytest.mark.browser


def choose(browser: object, wait: WebDriverWait, dropdown_id: str, typed: str) -> None:
    """Open a dropdown, type to filter its options, take the first."""
    wait.until(ec.element_to_be_clickable((By.ID, dropdown_id))).click()
    search = wait.until(ec.visibility_of_element_located(
        (By.CSS_SELECTOR, ".dash-dropdown-search, .dash-dropdown-content input")))  # fmt: skip
    search.send_keys(typed)
    search.send_keys(Keys.ENTER)
    wait.until(lambda b: typed.lower() in b.find_element(By.ID, dropdown_id).text.lower())
    browser.find_element(By.TAG_NAME, "h2").click()  # type: ignore[attr-defined]


def test_an_admin_adds_a_unit_and_retires_it(
    live_app: str, live_demo_url: URL, artifacts_dir: Path, people: dict[str, Person]
) -> None:
    admin = people["admin"]
    with chromium(1500, 1000) as browser:
        wait = WebDriverWait(browser, 30)
        browser_sign_in(browser, live_app, admin, "/admin")
        wait.until(ec.presence_of_element_located((By.ID, "admin-units")))
        call_sign = wait.until(ec.element_to_be_clickable((By.ID, "admin-call-sign")))
        call_sign.send_keys("DMK-UJI-1")
        choose(browser, wait, "admin-agency", "Damkar")
        choose(browser, wait, "admin-posko", "Markas")
        browser.find_element(By.ID, "admin-crew").send_keys("6")
        browser.find_element(By.ID, "admin-save").click()
        message = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".message.ok")))
        assert message.text == "Unit DMK-UJI-1 ditambahkan."
        row = wait.until(ec.presence_of_element_located(
            (By.XPATH, "//table[@id='admin-units']//tr[td[1]='DMK-UJI-1']")))  # fmt: skip
        cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
        browser.execute_script("window.scrollTo(0, 0)")  # the page's top; the table scrolled
        assert "last" in row.get_attribute("class")  # the row just added is marked
        browser.save_screenshot(str(artifacts_dir / "admin_units.png"))
        row.find_element(By.CSS_SELECTOR, "button.admin-retire").click()
        wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".message.ok"),
                                                    "dipensiunkan"))  # fmt: skip
    assert cells[:7] == ["DMK-UJI-1", "Damkar", "Markas Komando Damkar", "mobil pemadam",
                         "Siaga", "6", "ya"]  # fmt: skip
    engine = create_engine(live_demo_url)
    with engine.connect() as conn:
        stored = conn.execute(text(
            "SELECT u.vehicle_profile, u.crew_size, u.retired_at IS NOT NULL, s.name "
            "FROM units u JOIN stations s ON s.id = u.home_station_id "
            "WHERE u.call_sign = 'DMK-UJI-1'")).one()  # fmt: skip
        audited = conn.execute(text(
            "SELECT action FROM audit_log WHERE actor = :who AND entity = 'unit' ORDER BY id"),
            {"who": admin.username}).scalars().all()  # fmt: skip
    engine.dispose()
    assert tuple(stored) == ("fire_engine", 6, True, "Markas Komando Damkar")
    assert audited == ["unit.create", "unit.retire"]
