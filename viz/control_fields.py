"""The controls' components: one per parameter, built from the model's declaration, and the panel that holds them.

A control acts at once (the page rebuilds the worlds, ``viz/stage.py``); what it shows is read from the key's
declaration (``viz/controls.py``): a switch, a menu, a slider, five levels in words, or a typed field
that applies on Enter or on leaving it and says in plain words why a value is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import get_args

import reacton.ipyvuetify as v
import solara

from model.scenario import field_info
from viz.app_state import AppState, check
from viz.case_view import case_names
from viz.controls import CONTROLS, LEVELS, bounds, kind, level_of, scenario_names, slider_step
from viz.i18n import TEXT, case_text, number, option, param, scenario_label, scenario_text, t, value_words


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
    return TEXT[lang][which][key]



@solara.component
def ControlsPanel(state: AppState, on: dict[str, Callable]):
    """The scenario, a real campaign, the story, the speed, the seed, every control, and World B's change.

    ``on`` holds the page's transitions: ``drawer``, ``scenario``, ``case``, ``speed``, ``seed``, ``control``,
    ``compare`` and ``b`` (each rebuilds the worlds, or says in the field why it cannot).
    """
    L = state.lang  # noqa: N806 - read on every line below
    base = state.base
    with solara.Div(classes=["controls"]):
        solara.Button(t(L, "close"), on_click=lambda: on["drawer"](False), classes=["drawer-close"], text=True)
        v.Select(label=t(L, "scenario"), v_model=state.name, on_v_model=on["scenario"], class_="scenario",
                 items=[{"text": scenario_label(s, L), "value": s} for s in scenario_names()])
        v.Select(label=t(L, "case"), v_model=state.case, on_v_model=lambda x: on["case"](x or ""), class_="case",
                 items=[{"text": t(L, "case_none"), "value": ""}]
                 + [{"text": case_text(c, "name", L), "value": c} for c in case_names()])
        if not state.case:  # a case's story is told above its chart (viz/case_panel.py)
            intro = scenario_text(state.name, "intro", L)
            if not intro:
                intro = base.description_id if L == "id" and base.description_id else base.description
            solara.Text(intro, classes=["intro"])
        v.Slider(v_model=state.speed, min=0.5, max=10, step=0.5, label=f"{t(L, 'speed')}: "
                 f"{number(L, state.speed, 1)}", on_v_model=lambda x: on["speed"](float(x)), hide_details=True,
                 class_="speed")
        SeedField(state.seed, L, on["seed"])
        failure = state.failure
        for key in CONTROLS:
            try:
                field_info(key)
            except (KeyError, AttributeError):  # a key the model no longer declares: its line needs updating
                continue
            Control(key, state.value(key), L, state.path, state.overrides, lambda x, k=key: on["control"](k, x),
                    failure=failure[1] if failure[0] == key else "")
        v.Checkbox(label=t(L, "compare"), v_model=state.compare, on_v_model=on["compare"], class_="compare",
                   hide_details=True)
        if state.compare:
            keys = [k for k in CONTROLS if k != "network.n_users"]
            v.Select(label=t(L, "b_changes"), v_model=state.b_key, class_="b-key",
                     items=[{"text": param(L, k), "value": k} for k in keys],
                     on_v_model=lambda k: on["b"](key=k, value=None))
            Control(state.b_key, state.b_change()[1], L, state.path, state.overrides,
                    lambda x: on["b"](value=x), prefix="B: ",
                    failure=failure[1] if failure[0] == f"B:{state.b_key}" else "")
