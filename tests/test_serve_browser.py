"""The web checker in a real browser: Debian's chromium, headless, driven by Selenium through
the system chromedriver (nothing is downloaded), against a real ``python -m derive.serve``.

A student opens an exercise, types an answer, sees the preview (rendered by the bundled
KaTeX) and the verdict the CLI gives; checks a derivation and sees the first wrong line
marked; switches to Czech. Each page is saved as a screenshot under tests/artifacts/serve/
(or $DERIVE_TEST_ARTIFACTS). Needs the Debian packages chromium and chromium-driver.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from serve_helpers import ARTIFACTS, running_server

from derive.homework.check import grade

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("DERIVE_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("DERIVE_CHROMEDRIVER", "/usr/bin/chromedriver")


def _missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            return f"{path} is missing (Debian packages chromium, chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def server():
    with running_server("--workers", "2") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    why = _missing()
    if why is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {why}")
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="derive-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-extensions",
        "--window-size=1200,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _shot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    height = driver.execute_script("return document.documentElement.scrollHeight") + 150
    driver.set_window_size(1200, min(max(int(height) + 40, 700), 4000))
    assert driver.save_screenshot(str(path))
    driver.set_window_size(1200, 1000)
    return path


def _wait(driver, condition, seconds: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, poll_frequency=0.1).until(condition)


def _no_console_errors(driver) -> None:
    """No CSP violation, no failed script: the browser's console has no errors."""
    try:
        logs = driver.get_log("browser")
    except Exception:  # not every driver exposes the log
        return
    errors = [entry["message"] for entry in logs if entry["level"] == "SEVERE"]
    assert errors == [], errors


def test_a_student_checks_an_answer_with_preview_and_verdict(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".asks .katex"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "ol.exercises li")) >= 20
    _shot(browser, "1-exercises")

    browser.find_element(By.LINK_TEXT, "ce-dw").click()
    box = _wait(browser, lambda d: d.find_element(By.ID, "answer"))
    box.send_keys("x_j(y - a)")
    preview = _wait(
        browser, lambda d: d.find_element(By.CSS_SELECTOR, "#preview-math .katex") or False
    )
    assert preview.is_displayed()
    annotation = browser.find_element(By.CSS_SELECTOR, "#preview-math annotation").get_attribute(
        "textContent"
    )
    expected = grade("ce-dw", "x_j(y - a)")
    assert annotation == expected.read_as  # the preview shows what is graded
    _shot(browser, "2-exercise-preview")

    browser.find_element(By.ID, "check").click()
    result = _wait(browser, lambda d: d.find_element(By.ID, "result"))
    assert result.get_attribute("data-verdict") == expected.verdict == "incorrect"
    assert browser.find_element(By.ID, "feedback").text == expected.feedback
    _shot(browser, "3-exercise-verdict")

    browser.find_element(By.ID, "lang-cs").click()
    _wait(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "cs")
    box = browser.find_element(By.ID, "answer")
    box.send_keys("x_j(\\sigma(z) - y)")
    browser.find_element(By.ID, "check").click()
    _wait(browser, lambda d: d.find_element(By.ID, "result"))
    expected = grade("ce-dw", "x_j(\\sigma(z) - y)", lang="cs")
    assert browser.find_element(By.ID, "feedback").text == expected.feedback == "Správně."
    assert "Zkontrolovat" in browser.find_element(By.ID, "check").text
    _shot(browser, "4-exercise-cs")
    _no_console_errors(browser)


def test_a_student_checks_a_derivation(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/steps?lang=en")
    browser.find_element(By.LINK_TEXT, "mse-gradient").click()
    area = _wait(browser, lambda d: d.find_element(By.ID, "text"))
    text = area.get_attribute("value")
    assert "= (a - y) a (1 - a) x" in text
    area.clear()
    area.send_keys(text.replace("= (a - y) a (1 - a) x", "= (a - y) a (1 + a) x"))
    browser.find_element(By.ID, "check-steps").click()
    marked = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "tr.first-wrong"), 90)
    assert marked.get_attribute("data-verdict") == "wrong"
    assert "first wrong line" in marked.text
    ok_rows = browser.find_elements(By.CSS_SELECTOR, "tr[data-verdict=ok]")
    assert len(ok_rows) >= 4
    _shot(browser, "5-derivation")
    _no_console_errors(browser)


def test_the_lecture_and_instructor_pages(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/lecture?lang=cs")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".derivation .katex-display"), 240)
    checked = browser.find_elements(By.CSS_SELECTOR, ".derivation .checked")
    assert checked and all(c.text.startswith("Právě ověřeno") for c in checked)
    _shot(browser, "6-lecture-cs")

    browser.get(server + "/instructor?lang=en")
    assert browser.find_element(By.ID, "token").get_attribute("type") == "password"
    _shot(browser, "7-instructor")
    browser.get(server + "/api?lang=en")
    _shot(browser, "8-api")
    _no_console_errors(browser)


def test_an_instructor_opens_the_class_report_offline_and_sees_the_math(tmp_path, browser):
    """The report of ``derive.check --batch … --report class.html`` is one file: opened from
    disk, with nothing else next to it, its wrong answers are rendered by the KaTeX inside it
    (the same 0.19.1 as the web page), fonts included."""
    from selenium.webdriver.common.by import By

    from derive.homework.check import main

    source = tmp_path / "class.csv"
    source.write_text(
        "student,exercise,answer\nana,ce-db,a-y\nbo,ce-db,\\frac{a-y}{a(1-a)}\n"
        "cyril,ce-db,\\frac{a-y}{a(1-a)}\n",
        encoding="utf-8",
    )
    report = tmp_path / "alone" / "class.html"
    report.parent.mkdir()
    args = ["--batch", str(source), "-o", str(tmp_path / "out.csv"), "--no-progress"]
    assert main([*args, "--report", str(report)]) == 0
    assert sorted(p.name for p in report.parent.iterdir()) == ["class.html"]
    browser.get(report.as_uri())
    math = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".tex .katex"))
    tex = math[0].find_element(By.CSS_SELECTOR, "annotation").get_attribute("textContent")
    assert tex.startswith("\\frac{a - y}{a")  # the wrong answer, read as a fraction
    version = browser.execute_script("return window.katex.version")
    assert version == "0.19.1"
    fonts = browser.execute_script(
        "return document.fonts.ready.then(() => document.fonts.check('16px KaTeX_Main'))"
    )
    assert fonts is True
    _shot(browser, "6-class-report-offline")
    _no_console_errors(browser)
