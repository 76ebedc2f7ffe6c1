"""The app's state as a plain record, and the transitions a click makes, testable without rendering.

:class:`AppState` holds what the page shows and the link keeps: the scenario (or a real campaign's
case, ``viz/case_view.py``), the changed keys, World B, the seed, the language, the guided lesson, the
mode of the page. It is frozen, and each
transition (``with_control``, ``with_compare``, ``with_lesson`` ...) returns a new state and changes
nothing else, the way Solara's own documentation keeps state: reassign, don't mutate. The page
keeps one in a ``solara.reactive`` and builds the worlds each new state asks for
(:func:`build_worlds`); a test can walk through a lesson, a comparison or a link without a page.

The worlds are not in the record: a model is mutable by nature, and a step must re-render only the
few components that show it (``viz/live.py``), not everything that reads the state.
:func:`step_worlds` and :func:`reset_worlds` are the two things done to them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from model import ScenarioError, load_scenario
from model.scenario import Scenario
from model.scenario_files import parse_override
from viz.case_view import shipped_case
from viz.controls import APP_MAX_USERS, CONTROLS, DEFAULT_SCENARIO, SCENARIOS, bounds, contrast, kind, shipped, value_of
from viz.i18n import browser_language, lessons, number, t
from viz.url import parse_url, url_query
from viz.world import World

#: World B's change when none has been chosen yet: the first control (the message).
FIRST_CONTROL = next(iter(CONTROLS))


@dataclasses.dataclass(frozen=True)
class AppState:
    """What one session's page shows, apart from the worlds themselves.

    ``b_value`` None means World B takes :func:`~viz.controls.contrast` of A's value, so B stays a visible
    change when A's value moves. ``failure`` is ``(key, message)`` for a value the scenario refused, shown at
    its field (``B:key`` for World B's); ``notice`` is the line saying what the last change did. ``case`` names
    a real campaign (``scenarios/cases/NAME.data.yaml``) whose scenario runs instead of ``name``'s, its observed
    figures drawn over the run; "" for none.
    """

    name: str = DEFAULT_SCENARIO
    lang: str = "en"
    seed: int = 42
    overrides: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    compare: bool = False
    b_key: str = FIRST_CONTROL
    b_value: Any = None
    lesson: int = -1
    revealed: bool = False
    present: bool = False
    drawer: bool = False
    speed: float = 2.0
    notice: str = ""
    failure: tuple[str, str] = ("", "")
    case: str = ""

    @classmethod
    def from_url(cls, search: str | None, accept_language: str | None = None) -> AppState:
        """The state a link asks for; the language from the link, else the browser's."""
        start = parse_url(search)
        b = start.get("b")
        lang = start.get("lang") or browser_language(accept_language)
        return cls(name=start.get("name", DEFAULT_SCENARIO), lang=lang, seed=start.get("seed", 42),
                   overrides=start.get("overrides", {}), compare=b is not None,
                   b_key=b[0] if b else FIRST_CONTROL, b_value=b[1] if b else None, case=start.get("case", ""))

    def query(self) -> str:
        """The link's query for this state (``from_url`` reads it back)."""
        return url_query(self.name, self.lang, self.seed, dict(self.overrides), self.b_change(), self.case)

    @property
    def path(self) -> Path:
        """The scenario's file (the case's, when a case is open)."""
        if not self.case:
            return SCENARIOS / f"{self.name}.yaml"
        case = shipped_case(self.case)
        return case.path.parent / case.data.scenario

    @property
    def base(self) -> Scenario:
        """The scenario as it ships, before the class's changes."""
        return shipped_case(self.case).scenario if self.case else shipped(self.name)

    def value(self, key: str) -> Any:
        """World A's value of a key: the class's change, else the scenario's."""
        return self.overrides[key] if key in self.overrides else value_of(self.base, key)

    def b_change(self) -> tuple[str, Any] | None:
        """World B's one change as ``(key, value)``, or None when not comparing."""
        if not self.compare:
            return None
        return self.b_key, self.b_value if self.b_value is not None else contrast(self.b_key, self.value(self.b_key))

    def change(self) -> tuple[str, Any, Any] | None:
        """``(key, A's value, B's value)`` for the sentence naming what B changes, or None."""
        b = self.b_change()
        return (b[0], self.value(b[0]), b[1]) if b else None

    # Transitions: each returns a new state; a refused one leaves the state as it was but for ``failure``.

    def with_control(self, key: str, value: Any) -> AppState:
        """World A (and B with it) with one key changed, from step 0."""
        return dataclasses.replace(self, overrides={**self.overrides, key: value}, failure=("", ""))

    def with_b(self, key: str | None = None, value: Any = None) -> AppState:
        """Comparing, with World B's change set: a new key starts from its contrast to A's value."""
        key = key or self.b_key
        return dataclasses.replace(self, compare=True, b_key=key, b_value=value, failure=("", ""))

    def with_compare(self, on: bool) -> AppState:
        """World B shown or gone; its change is kept for the next time it is shown."""
        return dataclasses.replace(self, compare=on)

    def with_scenario(self, name: str) -> AppState:
        """Another scenario, as it ships; World B keeps its key and takes that key's contrast."""
        return dataclasses.replace(self, name=name, overrides={}, b_value=None, notice="", failure=("", ""), case="")

    def with_case(self, case: str) -> AppState:
        """A real campaign's case as it ships ("" closes it): its scenario alone, no lesson, no World B.

        A case is compared with what was observed, not with a second world, and its run is the case's own size.
        """
        # The case's own seed, as `slacktivism compare` runs it.
        seed = shipped_case(case).scenario.seed if case else self.seed
        return dataclasses.replace(self, case=case, seed=seed, overrides={}, compare=False, b_value=None, lesson=-1,
                                   revealed=False, notice="", failure=("", ""))

    def with_seed(self, seed: int) -> AppState:
        """Another seed: another network and other draws, every setting kept."""
        return dataclasses.replace(self, seed=seed)

    def with_lesson(self, j: int) -> AppState:
        """Lesson ``j`` (-1 closes it): its scenario as shipped, and World B as the lesson sets it, or none.

        Each lesson sets both worlds, so a Granovetter lesson does not inherit the previous lesson's World B,
        and its answer is hidden again until the class has predicted.
        """
        if j < 0:
            return dataclasses.replace(self, lesson=-1, revealed=False)
        step = lessons()["lesson"][j]
        b = parse_override(step["b"]) if step.get("b") else None
        return dataclasses.replace(self, lesson=j, revealed=False, name=step["scenario"], overrides={},
                                   compare=b is not None, b_key=b[0] if b else self.b_key,
                                   b_value=b[1] if b else None, notice="", failure=("", ""), case="")

    def refused(self, key: str, message: str) -> AppState:
        """This state with a refusal shown at the field of ``key``."""
        return dataclasses.replace(self, failure=(key, message))


def build_worlds(state: AppState, previous: tuple[World | None, ...] | None = None) -> tuple[World, World | None]:
    """World A, and World B (A's overrides plus one change, same seed) when comparing.

    A world whose network keys and seed match a previous world's reuses that network.
    """
    return build(state.path, dict(state.overrides), state.seed, state.b_change(), previous)


def build(path: Path, overrides: dict[str, Any], seed: int, b_change: tuple[str, Any] | None,
          previous: tuple[World | None, ...] | None = None) -> tuple[World, World | None]:
    """World A from a shipped scenario's file with ``overrides``, and World B with ``b_change`` on top when given."""
    old = [w for w in (previous or ()) if w is not None]

    def world(scenario: Scenario) -> World:
        same = next((w for w in old if w.seed == seed and w.scenario.network == scenario.network), None)
        return World(scenario, seed, graph=same.model.graph if same else None)

    a = world(load_scenario(path, overrides))
    b = world(load_scenario(path, {**overrides, b_change[0]: b_change[1]})) if b_change else None
    return a, b


def step_worlds(worlds: tuple[World, World | None]) -> tuple[bool, bool]:
    """One step of both worlds (a settled one stays put); whether each is still running."""
    a, b = worlds
    a.step()
    if b is not None:
        b.step()
    return a.running, b is None or b.running


def reset_worlds(worlds: tuple[World, World | None]) -> tuple[World, World | None]:
    """The same worlds again from step 0: their scenarios, seed and network, so nothing is read or built again."""
    a, b = worlds
    return World(a.scenario, a.seed, graph=a.model.graph), b and World(b.scenario, b.seed, graph=b.model.graph)


def check(key: str, text: str, lang: str, path: Path, overrides: Mapping[str, Any]) -> tuple[Any, str]:
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


def network_problem(lang: str, scenario: Scenario) -> str:
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


def refusal(state: AppState) -> str:
    """Why the worlds ``state`` asks for cannot be built, in plain words, never the builder's own message."""
    try:
        problem = network_problem(state.lang, load_scenario(state.path, dict(state.overrides)))
    except (ScenarioError, ValueError):
        problem = ""
    return problem or t(state.lang, "refused")
