"""The planner page in headless Chromium on the demo city: a run is queued, a worker of
the served app solves it, the page shows the sites, before and after and the replay; two
runs are saved, compared, and the DPRD summary downloaded and opened; a click on a proposed
posko shows what closing it would change, and a file of the planner's own sites joins the
next run. Screenshots are left in test-artifacts/ (planning_result_id.png,
planning_whatif_id.png, planning_compare_id.png, planning_dprd.png)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from tests.access import Person, browser_sign_in
from tests.browser import chromium
from tests.dashboard.pages.test_analytics_browser import (
    PLOT,
    plot_data,
    severe,
    wait_for,
    wait_for_map,
)

pytestmark = pytest.mark.browser


def plot_data_text(browser: WebDriver) -> list[str]:
    """The hover text of every point on the result map."""
    texts: list[str] = browser.execute_script(
        f"return {PLOT.format(id='pl-map')}._fullData.flatMap(t => Array.from(t.text || []));"
    )
    return texts


def text_of(browser: WebDriver, element_id: str) -> str:
    return browser.find_element(By.ID, element_id).text


def set_number(browser: WebDriver, element_id: str, value: str) -> None:
    field = browser.find_element(By.ID, element_id)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(value, Keys.TAB)


def click_new_posko(browser: WebDriver) -> str:
    """Click, as a person does, the first proposed posko on the result map; its name."""
    found = browser.execute_script(
        f"const gd = {PLOT.format(id='pl-map')}; const map = gd._fullLayout.map._subplot.map;"
        " const t = gd._fullData.find(t => t.name === 'Posko baru (usulan)');"
        " const p = map.project([t.lon[0], t.lat[0]]);"
        " const r = map.getCanvas().getBoundingClientRect();"
        " return [p.x - r.width / 2, p.y - r.height / 2, t.text[0]];"
    )
    canvas = browser.find_element(By.CSS_SELECTOR, "#pl-map canvas")
    ActionChains(browser).move_to_element_with_offset(canvas, int(found[0]), int(found[1])) \
        .pause(0.3).click().perform()  # fmt: skip
    return str(found[2]).split("<br>")[0].replace("<b>", "").replace("</b>", "")


def click_near_candidate(browser: WebDriver, index: int, dx: int, dy: int) -> None:
    """Click, as a person does, an empty place ``dx, dy`` pixels from a candidate."""
    found = browser.execute_script(
        f"const gd = {PLOT.format(id='pl-map')}; const map = gd._fullLayout.map._subplot.map;"
        " const t = gd._fullData.find(t => t.name === 'Kandidat');"
        f" const p = map.project([t.lon[{index}], t.lat[{index}]]);"
        " const r = map.getCanvas().getBoundingClientRect();"
        " return [p.x - r.width / 2, p.y - r.height / 2];"
    )
    canvas = browser.find_element(By.CSS_SELECTOR, "#pl-map canvas")
    ActionChains(browser).move_to_element_with_offset(
        canvas, int(found[0]) + dx, int(found[1]) + dy
    ).pause(0.3).click().perform()


def run_and_wait(browser: WebDriver) -> None:
    """Run, and wait for this run's end (its number differs from the last run's)."""
    before, shown = text_of(browser, "pl-figures"), text_of(browser, "pl-status")
    browser.find_element(By.ID, "pl-run").click()
    wait_for(browser, lambda: "Selesai" in (now := text_of(browser, "pl-status")) and now != shown,
             timeout_s=240)  # fmt: skip
    wait_for(browser, lambda: text_of(browser, "pl-figures") not in ("", before))


def save_as(browser: WebDriver, name: str) -> None:
    field = browser.find_element(By.ID, "pl-name")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(name)
    browser.find_element(By.ID, "pl-save").click()
    # this save's own message: the last one's is still on the page until it comes
    wait_for(browser, lambda: f"“{name}” tersimpan" in text_of(browser, "pl-saved"))


def test_the_planner_runs_saves_compares_and_exports(
    live_app: str, artifacts_dir: Path, tmp_path: Path, people: dict[str, Person]
) -> None:
    with chromium(1500, 2200) as browser:
        browser.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
        )
        browser_sign_in(browser, live_app, people["planner"], "/perencanaan")
        wait_for(browser, lambda: "Church & ReVelle" in text_of(browser, "pl-doc"))
        run_and_wait(browser)
        wait_for_map(browser, "pl-map")
        browser.save_screenshot(str(artifacts_dir / "planning_result_id.png"))
        traces = {trace["name"] for trace in plot_data(browser, "pl-map")}
        assert {"Posko baru (usulan)", "Posko sekarang", "Kandidat"} <= traces
        figures = text_of(browser, "pl-figures")
        assert "Penduduk terjangkau dalam target" in figures and "+" in figures
        assert "Semua" in text_of(browser, "pl-replay")
        assert "optimal" in text_of(browser, "pl-greedy")
        save_as(browser, "Usulan dua posko")

        # what-if: a click on a proposed posko closes it, at once and without a solver
        name = click_new_posko(browser)
        wait_for(browser, lambda: f"Jika {name} ditutup" in text_of(browser, "pl-whatif"))
        assert "Penduduk terjangkau dalam target" in text_of(browser, "pl-whatif")
        browser.execute_script("document.getElementById('pl-whatif').scrollIntoView()")
        browser.save_screenshot(str(artifacts_dir / "planning_whatif_id.png"))

        # the planner's own sites from a file: each listed with its status
        lon, lat = (float(v) for v in browser.execute_script(
            f"const t = {PLOT.format(id='pl-map')}._fullData.find(t => t.name === 'Kandidat');"
            " return [t.lon[0], t.lat[0]];"))  # fmt: skip
        sites = tmp_path / "lahan-pemda.csv"
        sites.write_text(f"nama,lintang,bujur\nLahan Pemda,{lat},{lon}\nMonas,-6.1754,106.8272\n")
        browser.find_element(By.CSS_SELECTOR, "#pl-upload input[type=file]").send_keys(str(sites))
        wait_for(browser, lambda: "1 dari 2 lokasi" in text_of(browser, "pl-upload-list"))
        assert "di luar kota" in text_of(browser, "pl-upload-list")
        # a click on an empty place: a posko there, at once; and a candidate of the next run
        click_near_candidate(browser, 5, 12, 0)
        wait_for(
            browser, lambda: "Jika posko baru di titik peta 2" in text_of(browser, "pl-whatif")
        )

        set_number(browser, "pl-k", "4")
        run_and_wait(browser)
        assert "Lahan Pemda" in str(plot_data_text(browser))
        assert "titik peta 2" in str(plot_data_text(browser))
        assert text_of(browser, "pl-whatif") == ""  # the last run's what-if is gone
        save_as(browser, "Usulan empat posko")
        wait_for(browser, lambda: len(browser.find_elements(
            By.CSS_SELECTOR, "#pl-scenarios input")) == 2)  # fmt: skip
        # who saved them comes from the session, not from anything the page sent
        assert text_of(browser, "pl-scenarios").count(people["planner"].username) == 2
        for box in browser.find_elements(By.CSS_SELECTOR, "#pl-scenarios input"):
            box.click()
        wait_for(browser, lambda: "Usulan empat posko" in text_of(browser, "pl-compare"))
        compared = text_of(browser, "pl-compare")
        assert "Penduduk dalam target, usulan" in compared
        browser.execute_script("document.getElementById('pl-compare').scrollIntoView()")
        time.sleep(0.5)
        browser.save_screenshot(str(artifacts_dir / "planning_compare_id.png"))

        browser.find_element(By.CSS_SELECTOR, "button[id*='summary']").click()
        wait_for(browser, lambda: list(tmp_path.glob("*ringkasan.html")))
        summary = next(tmp_path.glob("*ringkasan.html"))
        assert "Usulan Lokasi Posko Baru" in summary.read_text()
        assert not severe(browser), severe(browser)
    with chromium(900, 1300) as page:
        page.get(summary.as_uri())
        page.save_screenshot(str(artifacts_dir / "planning_dprd.png"))
