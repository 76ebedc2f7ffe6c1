"""A real campaign on the page: its name and story above the chart, its observed figures in words beside it.

What the figures are is ``viz/case_view.py``'s (pure, tested without a page); this module words them and
draws them. The points over the chart are drawn by the chart itself (``viz/boards.py`` passes them), and are
listed here in full (count, source and date), which a screen reader reads too. The figures that are not
points are re-read at each step, the run's value next to the observed one.
"""

from __future__ import annotations

import math

import reacton.ipyvuetify as v
import solara

from model.case_files import Statistic
from model.case_statistics import LOG_OF_ZERO
from viz.case_view import figures, is_time_point, shipped_case, time_points
from viz.i18n import case_statistic, case_text, number, t
from viz.world import World


def plain(lang: str, stat: Statistic, value: float) -> str:
    """A value on a statistic's own scale as a class reads it: "1 in 3,200" for a log10 share, "42%" for a share.

    A log10 value is written as the share it is: "1 in N" below a tenth, N to two significant digits (a press
    figure carries no more), else a percentage; a share as a percentage with as many decimals as its
    tolerance needs (99.76% for Save Darfur).
    """
    if stat.model.log10:
        if value <= LOG_OF_ZERO:  # none at all (a log10 of 0)
            return number(lang, 0)
        share = 10.0 ** value
        if share >= 1:
            return number(lang, share, 1)
        if share >= 0.1:  # "1 in 1" said nothing of 84%
            return f"{number(lang, 100 * share)}%"
        return t(lang, "one_in", n=number(lang, _two_digits(1 / share)))
    if 0 <= stat.observed <= 1:
        digits = max(0, math.ceil(-math.log10(100 * stat.tolerance)) + 1)
        return f"{number(lang, 100 * value, digits)}%"
    return number(lang, value, 2)


def _two_digits(x: float) -> float:
    """``x`` rounded to two significant digits (3,162 to 3,200)."""
    return round(x, 1 - math.floor(math.log10(x))) if x > 0 else x


def chart_points(world: World, case: str, lang: str) -> list[dict]:
    """The case's time points for the chart: step, value, tolerance and a short date, in people of this run."""
    return [{"x": p.step, "y": p.value, "low": p.low, "high": p.high,
             "short": case_statistic(case, p.statistic, lang, short=True),
             "label": case_statistic(case, p.statistic, lang)}
            for p in time_points(shipped_case(case), world.model.n_users, world.series())]


def point_series(case: str) -> list[str]:
    """The series the case's time points lie on (the chart draws them too)."""
    return sorted({s.model.series or "" for s in shipped_case(case).statistics if is_time_point(s)})


@solara.component
def CaseHeader(case: str, L: str, n_users: int):  # noqa: N803
    """The case's name and its one-sentence story (a case is a page's second heading, after the app's title).

    ``n_users``: the run's population, which the story's "one user stands for" follows.
    """
    with solara.Div(classes=["case-header"]):
        v.Html(tag="h2", children=[case_text(case, "name", L)], class_="case-title")
        solara.Text(case_text(case, "intro", L, n_users), classes=["case-intro"])


@solara.component
def CaseFigures(world: World, case: str, L: str, tick):  # noqa: N803
    """The observed points in full words, and every other observed figure next to the run's as it stands."""
    _ = tick.value  # a step re-renders this (the run's values move)
    data = shipped_case(case)
    points = [s for s in data.statistics if is_time_point(s)]
    rows = []
    if points:
        clock = data.data.clock
        hours = number(L, clock.hours_per_step) if clock else "?"
        rows.append(f'<div class="case-head">{t(L, "case_points", hours=hours)}</div><ul class="case-points">')
        rows += [f'<li data-statistic="{s.name}">{case_statistic(case, s.name, L)}</li>' for s in points]
        rows.append("</ul>")
    beside = figures(data, world.model)
    if beside:
        stats = {s.name: s for s in data.statistics}
        rows.append(f'<div class="case-head">{t(L, "case_beside")}</div><ul class="case-figures">')
        for f in beside:
            stat = stats[f.statistic]
            run = t(L, "case_run", value=plain(L, stat, f.model)) if f.model is not None else t(L, "case_not_yet")
            observed = t(L, "case_observed", value=plain(L, stat, f.observed), low=plain(L, stat, f.low),
                         high=plain(L, stat, f.high))
            rows.append(f'<li data-statistic="{f.statistic}">{case_statistic(case, f.statistic, L)}: '
                        f'<b>{observed}</b>; <b class="case-run">{run}</b></li>')
        rows.append("</ul>")
    solara.HTML(tag="div", classes=["case-figures-box"], unsafe_innerHTML="".join(rows))
