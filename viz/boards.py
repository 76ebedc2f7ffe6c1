"""What a step changes, shown large: the scoreboards, the funnels, World B's difference in words, and the chart.

Each is a small component that reads ``tick`` (the page's step counter), so that a step re-renders these
and nothing around them (``viz/live.py`` says why). The headline keeps the organisers apart from the
people they reached, and ratios count participants only: the numbers a class reads from the back row
are the gap between what the platform shows and what happened.
"""

from __future__ import annotations

import solara

from model.metrics import BY_NAME, FUNNEL
from viz.case_panel import chart_points, point_series
from viz.figures import STATE_COLOURS
from viz.i18n import acted_split, changed, difference, funnel, number, outcome, per_100_likes, plural, signed_percent, t
from viz.replicates import N_REPLICATES
from viz.widgets import LiveChart
from viz.world import World

#: The chart's number formats, by the app's language.
LOCALES = {"en": "en-US", "id": "id-ID"}


@solara.component
def Funnel(world: World, lang: str, title: str, tick):
    """Reached, liked, shared and acted as bars on one scale (the population), with the goal marked."""
    _ = tick.value  # a step re-renders this component alone (see :func:`Live`)
    c = world.model.current
    n = max(world.model.n_users, 1)
    goal = world.scenario.campaign.goal_actions
    rows = []
    for name, label in funnel(lang):
        width = 100 * c[name] / n
        colour = STATE_COLOURS[BY_NAME[name].state]
        rows.append(f'<div class="funnel-row" data-outcome="{name}"><span class="funnel-label">{label}</span>'
                    f'<span class="funnel-track"><span class="funnel-bar" style="width:{width:.2f}%;'
                    f'background:{colour}"></span>'
                    f'<span class="funnel-goal" style="left:{min(100, 100 * goal / n):.2f}%">'
                    f'</span></span><span class="funnel-value">{number(lang, c[name])}</span></div>')
    goal_row = (f'<div class="funnel-note">┆ {t(lang, "goal")} {number(lang, goal)} · '
                f'{number(lang, world.model.n_users)} = 100%</div>')
    solara.HTML(tag="div", classes=["funnel"], unsafe_innerHTML=f'<div class="funnel-title">{title}</div>'
                + "".join(rows) + goal_row)


@solara.component
def Scoreboard(world: World, lang: str, title: str, tick):
    """What the platform shows beside what actually happened (a step re-renders it alone)."""
    _ = tick.value
    c = world.model.current
    organisers = len(world.model.seeds)  # they act at step 0: every headline keeps them apart
    goal = world.scenario.campaign.goal_actions
    reached = world.goal_step()
    met = t(lang, "goal_met", step=reached) if reached is not None else t(lang, "goal_missed")
    html = (f'<div class="board-title">{title}</div><div class="board">'
            f'<div class="shows"><div class="board-head">{t(lang, "platform_shows")}</div>'
            f'<div class="big" data-outcome="liked">{counted(lang, "likes", c["liked"])}</div>'
            f'<div>{number(lang, c["shared"])} {BY(lang, "shared")} · {number(lang, c["aware"])} '
            f'{BY(lang, "aware")}</div></div>'
            f'<div class="happened"><div class="board-head">{t(lang, "happened")}</div>'
            f'<div class="big" data-outcome="acted">{counted(lang, "acts", c["acted"])}</div>'
            f'<div class="acted-split">{acted_split(lang, c["acted"], organisers)}</div>'
            f'<div>{t(lang, "goal")} {number(lang, goal)}: {met}</div></div></div>'
            f'<div class="per-100">{per_100_likes(lang, c["liked"], c["acted"] - organisers)} '
            f'{t(lang, "gap", gap=number(lang, c["slacktivism_gap"]))}.</div>')
    if world.steps == 0:
        html += (f'<div class="organisers">{t(lang, "organisers", n=number(lang, c["acted"]))}</div>' if c["acted"]
                 else f'<div class="organisers">{t(lang, "organisers_none")}</div>')
    solara.HTML(tag="div", classes=["scoreboard"], unsafe_innerHTML=html)


def counted(lang: str, key: str, n: int) -> str:
    """"1 action", "2 actions", "1.000 aksi": a count with its noun, the number written as the language writes it."""
    return plural(lang, key, n, count=number(lang, n))


def BY(lang: str, name: str) -> str:
    """An outcome's label (the model names the outcomes; the app words them)."""
    return dict(funnel(lang))[name]


@solara.component
def Difference(a: World, b: World, change, L: str, tick):  # noqa: N803
    """What B did differently this step, in words naming the change."""
    _ = tick.value
    if a.steps == 0:  # nothing has happened yet: say what B changes, claim nothing ("as many actions" at step 0)
        solara.Text(t(L, "difference_start", changed=changed(L, *change) if change else ""), classes=["difference"])
        return
    solara.Text(difference(L, a.model.current, b.model.current, change), classes=["difference"])


#: What the chart draws: likes, shares and actions. Reach, ten times larger, set the scale and squashed the gap the
#: lesson is about along the bottom; it stays in the scoreboard and the funnel.
CHART_COLUMNS = [name for name in FUNNEL if name != "aware"]


#: Colours of the series a real campaign's points may add to the chart (the funnel's are the user states').
CASE_COLOURS = {"engaged": "#00695c"}


@solara.component
def Chart(worlds_shown: list, L: str, log: bool, tick, case: str = ""):  # noqa: N803
    """Likes, shares, actions and the goal on one y-axis, likes and actions drawn largest; a step sends the points.

    With a real campaign's ``case``, the series its observed points lie on is drawn too, and the points over it
    (``viz/case_panel.py``).
    """
    _ = tick.value
    a = worlds_shown[0][0]
    compared = len(worlds_shown) > 1
    extra = [c for c in point_series(case) if c not in CHART_COLUMNS] if case else []
    columns = CHART_COLUMNS + extra
    colours = {c: STATE_COLOURS[BY_NAME[c].state] if c in CHART_COLUMNS else CASE_COLOURS.get(c, "#333")
               for c in columns}
    LiveChart.element(
        worlds=[{"name": title, "series": w.series()} for w, title in worlds_shown],
        columns=columns, colours=colours, points=chart_points(a, case, L) if case else [],
        big=["liked", "acted"],
        names={c: outcome(L, c) for c in columns}, goal=a.scenario.campaign.goal_actions,
        goal_label=f"{t(L, 'goal')} {number(L, a.scenario.campaign.goal_actions)}",
        title=t(L, "chart_title") + (f" — {t(L, 'world_a')} ──, {t(L, 'world_b')} - -" if compared else ""),
        xlabel=t(L, "step_axis"), ylabel=t(L, "people_axis_log" if log else "people_axis"),
        log=log, locale=LOCALES[L])


@solara.component
def Replicates(replicates, key: tuple, L: str):  # noqa: N803
    """The background replicates' verdict on the difference, once they are done (only this re-renders then)."""
    done = replicates.value[1] if replicates.value and replicates.value[0] == key else None
    if done is None:
        solara.Text(t(L, "replicates_running", n=N_REPLICATES), classes=["replicates"])
        return
    words = "replicates_result" if done.clear else "replicates_none"
    pct = signed_percent(L, done.percent).lstrip("+−")
    more = t(L, "more_pct" if done.percent > 0 else "fewer", p=pct.rstrip("%"))
    solara.Text(t(L, words, n=done.n, pct=more, low=signed_percent(L, done.low), high=signed_percent(L, done.high)),
                classes=["replicates"])

