"""The supervisor's two clicks in headless Chromium: pick an incident, assign the fastest unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from tests.access import Person, browser_sign_in
from tests.browser import chromium

pytestmark = pytest.mark.browser


def test_pick_an_incident_and_assign_the_fastest_unit(
    live_app: str, live_demo_url: URL, artifacts_dir: Path, people: dict[str, Person]
) -> None:
    supervisor = people["supervisor"]
    with chromium(1500, 1000) as browser:
        wait = WebDriverWait(browser, 30)
        browser_sign_in(browser, live_app, supervisor, "/dispatch")
        actor = wait.until(ec.visibility_of_element_located((By.ID, "signed-in-as"))).text
        first = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".incident-pick")))
        incident_id = int(first.find_element(By.CSS_SELECTOR, ".what").text.split()[0][1:])
        first.click()  # click 1
        fastest = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "button.assign.fastest")))
        row = fastest.find_element(By.XPATH, "./ancestor::tr")
        call_sign, eta = (
            row.find_elements(By.TAG_NAME, "td")[0].text,
            row.find_element(By.CSS_SELECTOR, "td.eta").text,
        )
        wait.until(
            ec.presence_of_element_located((By.CSS_SELECTOR, "#dispatch-map .maplibregl-canvas"))
        )
        browser.save_screenshot(str(artifacts_dir / "dispatch_options.png"))
        fastest.click()  # click 2
        message = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".message.ok")))
        assert message.text == f"{call_sign} ditugaskan ke kejadian #{incident_id}."
        wait.until(lambda b: call_sign not in b.find_element(By.ID, "dispatch-options").text)
        browser.save_screenshot(str(artifacts_dir / "dispatch_assigned.png"))
    assert ":" in eta
    assert actor.startswith(supervisor.username)  # who assigns: the session, no text box
    engine = create_engine(live_demo_url)
    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT u.call_sign, u.status FROM dispatches d JOIN units u ON u.id = d.unit_id "
                "WHERE d.incident_id = :i AND d.assigned_by = :who AND d.cleared_at IS NULL"
            ),
            {"i": incident_id, "who": supervisor.username},
        ).all()
        audited = conn.execute(
            text("SELECT entity_id, details->>'call_sign' FROM audit_log "
                 "WHERE actor = :who AND action = 'dispatch.assign'"),
            {"who": supervisor.username},
        ).all()  # fmt: skip
    engine.dispose()
    assert [tuple(row) for row in stored] == [(call_sign, "dispatched")]
    assert [tuple(row) for row in audited] == [(str(incident_id), call_sign)]
