"""A real browser (headless Chromium) reads the redline and the mandate timeline.

Needs Debian's chromium and chromium-driver; `.ci/run` installs them and sets
COSP_REQUIRE_BROWSER=1, so in CI a missing browser fails instead of skipping.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlite_utils

from pipelines.database.build import build
from pipelines.corpus.ingest import BUNDLED

OUT = Path(__file__).parent / "output"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _need_browser():
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        if os.environ.get("COSP_REQUIRE_BROWSER"):
            pytest.fail("chromium and chromium-driver are required here (apt-get install chromium chromium-driver)")
        pytest.skip("headless Chromium not installed (apt-get install chromium chromium-driver)")
    pytest.importorskip("selenium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _need_browser()
    db_path = tmp_path_factory.mktemp("browser") / "cosp.db"
    build([BUNDLED], db_path)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--db", str(db_path), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=Path(__file__).parent.parent)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("cosp serve did not start")
    yield base, sqlite_utils.Database(db_path)
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(server, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1300,1600", f"--user-data-dir={tmp_path_factory.mktemp('chrome')}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def test_redline_shows_insertions_and_deletions(server, browser):
    from selenium.webdriver.common.by import By

    base, _ = server
    browser.get(base + "/-/cosp/redline")
    ins = [e for e in browser.find_elements(By.TAG_NAME, "ins") if e.is_displayed()]
    dels = [e for e in browser.find_elements(By.TAG_NAME, "del") if e.is_displayed()]
    assert len(ins) > 20 and len(dels) > 20
    assert any("as permitted under their domestic legal and regulatory frameworks" in e.text for e in ins)
    badges = {e.text for e in browser.find_elements(By.CSS_SELECTOR, ".badge") if e.is_displayed()}
    assert {"moved", "merged", "split", "softened"} <= badges
    OUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUT / "redline.png"))
    assert (OUT / "redline.png").stat().st_size > 10_000


def test_mandate_timeline_shows_the_thread(server, browser):
    from selenium.webdriver.common.by import By

    base, db = server
    thread = next(db.query("select thread from mandates where document = '001_2874813f072c823d.txt' and at = '7'"))
    browser.get(base + "/-/cosp/mandate?thread=" + quote(thread["thread"]))
    steps = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".step h2") if e.is_displayed()]
    assert steps == ["Resolution 6/2", "Resolution 7/1", "Resolution 8/9"]
    sightings = [e for e in browser.find_elements(By.CSS_SELECTOR, ".sighting") if e.is_displayed()]
    assert len(sightings) >= 6
    OUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUT / "mandate_timeline.png"))


def _from_home(browser, base: str, *links: str) -> None:
    """Open `/` and click the links named, in turn (a link text, or a CSS selector)."""
    from selenium.webdriver.common.by import By

    browser.get(base + "/")
    for link in links:
        how = By.CSS_SELECTOR if link.startswith(("a[", "table ")) else By.LINK_TEXT
        browser.find_element(how, link).click()


def test_a_reader_walks_from_the_home_page_to_the_pages_and_a_chart(server, browser):
    """From `/`, by clicking: every document, a reading page with guideline text, resolution 7/1,
    an addressee, the redline, and a chart drawn in the page (no file from the internet)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = server
    _from_home(browser, base, "every document", "CAC/COSP/WG.2/2018/5")
    assert "States should be able to transmit information spontaneously" in browser.page_source
    _from_home(browser, base, "resolution 7/1")
    assert "7/1" in browser.title
    _from_home(browser, base, "who is asked to act", "the Secretariat")
    assert "Mandates addressed to the Secretariat" in browser.page_source
    _from_home(browser, base)
    browser.find_element(By.PARTIAL_LINK_TEXT, "guideline redline").click()
    assert "Legend:" in browser.page_source
    _from_home(browser, base, "stated figures over time")
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".datasette-vega canvas, "
                                                                                 ".datasette-vega svg, canvas.marks"))
    scripts = [e.get_attribute("src") or "" for e in browser.find_elements(By.TAG_NAME, "script")]
    assert all(s.startswith(base) or not s for s in scripts), scripts
    OUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUT / "chart.png"))


def test_a_reader_reaches_a_thread_timeline_and_a_network_page_from_the_home_page(server, browser):
    from selenium.webdriver.common.by import By

    base, _ = server
    _from_home(browser, base, "mandate threads", "table a[href^='/-/cosp/mandate?thread=']")
    assert browser.find_elements(By.CSS_SELECTOR, ".timeline .sighting")
    _from_home(browser, base, "networks", "table a[href^='/-/cosp/network?name=']")
    assert "Every mention, document by document" in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, ".ctx mark")


def test_a_reader_goes_from_a_country_to_its_regional_group_and_its_members(server, browser):
    from selenium.webdriver.common.by import By

    base, _ = server
    _from_home(browser, base, "countries", "table a[href^='/-/cosp/country?name=']")
    assert "Every mention, document by document" in browser.page_source
    browser.find_element(By.CSS_SELECTOR, "a[href^='/-/cosp/group?name=']").click()
    members = browser.find_elements(By.CSS_SELECTOR, "a[href^='/-/cosp/country?name=']")
    assert "Members (" in browser.page_source and members
    members[0].click()
    assert browser.find_element(By.TAG_NAME, "h1").text
