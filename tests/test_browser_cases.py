"""A real campaign in a real browser: the KPK case opened by a link, in Indonesian, its points drawn on the chart.

The labels are the press's reports as ``viz/lessons.yaml`` words them; what is checked is that the page
draws one ring per dated report, at the step its date gives (KPK_REPORTS' timestamps, tests/test_app_cases.py),
with its date beside it, and that the page stays accessible (axe-core, as tests/test_browser_lesson.py checks
the app's first page).
"""

import pytest

from tests.test_app_cases import KPK_REPORTS, _kpk_step
from tests.test_browser import _counter, _step, opened

pytestmark = pytest.mark.slow


def test_the_kpk_case_opens_in_indonesian_with_its_observed_points_drawn(browser, app_url):
    from axe_playwright_python.sync_playwright import Axe

    with opened(browser, app_url, query="case=kpk_2009&lang=id") as page:
        assert page.locator("h2.case-title").inner_text() == "Gerakan 1.000.000 Facebookers, 2009"
        assert "sejuta anggota" in page.locator(".case-intro").inner_text()
        points = page.locator("svg.live-chart g.observed-point")
        points.first.wait_for(timeout=30_000)
        assert points.count() == len(KPK_REPORTS)
        labels = page.locator("svg.live-chart .observed-label").all_text_contents()
        assert labels == ["30 Okt 06.30", "30 Okt 21.20", "1 Nov", "3 Nov", "7 Nov"]
        # Each ring at its step: the chart's x axis is linear in steps, so the rings' x positions stand in the
        # ratios of their steps' distances from the first.
        xs = page.evaluate("[...document.querySelectorAll('svg.live-chart g.observed-point circle')]"
                           ".map(c => c.cx.baseVal.value)")
        steps = [_kpk_step(when) for when, _n in KPK_REPORTS.values()]
        ratios = [(x - xs[0]) / (xs[-1] - xs[0]) for x in xs]
        assert ratios == pytest.approx([(s - steps[0]) / (steps[-1] - steps[0]) for s in steps], abs=0.01)
        listed = page.locator(".case-points li").all_inner_texts()
        assert listed[1] == "52.195 anggota (Kompas.com, 30 Okt 2009, 21.20 WIB)"
        assert "Bundaran HI" in page.locator(".case-figures").inner_text()
        _step(page, 2)
        assert _counter(page) == 2
        assert page.locator("svg.live-chart g.observed-point").count() == len(KPK_REPORTS)
        page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running' || "
                               "a.effect.getComputedTiming().endTime === Infinity)", timeout=10_000)
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in Axe().run(page).response["violations"]]
        assert bad == [], bad
