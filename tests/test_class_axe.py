"""Class mode's pages pass axe-core: no serious or critical violation on /class and /join, in EN and ID.

axe-core is the copy bundled in axe-playwright-python (pinned in constraints.txt), run in Chromium at
each stage of a lesson a student or the projector shows: the teacher's setup, the lobby with its
prediction, a card, and the end (the debrief and the phone's own outcome).
"""

import pytest

pytestmark = pytest.mark.slow

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _serious(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_timeout(1500)  # the settled page: Vuetify's fade-ins and floating labels blend colours mid-way
    results = Axe().run(page)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_axe_finds_no_serious_or_critical_violation_on_the_projector_and_the_phone(browser, app_url, lang):
    teacher = browser.new_context(viewport={"width": 1366, "height": 768})
    student = browser.new_context(**PHONE)
    try:
        projector = teacher.new_page()
        projector.goto(app_url + f"class?lang={lang}")
        projector.locator(".class-open").wait_for(timeout=60_000)
        found = {"class setup": _serious(projector)}
        projector.locator(".class-open").click()
        projector.locator(".class-code").wait_for(timeout=30_000)
        code = projector.locator(".class-code").inner_text().strip()
        phone = student.new_page()
        phone.goto(app_url + f"join?code={code}&lang={lang}")
        phone.locator(".join-button").wait_for(timeout=60_000)
        found["join form"] = _serious(phone)
        phone.locator(".join-nickname input").fill("Ana")
        phone.locator(".join-button").click()
        phone.locator(".predict-answers").wait_for(timeout=30_000)
        found["join lobby"] = _serious(phone)
        found["class lobby"] = _serious(projector)
        projector.locator(".class-start").click()
        phone.locator(".feed-card").wait_for(timeout=120_000)
        found["join card"] = _serious(phone)
        found["class running"] = _serious(projector)
        projector.locator(".class-end").click()
        projector.locator(".class-debrief").wait_for(timeout=60_000)
        phone.locator(".my-outcome").wait_for(timeout=60_000)
        found["class debrief"] = _serious(projector)
        found["join end"] = _serious(phone)
        assert {stage: bad for stage, bad in found.items() if bad} == {}
    finally:
        teacher.close()
        student.close()
