"""The classroom app: watch slacktivism happen, change it, compare two worlds.

Run with ``slacktivism app`` or ``solara run viz/app.py``. This module is the page and the server's
settings; every browser session builds its own worlds (state lives in :func:`Page`, not in the module),
so two students never drive the same model. What the page holds is a plain :class:`~viz.app_state.AppState`
(``viz/app_state.py``: its transitions are tested without a page); the controls are ``viz/controls.py``
(their declarations) and ``viz/control_fields.py``, the link ``viz/url.py``, the live view
``viz/live.py`` and ``viz/boards.py``.

Controls act at once: a change to a network key builds the new network (same seed); any other change
restarts the run from step 0 on the same network and seed, which common random numbers make a fair
before-and-after. The network and the chart are drawn in the browser (``viz/widgets.py``), so a step
sends a few kilobytes. The link holds the state, so a reload or a shared link restores the run.

Class mode, where the students are users of one shared network on their phones, has its own pages
(``/class`` and ``/join``, ``viz/classroom.py``); this module only routes to them.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import solara
import solara.lab
import solara.server.settings

from viz import offline
from viz.app_state import AppState
from viz.case_view import case_log_scale
from viz.classroom import ClassPage, JoinPage
from viz.control_fields import ControlsPanel
from viz.i18n import option, param, t
from viz.live import LessonPanel, Live, TopBar
from viz.sessions import freeze_startup_objects, remember_server_loop
from viz.stage import use_stage
from viz.widgets import DocumentFixes

# Reacton's fast renderer (opt-in in the pinned reacton) walks only the parts of the tree whose state changed; the
# default one walks the whole page for each small component a step re-renders, several times the server's CPU
# (bench/app_bench.py measures server_ms). Read as a page renders; REACTON_FAST=0 in the environment turns it off.
os.environ.setdefault("REACTON_FAST", "1")
# Set here because Solara runs this module before the server starts, for `slacktivism app`, `solara run` and tests.
solara.server.settings.telemetry.mixpanel_enable = False  # no usage statistics
solara.server.settings.theme.show_banner = False  # the "runs on Solara" badge covered the legend
solara.server.settings.theme.title = "Slacktivism"
#: A closed tab's session (its worlds) is freed this long after its websocket goes (Solara's default is 24 h);
#: SOLARA_KERNEL_CULL_TIMEOUT in the environment overrides it.
CULL_TIMEOUT = "60s"
if solara.server.settings.kernel.cull_timeout == "24h":
    solara.server.settings.kernel.cull_timeout = CULL_TIMEOUT
offline.serve_katex_stub()
STYLE = Path(__file__).resolve().parent / "app.css"


@solara.component
def Page():
    """The app: a bar with the run's buttons, the controls (a drawer on phones), and the worlds."""
    router = solara.use_router()
    solara.use_memo(remember_server_loop, [])
    start = solara.use_memo(lambda: AppState.from_url(
        router.search, ((solara.lab.headers.value or {}).get("accept-language") or [""])[0]), [])
    state = solara.use_reactive(start)
    stage = use_stage(state)
    # A link to a case whose points span orders of magnitude opens on a log scale, as the case menu does.
    solara.use_effect(lambda: stage.log.set(True) if start.case and case_log_scale(start.case) else None, [])
    s = state.value

    # The transitions read the state as it is when clicked (``state.value``), not as it was at this render.
    def set_b(key=None, value=None):
        new = state.value.with_b(key, value)
        b_key, b_value = new.b_change()
        words = f"{t(new.lang, 'world_b')}: {param(new.lang, b_key)} = {option(new.lang, b_value)}"
        return stage.apply(new, words, f"B:{b_key}")

    def open_lesson(j: int) -> None:
        new = state.value.with_lesson(j)
        # The last answer goes first, in a render of its own: the new lesson's worlds never appear beside it.
        state.set(dataclasses.replace(state.value, lesson=new.lesson, revealed=False))
        if j >= 0:
            stage.playing.set(False)
            stage.apply(new)

    def open_case(name: str) -> None:
        """A real campaign's case ("" closes it); a case whose points span orders of magnitude opens on a log scale."""
        if name != state.value.case:
            stage.playing.set(False)
            if stage.apply(state.value.with_case(name)) == "" and name and case_log_scale(name):
                stage.log.set(True)

    def change(**fields) -> None:
        state.set(dataclasses.replace(state.value, **fields))

    query = s.query()

    def sync_url():
        if router.search != query and router.set_path is not None:
            router.push(f"{router.path}?{query}")

    solara.use_effect(sync_url, [query])
    on = {"drawer": lambda x: change(drawer=x), "lang": lambda x: change(lang=x),
          "present": lambda x: change(present=x), "speed": lambda x: change(speed=x),
          "lesson": open_lesson, "b": set_b, "case": open_case,
          "scenario": lambda name: (name != state.value.name or state.value.case) and stage.apply(
              state.value.with_scenario(name)),
          "seed": lambda text: stage.apply(state.value.with_seed(int(text)), f"{t(s.lang, 'seed')} {text}"),
          "compare": lambda on: stage.apply(state.value.with_compare(on), t(s.lang, "compare"), f"B:{s.b_key}"),
          "control": lambda key, x: stage.apply(state.value.with_control(key, x),
                                                f"{param(s.lang, key)} = {option(s.lang, x)}", key)}
    classes = ["slacktivism-app"] + (["present"] if s.present else []) + (["drawer-open"] if s.drawer else [])
    with solara.Column(classes=classes, gap="0px"):
        solara.Style(STYLE)
        DocumentFixes.element(lang=s.lang)
        TopBar(s, on)
        with solara.Div(classes=["main"]):
            ControlsPanel(s, on)
            with solara.Div(classes=["stage"]):
                # The lesson and the notice come and go above the live view; each has a slot that is always there
                # (laid out as if absent when empty), so that the live view keeps its place and is not built again.
                with solara.Div(classes=["slot", "lesson-slot"]):
                    if s.lesson >= 0:
                        LessonPanel(s.lesson, s.lang, s.revealed, lambda: change(revealed=True), open_lesson,
                                    stage.settled)
                with solara.Div(classes=["slot", "notice-slot"]):
                    if s.notice:
                        solara.Text(s.notice, classes=["notice"])
                Live(stage.worlds, stage.tick, stage.settled, s.lang, s.name, s.seed, s.change(), stage.replicates,
                     stage.log, stage.pins, s.lesson >= 0 and not s.revealed,
                     {"playing": stage.playing, "step_once": stage.step_once, "reset": stage.reset,
                      "play": stage.play}, s.case)


@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's layout signature
    """The page as it is: Solara's app layout without its navigation tabs (the routes are pages, not tabs)."""
    return solara.AppLayout(children=children, navigation=False)


#: The app at /, class mode's projector at /class and the students' phones at /join (viz/classroom.py).
routes = [solara.Route(path="/", component=Page, label="Slacktivism", layout=Layout),
          solara.Route(path="class", component=ClassPage, label="Slacktivism: class mode"),
          solara.Route(path="join", component=JoinPage, label="Slacktivism: join")]

freeze_startup_objects()  # last: what the app imports is loaded by now (viz/sessions.py says why)
