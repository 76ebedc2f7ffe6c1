"""The class debrief on a projector, in Chromium: the lesson's end as a class sees it, in EN and ID.

Students predict on their phones (390×844) before Start and the teacher adds a
show of hands; one student takes action by writing a sentence to a
decision-maker; at the end the debrief is the first thing on the projector,
above the fold at 1366×768 and 1920×1080 and in projection-size type, with the
class's action rate beside the crowd's, the guesses beside the run's answer, the
cost of acting and its question, and the recruitment tree; with names shown,
each student's dot on the network carries a ring and a name.
"""

import re

import pytest

from tests.conftest import wait_for

pytestmark = pytest.mark.slow

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WORDS = {
    "en": {"code": "Room code", "nickname": "Your first name or nickname", "join": "Join",
           "names": "Show names on the network", "cost": "writing one sentence to a decision-maker",
           "hands": "Hands for 0–1", "save": "Save the show of hands", "start": "Start", "end": "End",
           "sentence": "Dear mayor, please make the bus to our school free for students.",
           "you_are": "on the projector you are", "answers": "Answers on the phones", "people": "people, each",
           "cost_said": "writing one sentence to a decision-maker", "question": "What does taking action cost",
           "predictions": "4 predictions", "round2": "the message is a call to act"},
    "id": {"code": "Kode ruang", "nickname": "Nama depan atau nama panggilanmu", "join": "Gabung",
           "names": "Tampilkan nama di jaringan", "cost": "menulis satu kalimat kepada pengambil keputusan",
           "hands": "Jumlah tangan untuk 0–1", "save": "Simpan hitungan tangan", "start": "Mulai", "end": "Selesai",
           "sentence": "Bapak wali kota, mohon gratiskan bus sekolah untuk para pelajar.",
           "you_are": "di proyektor kamu", "answers": "Jawaban di ponsel", "people": "orang, masing-masing",
           "cost_said": "menulis satu kalimat kepada pengambil keputusan", "question": "Seberapa repot",
           "predictions": "4 tebakan", "round2": "pesannya ajakan untuk beraksi"},
}


def _px(page, selector, prop="font-size") -> float:
    return float(page.locator(selector).first.evaluate(f"e => getComputedStyle(e)['{prop}']").replace("px", ""))


@pytest.mark.parametrize(("lang", "width", "height"), [("en", 1366, 768), ("id", 1920, 1080)])
def test_the_debrief_projects_above_the_fold_with_predictions_cost_tree_and_names(browser, app_url, lang, width,
                                                                                   height, tmp_path):
    w = WORDS[lang]
    teacher = browser.new_context(viewport={"width": width, "height": height})
    projector = teacher.new_page()
    problems = []
    projector.on("pageerror", lambda e: problems.append(f"projector: {e}"))
    contexts = [teacher]
    try:
        projector.goto(app_url + f"class?lang={lang}")
        projector.locator(".class-open").wait_for(timeout=60_000)
        projector.get_by_text(w["names"]).click()
        projector.locator(".class-cost .v-select__slot").click()
        projector.get_by_role("option", name=w["cost"]).click()
        projector.locator(".class-open").click()
        projector.locator(".class-code").wait_for(timeout=30_000)
        code = projector.locator(".class-code").inner_text().strip()

        phones = []
        for k in range(3):
            ctx = browser.new_context(**PHONE)
            contexts.append(ctx)
            p = ctx.new_page()
            p.on("pageerror", lambda e: problems.append(f"phone: {e}"))
            p.goto(app_url + f"join?code={code}&lang={lang}")
            p.get_by_label(w["nickname"]).fill(f"Nama{k}")
            p.get_by_role("button", name=w["join"], exact=True).click()
            p.locator(".you-are").wait_for(timeout=30_000)
            phones.append(p)
        wait_for(lambda: projector.locator(".class-students .student-chip").count() == 3, what="three students")
        # Each phone names its own pseudonym, the one the projector gives that student.
        for k, p in enumerate(phones):
            chip = projector.locator(".class-students .student-chip", has_text=f"Nama{k}")
            pseudonym = chip.get_attribute("data-pseudonym")
            assert pseudonym and f"{w['you_are']} {pseudonym}" in p.locator(".you-are").inner_text()

        # Predictions before Start: two phones, and a show of hands of 2 for "0–1".
        for k, p in enumerate(phones[:2]):
            p.locator(f".predict-{k + 1}").click()
            p.locator(".predict-thanks").wait_for(timeout=20_000)
        projector.get_by_label(w["hands"]).fill("2")
        projector.get_by_label(w["hands"]).press("Enter")
        projector.get_by_role("button", name=w["save"]).click()
        wait_for(lambda: w["predictions"] in (projector.locator(".predict-so-far").inner_text()
                                               if projector.locator(".predict-so-far").count() else ""),
                 what="the predictions counted on the projector")

        projector.locator(".class-start").click()
        holder = wait_for(lambda: next((p for p in phones if p.locator(".feed-card").count()), None), timeout=120,
                          what="a card")
        holder.locator(".choice-act").click()
        holder.locator(".sentence-input").fill("Please act")  # not a sentence: refused, in the student's words
        holder.locator(".pledge-send").click()
        wait_for(lambda: holder.locator(".card-message").count() and holder.locator(".card-message").is_visible(),
                 what="the short sentence refused")
        holder.wait_for_timeout(1600)  # the card lets a refused answer be sent again
        holder.locator(".sentence-input").fill(w["sentence"])
        holder.locator(".pledge-send").click()
        wait_for(lambda: projector.locator(".class-tally").get_attribute("data-act") == "1", what="the action")
        assert w["answers"] in projector.locator(".class-tally").inner_text()
        assert w["people"] in projector.locator(".cf-note").first.inner_text()
        # Names on the network: a ring of at least 24 px and the name on each student's dot.
        wait_for(lambda: projector.locator(".net-name").count() == 3, what="names on the network")
        assert sorted(projector.locator(".net-label").all_inner_texts()) == ["Nama0", "Nama1", "Nama2"]
        ring = projector.locator(".net-ring").first.bounding_box()
        assert ring["width"] >= 24 and ring["height"] >= 24

        projector.locator(".class-end").click()
        debrief = projector.locator(".class-debrief")
        debrief.wait_for(timeout=60_000)
        projector.evaluate("window.scrollTo(0, 0)")
        box = debrief.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, box  # above the fold
        assert box["width"] >= 0.85 * width, box  # across the screen: no empty quarter at 1920 px
        assert _px(projector, ".class-debrief") >= 19  # projection type: the page's body text is 15-16 px
        assert _px(projector, ".big-number") >= 40
        big = projector.locator(".debrief-big-class").get_attribute("data-percent")
        assert float(big) > 0  # the student who wrote the sentence acted
        text = debrief.inner_text()
        assert w["cost_said"] in text and w["question"] in text
        rows = projector.locator(".pred-row")
        counts = [int(rows.nth(k).get_attribute("data-count")) for k in range(rows.count())]
        assert counts == [2, 1, 1, 0, 0]
        assert projector.locator(".pred-row.pred-right").count() == 1  # the run's answer is marked
        tree = projector.locator(".class-tree-svg")
        if tree.count():  # a tree, when a student's post brought anyone in, fits the debrief too
            key = projector.locator(".tree-key").bounding_box()
            assert key["y"] + key["height"] <= box["y"] + box["height"], (key, box)  # the tree and its key fit
        else:
            assert projector.locator(".tree-none").count() == 1
        projector.screenshot(path=str(tmp_path / f"debrief-{lang}-{width}.png"))

        # A second round with a call to act: the same seats, then both rounds side by side.
        first = float(big)
        projector.locator(".round-call_to_act").click()
        wait_for(lambda: not projector.locator(".class-debrief").count(), what="the second round to start")
        wait_for(lambda: any(p.locator(".feed-card").count() for p in phones), timeout=120, what="a card in round 2")
        for p in phones:  # every card answered: the room's clock takes the next step by itself
            if p.locator(".feed-card").count():
                p.locator(".choice-none").click()
        wait_for(lambda: int(re.search(r"(\d+)\s*$", projector.locator(".class-phase").inner_text()).group(1)) >= 1,
                 timeout=60, what="round 2 stepping on its own clock")
        projector.locator(".class-end").click()
        table = projector.locator(".rounds-table")
        table.wait_for(timeout=60_000)
        projector.evaluate("window.scrollTo(0, 0)")
        assert w["round2"] in table.inner_text()
        cells = table.locator('tr[data-row="class_round_class_acted"] td[data-percent]')
        assert cells.count() == 2
        assert float(cells.nth(0).get_attribute("data-percent")) == pytest.approx(first)
        box = projector.locator(".class-debrief").bounding_box()
        assert box["y"] + box["height"] <= height, box  # both rounds still above the fold
        projector.screenshot(path=str(tmp_path / f"rounds-{lang}-{width}.png"))
        assert not problems, problems
    finally:
        for ctx in contexts:
            ctx.close()


def _run_a_class(projector, browser, app_url, contexts, nickname, act=False):
    """Open a room, seat one phone, start, optionally take action on its first card, and end: its code."""
    projector.locator(".class-open").click()
    projector.locator(".class-code").wait_for(timeout=30_000)
    code = projector.locator(".class-code").inner_text().strip()
    ctx = browser.new_context(**PHONE)
    contexts.append(ctx)
    p = ctx.new_page()
    p.goto(app_url + f"join?code={code}")
    p.get_by_label("Your first name or nickname").fill(nickname)
    p.get_by_role("button", name="Join", exact=True).click()
    p.locator(".you-are").wait_for(timeout=30_000)
    projector.locator(".class-start").click()
    p.locator(".feed-card").wait_for(timeout=120_000)
    if act:
        p.locator(".choice-act").click()
        p.locator(".pledge-input").fill("I will take part")
        p.locator(".pledge-send").click()
        wait_for(lambda: projector.locator(".class-tally").get_attribute("data-act") == "1", what="the action")
    projector.locator(".class-end").click()
    projector.locator(".class-debrief").wait_for(timeout=60_000)
    return code


def test_class_against_class_the_teachers_earlier_class_beside_this_one(browser, app_url):
    teacher = browser.new_context(viewport={"width": 1366, "height": 768})
    contexts = [teacher]
    try:
        projector = teacher.new_page()
        projector.goto(app_url + "class")
        projector.locator(".class-open").wait_for(timeout=60_000)
        first = _run_a_class(projector, browser, app_url, contexts, "Ana", act=True)
        projector.locator(".class-close").click()  # the first class's room is closed, and stays comparable
        projector.locator(".class-open").wait_for(timeout=30_000)
        second = _run_a_class(projector, browser, app_url, contexts, "Budi")
        projector.locator(".class-compare .v-select__slot").click()
        projector.get_by_role("option", name=f"Room {first}").click()
        table = projector.locator(".debrief-classes .rounds-table")
        table.wait_for(timeout=60_000)
        text = table.inner_text()
        assert "Round 1" in text and f"Class {first}" in text and second != first
        acted = table.locator('tr[data-row="class_round_class_acted"] td[data-percent]')
        assert float(acted.nth(0).get_attribute("data-percent")) == 0  # Budi scrolled past
        assert float(acted.nth(1).get_attribute("data-percent")) == 100  # Ana, the first class, took action
    finally:
        for ctx in contexts:
            ctx.close()
