"""The classroom app in a real browser: Debian's Chromium driven by Playwright, no internet.

`make test` (and so CI) installs Chromium first; the app is served by
`slacktivism app` on 127.0.0.1, and every request the page makes must stay
on that address (the front-end files come from solara-assets, not a CDN).
"""

import os
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from model.state import UserState
from tests.conftest import app_server
from viz.figures import STATE_COLOURS

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app_url():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)")
    with app_server() as url:
        yield url


@pytest.fixture
def page(app_url, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        requests, failures = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("requestfailed", lambda r: failures.append(r.url))
        page.goto(app_url)
        page.locator(".step-counter").wait_for(timeout=60_000)
        page.locator("svg.network-view circle").first.wait_for(timeout=60_000)
        page.requests, page.failures = requests, failures
        yield page
        page.screenshot(path=str(tmp_path / "app.png"), full_page=True)
        browser.close()


def _counter(page) -> int:
    return int(page.locator(".step-counter").inner_text().split()[1])


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def test_page_loads_with_its_assets_and_no_internet(page, app_url):
    assert page.requests, "no request recorded"
    local = (app_url.rstrip("/"), "data:", "blob:")
    outside = [u for u in page.requests if not u.startswith(local)]
    assert outside == [], outside
    assert page.failures == [], page.failures
    _wait_for(lambda: page.locator("svg.network-view circle").count() == 2000)
    assert _counter(page) == 0


def test_step_play_pause(page):
    board = page.locator(".scoreboard").inner_text()
    liked = f'circle[fill="{STATE_COLOURS[UserState.LIKED]}"]'
    assert page.locator(liked).count() == 0
    page.get_by_role("button", name="Step", exact=True).click()
    _wait_for(lambda: _counter(page) == 1)
    # The scoreboard and the network follow the model.
    _wait_for(lambda: page.locator(".scoreboard").inner_text() != board and page.locator(liked).count() > 0)
    page.get_by_role("button", name="Play").click()
    _wait_for(lambda: _counter(page) >= 4)
    page.get_by_role("button", name="Pause").click()
    time.sleep(1.0)
    paused = _counter(page)
    time.sleep(1.5)
    assert _counter(page) == paused


def test_changing_a_control_and_reset_rebuilds_the_model(page):
    page.get_by_role("button", name="Step", exact=True).click()
    _wait_for(lambda: _counter(page) == 1)
    users = page.get_by_label("Number of users")
    users.fill("300")
    users.press("Enter")
    page.get_by_role("button", name="Reset").click()
    _wait_for(lambda: _counter(page) == 0 and page.locator("svg.network-view circle").count() == 300)


def test_language_switch_changes_the_labels(page):
    page.get_by_role("button", name="id", exact=True).click()
    page.get_by_role("button", name="Langkah").wait_for(timeout=10_000)
    _wait_for(lambda: page.locator(".step-counter").inner_text().startswith("Langkah"))
    assert page.get_by_role("button", name="Step", exact=True).count() == 0


def test_side_by_side_shows_two_runs(page, tmp_path):
    page.locator("label", has_text="Compare two worlds (A and B)").click()
    page.get_by_role("button", name="Reset").click()
    _wait_for(lambda: page.locator("svg.network-view").count() == 2)
    page.get_by_role("button", name="Play").click()
    _wait_for(lambda: _counter(page) >= 5)
    pause = page.get_by_role("button", name="Pause")
    if pause.is_enabled():  # the campaign may settle by itself first, and then Pause is disabled
        try:
            pause.click(timeout=3000)
        except PlaywrightTimeout:
            assert not pause.is_enabled()
    _wait_for(lambda: page.locator(".difference").count() == 1 and page.locator(".scoreboard").count() == 2)
    assert page.locator(".difference").inner_text().startswith("B reached")
    page.screenshot(path=str(tmp_path / "side_by_side.png"), full_page=True)
    assert (tmp_path / "side_by_side.png").stat().st_size > 20_000
