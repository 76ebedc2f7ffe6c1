"""The page's worlds on the stage: built for each new state, stepped, reset and played, in few render passes.

A class of 30 shares one server process, so each of these sets what it changes inside one render
context: a step bumps ``tick`` alone (read by the small components that show a step), a new pair of
worlds sets ``worlds`` (read by the live view, not the page). :func:`use_stage` is the page's hook
for them; what they do to the worlds is :func:`~viz.app_state.step_worlds`,
:func:`~viz.app_state.reset_worlds` and :func:`~viz.app_state.build_worlds`.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from typing import Any

import reacton.core
import solara

from model import ScenarioError
from viz.app_state import AppState, build_worlds, refusal, reset_worlds, step_worlds
from viz.i18n import number, t
from viz.sessions import session_closed


@dataclasses.dataclass(frozen=True)
class Stage:
    """A session's worlds and what shows them (reactive values), and the four things the page does to them."""

    worlds: Any  # the pair (World A, World B or None)
    tick: Any  # bumped at each step: read by the small components a step changes
    settled: Any  # each world's ``running`` (B's True when absent): read by the live view and the lesson
    playing: Any
    pins: Any  # the user tapped on each network, -1 for none
    log: Any  # the chart's log scale
    replicates: Any  # (the worlds' digests and seed, summary) once the background runs end
    apply: Callable[..., str]
    step_once: Callable[[], None]
    reset: Callable[[], None]
    play: Callable[[], Callable[[], None] | None]


def use_stage(state: Any) -> Stage:
    """The worlds of this session's ``state`` (a reactive :class:`~viz.app_state.AppState`), built at first render.

    ``apply(new, words, field)`` builds the worlds ``new`` asks for and puts both on the page, the notice saying
    what changed in ``words``; a refusal is shown at ``field`` and returned as one line in plain words.
    """
    worlds = solara.use_reactive(None)
    tick, settled = solara.use_reactive(0), solara.use_reactive((True, True))
    playing, pins, log = solara.use_reactive(False), solara.use_reactive((-1, -1)), solara.use_reactive(False)
    replicates = solara.use_reactive(None)
    lock = solara.use_memo(threading.RLock, [])
    render_context = reacton.core.get_render_context()

    def show(built: tuple, new: AppState | None = None, words: str = "") -> None:
        """New worlds on the stage (and the state that asked for them), in one render pass."""
        network_changed = worlds.value is None or built[0].model.graph is not worlds.value[0].model.graph
        with render_context:
            if new is not None:
                notice = t(new.lang, "rebuilt" if network_changed else "restarted", what=words,
                           n=number(new.lang, built[0].model.n_users)) if words else new.notice
                state.set(dataclasses.replace(new, notice=notice, failure=("", "")))
            worlds.set(built)
            settled.set((built[0].running, built[1] is None or built[1].running))
            pins.set((-1, -1))
            tick.set(tick.value + 1)

    def apply(new: AppState, words: str = "", field: str = "") -> str:
        try:
            with lock:
                built = build_worlds(new, previous=worlds.value)
        except (ScenarioError, ValueError):  # in plain words, never the builder's own message
            error = refusal(new)
            state.set(state.value.refused(field, error))
            return error
        show(built, new, words)
        return ""

    if worlds.peek() is None:  # peeked: the page does not re-render when the worlds change (the live view does)
        try:
            worlds.set(build_worlds(state.value))
        except (ScenarioError, ValueError):  # a link the scenario refuses: start from the scenario as shipped
            state.set(dataclasses.replace(state.value, overrides={}, compare=False))
            worlds.set(build_worlds(state.value))

    def step_once() -> None:
        with lock:
            running = step_worlds(worlds.value)
        with render_context:  # one render pass for all the components a step changes, not one for each
            tick.set(tick.value + 1)
            if running != settled.value:
                settled.set(running)

    def reset() -> None:
        with lock:
            again = reset_worlds(worlds.value)
        with render_context:
            playing.set(False)
            show(again)

    def play() -> Callable[[], None] | None:
        """While Play is on, step at the chosen speed in a thread of this session; Pause or a closed tab stops it.

        A thread of our own rather than solara.lab.use_task: each use_task registers a callback in a list of
        Solara's that lives as long as the server, and the callback held the session's worlds
        (bench/app_bench.py). The loop is started by the transport, which reads ``playing``.
        """
        if not playing.value:
            return None
        stop, closed = threading.Event(), session_closed()

        def loop() -> None:
            while not (stop.is_set() or closed.is_set()):
                started = time.perf_counter()
                step_once()
                a, b = worlds.value
                if not a.running and (b is None or not b.running):
                    playing.set(False)
                    break
                stop.wait(max(0.0, 1.0 / state.value.speed - (time.perf_counter() - started)))

        threading.Thread(target=loop, name="play", daemon=True).start()
        return stop.set

    return Stage(worlds, tick, settled, playing, pins, log, replicates, apply, step_once, reset, play)
