"""App speed and load (part of `make bench`; `python bench/app_bench.py [--load]` alone).

1. Server side, in-process (solara.render): the time from pressing Step to the
   re-rendered page, at 2,000 and 100,000 users (the view samples 2,000).
2. In a real browser (Debian's Chromium through Playwright): the time from
   clicking Step to the new state painted on the network canvas, and the bytes
   the server sends over the websocket per Step (Chrome DevTools Protocol
   frames, summed between clicks).
3. The background replicates: 30 seeds of both worlds at 2,000 users, timed
   in-process, and the live Step-to-paint while they run and for a Step
   clicked the moment their result appears (Compare starts them).
   `--replicates-only` measures just these rows.
4. With --load: 30 sessions playing at 1 step/s against one server on this
   2-core machine, and one more session that does not play, whose Step-to-paint
   is measured (p95). The browsers run under `nice -n 19`, so the server is
   served first; the browsers' own CPU time is reported beside it. Server memory
   (the resident set of its process tree) is sampled before the sessions
   open (after one warm-up session has loaded the model's compiled code), with
   the sessions open, and for 2 minutes after they close; the server log is
   searched for errors.
Targets (issue 10): <= 25 KB per step and <= 150 ms Step-to-paint at 2,000
users; replicates < 10 s without pushing Step above 200 ms; under load p95
<= 500 ms, no server errors, memory back within 15% of its start in 2 minutes.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-renderer-backgrounding",
         "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows"]


def _page_with_users(n: int):
    import ipyvuetify as v
    import solara

    from viz.app import Page

    _, rc = solara.render(Page(), handle_error=False)
    users = rc.find(v.TextField, class_="field network-n_users").widget
    users.v_model = str(n)
    users.fire_event("keyup.enter", None)
    return rc


def server_ms(n: int, clicks: int = 10) -> float:
    import ipyvuetify as v
    from run_bench import timed_calls

    rc = _page_with_users(n)
    step = rc.find(v.Btn, children=["Step"]).widget
    step.click()  # warm up
    return float(np.median(timed_calls(step.click, clicks))) * 1000


#: Measured inside the page: from the click on Step to the first frame painted after the canvas has drawn
#: the new step (the canvas marks the step it drew; the step number arrives in the same update). The canvas is
#: looked up afresh at each change, so a network view that the page builds again is timed when it has drawn
#: (until the app's fix, the step that settled a run rebuilt the views, and a watch on the old canvas never ended).
CLICK_TO_PAINT = """async () => {
  const button = document.querySelector('button.step');
  const canvas = () => document.querySelector('.network-canvas');
  if (button.disabled) return -1;  // the run has settled (its last update may still be arriving)
  const target = String(Number(canvas().getAttribute('data-painted')) + 1);
  const start = performance.now();
  button.click();
  const painted = await new Promise(resolve => {
    const done = () => canvas() !== null && canvas().getAttribute('data-painted') === target;
    if (done()) return resolve(true);
    const observer = new MutationObserver(() => { if (done()) { observer.disconnect(); resolve(true); } });
    observer.observe(document.body, {subtree: true, childList: true, attributes: true,
                                     attributeFilter: ['data-painted']});
    setTimeout(() => { observer.disconnect(); resolve(false); }, 20000);
  });
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return painted ? performance.now() - start : null;
}"""

#: Waits in the page for the replicates' result sentence, then clicks Step at once (no round trip to the
#: driver, so the click lands while the server is still sending the result) and times it as above.
CLICK_AS_REPLICATES_REPORT = """async () => {
  const reported = () => (document.querySelector('.replicates') || {innerText: ''}).innerText.includes('Over 30 runs');
  if (!reported()) {
    await new Promise(resolve => {
      const observer = new MutationObserver(() => { if (reported()) { observer.disconnect(); resolve(); } });
      observer.observe(document.body, {subtree: true, childList: true, characterData: true});
    });
  }
  return (""" + CLICK_TO_PAINT + """)();
}"""


def step_painted(page):
    """Step-to-paint in ms (None if not painted in 20 s); a settled run is reset first, untimed."""
    took = page.evaluate(CLICK_TO_PAINT)
    if took == -1:
        page.locator("button.reset").click()
        page.wait_for_function("document.querySelector('.network-canvas').getAttribute('data-painted') === '0'")
        took = page.evaluate(CLICK_TO_PAINT)
    return took


@contextmanager
def served(log=None):
    from tests.conftest import app_server

    if log is None:
        with app_server() as url:
            yield url
        return
    # The same server as the tests use, with its log kept (to search for errors) and its pid known.
    from tests.conftest import free_port, wait_until_serving

    port = free_port()
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost"}
    process = subprocess.Popen([str(Path(sys.executable).parent / "slacktivism"), "app", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    wait_until_serving(url, process)
    try:
        yield url, process
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


def _open(browser, url, query="set=network.n_users%3D2000", viewport=(1500, 1100)):
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.goto(url + "?" + query, timeout=120_000)
    page.wait_for_function("document.querySelector('.network-canvas') && "
                           "document.querySelector('.network-canvas').getAttribute('data-painted') === '0'",
                           timeout=120_000)
    return page


def bytes_per_step(page, clicks: int) -> list[int]:
    """Bytes the server sends over the websocket for each Step click (Chrome DevTools Protocol frames)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    received: list[int] = []
    cdp.on("Network.webSocketFrameReceived", lambda e: received.append(len(e["response"]["payloadData"])))
    sizes = []
    for _ in range(clicks):
        time.sleep(0.4)
        received.clear()
        step_painted(page)
        time.sleep(0.6)
        sizes.append(sum(received))
    return sizes


def browser_figures(n: int, clicks: int = 8) -> dict | None:
    """Step-to-paint (median) and bytes per step (median) at ``n`` users; with 2,000, also during replicates."""
    if not os.path.exists(CHROMIUM):
        return None
    from playwright.sync_api import sync_playwright

    out = {}
    with served() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = _open(browser, url, f"set=network.n_users%3D{n}")
        step_painted(page)  # warm up
        out["paint_ms"] = float(np.median([step_painted(page) or 20_000 for _ in range(clicks)]))
        page.locator("button.reset").click()
        page.wait_for_function("document.querySelector('.network-canvas').getAttribute('data-painted') === '0'")
        out["bytes"] = float(np.median(bytes_per_step(page, clicks)))
        if n == 2000:
            out.update(during_replicates(page))
        browser.close()
    return out


def _reset(page) -> None:
    page.locator("button.reset").click()
    page.wait_for_function("document.querySelector('.network-canvas').getAttribute('data-painted') === '0'")


def during_replicates(page, at_result: int = 5) -> dict:
    """Step-to-paint while the 30+30 replicates run, and for a Step clicked the moment their result appears.

    Compare starts the replicates; Steps are clicked one after another until their sentence appears (a run that
    settles is reset, untimed, and its settling step is timed like any other). Then, ``at_result`` times,
    Compare is turned off and on (the replicates start again) and Step is clicked as the sentence appears.
    """
    _reset(page)
    page.locator(".compare").click()  # World B appears and its replicates start in the background
    page.wait_for_function("document.querySelectorAll('.network-canvas').length === 2")
    time.sleep(0.5)  # the page Compare built is finished, as after a reset below
    during = []
    while "Over 30 runs" not in page.locator(".replicates").inner_text() and len(during) < 40:
        if "settled" in page.locator(".step-counter").first.inner_text():
            # A settled run paints nothing new: start it again, untimed (it settles in ~10 steps), and let the
            # server finish the reset's page as a person would before the next Step: a Step clicked within a
            # millisecond of Reset waits for it (195-288 ms while the replicates run, 75-105 ms after).
            _reset(page)
            time.sleep(0.5)
        during.append(step_painted(page) or 20_000)
    at_sentence = []
    for _ in range(at_result):
        page.locator(".compare").click()
        page.wait_for_function("document.querySelectorAll('.network-canvas').length === 1")
        page.locator(".compare").click()
        page.wait_for_function("document.querySelectorAll('.network-canvas').length === 2")
        at_sentence.append(page.evaluate(CLICK_AS_REPLICATES_REPORT) or 20_000)
    _say(f"during the replicates: {[round(x) for x in during]} ms; at their result: "
         f"{[round(x) for x in at_sentence]} ms")
    return {"during_replicates_ms": during, "at_result_ms": at_sentence}


def replicates_rows() -> list[str]:
    """Only the replicates' rows (``--replicates-only``): the browser figures during them and their time."""
    from playwright.sync_api import sync_playwright

    with served() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = _open(browser, url)
        step_painted(page)  # warm up
        figures = during_replicates(page)
        browser.close()
    return [*_replicates_browser_rows(figures), _replicates_time_row()]


def _replicates_browser_rows(figures: dict) -> list[str]:
    during, at = figures["during_replicates_ms"], figures["at_result_ms"]
    rows = []
    if during:
        rows.append(f"| Step clicked to painted while the 30+30 replicates run (median / max of {len(during)}) | "
                    f"{statistics.median(during):.0f} / {max(during):.0f} ms | | <= 200 ms |")
    rows.append(f"| Step clicked the moment the replicates' result appears, to painted (median / max of {len(at)}) | "
                f"{statistics.median(at):.0f} / {max(at):.0f} ms | | <= 200 ms |")
    return rows


def _replicates_time_row() -> str:
    return f"| Background replicates: 30 seeds of both worlds (in-process, warm) | {replicates_s():.1f} s | | < 10 s |"


def replicates_s() -> float:
    """30 seeds of both worlds (baseline, consistency 0 against 1) at 2,000 users, warm, in-process."""
    from model import load_scenario
    from viz.replicates import paired_actions

    path = ROOT / "scenarios" / "baseline.yaml"
    a = load_scenario(path, {"network.n_users": 2000})
    b = load_scenario(path, {"network.n_users": 2000, "slacktivism.consistency": 1.0})
    paired_actions(a, b, 1, n=2)  # compile
    start = time.perf_counter()
    paired_actions(a, b, 42)
    return time.perf_counter() - start


#: A server log line that reports an error: a traceback, an exception, or a line logged at ERROR level
#: (uvicorn's "ERROR:    ..." at the line's start as well as "... ERROR ..." within it).
_ERROR_LINE = re.compile(r"Traceback|Exception|\bERROR\b")


def server_errors(log_path: Path) -> list[str]:
    """The lines of the server's log that report errors."""
    return [line for line in log_path.read_text(errors="replace").splitlines() if _ERROR_LINE.search(line)]


def _tree_rss(pid: int) -> float:
    import psutil

    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


def _tree_cpu(pids) -> float:
    import psutil

    total = 0.0
    for pid in pids:
        try:
            process = psutil.Process(pid)
            for p in [process, *process.children(recursive=True)]:
                times = p.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


#: Run inside each playing page: press Play whenever it can be pressed, after Reset once the run has settled,
#: so the session keeps playing without a round trip from the driver.
KEEP_PLAYING = """() => setInterval(() => {
  const play = document.querySelector('button.play');
  if (document.querySelector('.step-counter').innerText.includes('settled')) {
    document.querySelector('button.reset').click();
  } else if (play && !play.disabled) {
    play.click();
  }
}, 1500)"""


def _machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy (user, system and niced), over all cores."""
    import psutil

    now = psutil.cpu_times()
    return now.user + now.system + now.nice


def probe_figures(times: list) -> dict:
    """The probe's p95 and median Step-to-paint; a step not painted within 20 s counts as lost, at 20 s."""
    painted = [t if t is not None else 20_000.0 for t in times]
    return {"lost": sum(t is None for t in times), "p95_ms": float(np.percentile(painted, 95)),
            "median_ms": float(np.median(painted))}


def memory_after_closing(pid: int, after_s: float) -> list[tuple[int, float]]:
    """The server's memory (MB) every 10 s for ``after_s`` seconds after its sessions closed."""
    closed = time.monotonic()
    samples = []
    while time.monotonic() - closed < after_s:
        time.sleep(10)
        samples.append((round(time.monotonic() - closed), _tree_rss(pid)))
        _say(f"after closing: {samples[-1]}")
    return samples


def _say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def load(sessions: int = 30, probes: int = 30, after_s: float = 120) -> dict:
    """``sessions`` pages playing at 1 step/s; p95 Step-to-paint of one more page; memory after closing."""
    from playwright.sync_api import sync_playwright

    niced = Path(tempfile.mkdtemp()) / "chromium-niced"
    niced.write_text(f'#!/bin/sh\nexec nice -n 19 {CHROMIUM} "$@"\n')
    niced.chmod(0o755)
    log_path = Path(tempfile.mkdtemp()) / "server.log"
    out: dict = {}
    with open(log_path, "w") as log, served(log) as (url, server), sync_playwright() as pw:
        browsers = [pw.chromium.launch(executable_path=str(niced), headless=True, args=FLAGS) for _ in range(3)]
        warm = _open(browsers[0], url)  # loads the model's compiled code into the server, then goes
        step_painted(warm)
        warm.close()
        time.sleep(70)  # past the cull timeout: the warm-up session is freed
        out["rss_start"] = _tree_rss(server.pid)
        _say(f"server at {out['rss_start']:.0f} MB; opening {sessions} sessions")
        pages, failed = [], 0
        for k in range(sessions):
            opening = time.monotonic()
            try:
                page = _open(browsers[k % len(browsers)], url)
            except Exception as exc:  # noqa: BLE001 - a session the loaded server could not open is counted
                failed += 1
                _say(f"session {k + 1} did not open: {str(exc).splitlines()[0]}")
                continue
            _say(f"session {k + 1} open in {time.monotonic() - opening:.1f} s")
            # 1 step per second: the speed slider's left end is 0.5 steps/s, its right end 10.
            box = page.locator(".speed .v-slider").first.bounding_box()
            page.mouse.click(box["x"] + box["width"] * (1.0 - 0.5) / 9.5, box["y"] + box["height"] / 2)
            pages.append(page)
        for page in pages:  # all open first, then all play (opening a page in a niced, busy browser is slow)
            page.evaluate(KEEP_PLAYING)
        time.sleep(20)  # every session has pressed Play
        out["opened"], out["failed"] = len(pages), failed
        _say(f"{len(pages)} playing; probing")
        # The probing session is in a browser of its own, not niced: it measures the server as a student's
        # own device would see it, while the 30 playing browsers take only what the server leaves.
        probe_browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        probe = _open(probe_browser, url)
        cpu_server, cpu_all = _tree_cpu([server.pid]), _machine_busy_s()
        started = time.monotonic()
        times = []
        while len(times) < probes:
            took = step_painted(probe)
            times.append(took)
            _say(f"probe {len(times)}: {took}")
            time.sleep(1.0)
        elapsed = time.monotonic() - started
        out["cpu_server_share"] = (_tree_cpu([server.pid]) - cpu_server) / elapsed
        out["cpu_all_share"] = (_machine_busy_s() - cpu_all) / elapsed
        out.update(probe_figures(times))
        out["rss_open"] = _tree_rss(server.pid)
        _say("closing the sessions")
        for page in [*pages, probe]:
            page.close()
        probe_browser.close()
        out["rss_after"] = memory_after_closing(server.pid, after_s)
        for browser in browsers:
            browser.close()
    out["errors"] = server_errors(log_path)
    out["log"] = str(log_path)
    return out


def load_light(sessions: int = 30, probes: int = 30, after_s: float = 120, cull_wait_s: float = 70) -> dict:
    """As :func:`load`, with the playing sessions as light websocket clients (``bench/solara_client.py``).

    The clients run in a thread of this process and draw nothing; the probe is a real Chromium page, not niced,
    whose Step is timed to the paint as before. The clients' own CPU time is this process's, reported beside
    the server's, so their cost can be subtracted from the machine's.
    """
    import asyncio
    import threading

    import psutil
    from playwright.sync_api import sync_playwright
    from solara_client import Session

    log_path = Path(tempfile.mkdtemp()) / "server.log"
    out: dict = {}
    stop, ready, state = threading.Event(), threading.Event(), {}

    def drive(url):
        async def main():
            clients = []
            for k in range(sessions):
                client = Session(url)
                opening = time.monotonic()
                try:
                    await client.open()
                except Exception as exc:  # noqa: BLE001 - a session the loaded server could not open is counted
                    _say(f"session {k + 1} did not open: {exc!r}")
                    continue
                _say(f"session {k + 1} open in {time.monotonic() - opening:.1f} s")
                clients.append(client)
            # Each presses at its own moment, spread evenly over the 1.5 s between its looks (students, not a script)
            players = [asyncio.create_task(c.keep_playing(1.0, after_s=1.5 * k / len(clients)))
                       for k, c in enumerate(clients)]
            state["opened"] = len(clients)
            await asyncio.sleep(min(20, 2 * sessions))  # every session has pressed Play
            state["steps_from"], state["steps_at"] = sum(c.steps for c in clients), time.monotonic()
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.2)
            state["steps_per_s"] = (sum(c.steps for c in clients) - state["steps_from"]) / (
                time.monotonic() - state["steps_at"]) / max(len(clients), 1)
            state["client_errors"] = sum(c.errors for c in clients)
            for player in players:
                player.cancel()
            for client in clients:
                await client.close()

        asyncio.run(main())

    with open(log_path, "w") as log, served(log) as (url, server), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        warm = _open(browser, url)  # loads the model's compiled code into the server, then goes
        step_painted(warm)
        warm.close()
        time.sleep(cull_wait_s)  # past the cull timeout: the warm-up session is freed
        out["rss_start"] = _tree_rss(server.pid)
        _say(f"server at {out['rss_start']:.0f} MB; opening {sessions} light sessions")
        thread = threading.Thread(target=drive, args=(url,), daemon=True)
        thread.start()
        if not ready.wait(timeout=900):
            raise RuntimeError("the light sessions did not all start playing within 15 minutes")
        out["opened"], out["failed"] = state["opened"], sessions - state["opened"]
        _say(f"{out['opened']} playing; probing")
        probe = _open(browser, url)
        me = psutil.Process()
        cpu_server, cpu_clients, cpu_all = _tree_cpu([server.pid]), me.cpu_times(), _machine_busy_s()
        started = time.monotonic()
        times = []
        while len(times) < probes:
            times.append(step_painted(probe))
            _say(f"probe {len(times)}: {times[-1]}")
            time.sleep(1.0)
        elapsed = time.monotonic() - started
        out["cpu_server_share"] = (_tree_cpu([server.pid]) - cpu_server) / elapsed
        now_me = me.cpu_times()
        out["cpu_clients_share"] = (now_me.user + now_me.system - cpu_clients.user - cpu_clients.system) / elapsed
        out["cpu_all_share"] = (_machine_busy_s() - cpu_all) / elapsed
        out.update(probe_figures(times))
        out["rss_open"] = _tree_rss(server.pid)
        _say("closing the sessions")
        stop.set()
        thread.join(timeout=120)
        out["steps_per_s"], out["client_errors"] = state.get("steps_per_s"), state.get("client_errors")
        probe.close()
        out["rss_after"] = memory_after_closing(server.pid, after_s)
        browser.close()
    out["errors"] = server_errors(log_path)
    out["log"] = str(log_path)
    return out


def load_rows(light: bool = False) -> list[str]:
    """The 30-session rows: Chromium pages under `nice -n 19` (:func:`load`) or light clients (:func:`load_light`)."""
    figures = load_light() if light else load()
    after = figures["rss_after"]
    back = next((s for s, rss in after if rss <= 1.15 * figures["rss_start"]), None)
    how = "light websocket clients" if light else "Chromium pages"
    rows = [f"| 30 sessions ({how}) playing at 1 step/s ({figures['opened']} opened): Step clicked to painted in "
            f"one more session (Chromium), p95 (median) | {figures['p95_ms']:.0f} ms ({figures['median_ms']:.0f} ms) "
            "| | <= 500 ms |"]
    if light:
        rows.append(f"| 30 sessions: steps shown per session per second; cores busy, server / light clients / whole "
                    f"machine | {figures['steps_per_s']:.2f}; {figures['cpu_server_share']:.2f} / "
                    f"{figures['cpu_clients_share']:.2f} / {figures['cpu_all_share']:.2f} of 2 | | 1 step/s |")
    else:
        rows.append(f"| 30 sessions: cores busy, server / whole machine (browsers niced to 19) | "
                    f"{figures['cpu_server_share']:.2f} / {figures['cpu_all_share']:.2f} of 2 | | |")
    rows.append(f"| 30 sessions: server errors in its log; steps not painted within 20 s | "
                f"{len(figures['errors'])}; {figures['lost']} | | 0 |")
    rows.append(f"| 30 sessions: server memory at start / with 30 open / 2 min after closing | "
                f"{figures['rss_start']:.0f} / {figures['rss_open']:.0f} / {after[-1][1]:.0f} MB "
                + (f"(within 15% after {back} s)" if back is not None else "(not back within 15% in 120 s)")
                + " | | within 15% of start in 120 s |")
    for line in figures["errors"][:5]:
        _say(f"server log: {line}")
    return rows


def table(with_load: bool = False, light: bool = True) -> str:
    """The app's rows; ``with_load`` adds the 30-session rows (light websocket clients unless ``light`` is off)."""
    rows = ["| measurement | 2,000 users | 100,000 users (sampled view of 2,000) | target |", "|---|---|---|---|"]
    server = {n: server_ms(n) for n in (2000, 100_000)}
    browser = {n: browser_figures(n) for n in (2000, 100_000)}
    rows.append(f"| Step pressed to page re-rendered, server side (median of 10) | {server[2000]:.0f} ms | "
                f"{server[100_000]:.0f} ms | |")
    if browser[2000] is not None:
        rows.append(f"| Step clicked to the new step painted, in Chromium (median of 8) | "
                    f"{browser[2000]['paint_ms']:.0f} ms | {browser[100_000]['paint_ms']:.0f} ms | <= 150 ms |")
        rows.append(f"| Bytes sent to the browser per Step (websocket frames, median of 8) | "
                    f"{browser[2000]['bytes'] / 1000:.1f} KB | {browser[100_000]['bytes'] / 1000:.1f} KB | <= 25 KB |")
        rows += _replicates_browser_rows(browser[2000])
    rows.append(_replicates_time_row())
    if with_load:
        rows += load_rows(light=light)
    return "\n".join(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", action="store_true",
                        help="also the 30-session load test with light clients (about 6 minutes)")
    parser.add_argument("--chromium-load", action="store_true",
                        help="the 30-session load test with 30 niced Chromium pages instead (needs more than 2 cores)")
    parser.add_argument("--replicates-only", action="store_true",
                        help="only the rows about the background replicates (about a minute)")
    parser.add_argument("--load-light-only", action="store_true",
                        help="only the 30-session rows, the sessions being light websocket clients "
                             "(bench/solara_client.py) and the probe a Chromium page (about 5 minutes)")
    args = parser.parse_args()
    if args.replicates_only:
        print("\n".join(replicates_rows()))
    elif args.load_light_only:
        print("\n".join(load_rows(light=True)))
    else:
        print(table(args.load or args.chromium_load, light=not args.chromium_load))
