"""The classroom app: watch slacktivism happen, change it, compare two worlds.

Run with ``slacktivism app`` or ``solara run viz/app.py``. Every browser
session builds its own worlds (state lives in the ``Page`` component, not in
the module), so two students never drive the same model.

Controls act at once: a change to a network key builds the new network (same
seed); any other change restarts the run from step 0 on the same network and
seed, which common random numbers make a fair before-and-after. The network
and the chart are drawn in the browser (``viz/widgets.py``), so a step sends a
few kilobytes. The URL holds the scenario, the changed keys, World B, the
seed and the language, so a reload or a shared link restores the run.

The file is over the house's usual 400 lines because the page, its components,
the controls' declarations, the URL codec and the app's state still live
together; splitting them (a plain state with pure transitions, components, a
short page) is this file's next change.

Class mode, where the students are users of one shared network on their phones, has its own pages
(``/class`` and ``/join``, ``viz/classroom.py``); this module only routes to them.
"""

from __future__ import annotations

import math
import os
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Literal, get_args, get_origin
from urllib.parse import parse_qs, urlencode

import reacton.core
import reacton.ipyvuetify as v
import solara
import solara.lab
import solara.server.settings

from model import ScenarioError, load_scenario
from model.metrics import BY_NAME, FUNNEL
from model.scenario import field_info
from model.scenario_files import parse_override
from viz import offline
from viz.classroom import ClassPage, JoinPage
from viz.controls import CONTROLS, LEVELS, level_of
from viz.figures import STATE_COLOURS
from viz.i18n import (
    LANGUAGES,
    acted_split,
    browser_language,
    changed,
    describe,
    difference,
    funnel,
    lessons,
    number,
    option,
    param,
    per_100_likes,
    plural,
    scenario_label,
    scenario_text,
    signed_percent,
    t,
    value_words,
)
from viz.replicates import N_REPLICATES, paired_actions, summarise
from viz.sessions import freeze_startup_objects, remember_server_loop, session_closed
from viz.widgets import DocumentFixes, ExportPng, LiveChart, NetworkCanvas
from viz.world import MAX_VIEW, PALETTE, World

# Reacton's fast renderer (opt-in in the pinned reacton) walks only the parts of the tree whose state changed. A step
# re-renders a few small components (see Live); the default renderer walks the whole page for each of them, which
# costs the server several times the CPU per step (bench/app_bench.py measures server_ms). Read whenever a session's
# page is rendered, so set before any is; REACTON_FAST=0 in the environment turns it off.
os.environ.setdefault("REACTON_FAST", "1")

# Server settings, set here because Solara runs this module before the server starts (and before any
# session) for `slacktivism app`, `solara run viz/app.py` and tests alike.
solara.server.settings.telemetry.mixpanel_enable = False  # no usage statistics
solara.server.settings.theme.show_banner = False  # the "runs on Solara" badge covered the legend
solara.server.settings.theme.title = "Slacktivism"
#: A closed tab's session (its worlds) is freed this long after its websocket goes (Solara's default is 24 h).
#: SOLARA_KERNEL_CULL_TIMEOUT in the environment overrides it.
CULL_TIMEOUT = "60s"
if solara.server.settings.kernel.cull_timeout == "24h":
    solara.server.settings.kernel.cull_timeout = CULL_TIMEOUT
offline.serve_katex_stub()


#: The shipped scenarios (package data of ``scenarios``, so an installed wheel has them too).
SCENARIOS = Path(str(resources.files("scenarios")))
#: The campaign the app opens on: the baseline's cause with 50 organisers, where a control visibly moves actions
#: (scenarios/classroom.yaml gives the measured numbers; tests/test_app_default.py checks them).
DEFAULT_SCENARIO = "classroom"
#: Largest population the app builds (the view above MAX_VIEW users is sampled).
APP_MAX_USERS = 200_000
STYLE = Path(__file__).resolve().parent / "app.css"
LOCALES = {"en": "en-US", "id": "id-ID"}


def scenario_names() -> list[str]:
    """The shipped scenarios, by file name: the guided lesson's order first, then the rest."""
    names = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
    order = [s["scenario"] for s in lessons()["lesson"]]
    return sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n))


def bounds(key: str) -> tuple[float | None, float | None]:
    """The (ge, le) range the scenario declares for a numeric key."""
    low = high = None
    for meta in field_info(key).metadata:
        low = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else low
        high = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else high
    return low, high


def kind(key: str) -> str:
    """How a key is controlled: ``bool``, ``choice``, ``slider`` (a bounded number) or ``int``/``float`` fields."""
    annotation = field_info(key).annotation
    if annotation is bool:
        return "bool"
    if get_origin(annotation) is Literal:
        return "choice"
    if annotation is float:
        low, high = bounds(key)
        return "slider" if low is not None and high is not None and high > low else "float"
    return "int"


def slider_step(low: float, high: float) -> float:
    """A round step giving about 20 positions between the bounds (0.05 for 0-1, 1 for 1-20)."""
    raw = (high - low) / 20
    scale = 10 ** math.floor(math.log10(raw))
    return next(m * scale for m in (1, 2, 2.5, 5, 10) if m * scale >= raw * 0.99)


def value_of(scenario, key: str):
    """A dotted key's value in a scenario."""
    value = scenario
    for part in key.split("."):
        value = getattr(value, part)
    return value


def build(name: str, overrides: dict, seed: int, b_change: tuple | None,
          previous: tuple | None = None) -> tuple[World, World | None]:
    """World A, and World B (A's overrides plus one change, same seed) when comparing.

    A world whose network keys and seed match a previous world's reuses that network.
    """
    path = SCENARIOS / f"{name}.yaml"
    old = [w for w in (previous or ()) if w is not None]

    def world(scenario):
        same = next((w for w in old if w.seed == seed and w.scenario.network == scenario.network), None)
        return World(scenario, seed, graph=same.model.graph if same else None)

    a = world(load_scenario(path, overrides))
    b = world(load_scenario(path, {**overrides, b_change[0]: b_change[1]})) if b_change else None
    return a, b


def contrast(key: str, value):
    """A value for World B that differs from A's in a way a class can see.

    A control shown as levels goes to the far level a student names: the message "a call to act" from
    an appeal or a mix (likes fall by half within steps), licensing "strong" from none and "none" otherwise;
    otherwise the other end of a range, the other choice.
    """
    if key in LEVELS:
        levels = LEVELS[key]
        if key == "campaign.framing":
            return levels[-1] if level_of(key, value) < len(levels) - 1 else levels[0]
        return levels[-2] if level_of(key, value) == 0 else levels[0]
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


def check(key: str, text: str, lang: str, path: Path, overrides: dict):
    """``(value, "")`` for a typed value the scenario accepts, else ``(None, one line saying why)``."""
    integer = kind(key) == "int"
    try:
        value = int(text.strip()) if integer else float(text.strip().replace(",", "."))
    except ValueError:
        return None, t(lang, "whole_number" if integer else "a_number")
    low, high = bounds(key)
    if low is not None and value < low:
        return None, t(lang, "min_value", low=number(lang, low, 0 if integer else 2))
    if high is not None and value > high:
        return None, t(lang, "max_value", high=number(lang, high, 0 if integer else 2))
    if key == "network.n_users" and value > APP_MAX_USERS:
        return None, t(lang, "max_users", high=number(lang, APP_MAX_USERS))
    try:
        scenario = load_scenario(path, {**overrides, key: value})
    except ScenarioError:
        return None, t(lang, "refused")
    return (value, "") if not (problem := network_problem(lang, scenario)) else (None, problem)


def network_problem(lang: str, scenario) -> str:
    """Why the scenario's network cannot be built, in plain words ("" if it can).

    The network builder's own message ("barabasi_albert needs mean_degree/2 < n_users") is a researcher's,
    and came out in English in Indonesian mode too; the rule is checked here, before the build, in words.
    """
    network = scenario.network
    if network.kind == "barabasi_albert" and network.n_users is not None:
        attach = max(1, round(network.mean_degree / 2))
        if attach >= network.n_users:
            return t(lang, "too_few_users", degree=number(lang, network.mean_degree), need=number(lang, attach))
    return ""


def parse_url(search: str | None) -> dict:
    """What a URL's query holds: scenario, lang, seed, set (KEY=VALUE, repeated), b (KEY=VALUE); bad parts dropped."""
    query = parse_qs(search or "")
    state: dict = {}
    name = query.get("scenario", [""])[0]
    if name in scenario_names():
        state["name"] = name
    if query.get("lang", [""])[0] in LANGUAGES:
        state["lang"] = query["lang"][0]
    if query.get("seed", [""])[0].isdigit():
        state["seed"] = int(query["seed"][0])
    overrides = {}
    for item in query.get("set", []):
        try:
            key, value = parse_override(item)
        except ScenarioError:
            continue
        if key in CONTROLS:
            overrides[key] = value
    if overrides:
        state["overrides"] = overrides
    if query.get("b"):
        try:
            key, value = parse_override(query["b"][0])
            if key in CONTROLS:
                state["b"] = (key, value)
        except ScenarioError:
            pass
    return state


def url_query(name: str, lang: str, seed: int, overrides: dict, b: tuple | None) -> str:
    """The query that :func:`parse_url` reads back."""
    def show(value):
        return str(value).lower() if isinstance(value, bool) else str(value)

    items = [("scenario", name), ("lang", lang), ("seed", str(seed))]
    items += [("set", f"{k}={show(x)}") for k, x in overrides.items()]
    if b:
        items.append(("b", f"{b[0]}={show(b[1])}"))
    return urlencode(items)


@solara.component
def TypedField(key: str, value, lang: str, path: Path, overrides: dict, on_value, prefix: str = "",
               failure: str = ""):
    """A number typed into a field: checked at every keystroke, applied on Enter or leaving the field.

    The error stands under the field and goes as soon as the text is fixed.
    ``on_value`` may answer with a message (a network the scenario cannot
    build), which is shown the same way.
    """
    text, set_text = solara.use_state(str(value), key=f"{key}-{value}")
    refused, set_refused = solara.use_state("", key=f"{key}-{value}-refused")
    _, problem = check(key, text, lang, path, overrides)
    message = problem or refused or failure

    def edit(new):
        set_text(new)
        set_refused("")

    def commit(*_):
        parsed, bad = check(key, text, lang, path, overrides)
        if not bad and parsed != value:
            set_refused(on_value(parsed) or "")

    field = v.TextField(label=prefix + param(lang, key), v_model=text, on_v_model=edit,
                        error_messages=[message] if message else [], error=bool(message),
                        class_="field " + key.replace(".", "-"),
                        attributes={"inputmode": "numeric" if kind(key) == "int" else "decimal"})
    v.use_event(field, "focusout", commit)
    v.use_event(field, "keyup.enter", commit)
    return field


@solara.component
def SeedField(seed: int, lang: str, on_value):
    """The random seed: a whole number, applied on Enter or leaving the field (the run restarts with it)."""
    text, set_text = solara.use_state(str(seed), key=str(seed))
    bad = not text.strip().isdigit()
    field = v.TextField(label=t(lang, "seed"), v_model=text, on_v_model=set_text, class_="seed",
                        attributes={"inputmode": "numeric"}, error_messages=[t(lang, "whole_number")] if bad else [])

    def commit(*_):
        if not bad and int(text) != seed:
            on_value(text.strip())

    v.use_event(field, "focusout", commit)
    v.use_event(field, "keyup.enter", commit)
    return field


@solara.component
def Control(key: str, value, lang: str, path: Path, overrides: dict, on_value, prefix: str = "", failure: str = ""):
    """One parameter control, built from the model's declaration of the key."""
    label = prefix + param(lang, key)
    how = kind(key)
    if key in LEVELS:
        LevelSlider(key, value, lang, label, on_value)
    elif how == "bool":
        v.Switch(label=f"{label}: {value_words(lang, key, bool(value))}", v_model=bool(value),
                 on_v_model=on_value, class_=key.replace(".", "-"), hide_details=True)
    elif how == "choice":
        items = [{"text": option(lang, o), "value": o} for o in get_args(field_info(key).annotation)]
        v.Select(label=label, items=items, v_model=value, on_v_model=on_value, class_=key.replace(".", "-"))
    elif how == "slider":
        low, high = bounds(key)
        step = slider_step(low, high)

        def moved(x):
            # The slider snaps a value that is off its grid (a default of 0.57 on a 0.05 grid) and reports the
            # snapped value at once; only a move of at least half a step is the user's.
            if abs(float(x) - float(value)) > step / 2 + 1e-9:
                on_value(round(float(x), 6))

        with solara.Column(gap="0px", classes=["slider-field"]):
            solara.Text(f"{label}: {option(lang, float(value))}", classes=["slider-label"])
            # ``label`` is the slider's accessible name (Vuetify puts it in aria-label); app.css hides its
            # visual copy, since the line above shows it with the value.
            v.Slider(v_model=float(value), min=low, max=high, step=step, hide_details=True, label=label,
                     on_v_model=moved, class_="slider " + key.replace(".", "-"))
    else:
        TypedField(key, value, lang, path, overrides, on_value, prefix, failure)


@solara.component
def LevelSlider(key: str, value, lang: str, label: str, on_value):
    """A control shown as five levels read left to right ("none … strong"), each the model's value underneath.

    The value shown is the level's words, never the odds ratio: moral licensing's 0.05 is its *strongest*
    setting, so a slider on the number ran backwards for a class (``viz/controls.py`` says more).
    """
    levels = LEVELS[key]
    at = level_of(key, value)
    words = value_words(lang, key, value)

    def moved(x):
        k = round(float(x))
        if k != at:
            on_value(levels[k])

    with solara.Column(gap="0px", classes=["slider-field", "level-field"]):
        solara.Text(f"{label}: {words}", classes=["slider-label"])
        v.Slider(v_model=at, min=0, max=len(levels) - 1, step=1, ticks="always", tick_size=4, hide_details=True,
                 label=label, on_v_model=moved, class_="slider " + key.replace(".", "-"),
                 attributes={"aria-valuetext": words})
        with solara.Row(classes=["level-ends"], justify="space-between"):
            solara.Text(end_words(lang, "low_end", key))
            solara.Text(end_words(lang, "high_end", key))


def end_words(lang: str, which: str, key: str) -> str:
    """The words at a level slider's left (``low_end``) or right (``high_end``) end."""
    from viz.i18n import TEXT

    return TEXT[lang][which][key]


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
    from model.agents import user_records

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


@solara.component
def Chart(worlds_shown: list, L: str, log: bool, tick):  # noqa: N803
    """Likes, shares, actions and the goal on one y-axis, likes and actions drawn largest; a step sends the points."""
    _ = tick.value
    a = worlds_shown[0][0]
    compared = len(worlds_shown) > 1
    LiveChart.element(
        worlds=[{"name": title, "series": w.series()} for w, title in worlds_shown],
        columns=CHART_COLUMNS, colours={c: STATE_COLOURS[BY_NAME[c].state] for c in CHART_COLUMNS},
        big=["liked", "acted"],
        names=dict(funnel(L)), goal=a.scenario.campaign.goal_actions,
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


@solara.component
def Live(stage, tick, settled, L: str, name: str, seed: int, change, replicates,  # noqa: N803
         log, pins, hide_answer: bool, transport: dict):
    """Everything that changes with the run: scoreboards, funnels, the comparison, the chart, the networks.

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
        Chart(worlds_shown, L, log.value, tick)
        ChartTools(stage, b is not None, L, name, seed, log)
        # The debrief has a place of its own that is always there: Solara pairs old and new children by position,
        # so a debrief inserted here when the run settles made every later child new, and the network views
        # were built again (their positions and edges re-sent, the canvases blank for a moment).
        with solara.Div(classes=["debrief-slot"]):
            # In a guided lesson the debrief is the answer: it waits until the class has predicted (the lesson's
            # "Show the answer").
            summary_text = scenario_text(name, "summary", L) if not (a.running or hide_answer) else None
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
def LessonPanel(k: int, L: str, revealed, open_lesson, settled):  # noqa: N803
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
        if not revealed.value:
            solara.Text(t(L, "lesson_predict"), classes=["lesson-predict"])
        with solara.Row(classes=["lesson-buttons"]):
            solara.Button(t(L, "previous"), on_click=lambda: open_lesson(k - 1), disabled=k == 0, text=True)
            if not revealed.value:
                solara.Button(t(L, "lesson_reveal"), on_click=lambda: revealed.set(True), disabled=not a_settled,
                              outlined=True, classes=["lesson-reveal"])
            solara.Button(t(L, "next"), on_click=lambda: open_lesson(k + 1), disabled=k + 1 >= len(steps),
                          text=True, classes=["lesson-next"])
            solara.Button(t(L, "close"), on_click=lambda: open_lesson(-1), text=True, classes=["lesson-close"])


@solara.component
def Page():
    """The app: a bar with the run's buttons, the controls (a drawer on phones), and the worlds."""
    router = solara.use_router()
    solara.use_memo(remember_server_loop, [])
    start = solara.use_memo(lambda: parse_url(router.search), [])
    lang = solara.use_reactive(start.get("lang") or browser_language(
        ((solara.lab.headers.value or {}).get("accept-language") or [""])[0]))
    name = solara.use_reactive(start.get("name", DEFAULT_SCENARIO))
    seed = solara.use_reactive(start.get("seed", 42))
    overrides = solara.use_reactive(start.get("overrides", {}))
    compare = solara.use_reactive("b" in start)
    b_key = solara.use_reactive(start["b"][0] if "b" in start else next(iter(CONTROLS)))
    b_value = solara.use_reactive(start["b"][1] if "b" in start else None)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(2.0)
    notice = solara.use_reactive("")
    failure = solara.use_reactive(("", ""))  # (key, message): a build the scenario refused, shown at its field
    tick = solara.use_reactive(0)  # bumped at each step: read by the small components a step changes
    settled = solara.use_reactive((True, True))  # each world's ``running``: read by :func:`Live`
    worlds = solara.use_reactive(None)
    pins = solara.use_reactive((-1, -1))
    present = solara.use_reactive(False)
    drawer = solara.use_reactive(False)
    log = solara.use_reactive(False)
    lesson = solara.use_reactive(-1)
    revealed = solara.use_reactive(False)  # the guided lesson's answer, shown once the class has predicted
    lock = solara.use_memo(threading.RLock, [])
    render_context = reacton.core.get_render_context()

    path = SCENARIOS / f"{name.value}.yaml"
    base = solara.use_memo(lambda: load_scenario(path), [name.value])

    def current_value(key, values=None):
        values = overrides.value if values is None else values
        return values[key] if key in values else value_of(base, key)

    def b_change(values=None, on=None, key=None, value=None):
        if not (compare.value if on is None else on):
            return None
        key = key or b_key.value
        value = value if value is not None else b_value.value
        return (key, value if value is not None else contrast(key, current_value(key, values)))

    def rebuild(values=None, b=(), words="", scenario=None, new_seed=None) -> str:
        """Build both worlds from step 0 at once; the scenario's refusal comes back as one line."""
        values = overrides.value if values is None else values
        change = b_change(values) if b == () else b
        try:
            with lock:
                built = build(scenario or name.value, values, seed.value if new_seed is None else new_seed, change,
                              previous=worlds.value)
        except (ScenarioError, ValueError):  # in plain words, never the builder's own message
            try:
                problem = network_problem(lang.value, load_scenario(SCENARIOS / f"{scenario or name.value}.yaml",
                                                                    values))
            except (ScenarioError, ValueError):
                problem = ""
            return problem or t(lang.value, "refused")
        show(built, words)
        return ""

    def show(built: tuple, words: str = "") -> None:
        """Put new worlds on the stage, in one render pass of the live view (a class resetting at once is 30)."""
        network_changed = worlds.value is None or built[0].model.graph is not worlds.value[0].model.graph
        with render_context:
            worlds.set(built)
            settled.set((built[0].running, built[1] is None or built[1].running))
            pins.set((-1, -1))
            if words:
                notice.set(t(lang.value, "rebuilt" if network_changed else "restarted",
                             n=number(lang.value, built[0].model.n_users), what=words))
            tick.set(tick.value + 1)

    if worlds.peek() is None:  # peeked: the page does not re-render when the worlds change (see Live)
        try:
            worlds.set(build(name.value, overrides.value, seed.value, b_change()))
        except (ScenarioError, ValueError):  # a URL the scenario refuses: start from the scenario as shipped
            overrides.set({})
            compare.set(False)
            worlds.set(build(name.value, {}, seed.value, None))

    def set_control(key, value):
        values = {**overrides.value, key: value}
        error = rebuild(values, words=f"{param(lang.value, key)} = {option(lang.value, value)}")
        if error:
            failure.set((key, error))
            return error
        failure.set(("", ""))
        overrides.set(values)
        return ""

    def set_b(key=None, value=None):
        change = b_change(on=True, key=key, value=value)
        error = rebuild(b=change, words=f"{t(lang.value, 'world_b')}: {param(lang.value, change[0])} = "
                                        f"{option(lang.value, change[1])}")
        if error:
            failure.set((f"B:{change[0]}", error))
            return error
        failure.set(("", ""))
        b_key.set(change[0])
        b_value.set(value)
        return ""

    def set_compare(on):
        compare.set(on)
        rebuild(b=b_change(on=on), words=t(lang.value, "compare"))

    def choose_scenario(new):
        if new == name.value:
            return
        name.set(new)
        overrides.set({})
        b_value.set(None)
        rebuild({}, b=b_change({}, key=b_key.value) if compare.value else None, scenario=new)
        notice.set("")

    def open_lesson(j: int) -> None:
        """Lesson ``j`` (-1 closes it): its scenario from step 0, and World B as the lesson sets it, or none.

        Each lesson sets both worlds, so a Granovetter lesson no longer inherits the previous lesson's World B,
        and its answer is hidden again until the class has predicted.
        """
        lesson.set(j)
        revealed.set(False)
        if j < 0:
            return
        step = lessons()["lesson"][j]
        b = parse_override(step["b"]) if step.get("b") else None
        playing.set(False)
        name.set(step["scenario"])
        overrides.set({})
        compare.set(b is not None)
        if b is not None:
            b_key.set(b[0])
        b_value.set(b[1] if b is not None else None)
        rebuild({}, b=b, scenario=step["scenario"])
        failure.set(("", ""))
        notice.set("")

    def set_seed(text):
        if text.strip().isdigit():
            seed.set(int(text))
            rebuild(new_seed=int(text), words=f"{t(lang.value, 'seed')} {text}")

    def reset():
        """The same worlds again from step 0: their scenarios, seed and network, so nothing is read or built again."""
        with lock:
            again = tuple(w and World(w.scenario, w.seed, graph=w.model.graph) for w in worlds.value)
        with render_context:
            playing.set(False)
            show(again)

    def step_once():
        with lock:
            a, b = worlds.value
            a.step()
            if b is not None:
                b.step()
            running = (a.running, b is None or b.running)
        with render_context:  # one render pass for all the components a step changes, not one for each
            tick.set(tick.value + 1)
            if running != settled.value:
                settled.set(running)

    def play():
        """While Play is on, step at the chosen speed in a thread of this session; Pause or a closed tab stops it."""
        if not playing.value:
            return None
        stop = threading.Event()
        closed = session_closed()

        def loop():
            while not (stop.is_set() or closed.is_set()):
                started = time.perf_counter()
                step_once()
                a, b = worlds.value
                if not a.running and (b is None or not b.running):
                    playing.set(False)
                    break
                stop.wait(max(0.0, 1.0 / speed.value - (time.perf_counter() - started)))

        threading.Thread(target=loop, name="play", daemon=True).start()
        return stop.set

    # Threads of our own rather than solara.lab.use_task: each use_task registers a callback in a list of
    # Solara's that lives as long as the server, and the callback holds the task's function, so every session
    # that had pressed Play or compared two worlds stayed in memory, worlds and all (bench/app_bench.py).
    # Play's loop starts in Transport and the replicates in Live, the components that read what they depend on.
    change = (b_change()[0], current_value(b_change()[0]), b_change()[1]) if compare.value else None
    replicates = solara.use_reactive(None)  # (the worlds' digests and seed, summary) once the background runs end

    query = url_query(name.value, lang.value, seed.value, overrides.value,
                      b_change() if compare.value else None)

    def sync_url():
        if router.search != query and router.set_path is not None:
            router.push(f"{router.path}?{query}")

    solara.use_effect(sync_url, [query])

    L = lang.value  # noqa: N806 - read on every line below
    classes = ["slacktivism-app"] + (["present"] if present.value else []) + (["drawer-open"] if drawer.value else [])
    with solara.Column(classes=classes, gap="0px"):
        solara.Style(STYLE)
        DocumentFixes.element(lang=L)
        with solara.Row(classes=["topbar"], gap="8px"):
            solara.Text(t(L, "title"), classes=["app-title"])
            solara.Button(t(L, "controls"), icon_name="mdi-tune", on_click=lambda: drawer.set(not drawer.value),
                          classes=["drawer-button"], outlined=True)
            v.BtnToggle(v_model=list(LANGUAGES).index(L), mandatory=True, dense=True, class_="lang-toggle",
                        on_v_model=lambda k: lang.set(list(LANGUAGES)[k]),
                        children=[v.Btn(children=[code], small=True, class_=f"lang-{code}") for code in LANGUAGES])
            v.Checkbox(label=t(L, "present"), v_model=present.value, on_v_model=present.set, class_="present-toggle",
                        hide_details=True)
            solara.Button(t(L, "lesson"), icon_name="mdi-school", on_click=lambda: open_lesson(0), outlined=True,
                          classes=["lesson-start"])
            with solara.Link("/class"):
                solara.Button(t(L, "class_mode"), text=True, classes=["class-mode-link"])
        with solara.Div(classes=["main"]):
            with solara.Div(classes=["controls"]):
                solara.Button(t(L, "close"), on_click=lambda: drawer.set(False), classes=["drawer-close"], text=True)
                v.Select(label=t(L, "scenario"), v_model=name.value, on_v_model=choose_scenario, class_="scenario",
                         items=[{"text": scenario_label(s, L), "value": s} for s in scenario_names()])
                intro = scenario_text(name.value, "intro", L)
                if not intro:
                    intro = base.description_id if L == "id" and base.description_id else base.description
                solara.Text(intro, classes=["intro"])
                v.Slider(v_model=speed.value, min=0.5, max=10, step=0.5, label=f"{t(L, 'speed')}: "
                         f"{number(L, speed.value, 1)}", on_v_model=lambda x: speed.set(float(x)), hide_details=True,
                         class_="speed")
                SeedField(seed.value, L, set_seed)
                for key in CONTROLS:
                    try:
                        field_info(key)
                    except (KeyError, AttributeError):  # a key the model no longer declares: its line needs updating
                        continue
                    Control(key, current_value(key), L, path, overrides.value,
                            lambda x, k=key: set_control(k, x), failure=failure.value[1]
                            if failure.value[0] == key else "")
                v.Checkbox(label=t(L, "compare"), v_model=compare.value, on_v_model=set_compare, class_="compare",
                        hide_details=True)
                if compare.value:
                    keys = [k for k in CONTROLS if k != "network.n_users"]
                    v.Select(label=t(L, "b_changes"), v_model=b_key.value, class_="b-key",
                             items=[{"text": param(L, k), "value": k} for k in keys],
                             on_v_model=lambda k: set_b(key=k, value=None))
                    Control(b_key.value, b_change()[1], L, path, overrides.value,
                            lambda x: set_b(value=x), prefix="B: ",
                            failure=failure.value[1] if failure.value[0] == f"B:{b_key.value}" else "")
            with solara.Div(classes=["stage"]):
                # The lesson and the notice come and go above the live view; each has a slot that is always there
                # (laid out as if absent when empty), so that the live view keeps its place and is not built again.
                with solara.Div(classes=["slot", "lesson-slot"]):
                    if lesson.value >= 0:
                        LessonPanel(lesson.value, L, revealed, open_lesson, settled)
                with solara.Div(classes=["slot", "notice-slot"]):
                    if notice.value:
                        solara.Text(notice.value, classes=["notice"])
                Live(worlds, tick, settled, L, name.value, seed.value, change, replicates, log, pins,
                     lesson.value >= 0 and not revealed.value,
                     {"playing": playing, "step_once": step_once, "reset": reset, "play": play})


@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's layout signature
    """The page as it is: Solara's app layout without its navigation tabs (the routes are pages, not tabs)."""
    return solara.AppLayout(children=children, navigation=False)


#: The app at /, class mode's projector at /class and the students' phones at /join (viz/classroom.py).
routes = [solara.Route(path="/", component=Page, label="Slacktivism", layout=Layout),
          solara.Route(path="class", component=ClassPage, label="Slacktivism: class mode"),
          solara.Route(path="join", component=JoinPage, label="Slacktivism: join")]

freeze_startup_objects()  # last: what the app imports is loaded by now (viz/sessions.py says why)
