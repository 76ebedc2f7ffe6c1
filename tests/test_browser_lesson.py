"""In a real browser: plain-word controls, the gap from the back row, the guided lesson, language and errors,
and accessibility, each at a projector's 1366x768 and 1920x1080 and on a 390x844 phone, in English and Indonesian.

Accessibility is checked with axe-core (the copy bundled in axe-playwright-python, pinned in constraints.txt):
no violation of any impact on the app's page.
"""

import re
import time

import pytest

from tests.test_browser import _counter, _step, _wait_for, opened
from viz.i18n import TEXT, lessons, t

pytestmark = pytest.mark.slow

SIZES = {"1366x768": {"viewport": {"width": 1366, "height": 768}},
         "1920x1080": {"viewport": {"width": 1920, "height": 1080}},
         "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
                   "device_scale_factor": 2}}


def _in_view(page, selector) -> bool:
    """Whether the first element matching ``selector`` has its top inside the window."""
    return page.evaluate("""(s) => { const r = document.querySelector(s).getBoundingClientRect();
                                     return r.top >= 0 && r.top < window.innerHeight && r.height > 0; }""", selector)


def _open_controls(page, size):
    if size == "phone":
        page.locator("button.drawer-button").click()
        page.locator(".controls").wait_for()


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("size", list(SIZES))
def test_axe_finds_no_serious_or_critical_violation(browser, app_url, size, lang):
    from axe_playwright_python.sync_playwright import Axe

    with opened(browser, app_url, query=f"lang={lang}", **SIZES[size]) as page:
        _step(page)
        if size == "phone":  # the controls are in the drawer: check them open too
            _open_controls(page, size)
        # Axe reads colours as they are: a button caught halfway through Vuetify's fade from disabled to enabled
        # (Play, the moment the step ends) has a contrast no one sees. Check the page once every finite
        # animation and transition has ended.
        page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running' || "
                               "a.effect.getComputedTiming().endTime === Infinity)", timeout=10_000)
        results = Axe().run(page)
        # None of any impact: the last moderate ones were a page with no <h1> (page-has-heading-one) and
        # Solara's viewport tag forbidding zoom (meta-viewport), which the page turns back on.
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
        assert bad == [], bad
        assert page.locator("h1").all_inner_texts() == [TEXT[lang]["title"]]
        viewport = page.evaluate("document.querySelector('meta[name=viewport]').content")
        assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport, viewport


@pytest.mark.parametrize("lang", ["en", "id"])
def test_every_control_has_an_accessible_name(browser, app_url, lang):
    with opened(browser, app_url, query=f"lang={lang}") as page:
        unnamed = page.evaluate("""() => [...document.querySelectorAll(
                '.controls [role=slider], .controls input, .topbar button, .transport button')]
            .filter(e => e.offsetParent !== null || e.getAttribute('role') === 'slider')
            .filter(e => {
              const label = e.getAttribute('aria-label') || (e.labels && [...e.labels].map(l => l.innerText).join(''))
                || e.innerText || (e.getAttribute('aria-labelledby') &&
                   document.getElementById(e.getAttribute('aria-labelledby'))?.innerText);
              return !(label && label.trim());
            }).map(e => e.outerHTML.slice(0, 120))""")
        assert unnamed == [], unnamed
        names = page.evaluate("[...document.querySelectorAll('.controls [role=slider]')]"
                              ".map(e => e.getAttribute('aria-label'))")
        expected = "Moral licensing" if lang == "en" else "Merasa sudah berbuat"
        assert any(n and n.startswith(expected) for n in names), names


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("size", list(SIZES))
def test_moral_licensing_reads_none_to_strong_and_the_value_is_words(browser, app_url, size, lang):
    levels = TEXT[lang]["levels"]["slacktivism.licensing"]
    with opened(browser, app_url, query=f"lang={lang}", **SIZES[size]) as page:
        _open_controls(page, size)
        label = page.locator(".level-field .slider-label").nth(1)
        assert label.inner_text().endswith(f": {levels[0]}"), label.inner_text()  # 1.0 underneath: none
        assert "0,57" not in page.locator(".controls").inner_text() and "0.57" not in page.locator(".controls") \
            .inner_text()
        track = page.locator(".slider.slacktivism-licensing .v-slider").first
        track.scroll_into_view_if_needed()
        box = track.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.99, box["y"] + box["height"] / 2)  # right: the strongest
        _wait_for(lambda: label.inner_text().endswith(f": {levels[-1]}"))
        _wait_for(lambda: "slacktivism.licensing%3D0.1" in page.evaluate("location.href"))  # the odds ratio below


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("size", list(SIZES))
def test_headline_actions_keep_the_organisers_apart(browser, app_url, size, lang):
    with opened(browser, app_url, query=f"lang={lang}", **SIZES[size]) as page:
        split = page.locator(".acted-split").first.inner_text()
        organisers = int(re.search(r"\d+", page.locator('.scoreboard [data-outcome="acted"]').first.inner_text())
                         .group())
        assert split == t(lang, "acted_split", organisers=organisers, participants=0), split
        assert TEXT[lang]["per_100_none"] in page.locator(".per-100").first.inner_text()


def _label_boxes(page):
    return page.evaluate("""() => [...document.querySelectorAll('svg.live-chart text.end-label')].map(e => {
        const r = e.getBoundingClientRect(); return {text: e.textContent, top: r.top, bottom: r.bottom,
        left: r.left, right: r.right, size: parseFloat(e.getAttribute('font-size'))}; })""")


@pytest.mark.parametrize("size", list(SIZES))
def test_chart_labels_never_overlap_and_likes_and_actions_are_largest(browser, app_url, size):
    with opened(browser, app_url, **SIZES[size]) as page:
        for steps in (0, 3):
            _step(page, steps)
            time.sleep(0.5)
            boxes = _label_boxes(page)
            assert len(boxes) == 3, boxes  # likes, shares, actions: reach no longer sets the scale
            for i, a in enumerate(boxes):
                for b in boxes[i + 1:]:
                    assert a["bottom"] <= b["top"] + 0.5 or b["bottom"] <= a["top"] + 0.5, (steps, a, b)
            width = page.evaluate("document.documentElement.clientWidth")
            assert all(b["right"] <= width + 1 for b in boxes), boxes  # no end label cut at the right edge
            big = {b["text"].split(" ", 1)[1]: b["size"] for b in boxes}
            assert big["likes"] > big["shares"] and big["actions"] > big["shares"], big


@pytest.mark.parametrize("size", [(1366, 768, 1, True), (1920, 1080, 1, True), (1366, 768, 1.5, False)],
                         ids=["1366x768-compare", "1920x1080-compare", "1366x768-zoom150"])
def test_presentation_mode_fits_the_screen_with_compare_and_at_150_percent(browser, app_url, size):
    # Browser zoom at 150% is a window 1.5 times narrower and shorter in CSS pixels, drawn 1.5 times larger.
    width, height, zoom, compare = size
    viewport = {"width": round(width / zoom), "height": round(height / zoom)}
    with opened(browser, app_url, viewport=viewport, device_scale_factor=zoom) as page:
        if compare:
            page.locator(".compare").click()
            _wait_for(lambda: page.locator(".scoreboard").count() == 2)
        page.locator(".present-toggle").click()
        page.locator(".slacktivism-app.present").wait_for()
        _step(page, 2)
        for selector in (".scoreboard", "svg.live-chart"):
            for k in range(page.locator(selector).count()):
                box = page.locator(selector).nth(k).bounding_box()
                assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"] + 1, (selector, k, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_presentation_with_compare_fits_a_projector_at_150_percent_zoom(browser, app_url, lang):
    # 1366x768 at 150% zoom is 911x512 CSS px drawn 1.5 times larger: both scoreboards (likes against actions,
    # the organisers apart), the chart and the sentence saying what B changed are all on the screen at once,
    # and the chart's title (with two worlds' legend) is drawn whole inside the chart.
    viewport = {"width": round(1366 / 1.5), "height": round(768 / 1.5)}
    with opened(browser, app_url, query=f"lang={lang}", viewport=viewport, device_scale_factor=1.5) as page:
        page.locator(".compare").click()
        _wait_for(lambda: page.locator(".scoreboard").count() == 2)
        page.locator(".present-toggle").click()
        page.locator(".slacktivism-app.present").wait_for()
        _step(page, 2)
        shown = {}
        for selector in (".scoreboard", ".scoreboard [data-outcome=liked]", ".scoreboard [data-outcome=acted]",
                         ".acted-split", "svg.live-chart", ".difference"):
            for k in range(page.locator(selector).count()):
                box = page.locator(selector).nth(k).bounding_box()
                assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"] + 1, (selector, k, box)
                shown[selector] = shown.get(selector, 0) + 1
        assert shown[".scoreboard"] == 2 and shown[".acted-split"] == 2 and shown[".difference"] == 1, shown
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        title, chart = page.evaluate("""() => { const svg = document.querySelector('svg.live-chart');
            const r = svg.querySelector('text').getBoundingClientRect(), c = svg.getBoundingClientRect();
            return [[r.left, r.right], [c.left, c.right]]; }""")
        assert title[0] >= chart[0] - 1 and title[1] <= chart[1] + 1, (title, chart)
        big = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.scoreboard .big')).fontSize)")
        assert big >= 20, big  # the headline numbers stay large: 20 CSS px is 30 px on the projector


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("size", list(SIZES))
def test_guided_lesson_opens_in_view_hides_the_answer_and_sets_both_worlds(browser, app_url, size, lang):
    steps = lessons()["lesson"]
    with opened(browser, app_url, query=f"lang={lang}", **SIZES[size]) as page:
        if size != "phone":  # a World B the lesson must not keep
            page.locator(".compare").click()
            _wait_for(lambda: page.locator(".scoreboard").count() == 2)
        page.locator("button.lesson-start").click()
        page.locator(".lesson").wait_for()
        assert _in_view(page, ".lesson"), "the lesson opens where the class can see it"
        assert steps[0]["ask"][lang] in page.locator(".lesson-ask").inner_text()
        _wait_for(lambda: page.locator(".scoreboard").count() == 1)  # one world: the lesson set it
        assert _counter(page) == 0  # a fresh run
        assert page.locator("button.lesson-reveal").is_disabled()
        page.locator("button.play").click()
        _wait_for(lambda: not page.locator("button.lesson-reveal").is_disabled(), timeout=120)
        assert page.locator(".debrief").count() == 0, "the answer waits for the class"
        page.locator("button.lesson-reveal").click()
        page.locator(".debrief").wait_for()
        page.locator("button.lesson-next").click()
        _wait_for(lambda: page.locator(".scoreboard").count() == (2 if steps[1].get("b") else 1))
        assert page.locator(".debrief").count() == 0 and _counter(page) == 0
        for k in range(2, len(steps)):
            page.locator("button.lesson-next").click()
            _wait_for(lambda k=k: steps[k]["ask"][lang] in page.locator(".lesson-ask").inner_text())
            _wait_for(lambda k=k: page.locator(".scoreboard").count() == (2 if steps[k].get("b") else 1))
        assert page.locator(".difference").count() == 0  # Granovetter: no World B left over


@pytest.mark.parametrize("size", list(SIZES))
def test_the_language_follows_the_browser_and_the_link_wins(browser, app_url, size):
    with opened(browser, app_url, locale="id-ID", **SIZES[size]) as page:
        assert page.locator(".step-counter").inner_text().startswith("Langkah")
        assert t("id", "play").upper() in page.locator("button.play").inner_text().upper()
    with opened(browser, app_url, query="lang=en", locale="id-ID", **SIZES[size]) as page:
        assert page.locator(".step-counter").inner_text().startswith("Step")


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("size", list(SIZES))
def test_typed_values_apply_on_enter_and_on_blur_and_a_stale_error_clears(browser, app_url, size, lang):
    with opened(browser, app_url, query=f"lang={lang}", **SIZES[size]) as page:
        _open_controls(page, size)
        field = page.locator(".field.network-n_users input")
        field.fill("40")
        field.press("Enter")
        error = page.locator(".field.network-n_users .v-messages__message")
        _wait_for(lambda: error.count() == 1)
        assert error.inner_text() == t(lang, "too_few_users", degree="100", need="50")
        field.fill("400")
        _wait_for(lambda: error.count() == 0)  # the stale error goes as soon as the value is valid
        field.press("Tab")  # leaving the field applies it, as Enter does
        _wait_for(lambda: "network.n_users%3D400" in page.evaluate("location.href"))
        field.fill("500")
        field.press("Enter")
        _wait_for(lambda: "network.n_users%3D500" in page.evaluate("location.href"))
