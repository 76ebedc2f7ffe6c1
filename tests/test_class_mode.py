"""Class mode in real browsers: a teacher's projector and students' phones (390×844), Chromium via Playwright.

One server (``slacktivism app`` on 127.0.0.1) for the module; each test opens
its own room from the projector, as a teacher would, and its own student
browser contexts (each a browser of its own, with its own session cookie).
"""

import io
import re
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import wait_for
from viz.rooms import PLEDGES

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CHOICE_BUTTON = {"like": ".choice-like", "share": ".choice-share", "act": ".choice-act", "none": ".choice-none"}
pytestmark = pytest.mark.slow




@contextmanager
def teacher(browser, app_url, timeout_presses=0, wait_cost=False):
    """The projector with a room opened; ``timeout_presses`` lowers the card time-out by 5 s per press.

    ``wait_cost``: taking action costs a 5 s signing wait instead of a typed pledge.
    """
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    page = ctx.new_page()
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.goto(app_url + "class")
    page.locator(".class-open").wait_for(timeout=60_000)
    if timeout_presses:
        thumb = page.locator(".class-timeout .v-slider__thumb-container")
        thumb.focus()
        for _ in range(timeout_presses):
            page.keyboard.press("ArrowLeft")
        wait_for(lambda: f": {30 - 5 * timeout_presses}" in page.locator(".class-timeout").inner_text(),
                  what="the time-out slider")
    if wait_cost:
        page.locator(".class-cost .v-select__slot").click()
        page.get_by_role("option", name="waiting while a signing bar fills").click()
        thumb = page.locator(".class-wait .v-slider__thumb-container")
        thumb.wait_for(state="attached")
        thumb.focus()
        for _ in range(3):  # 20 s - 3 x 5 s = 5 s
            page.keyboard.press("ArrowLeft")
        wait_for(lambda: ": 5" in page.locator(".class-wait").inner_text(), what="the signing slider")
    page.locator(".class-open").click()
    page.locator(".class-code").wait_for(timeout=30_000)
    page.code = page.locator(".class-code").inner_text().strip()
    try:
        yield page
    finally:
        ctx.close()


@contextmanager
def phone(browser, app_url, ctx=None):
    """A student's phone on /join (a new browser context unless ``ctx`` is given)."""
    own = ctx is None
    ctx = ctx or browser.new_context(**PHONE)
    page = ctx.new_page()
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.goto(app_url + "join")
    page.get_by_label("Room code").wait_for(timeout=60_000)
    try:
        yield page
    finally:
        page.close()
        if own:
            ctx.close()


def join_page(ctx, app_url):
    """/join in a new tab of the browser context ``ctx``, with its page errors recorded."""
    page = ctx.new_page()
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.goto(app_url + "join")
    page.get_by_label("Room code").wait_for(timeout=60_000)
    return page


def join(page, code, nickname):
    page.get_by_label("Room code").fill(code)
    page.get_by_label("Your first name or nickname").fill(nickname)
    page.get_by_role("button", name="Join").click()


def _funnel(projector, group, row) -> int:
    return int(projector.locator(f'.class-funnel[data-group="{group}"] .cf-row[data-row="{row}"] .cf-value')
               .get_attribute("data-value"))


def _tally(projector, choice) -> int:
    box = projector.locator(".class-tally")
    return int(box.get_attribute(f"data-{choice}")) if box.count() else 0


def _card_step(page):
    card = page.locator(".feed-card")
    return int(card.get_attribute("data-step")) if card.count() else None


def _choose(page, choice):
    page.locator(CHOICE_BUTTON[choice]).click()
    if choice == "act":
        page.locator(".pledge-input").fill(PLEDGES["en"])
        page.locator(".pledge-send").click()


def test_joining_the_four_choices_reach_the_projector_forgery_refused_rejoin_debrief_and_export(
        browser, app_url, tmp_path):
    with teacher(browser, app_url) as projector:
        code = projector.code
        assert re.fullmatch(r"[A-Z2-9]{6}", code)
        assert projector.locator(".class-qr svg").count() == 1  # the QR code, drawn from a local SVG
        phones = []
        contexts = [browser.new_context(**PHONE) for _ in range(4)]
        try:
            with phone(browser, app_url, contexts[0]) as p:
                join(p, "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY", "Wrong")
                p.locator(".join-error").wait_for()
                assert "no room with that code" in p.locator(".join-error").inner_text()
            for k, ctx in enumerate(contexts):
                p = join_page(ctx, app_url)
                join(p, code.lower(), f"Student{k}")
                p.locator(".you-are").wait_for(timeout=30_000)
                phones.append(p)
            wait_for(lambda: projector.locator(".student-chip").count() == 4, what="four students on the projector")
            projector.reload()  # the projector reloaded keeps its room (the teacher's browser owns it)
            projector.locator(".class-code").wait_for(timeout=60_000)
            assert projector.locator(".class-code").inner_text().strip() == code
            assert "key" not in projector.url and code not in projector.url  # no secret on the projected address
            wait_for(lambda: projector.locator(".student-chip").count() == 4, what="the students after the reload")
            other = browser.new_context(**PHONE)
            q = join_page(other, app_url)
            join(q, code, "student0")
            q.locator(".join-error").wait_for()
            assert "already uses that name" in q.locator(".join-error").inner_text()
            other.close()

            projector.locator(".class-start").click()
            wait_for(lambda: "Running" in projector.locator(".class-phase").inner_text(), what="the room to run")
            needed = ["like", "share", "act", "none"]
            done = {}
            forged = False
            deadline = time.monotonic() + 150
            while needed and time.monotonic() < deadline:
                for k, p in enumerate(phones):
                    step = _card_step(p)
                    if step is None or not needed or p.locator(".choice-like").is_disabled():
                        continue
                    if not forged:  # a message naming another node, sent from the browser, is refused by the server
                        own = p.evaluate("document.querySelector('.feed-card-box').__vue__.node")
                        p.evaluate("([n, s]) => document.querySelector('.feed-card-box').__vue__.choose("
                                   "{node: n, step: s, choice: 'ACT', pledge: 'I will take part'})", [own + 1, step])
                        wait_for(lambda p=p: "only choose for yourself" in p.locator(".card-message").inner_text()
                                  if p.locator(".card-message").count() else False, what="the forgery refused")
                        assert _tally(projector, "act") == 0
                        forged = True
                    choice = needed[0]
                    before = _tally(projector, choice)
                    _choose(p, choice)
                    wait_for(lambda c=choice, b=before: _tally(projector, c) == b + 1,
                              what=f"the projector to show the {choice}")
                    if not done:  # a double tap (the same card answered again) is refused on the server
                        p.evaluate("s => document.querySelector('.feed-card-box').__vue__.choose("
                                   "{node: document.querySelector('.feed-card-box').__vue__.node, step: s, "
                                   "choice: 'SHARE', pledge: ''})", step)
                        wait_for(lambda p=p: "already chosen" in p.locator(".card-message").inner_text(),
                                  what="the double tap refused")
                        assert _tally(projector, "share") == 0
                    needed.pop(0)
                    done[choice] = k
                time.sleep(0.3)
            assert not needed, f"no card reached the students for {needed}"
            # The choices enter the model at the step: the class's funnel moves.
            wait_for(lambda: _funnel(projector, "class", "liked") >= 1 and _funnel(projector, "class", "shared") >= 1
                      and _funnel(projector, "class", "acted") >= 1, timeout=60, what="the class funnel")
            # Rejoin: the same nickname from the same browser gets the same node back.
            k = done["like"]
            node = phones[k].evaluate("document.querySelector('.feed-card-box').__vue__.node")
            phones[k].close()
            again = join_page(contexts[k], app_url)
            join(again, code, f"Student{k}")
            again.locator(".feed-card-box").wait_for(timeout=30_000)
            assert again.evaluate("document.querySelector('.feed-card-box').__vue__.node") == node
            phones[k] = again

            projector.locator(".class-end").click()
            projector.locator(".class-debrief").wait_for(timeout=30_000)
            debrief = projector.locator(".class-debrief").inner_text()
            assert "liked or shared and never took action" in debrief
            assert "What does taking action cost in real life?" in debrief
            for p in phones:
                p.locator(".my-outcome").wait_for(timeout=30_000)
            assert "acted" in phones[done["act"]].locator(".my-did").inner_text()
            text = " ".join(p.locator("body").inner_text() for p in phones)
            for k in range(4):  # a phone never shows another student's name
                others = [f"Student{j}" for j in range(4) if j != k]
                assert not any(o in phones[k].locator("body").inner_text() for o in others)
            assert text

            with projector.expect_download() as download:
                projector.get_by_text("Export the run (ZIP)").click()
            data = Path(download.value.path()).read_bytes()
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = {n.split("/")[-1] for n in z.namelist()}
                assert {"timeseries.csv", "summary.json", "users.parquet", "users.csv", "choices.csv"} <= names
                users = pd.read_csv(z.open(next(n for n in z.namelist() if n.endswith("users.csv"))),
                                    keep_default_na=False)
                choices = pd.read_csv(z.open(next(n for n in z.namelist() if n.endswith("choices.csv"))))
                blob = b"".join(z.read(n) for n in z.namelist())
            assert sorted(users.loc[users["student"] != "", "student"]) == ["S01", "S02", "S03", "S04"]
            assert {"like", "share", "act", "none"} <= set(choices["choice"])
            assert b"Student" not in blob  # nicknames never leave the server
            projector.screenshot(path=str(tmp_path / "projector.png"), full_page=True)
            phones[done["act"]].screenshot(path=str(tmp_path / "phone.png"), full_page=True)
            assert not projector.problems and not any(p.problems for p in phones)
        finally:
            for ctx in contexts:
                ctx.close()


def test_a_card_not_answered_in_time_scrolled_past(browser, app_url):
    with teacher(browser, app_url, timeout_presses=4) as projector:  # 30 s - 4 x 5 s = 10 s
        ctx = browser.new_context(**PHONE)
        try:
            contexts = [ctx] + [browser.new_context(**PHONE) for _ in range(3)]
            phones = []
            for k, c in enumerate(contexts):
                p = join_page(c, app_url)
                join(p, projector.code, f"Late{k}")
                p.locator(".you-are").wait_for(timeout=30_000)
                phones.append(p)
            projector.locator(".class-start").click()
            holder = wait_for(lambda: next((p for p in phones if _card_step(p) is not None), None), timeout=120,
                               what="a card")
            step = _card_step(holder)
            started = time.monotonic()

            def scrolled_past():
                message = holder.locator(".card-message")
                return (message.count() and message.is_visible()) or _card_step(holder) not in (None, step)

            wait_for(scrolled_past, timeout=30, what="the card to scroll past")
            waited = time.monotonic() - started
            assert 7 <= waited <= 20, waited  # held open for the 10 s time-out, then scrolled past
            assert _card_step(holder) != step
            if _card_step(holder) is None:  # no new card at once: the phone says what became of the last one
                assert "Time is up" in holder.locator(".card-message").inner_text()
        finally:
            for c in contexts:
                c.close()


def test_taking_action_by_waiting_for_the_signing_bar_in_bahasa_indonesia(browser, app_url):
    with teacher(browser, app_url, wait_cost=True) as projector:
        contexts = [browser.new_context(**PHONE) for _ in range(4)]
        try:
            phones = []
            for k, c in enumerate(contexts):
                p = c.new_page()
                p.goto(app_url + f"join?code={projector.code}&lang=id")  # as the QR code opens it
                p.get_by_label("Kode ruang").wait_for(timeout=60_000)
                assert p.get_by_label("Kode ruang").input_value() == projector.code
                p.get_by_label("Nama depan atau nama panggilanmu").fill(f"Siswa{k}")
                p.get_by_role("button", name="Gabung").click()
                p.locator(".you-are").wait_for(timeout=30_000)
                phones.append(p)
            projector.locator(".class-start").click()
            holder = wait_for(lambda: next((p for p in phones if _card_step(p) is not None), None), timeout=120,
                               what="a card")
            assert holder.locator(".choice-share").inner_text() == "Bagikan"
            holder.locator(".choice-act").click()
            holder.locator(".signing").wait_for()
            started = time.monotonic()
            wait_for(lambda: _tally(projector, "act") == 1, timeout=20, what="the action after the signing wait")
            assert time.monotonic() - started >= 4.5  # the bar had to fill (5 s, timed on the server too)
            assert "Kamu ikut aksi." in holder.locator(".card-message").inner_text()
        finally:
            for c in contexts:
                c.close()
