"""The teacher's seat controls in Chromium: a room nobody can stall, on a projector and on a phone, in EN and ID.

The teacher hides names, removes a rude nickname, renames a seat, sees who has
answered the card, gives a student's new phone its seat back with a rejoin
code, and lets a late student in; each phone (390×844) sees what it should.
"""


import pytest

from tests.conftest import wait_for

pytestmark = pytest.mark.slow

WORDS = {
    "en": {"code": "Room code", "nickname": "Your first name or nickname", "join": "Join", "hide": "Hide names",
           "manage": "Manage students", "pick": "Student", "new_name": "New name", "rename": "Rename",
           "remove": "Remove from the room", "rejoin": "Code for a new phone", "rejoin_field": "Rejoin code from "
           "your teacher", "door": "Let late students in", "answered": "answered", "open": "card open",
           "taken": "already uses that name", "removed": "took you out", "moved": "moved to another phone",
           "started": "already started", "start": "Start", "skip": "Don't wait for them"},
    "id": {"code": "Kode ruang", "nickname": "Nama depan atau nama panggilanmu", "join": "Gabung",
           "hide": "Sembunyikan nama", "manage": "Atur siswa", "pick": "Siswa", "new_name": "Nama baru",
           "rename": "Ganti nama", "remove": "Keluarkan dari ruang", "rejoin": "Kode untuk ponsel baru",
           "rejoin_field": "Kode masuk ulang dari gurumu", "door": "Izinkan siswa yang terlambat masuk",
           "answered": "sudah menjawab", "open": "kartu terbuka", "taken": "sudah dipakai",
           "removed": "mengeluarkanmu", "moved": "pindah ke ponsel lain", "started": "sudah dimulai",
           "start": "Mulai", "skip": "Jangan ditunggu"},
}
SCREENS = {"projector": {"viewport": {"width": 1366, "height": 768}},
           "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}}




def _chips(page) -> str:
    return page.locator(".class-students .student-chips").inner_text()


def _status(page, pseudonym) -> str:
    return page.locator(f'.student-chip[data-pseudonym="{pseudonym}"]').get_attribute("data-status") or ""


def _join(page, w, code, nickname):
    page.get_by_label(w["code"]).fill(code)
    page.get_by_label(w["nickname"]).fill(nickname)
    page.get_by_role("button", name=w["join"], exact=True).click()


def _phone(browser, app_url, lang):
    ctx = browser.new_context(**SCREENS["phone"])
    page = ctx.new_page()
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.goto(app_url + f"join?lang={lang}")
    page.get_by_label(WORDS[lang]["code"]).wait_for(timeout=60_000)
    return ctx, page


def _pick(projector, w, label):
    projector.locator(".seat-pick .v-select__slot").click()
    projector.get_by_role("option", name=label).click()


@pytest.mark.parametrize(("screen", "lang"), [("projector", "en"), ("phone", "id"), ("projector", "id"),
                                              ("phone", "en")])
def test_the_teacher_hides_names_removes_renames_sees_answers_readmits_and_lets_a_late_student_in(
        browser, app_url, screen, lang, tmp_path):
    w = WORDS[lang]
    teacher = browser.new_context(**SCREENS[screen])
    projector = teacher.new_page()
    projector.problems = []
    projector.on("pageerror", lambda e: projector.problems.append(f"page error: {e}"))
    projector.goto(app_url + f"class?lang={lang}")
    projector.locator(".class-open").click(timeout=60_000)
    projector.locator(".class-code").wait_for(timeout=30_000)
    code = projector.locator(".class-code").inner_text().strip()
    contexts = [teacher]
    try:
        phones = {}
        for name in ("Ana", "Bima", "Citra", "Guru bodoh"):
            ctx, page = _phone(browser, app_url, lang)
            contexts.append(ctx)
            _join(page, w, code, name)
            page.locator(".you-are").wait_for(timeout=30_000)
            phones[name] = page
        wait_for(lambda: projector.locator(".class-students .student-chip").count() == 4, what="four chips")

        projector.locator(".class-hide-names label").click()  # names off the projector, at once
        wait_for(lambda: "Ana" not in _chips(projector), what="names hidden")
        assert "S01" in _chips(projector) and "Guru" not in _chips(projector)
        projector.locator(".class-hide-names label").click()
        wait_for(lambda: "Ana" in _chips(projector), what="names shown again")

        projector.get_by_role("button", name=w["manage"]).click()
        _pick(projector, w, "S04 · Guru bodoh")
        projector.get_by_role("button", name=w["remove"]).click()
        wait_for(lambda: "Guru" not in _chips(projector), what="the rude name removed")
        wait_for(lambda: w["removed"] in phones["Guru bodoh"].locator(".seat-gone").inner_text()
                  if phones["Guru bodoh"].locator(".seat-gone").count() else False, what="the removed phone told")

        _pick(projector, w, "S02 · Bima")
        projector.get_by_label(w["new_name"]).fill("Budi")
        projector.get_by_role("button", name=w["rename"]).click()
        wait_for(lambda: "Budi" in _chips(projector) and "Bima" not in _chips(projector), what="the rename")

        projector.locator(".class-start").click()
        wait_for(lambda: _status(projector, "S01") == "waiting", timeout=60, what="cards on the projector")
        assert w["open"] in _chips(projector)
        phones["Ana"].locator(".choice-like").click()
        wait_for(lambda: _status(projector, "S01") == "answered", what="Ana's answer on the projector")
        assert w["answered"] in _chips(projector)
        projector.locator(".class-pause").click()  # the teacher talks: nothing times out meanwhile
        _pick(projector, w, "S02 · Budi")  # Budi's phone is gone: the room stops waiting for it at once
        projector.get_by_role("button", name=w["skip"]).click()
        wait_for(lambda: _status(projector, "S02") == "skipped", what="Budi not waited for")

        # Citra's phone died: the same name from a new phone is refused until the teacher's rejoin code.
        ctx, new_phone = _phone(browser, app_url, lang)
        contexts.append(ctx)
        _join(new_phone, w, code, "Citra")
        new_phone.locator(".join-error").wait_for()
        assert w["taken"] in new_phone.locator(".join-error").inner_text()
        _pick(projector, w, "S03 · Citra")
        projector.get_by_role("button", name=w["rejoin"]).click()
        projector.locator(".rejoin-shown").wait_for()
        rejoin = projector.locator(".student-chip[data-pseudonym='S03'] .rejoin-code").inner_text().split()[-1]
        assert len(rejoin) == 4 and rejoin in projector.locator(".rejoin-shown").inner_text()
        new_phone.get_by_label(w["rejoin_field"]).fill(rejoin)
        new_phone.get_by_role("button", name=w["join"], exact=True).click()
        new_phone.locator(".you-are").wait_for(timeout=30_000)
        assert "Citra" in new_phone.locator(".you-are").inner_text()
        wait_for(lambda: w["moved"] in phones["Citra"].locator(".seat-gone").inner_text()
                  if phones["Citra"].locator(".seat-gone").count() else False, what="the old phone told")

        # A late student: refused until the teacher opens the door, then seated.
        ctx, late = _phone(browser, app_url, lang)
        contexts.append(ctx)
        _join(late, w, code, "Dewi")
        late.locator(".join-error").wait_for()
        assert w["started"] in late.locator(".join-error").inner_text()
        projector.locator(".class-door label").click()
        wait_for(lambda: projector.locator(".class-door input").is_checked(), what="the door open")
        late.get_by_role("button", name=w["join"], exact=True).click()
        late.locator(".you-are").wait_for(timeout=30_000)
        wait_for(lambda: "Dewi" in _chips(projector), what="the late student on the projector")

        width = projector.evaluate("document.documentElement.scrollWidth")
        assert width <= SCREENS[screen]["viewport"]["width"] + 1, f"the page is {width} px wide"
        projector.screenshot(path=str(tmp_path / f"controls-{screen}-{lang}.png"), full_page=True)
        pages = [projector, *phones.values(), new_phone, late]
        assert not [p for page in pages for p in page.problems]
    finally:
        for ctx in contexts:
            ctx.close()


ASK = {"en": {"ask": "Ask your teacher to let this phone in", "asks": "asks to come back on a new phone",
              "allow": "Let in", "refuse": "Refuse", "refused": "did not let this phone in"},
       "id": {"ask": "Minta gurumu mengizinkan ponsel ini masuk", "asks": "minta masuk lagi dengan ponsel baru",
              "allow": "Izinkan", "refuse": "Tolak", "refused": "tidak mengizinkan ponsel ini masuk"}}


@pytest.mark.parametrize("lang", ["en", "id"])
def test_a_new_phone_asks_and_the_teacher_lets_it_in_or_not(browser, app_url, lang):
    w, a = WORDS[lang], ASK[lang]
    teacher = browser.new_context(**SCREENS["projector"])
    contexts = [teacher]
    try:
        projector = teacher.new_page()
        projector.goto(app_url + f"class?lang={lang}")
        projector.locator(".class-open").click(timeout=60_000)
        projector.locator(".class-code").wait_for(timeout=30_000)
        code = projector.locator(".class-code").inner_text().strip()
        old_ctx, old = _phone(browser, app_url, lang)
        new_ctx, new = _phone(browser, app_url, lang)
        contexts += [old_ctx, new_ctx]
        _join(old, w, code, "Ana")
        old.locator(".you-are").wait_for(timeout=30_000)
        projector.get_by_role("button", name=w["start"], exact=True).click()
        _join(new, w, code, "Ana")  # the old phone died: the same name from a new phone
        new.locator(".join-error").wait_for(timeout=30_000)
        new.get_by_role("button", name=a["ask"]).click()
        new.locator(".join-asking").wait_for(timeout=30_000)
        wait_for(lambda: a["asks"] in projector.locator(".class-students").inner_text(), what="the request")
        projector.get_by_role("button", name=a["refuse"]).click()
        wait_for(lambda: a["refused"] in new.locator(".join-error").inner_text(), what="the refusal on the phone")
        assert old.locator(".you-are").count() == 1  # the old phone keeps its seat
        new.get_by_role("button", name=a["ask"]).click()
        wait_for(lambda: a["asks"] in projector.locator(".class-students").inner_text(), what="the second request")
        projector.get_by_role("button", name=a["allow"]).click()
        new.locator(".you-are").wait_for(timeout=30_000)
        assert "Ana" in new.locator(".you-are").inner_text()
        wait_for(lambda: w["moved"] in old.locator("body").inner_text(), what="the old phone told its seat moved")
    finally:
        for ctx in contexts:
            ctx.close()
