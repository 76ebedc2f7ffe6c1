"""The classroom app: watch slacktivism happen, change it, compare two worlds.

Run with ``slacktivism app`` or ``solara run viz/app.py``. Every browser
session builds its own worlds (state lives in the ``Page`` component, not in
the module), so two students never drive the same model.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Literal, get_args, get_origin

import solara
import solara.lab
import solara.server.settings

from model import ScenarioError, load_scenario
from model.scenario import field_info
from viz.i18n import LANGUAGES, TEXT, difference, t
from viz.live_chart import chart_svg
from viz.world import HEIGHT, MAX_VIEW, WIDTH, World

# The one place usage statistics are switched off. Solara runs this module before the server
# starts (so before its start-up event) and before any session, for `slacktivism app`,
# `solara run viz/app.py` and tests alike.
solara.server.settings.telemetry.mixpanel_enable = False

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
DEFAULT_SCENARIO = "licensing"
#: The keys a class can change, with the model's own ranges.
CONTROLS = ("slacktivism.licensing", "slacktivism.consistency", "platform.feed", "platform.like_counts_visible",
            "seeding.strategy", "decision.cost_act", "misalignment.share", "network.n_users")
#: Largest population the app builds (the view above MAX_VIEW users is sampled).
APP_MAX_USERS = 200_000


def scenario_names() -> list[str]:
    """The shipped scenarios, by file name."""
    return sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


def bounds(key: str) -> tuple[float | None, float | None]:
    """The (ge, le) range the scenario declares for a numeric key."""
    low = high = None
    for meta in field_info(key).metadata:
        low = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else low
        high = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else high
    return low, high


def build(name: str, overrides: dict, seed: int, b_change: tuple | None) -> tuple[World, World | None]:
    """World A, and World B (A's overrides plus one change, same seed) when comparing."""
    path = SCENARIOS / f"{name}.yaml"
    a = World(load_scenario(path, overrides), seed)
    b = World(load_scenario(path, {**overrides, b_change[0]: b_change[1]}), seed) if b_change else None
    return a, b


def contrast(key: str, value):
    """A value for World B that differs from A's: the other end of a range, the other choice."""
    annotation = field_info(key).annotation
    if annotation is bool:
        return not value
    if get_origin(annotation) is Literal:
        options = list(get_args(annotation))
        return options[(options.index(value) + 1) % len(options)]
    low, high = bounds(key)
    if annotation is float and low is not None and high is not None and high <= 1:
        return low if value > (low + high) / 2 else high
    return value / 2 if value > 1 else value * 2


@solara.component
def Control(key: str, value, on_value, lang: str, error, path: Path, overrides: dict, prefix: str = ""):
    """One parameter control; a value the scenario refuses is reported, never applied."""
    label = prefix + TEXT[lang]["params"].get(key, key)

    def accept(new):
        try:
            load_scenario(path, {**overrides, key: new})
            if key == "network.n_users" and new > APP_MAX_USERS:
                raise ScenarioError("app", None, key, f"at most {APP_MAX_USERS} users in the app")
        except ScenarioError as exc:
            error.set(t(lang, "bad_value", problem=f"{exc.key}: {exc.problem}"))
            return
        error.set("")
        on_value(new)

    annotation = field_info(key).annotation
    if annotation is bool:
        solara.Checkbox(label=label, value=bool(value), on_value=accept)
    elif get_origin(annotation) is Literal:
        solara.Select(label=label, value=value, values=list(get_args(annotation)), on_value=accept)
    elif annotation is float:
        low, high = bounds(key)
        solara.SliderFloat(label=label, value=float(value), min=low or 0.0, max=high if high is not None else 1.0,
                           step=0.05, on_value=accept, thumb_label="always")
    else:
        solara.InputInt(label=label, value=int(value), on_value=accept, continuous_update=False)


@solara.component
def Scoreboard(world: World, lang: str, title: str, step: int):
    """What the platform shows beside what actually happened (``step`` re-renders it each step)."""
    c = world.model.current
    goal = world.scenario.campaign.goal_actions
    summary = world.model.summary()
    with solara.Card(title, classes=["scoreboard"]):
        with solara.Row():
            with solara.Column():
                solara.Markdown(f"**{t(lang, 'platform_shows')}**")
                solara.Markdown(f"### {c['liked']:,} {t(lang, 'likes')}")
                solara.Markdown(f"{c['shared']:,} {t(lang, 'shares')} · {c['aware']:,} {t(lang, 'reached')}")
            with solara.Column():
                solara.Markdown(f"**{t(lang, 'happened')}**")
                solara.Markdown(f"### {c['acted']:,} {t(lang, 'actions')}")
                met = (t(lang, "goal_met", step=summary["goal_step"]) if summary["goal_reached"]
                       else t(lang, "goal_missed"))
                solara.Markdown(f"{t(lang, 'goal')} {goal:,}: {met}")
        solara.Markdown(t(lang, "gap", gap=f"{c['slacktivism_gap']:,}"))


@solara.component
def Edges(world: World):
    """The network's ties: drawn once per world, not per step."""
    solara.HTML(tag="div", unsafe_innerHTML=world.edges_svg(), style="position:absolute;left:0;top:0")


@solara.component
def NetworkView(world: World, lang: str, title: str, step: int):
    """The network, coloured by state, with hover explanations (``step`` re-renders it each step)."""
    with solara.Card(title):
        if world.model.n_users > MAX_VIEW:
            solara.Text(t(lang, "sampled", shown=f"{MAX_VIEW:,}", total=f"{world.model.n_users:,}"))
        with solara.Div(style=f"position:relative;width:{WIDTH}px;height:{HEIGHT}px"):
            Edges(world)
            solara.HTML(tag="div", unsafe_innerHTML=world.svg(), classes=["network"],
                        style="position:absolute;left:0;top:0")


@solara.component
def Page():
    """The app: controls on the left, the worlds on the right."""
    lang = solara.use_reactive("en")
    name = solara.use_reactive(DEFAULT_SCENARIO)
    seed = solara.use_reactive(42)
    overrides = solara.use_reactive({})
    compare = solara.use_reactive(False)
    b_key = solara.use_reactive("slacktivism.licensing")
    b_value = solara.use_reactive(None)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(5.0)
    error = solara.use_reactive("")
    tick = solara.use_reactive(0)
    worlds = solara.use_reactive(None)

    path = SCENARIOS / f"{name.value}.yaml"
    base = solara.use_memo(lambda: load_scenario(path), [name.value])

    def b_change():
        if not compare.value:
            return None
        value = b_value.value if b_value.value is not None else contrast(b_key.value, current_value(b_key.value))
        return (b_key.value, value)

    def current_value(key):
        if key in overrides.value:
            return overrides.value[key]
        value = base
        for part in key.split("."):
            value = getattr(value, part)
        return value

    def reset():
        playing.set(False)
        try:
            worlds.set(build(name.value, overrides.value, seed.value, b_change()))
            error.set("")
        except (ScenarioError, ValueError) as exc:
            error.set(t(lang.value, "bad_value", problem=str(exc)))
        tick.set(tick.value + 1)

    if worlds.value is None:
        worlds.set(build(name.value, overrides.value, seed.value, None))

    def step_once():
        a, b = worlds.value
        a.step()
        if b is not None:
            b.step()
        tick.set(tick.value + 1)

    def loop():
        while playing.value:
            started = time.perf_counter()
            step_once()
            a, b = worlds.value
            if not a.running and (b is None or not b.running):
                playing.set(False)
                break
            time.sleep(max(0.0, 1.0 / speed.value - (time.perf_counter() - started)))

    solara.lab.use_task(loop, dependencies=[playing.value], prefer_threaded=True)

    a, b = worlds.value
    _ = tick.value  # re-render on every step
    with solara.Column(classes=["slacktivism-app"]):
        with solara.Row(style={"align-items": "center"}):
            solara.Markdown(f"## {t(lang.value, 'title')}")
            solara.ToggleButtonsSingle(value=lang.value, values=list(LANGUAGES), on_value=lang.set)
        with solara.Columns([1, 3]):
            with solara.Column():
                solara.Select(label=t(lang.value, "scenario"), value=name.value, values=scenario_names(),
                              on_value=lambda v: (name.set(v), overrides.set({}), worlds.set(
                                  build(v, {}, seed.value, None)), compare.set(False)))
                description = base.description_id if lang.value == "id" and base.description_id else base.description
                solara.Markdown(description)
                tries = base.things_to_try_id if lang.value == "id" else base.things_to_try
                if tries:
                    solara.Markdown(f"**{t(lang.value, 'things_to_try')}**\n\n" + "\n".join(f"- {x}" for x in tries))
                with solara.Row():
                    solara.Button(t(lang.value, "play"), on_click=lambda: playing.set(True),
                                  disabled=playing.value or not a.running, color="primary", classes=["play"])
                    solara.Button(t(lang.value, "pause"), on_click=lambda: playing.set(False),
                                  disabled=not playing.value, classes=["pause"])
                    solara.Button(t(lang.value, "step"), on_click=step_once, disabled=playing.value or not a.running,
                                  classes=["step"])
                    solara.Button(t(lang.value, "reset"), on_click=reset, classes=["reset"])
                solara.SliderFloat(t(lang.value, "speed"), value=speed.value, min=0.5, max=20, step=0.5,
                                   on_value=speed.set)
                solara.InputInt(t(lang.value, "seed"), value=seed.value, continuous_update=False,
                                on_value=lambda v: seed.set(v) if v >= 0 else error.set(
                                    t(lang.value, "bad_value", problem=f"seed: must be >= 0 (got {v})")))
                for key in CONTROLS:
                    Control(key, current_value(key), lambda v, k=key: overrides.set({**overrides.value, k: v}),
                            lang.value, error, path, overrides.value)
                solara.Checkbox(label=t(lang.value, "compare"), value=compare.value, on_value=compare.set)
                if compare.value:
                    solara.Select(label=t(lang.value, "b_changes"), value=b_key.value, values=list(CONTROLS),
                                  on_value=lambda v: (b_key.set(v), b_value.set(None)))
                    Control(b_key.value, b_value.value if b_value.value is not None
                            else contrast(b_key.value, current_value(b_key.value)),
                            b_value.set, lang.value, error, path, overrides.value, prefix="B: ")
                if error.value:
                    solara.Text(error.value, classes=["bad-value"], style={"color": "#b00020", "font-weight": "bold"})
            with solara.Column():
                status = t(lang.value, "step_counter", step=a.steps)
                if not a.running:
                    status += f" · {t(lang.value, 'finished')}"
                solara.Text(status, classes=["step-counter"], style={"font-size": "1.5em", "font-weight": "bold"})
                worlds_shown = [(a, t(lang.value, "world_a"))] + ([(b, t(lang.value, "world_b"))] if b else [])
                with solara.Row():
                    for world, title in worlds_shown:
                        Scoreboard(world, lang.value, title, world.steps)
                if b is not None:
                    solara.Text(difference(lang.value, a.model.summary(), b.model.summary()), classes=["difference"],
                                style={"font-size": "1.3em", "color": "#08519c"})
                frames = [(w.series(), title) for w, title in worlds_shown]
                labels = {"aware": t(lang.value, "reached"), "liked": t(lang.value, "likes"),
                          "shared": t(lang.value, "shares"), "acted": t(lang.value, "actions"),
                          "goal": t(lang.value, "goal")}
                solara.HTML(tag="div", classes=["chart"], unsafe_innerHTML=chart_svg(
                    frames, goal_actions=a.scenario.campaign.goal_actions,
                    n_users=max(w.model.n_users for w, _ in worlds_shown),
                    titles=(t(lang.value, "vanity"), t(lang.value, "impact")), labels=labels))
                with solara.Row():
                    for world, title in worlds_shown:
                        NetworkView(world, lang.value, f"{t(lang.value, 'network')}: {title}", world.steps)
                solara.Text(t(lang.value, "legend"))
