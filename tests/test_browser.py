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
    downloads = tmp_path_factory.mktemp("downloads")
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1300,1600", f"--user-data-dir={tmp_path_factory.mktemp('chrome')}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.set_page_load_timeout(30)
    driver.downloads = downloads
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
    _from_home(browser, base, "Documents", "CAC/COSP/WG.2/2018/5")
    assert "States should be able to transmit information spontaneously" in browser.page_source
    _from_home(browser, base, "Resolution 7/1")
    assert "7/1" in browser.title
    _from_home(browser, base, "everyone asked to act", "the Secretariat")
    assert "Mandates addressed to the Secretariat" in browser.page_source
    _from_home(browser, base, "The guideline redline")
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
    _from_home(browser, base, "a[href='/-/cosp/threads']", "table a[href^='/-/cosp/mandate?thread=']")
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


def _visible(browser, css: str) -> list:
    from selenium.webdriver.common.by import By

    return [e for e in browser.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]


def test_a_delegate_sees_what_7_1_asked_the_secretariat_and_who_reported_it_in_two_clicks(server, browser):
    base, _ = server
    _from_home(browser, base, "all resolutions", "7/1")  # click 1, click 2
    who = _visible(browser, "details.who > summary")
    assert who and who[0].text.startswith("the Secretariat")
    reports = _visible(browser, "details.who[open] a.place")
    assert reports and all("/-/cosp/document/" in a.get_attribute("href") for a in reports)
    assert any("CAC/COSP/WG.2/2018/2, para. 36" in a.text for a in reports)
    OUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUT / "resolution_7_1.png"))


def test_a_delegate_sees_the_working_groups_mandates_newest_first_in_two_clicks(server, browser):
    from selenium.webdriver.common.by import By

    base, _ = server
    _from_home(browser, base, "everyone asked to act", "the Working Group on Asset Recovery")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Mandates addressed to the Working Group on Asset Recovery")
    dates = [e.text for e in _visible(browser, "table.rows-and-columns tbody td:nth-child(2)")]
    assert len(dates) > 3 and dates == sorted(dates, reverse=True)


def test_staff_find_the_softened_obligations_and_take_the_redline_away_as_word_in_two_clicks(server, browser):
    import docx

    base, _ = server
    _from_home(browser, base, "The guideline redline", "Show only obligation shifts")
    assert _visible(browser, ".badge.softened")
    _from_home(browser, base, "The guideline redline", "a[href^='/-/cosp/redline.docx']")
    for _ in range(100):
        found = list(browser.downloads.glob("*.docx"))
        if found:
            break
        time.sleep(0.1)
    assert found, "the .docx did not download"
    body = docx.Document(str(found[0])).element.body
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert body.findall(f".//{w}ins") and body.findall(f".//{w}del")


def test_a_researcher_reaches_the_documents_citing_71_208_in_two_clicks(server, browser):
    from selenium.webdriver.common.by import By

    base, _ = server
    _from_home(browser, base, "all resolutions", "A/RES/71/208")
    assert "Resolution A/RES/71/208" in browser.find_element(By.TAG_NAME, "h1").text
    citing = browser.find_elements(By.XPATH, "//h2[.='Documents citing it']/following-sibling::ul[1]/li/a[1]")
    assert citing and citing[0].text


def test_the_search_box_in_the_header_finds_a_network_by_its_acronym(server, browser):
    from selenium.webdriver.common.by import By

    base, _ = server
    browser.get(base + "/-/cosp/documents")
    box = browser.find_element(By.CSS_SELECTOR, "header form.cosp-search input[name=q]")
    box.send_keys("CARIN")
    box.submit()
    browser.find_element(By.PARTIAL_LINK_TEXT, "Camden Asset Recovery Inter-Agency Network (CARIN)").click()
    assert "Every mention, document by document" in browser.page_source


def test_every_page_fits_a_400_px_screen(server, browser):
    """From the home page, by clicking, at 400 px: no page is wider than the screen."""
    from selenium.webdriver.common.by import By

    base, _ = server
    # A desktop window cannot be made narrower than ~500 px: the screen is emulated at 400.
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 400, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    try:
        width = browser.execute_script("return window.innerWidth")
        assert width == 400
        paths = [(), ("Documents",), ("all resolutions",), ("Resolution 7/1",), ("The guideline redline",),
                 ("everyone asked to act", "the Working Group on Asset Recovery"), ("a[href='/-/cosp/threads']",),
                 ("a[href='/-/cosp/threads']", "table a[href^='/-/cosp/mandate?thread=']"),
                 ("networks",), ("Documents", "CAC/COSP/WG.2/2018/5")]
        OUT.mkdir(exist_ok=True)
        for n, path in enumerate(paths):
            _from_home(browser, base, *path)
            wide = browser.execute_script("return document.documentElement.scrollWidth")
            browser.save_screenshot(str(OUT / f"narrow_{n}.png"))
            assert wide <= width, (path, wide, width, browser.current_url)
        browser.get(base + "/-/cosp/search?q=asset+recovery")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
        assert browser.find_element(By.CSS_SELECTOR, "ol.results li")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
