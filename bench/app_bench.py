"""App speed (part of `make bench`): a step plus its redraw, at 2,000 and 100,000 users.

1. Server side, in-process (solara.render): the time from pressing Step to the
   re-rendered page (model step, scoreboard, chart PNG, network SVG).
2. In a real browser (Debian's Chromium through Playwright, if installed):
   the time from clicking Step to the new step number on screen.
Targets: <= 200 ms at 2,000 users; the page stays responsive at 100,000 users
through the sampled view.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def _page_with_users(n: int):
    import ipyvuetify as v
    import solara

    from viz.app import Page

    _, rc = solara.render(Page(), handle_error=False)
    users = rc.find(v.TextField, label="Number of users").widget
    users.v_model = str(n)
    users.fire_event("focusout", None)
    rc.find(v.Btn, children=["Reset"]).widget.click()
    return rc


def server_ms(n: int, clicks: int = 10) -> float:
    import ipyvuetify as v
    from run_bench import timed_calls

    rc = _page_with_users(n)
    step = rc.find(v.Btn, children=["Step"]).widget
    step.click()  # warm up
    return float(np.median(timed_calls(step.click, clicks))) * 1000


#: Measured inside the page: from the click on Step to the first paint after the new step number
#: (and the redrawn network, sent in the same update) is in the DOM.
CLICK_TO_PAINT = """async (i) => {
  const button = [...document.querySelectorAll('button.step')][0];
  const start = performance.now();
  button.click();
  await new Promise(resolve => {
    const done = () => document.querySelector('.step-counter').innerText.startsWith('Step ' + i);
    if (done()) return resolve();
    const observer = new MutationObserver(() => { if (done()) { observer.disconnect(); resolve(); } });
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  });
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - start;
}"""


def browser_ms(n: int, clicks: int = 8) -> float | None:
    if not os.path.exists("/usr/bin/chromium"):
        return None
    from playwright.sync_api import sync_playwright

    from tests.conftest import app_server

    with app_server() as url:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(url)
            page.locator("svg.network-view circle").first.wait_for(timeout=60_000)
            users = page.get_by_label("Number of users")
            users.fill(str(n))
            users.press("Enter")
            page.get_by_role("button", name="Reset").click()
            page.wait_for_function("document.querySelector('.step-counter').innerText.trim() === 'Step 0'")
            times = [page.evaluate(CLICK_TO_PAINT, i) for i in range(1, clicks + 1)]
            browser.close()
        return float(np.median(times))


def table() -> str:
    rows = ["| measurement | 2,000 users | 100,000 users (sampled view of 2,000) | target |", "|---|---|---|---|"]
    server = {n: server_ms(n) for n in (2000, 100_000)}
    browser = {n: browser_ms(n) for n in (2000, 100_000)}
    rows.append(f"| Step pressed to page re-rendered, server side (median of 10) | {server[2000]:.0f} ms | "
                f"{server[100_000]:.0f} ms | <= 200 ms at 2,000 |")
    if browser[2000] is not None:
        rows.append(f"| Step clicked to the new step painted, in Chromium (median of 8) | {browser[2000]:.0f} ms | "
                    f"{browser[100_000]:.0f} ms | <= 200 ms at 2,000 |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
