"""The page's components around the run: the top bar, the transport, the live view, the networks, the lesson.

:func:`Live` holds everything that changes with the run. A class of 30 shares one server process, so what
re-renders matters: a step re-renders only the small components that read ``tick`` (the counter, the
scoreboards and funnels of ``viz/boards.py``, the chart, the canvases), a Reset only the live view, and a
control the page. ``tests/test_app.py`` counts the renders.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import reacton.ipyvuetify as v
import solara

from model.agents import user_records
from viz.app_state import AppState
from viz.boards import Chart, Difference, Funnel, Replicates, Scoreboard
from viz.case_panel import CaseFigures, CaseHeader
from viz.i18n import LANGUAGES, describe, lessons, number, scenario_label, scenario_text, t
from viz.replicates import paired_actions, summarise
from viz.sessions import session_closed
from viz.widgets import ExportPng, NetworkCanvas
from viz.world import MAX_VIEW, PALETTE, World


@solara.component
def TopBar(state: AppState, on: dict[str, Callable]):
    """The title (the page's one heading), the drawer's button, the language, presentation, the lesson, class mode.

    ``on`` holds the page's transitions: ``drawer``, ``lang``, ``present`` and ``lesson``.
    """
    L = state.lang  # noqa: N806 - read on every line below
    with solara.Row(classes=["topbar"], gap="8px"):
        v.Html(tag="h1", children=[t(L, "title")], class_="app-title")
        solara.Button(t(L, "controls"), icon_name="mdi-tune", on_click=lambda: on["drawer"](not state.drawer),
                      classes=["drawer-button"], outlined=True)
        v.BtnToggle(v_model=list(LANGUAGES).index(L), mandatory=True, dense=True, class_="lang-toggle",
                    on_v_model=lambda k: on["lang"](list(LANGUAGES)[k]),
                    children=[v.Btn(children=[code], small=True, class_=f"lang-{code}") for code in LANGUAGES])
        v.Checkbox(label=t(L, "present"), v_model=state.present, on_v_model=on["present"], class_="present-toggle",
                   hide_details=True)
        solara.Button(t(L, "lesson"), icon_name="mdi-school", on_click=lambda: on["lesson"](0), outlined=True,
                      classes=["lesson-start"])
        with solara.Link("/class"):
            solara.Button(t(L, "class_mode"), text=True, classes=["class-mode-link"])


@solara.component
def CsvDownload(stage, k: int, label: str, filename: str):
    """World ``k``'s run so far as CSV, with the columns of ``slacktivism run --out``'s ``timeseries.csv``.

    Made on click from whichever worlds are on the stage then (``stage`` is the page's reactive pair), so
    neither a step nor a Reset re-renders the button (a new data function set Solara's download going again).
    """
    def made():
        world = stage.value[k]
        return b"" if world is None else world.timeseries().to_csv(index=False).encode()  # B gone since the click

    data = solara.use_memo(lambda: made, [stage, k])
    solara.FileDownload(data, filename=filename, label=label)


@solara.component
def NetworkView(world: World, lang: str, title: str, tick, pinned: int, on_pin):
    """The network on a canvas, coloured by state; a tapped user's explanation is pinned below it."""
    with solara.Column(classes=["network-card"], gap="4px"):
        solara.Text(title, classes=["card-title"])
        if world.model.n_users > MAX_VIEW:
            solara.Text(t(lang, "sampled", shown=number(lang, MAX_VIEW), total=number(lang, world.model.n_users)))
        Canvas(world, title, tick, pinned, on_pin)
        if 0 <= pinned < len(world.view):
            PinnedNote(world, lang, tick, pinned)
        else:
            solara.Text(t(lang, "pin_hint"), classes=["pin-hint"])


@solara.component
def Canvas(world: World, title: str, tick, pinned: int, on_pin):
    """The canvas itself: a step sends it one character per user shown, and re-renders nothing else."""
    _ = tick.value
    NetworkCanvas.element(**world.static(), states=world.states(), palette=PALETTE, aspect=0.7, pinned=pinned,
                          on_pinned=on_pin, painted_step=world.steps, label=title)


@solara.component
def PinnedNote(world: World, lang: str, tick, pinned: int):
    """Why the tapped user did what it did, as of this step."""
    _ = tick.value
    record = user_records(world.model, [int(world.view[pinned])])[0]
    head, why, attributes = describe(lang, record, world.model.spec.users.threshold_kind)
    solara.HTML(tag="div", classes=["pinned"], unsafe_innerHTML=f"<b>{head}</b><br>{why}<br><small>"
                f"{attributes}</small>")


@solara.component
def Transport(worlds: tuple, tick, running: bool, playing, L: str, step_once, reset, play):  # noqa: N803
    """Play, Pause, Step, Reset and the step counter (the counter alone re-renders at each step).

    ``running`` is World A's, passed so that the run settling re-renders the buttons (the world is the same object).
    """
    a, _b = worlds
    # Play's loop is started here, where ``playing`` is read, so that Play and Pause re-render this row and not
    # the page around it.
    solara.use_effect(play, [playing.value])
    with solara.Row(classes=["transport"], gap="8px"):
        solara.Button(t(L, "play"), on_click=lambda: playing.set(True), disabled=playing.value or not running,
                      color="primary", classes=["play"])
        solara.Button(t(L, "pause"), on_click=lambda: playing.set(False), disabled=not playing.value,
                      classes=["pause"])
        solara.Button(t(L, "step"), on_click=step_once, disabled=playing.value or not running, classes=["step"])
        solara.Button(t(L, "reset"), on_click=reset, classes=["reset"])
        StepCounter(a, tick, L)


@solara.component
def StepCounter(world: World, tick, L: str):  # noqa: N803
    """The step reached, and whether the run has settled."""
    _ = tick.value
    status = t(L, "step_counter", step=world.steps) + ("" if world.running else f" · {t(L, 'finished')}")
    solara.Text(status, classes=["step-counter"])


@solara.component
def ChartTools(stage, compared: bool, L: str, name: str, seed: int, log):  # noqa: N803
    """Log scale and the exports: a component of its own, so a step or Reset skips it."""
    with solara.Row(classes=["chart-tools"], gap="8px"):
        v.Checkbox(label=t(L, "log_scale"), v_model=log.value, on_v_model=log.set, class_="log-scale",
                   hide_details=True)
        ExportPng.element(label=t(L, "export_png"), filename=f"slacktivism-{name}-seed{seed}.png")
        for k, title in enumerate([t(L, "world_a")] + ([t(L, "world_b")] if compared else [])):
            CsvDownload(stage, k, t(L, "export_csv") + (f" {title}" if compared else ""),
                        f"slacktivism-{name}-seed{seed}{'-B' if k else ''}-timeseries.csv")



@solara.component
def Live(stage, tick, settled, L: str, name: str, seed: int, change, replicates,  # noqa: N803
         log, pins, hide_answer: bool, transport: dict, case: str = ""):
    """Everything that changes with the run: scoreboards, funnels, the comparison, the chart, the networks.

    With a real campaign's ``case`` open, its name and story come first and its observed figures are drawn over
    the chart and listed beside it (``viz/case_panel.py``); a case has no debrief of its own: the data are it.

    A step re-renders only the small components that read ``tick`` (the counter, scoreboards, funnels, the
    difference, the chart, the canvases). This one re-renders when a run settles (``settled``) or the worlds
    change (``stage``, the reactive pair of worlds, which the page around it does not read): a Reset renders
    this view, not the page and its controls (a control's change re-renders the page, which shows the value).
    Re-rendering all of it at every step cost each session several times the server's CPU, and a class of 30
    shares one interpreter (bench/app_bench.py's ``server_ms`` measures the CPU per click).
    """
    _ = settled.value  # the transport's buttons and the debrief change when a run settles
    worlds = stage.value
    a, b = worlds
    change = change if b is not None else None
    replicates_key = (a.scenario.digest(), b.scenario.digest() if b else None, a.seed)

    def replicate():
        """Run the paired replicates of both worlds in a thread; new settings cancel it between runs."""
        if b is None:
            return None
        cancelled = threading.Event()
        closed = session_closed()
        key, world_a, world_b = replicates_key, a.scenario, b.scenario

        def run():
            result = paired_actions(world_a, world_b, a.seed, cancelled=lambda: cancelled.is_set() or closed.is_set())
            if result is not None and not (cancelled.is_set() or closed.is_set()):
                replicates.set((key, summarise(result)))

        threading.Thread(target=run, name="replicates", daemon=True).start()
        return cancelled.set

    solara.use_effect(replicate, list(replicates_key))
    with solara.Div(classes=["live"]):
        if case:
            CaseHeader(case, L, a.model.n_users)
        Transport(worlds, tick, a.running, L=L, **transport)
        worlds_shown = [(a, t(L, "world_a"))] + ([(b, t(L, "world_b"))] if b else [])
        with solara.Div(classes=["boards"]):
            for world, title in worlds_shown:
                with solara.Div(classes=["world"]):
                    Scoreboard(world, L, title, tick)
                    Funnel(world, L, t(L, "funnel_title"), tick)
        if b is not None:
            Difference(a, b, change, L, tick)
            Replicates(replicates, replicates_key, L)
        Chart(worlds_shown, L, log.value, tick, case)
        if case:
            CaseFigures(a, case, L, tick)
        ChartTools(stage, b is not None, L, name, seed, log)
        # The debrief has a place of its own that is always there: Solara pairs old and new children by position,
        # so a debrief inserted here when the run settles made every later child new, and the network views
        # were built again (their positions and edges re-sent, the canvases blank for a moment).
        with solara.Div(classes=["debrief-slot"]):
            # In a guided lesson the debrief is the answer: it waits until the class has predicted (the lesson's
            # "Show the answer").
            summary_text = scenario_text(name, "summary", L) if not (a.running or hide_answer or case) else None
            if summary_text:
                questions = scenario_text(name, "questions", L) or []
                with solara.Div(classes=["debrief"]):
                    solara.Text(t(L, "debrief"), classes=["card-title"])
                    solara.Text(summary_text)
                    solara.Text(t(L, "questions"), classes=["card-title"])
                    solara.HTML(tag="ol", unsafe_innerHTML="".join(f"<li>{q}</li>" for q in questions))
        with solara.Div(classes=["networks"]):
            for k, (world, title) in enumerate(worlds_shown):
                NetworkView(world, L, f"{t(L, 'network')}: {title}", tick, pins.value[k],
                            lambda user, k=k: pins.set(tuple(user if j == k else -1 for j in range(2))))
        solara.Text(t(L, "legend"), classes=["legend"])


@solara.component
def LessonPanel(k: int, L: str, revealed: bool, on_reveal, open_lesson, settled):  # noqa: N803
    """One step of the guided lesson at the top of the stage: the question, then the answer once asked for.

    The run starts at step 0 and the debrief (the answer) stays hidden until "Show the answer", so the class
    predicts before it sees anything; the button waits for the run to settle.
    """
    steps = lessons()["lesson"]
    a_settled = not settled.value[0]  # read here, so that the run settling re-renders this panel, not the page
    with solara.Div(classes=["lesson"]):
        solara.Text(f"{t(L, 'lesson_step', k=k + 1, n=len(steps))}: {scenario_label(steps[k]['scenario'], L)}",
                    classes=["card-title"])
        solara.Text(steps[k]["ask"][L], classes=["lesson-ask"])
        if not revealed:
            solara.Text(t(L, "lesson_predict"), classes=["lesson-predict"])
        with solara.Row(classes=["lesson-buttons"]):
            solara.Button(t(L, "previous"), on_click=lambda: open_lesson(k - 1), disabled=k == 0, text=True)
            if not revealed:
                solara.Button(t(L, "lesson_reveal"), on_click=on_reveal, disabled=not a_settled,
                              outlined=True, classes=["lesson-reveal"])
            solara.Button(t(L, "next"), on_click=lambda: open_lesson(k + 1), disabled=k + 1 >= len(steps),
                          text=True, classes=["lesson-next"])
            solara.Button(t(L, "close"), on_click=lambda: open_lesson(-1), text=True, classes=["lesson-close"])

