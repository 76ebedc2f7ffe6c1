"""What an optimisation searches: the designed keys, their ranges or choices, validated before any run.

A design is ``KEY=LOW:HIGH`` (a number range) or ``KEY=a,b,c`` (choices read
as YAML) for a dotted scenario key; both ends of a range and every choice
must be allowed values of the key, checked against the base scenario before
anything runs. :class:`Optimisation` holds the design, the objective, the
replicates' common seeds and the sampler; ``slacktivism/optimize.py`` runs it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
from pydantic import ValidationError

from model.metrics import SUMMARY
from model.randomness import spawn_seeds
from model.scenario import Scenario, field_info, json_digest
from model.scenario_files import (
    ScenarioError,
    first_error,
    known_keys,
    load_scenario,
    parse_override,
    suggest_key,
)
from slacktivism.sweep_spec import Run, _is_integer_key, resolve

#: Outcomes that can be missing in a run (no goal step, no event), so their mean is no objective.
NULLABLE = ("goal_step", "event_held")
#: Outcomes that can be optimised.
OBJECTIVES = tuple(k for k in SUMMARY if k not in NULLABLE)
#: Keys that describe or seed a scenario rather than design it.
NOT_DESIGNABLE = ("name", "description", "description_id", "things_to_try", "things_to_try_id", "seed")
#: ``spawn_key`` prefix of the sampler's seeds, apart from the runs' ``(i,)``.
SAMPLER_STREAM = 1
SAMPLERS = ("tpe", "random")

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^\s*({_NUMBER})\s*:\s*({_NUMBER})\s*$")


@dataclass(frozen=True)
class Design:
    """One designed key: a numeric range (``int``, ``float``) or a list of choices (``categorical``).

    Choices that Optuna cannot hold (lists, mappings) are given to it as their
    JSON text and decoded when a scenario is built.
    """

    key: str
    kind: Literal["int", "float", "categorical"]
    low: float | None = None
    high: float | None = None
    choices: tuple = ()

    @property
    def encoded(self) -> tuple:
        """The choices as Optuna holds them."""
        return tuple(encode(c) for c in self.choices)

    def suggest(self, trial) -> Any:
        """Ask an Optuna trial for this key's value (as Optuna holds it)."""
        if self.kind == "int":
            return trial.suggest_int(self.key, int(cast(float, self.low)), int(cast(float, self.high)))
        if self.kind == "float":
            return trial.suggest_float(self.key, self.low, self.high)
        return trial.suggest_categorical(self.key, self.encoded)

    def decode(self, param) -> Any:
        """The scenario value of an Optuna parameter."""
        if self.kind == "categorical":
            return dict(zip(self.encoded, self.choices, strict=True))[param]
        return int(param) if self.kind == "int" else float(param)

    def as_dict(self) -> dict:
        """The design as recorded in ``optimize.json``."""
        if self.kind == "categorical":
            return {"key": self.key, "kind": self.kind, "choices": list(self.choices)}
        return {"key": self.key, "kind": self.kind, "low": self.low, "high": self.high}


def encode(value):
    """A design value as Optuna stores a categorical choice: scalars as they are, lists and mappings as JSON."""
    return value if value is None or isinstance(value, (bool, int, float, str)) else json.dumps(value, sort_keys=True)


@dataclass(frozen=True)
class Optimisation:
    """A validated optimisation: what to run and how, everything ``optimize.json`` records."""

    scenario_file: str
    scenario_sha256: str
    base: Scenario
    objective: str
    direction: Literal["maximize", "minimize"]
    design: tuple[Design, ...]
    replicates: int
    seed: int
    sampler: Literal["tpe", "random"]

    def spec(self) -> dict:
        """The identity of the optimisation: a directory holds results of one spec only."""
        return {"scenario_sha256": self.scenario_sha256, "base_scenario": self.base_json, "objective": self.objective,
                "direction": self.direction, "design": [d.as_dict() for d in self.design],
                "replicates": self.replicates, "seed": self.seed, "sampler": self.sampler}

    @property
    def base_json(self) -> dict:
        """The resolved base scenario as JSON data."""
        return self.base.model_dump(mode="json")

    @property
    def keys(self) -> list[str]:
        """The designed keys, in the order given."""
        return [d.key for d in self.design]

    def seeds(self) -> list[int]:
        """The run seeds every trial shares (common random numbers)."""
        return spawn_seeds(self.seed, self.replicates)

    def values(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Scenario values (dotted key -> value) of Optuna parameters."""
        return {d.key: d.decode(params[d.key]) for d in self.design}

    def runs(self, values: Mapping[str, Any], number: int, seeds: Iterable[int] | None = None) -> list[Run]:
        """The runs of one trial: the base scenario with ``values``, once per seed (the shared ones by default)."""
        resolved = resolve(self.base_json, dict(values))
        digest = json_digest({k: v for k, v in resolved.items() if k != "seed"})
        runs = []
        for r, seed in enumerate(self.seeds() if seeds is None else seeds):
            run_id = hashlib.sha256(f"{digest}:{r}:{seed}".encode()).hexdigest()[:20]
            runs.append(Run(r, number, r, seed, dict(values), {**resolved, "seed": seed}, run_id))
        return runs

    def sampler_for(self, slot: int):
        """The sampler that draws the trial in ``slot``; its random numbers are a function of (seed, slot).

        TPE is multivariate (one joint density over the designed keys) and a
        constant liar (trials in flight count as bad ones, so a batch spreads
        out). Both are set here, not left to Optuna's defaults, so that a new
        default in a later Optuna cannot change results silently.
        """
        import optuna

        state = np.random.SeedSequence(self.seed, spawn_key=(SAMPLER_STREAM, slot)).generate_state(1)
        seed = int(state[0])
        if self.sampler == "random":
            return optuna.samplers.RandomSampler(seed=seed)
        return optuna.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True)


def build_optimisation(file: str | Path, objective: str, designs: Iterable[str], *, minimize: bool = False,
                       replicates: int = 10, seed: int = 0, sampler: Literal["tpe", "random"] = "tpe",
                       overrides: Mapping[str, Any] | None = None) -> Optimisation:
    """Read the scenario and check every flag, before anything is run or written.

    Args:
        file: the base scenario (YAML).
        objective: an outcome of :data:`model.metrics.OUTCOMES` (see :data:`OBJECTIVES`).
        designs: ``KEY=LOW:HIGH`` (a number key's range) or ``KEY=a,b,c`` (choices, each read as YAML).
        minimize: minimise instead of maximising.
        replicates: runs per trial.
        seed: the master seed of the runs and the sampler.
        sampler: ``tpe`` or ``random``.
        overrides: fixed dotted-key changes to the base scenario (``--set``).

    Raises:
        ScenarioError: one line naming the flag, the key and what is allowed.
    """
    source = str(file)
    base = load_scenario(source, overrides)
    if objective not in OBJECTIVES:
        import difflib

        close = difflib.get_close_matches(objective, OBJECTIVES, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else ""
        why = "can be missing in a run, so it has no mean" if objective in NULLABLE else "not an outcome"
        raise ScenarioError("--objective", None, objective, f"{why}{hint} (allowed: {', '.join(OBJECTIVES)})")
    if replicates < 1:
        raise ScenarioError("--replicates", None, "", f"must be >= 1 (got {replicates})")
    if sampler not in SAMPLERS:
        raise ScenarioError("--sampler", None, "", f"not a sampler (got {sampler!r}; allowed {', '.join(SAMPLERS)})")
    base_json = base.model_dump(mode="json")
    parsed: list[Design] = []
    for text in designs:
        design = parse_design(text)
        if design.key in {d.key for d in parsed}:
            raise ScenarioError("--design", None, design.key, "is designed twice")
        _check_design(design, base_json)
        parsed.append(design)
    if not parsed:
        raise ScenarioError("--design", None, "", "give at least one --design KEY=LOW:HIGH or KEY=a,b,c")
    digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
    return Optimisation(source, digest, base, objective, "minimize" if minimize else "maximize", tuple(parsed),
                        replicates, seed, sampler)


def parse_design(text: str) -> Design:
    """Read one ``--design KEY=LOW:HIGH`` or ``--design KEY=a,b,c`` (its values are not checked here)."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key or not raw.strip():
        raise ScenarioError("--design", None, text, "expected KEY=LOW:HIGH or KEY=a,b,c")
    if key not in known_keys():
        raise ScenarioError("--design", None, key, f"not a scenario key{suggest_key(key)}")
    if key in NOT_DESIGNABLE or _is_section(key):
        raise ScenarioError("--design", None, key, "not a key that can be designed (name, description, seed and "
                                                   "whole sections cannot)")
    match = _RANGE.match(raw)
    if match:
        kind: Literal["int", "float"]
        low, high = float(match.group(1)), float(match.group(2))
        if _is_integer_key(key):
            if not (low.is_integer() and high.is_integer()):
                raise ScenarioError("--design", None, key, f"takes whole numbers (got {raw.strip()})")
            kind = "int"
        elif field_info(key).annotation is float:
            kind = "float"
        else:
            raise ScenarioError("--design", None, key, f"is not a number, so LOW:HIGH cannot range over it "
                                                       f"(got {raw.strip()}); give choices: {key}=a,b")
        if not low < high:
            raise ScenarioError("--design", None, key, f"LOW must be below HIGH (got {raw.strip()})")
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ScenarioError("--design", None, key, f"bounds must be finite (got {raw.strip()})")
        return Design(key, kind, int(low) if kind == "int" else low, int(high) if kind == "int" else high)
    try:  # read as --set reads a value (safe loader, no anchors or aliases), as one YAML list
        _, choices = parse_override(f"{key}=[{raw}]")
    except ScenarioError as exc:
        raise ScenarioError("--design", None, key, f"choices: {exc.problem}") from None
    if not isinstance(choices, list) or not choices:
        raise ScenarioError("--design", None, key, "expected LOW:HIGH or choices a,b,c")
    if field_info(key).annotation is float:
        choices = [float(c) if isinstance(c, int) and not isinstance(c, bool) else c for c in choices]
    if len({encode(c) for c in choices}) != len(choices):
        raise ScenarioError("--design", None, key, f"a choice is given twice (got {raw.strip()})")
    return Design(key, "categorical", choices=tuple(choices))


def _is_section(key: str) -> bool:
    from pydantic import BaseModel

    annotation = field_info(key).annotation
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _check_design(design: Design, base: dict) -> None:
    """Validate the base scenario at each end of a range, or with each choice."""
    values = design.choices if design.kind == "categorical" else (design.low, design.high)
    for value in values:
        try:
            Scenario.model_validate(resolve(base, {design.key: value}))
        except ValidationError as exc:
            err = first_error(exc, "--design", {})
            raise ScenarioError("--design", None, design.key,
                                f"{err.problem} (with {design.key}={show_value(value)})") from None


def show_value(value) -> str:
    """A design value as a person reads it (JSON for lists and mappings)."""
    return json.dumps(value) if isinstance(value, (list, dict)) else str(value)


def directory_problem(out: Path, optimisation: Optimisation) -> str | None:
    """Why ``out`` cannot take this optimisation, or None: it must be new, empty, or hold the same one."""
    from slacktivism.jobs import directory_problem as problem

    return problem(out, "optimize.json", optimisation.spec(), "optimisation", field="spec")


