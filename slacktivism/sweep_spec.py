"""Sweep files: read, validate and expand into seeded runs.

A sweep file names a base scenario, fixed ``overrides``, and one way to vary
it: a full-factorial ``vary`` grid, a ``sample`` (Latin hypercube, Sobol' or
Morris, drawn with SALib), or an ``explicit`` list of combinations.

Seeds are common random numbers by default (``seeds: common``): replicate
*r* runs on the same seed, ``spawn_seeds(seed, replicates)[r]``, in every
combination and every sampled point, so two combinations differ only where
their parameters make them differ, and differences and sensitivity indices
are paired (Law 2015, *Simulation Modeling and Analysis*, ch. 11; Mesa's
``batch_run`` reuses its seeds the same way). ``seeds: independent`` gives
combination *c* its own family, ``spawn_seeds(seed, replicates, (c,))``.
Either way replicate *r*'s seed does not depend on how many replicates there
are, so a finished sweep can take more replicates without rerunning any.

Every run records its complete overrides (the fixed ones and the varied
values) and its seed, so ``slacktivism replay DIR RUN_ID`` rebuilds it
exactly.

Errors are :class:`~model.scenario_files.ScenarioError`, one line each, like
scenario errors.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, ValidationError, model_validator

from model.randomness import spawn_seeds
from model.scenario import Frozen, Scenario, field_info, json_digest
from model.scenario_files import (
    ScenarioError,
    first_error,
    known_keys,
    load_scenario,
    parse_yaml,
    read_text,
    set_dotted,
    suggest_key,
)


class Sample(Frozen):
    """A sample of the parameter space, drawn with SALib."""

    method: Literal["lhs", "sobol", "morris"] = Field(description="sampling design")
    n: int = Field(ge=1, le=1_000_000, description="base sample size (SALib's N)")
    bounds: dict[str, list[float]] = Field(min_length=1, description="dotted key -> [low, high]")

    @model_validator(mode="after")
    def _ordered(self) -> Sample:
        for key, pair in self.bounds.items():
            if len(pair) != 2:
                raise ValueError(f"sample.bounds.{key}: needs [low, high] (got {pair})")
            low, high = pair
            if not low < high:
                raise ValueError(f"sample.bounds.{key}: low must be below high (got [{low}, {high}])")
        return self


Record = Literal["every_step", "end", "users"]
#: A sweep may write at most this many user-table rows (``record: users``).
MAX_USER_ROWS = 10**9
#: Bytes of one user-table row before compression, for the size estimate.
USER_ROW_BYTES = 66


class SweepFile(Frozen):
    """The keys of a sweep file."""

    scenario: str = Field(description="the base scenario, relative to the sweep file")
    overrides: dict[str, Any] = Field(default_factory=dict, description="fixed dotted-key changes")
    vary: dict[str, list[Any]] | None = Field(None, description="full-factorial grid")
    sample: Sample | None = Field(None, description="a sampled design")
    explicit: list[dict[str, Any]] | None = Field(None, min_length=1, description="explicit combinations")
    replicates: int = Field(1, ge=1, le=100_000, description="seeded runs per combination")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="master seed")
    seeds: Literal["common", "independent"] = Field(
        "common", description="common: replicate r has the same seed in every combination (paired); "
                              "independent: each combination its own seeds")
    record: Record | list[Record] = Field(
        "every_step",
        description="what each run keeps: its series at every_step or only at the end, and users (per-run user "
                    "tables); one or a list")

    @property
    def records(self) -> frozenset[str]:
        """What each run keeps (``every_step`` or ``end``, and possibly ``users``)."""
        given = {self.record} if isinstance(self.record, str) else set(self.record)
        if "end" not in given:
            given.add("every_step")
        return frozenset(given)

    @property
    def series(self) -> str:
        """The time series resolution: ``every_step`` or ``end``."""
        return "end" if "end" in self.records else "every_step"

    @model_validator(mode="after")
    def _one_design(self) -> SweepFile:
        if {"every_step", "end"} <= self.records:
            raise ValueError("record: give every_step or end, not both")
        given = [k for k in ("vary", "sample", "explicit") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of vary, sample or explicit (got {', '.join(given)})")
        if self.vary is not None and any(len(v) == 0 for v in self.vary.values()):
            raise ValueError("every vary key needs at least one value")
        return self


@dataclass(frozen=True)
class Run:
    """One run of a sweep: everything a worker needs, and how to replay it."""

    index: int
    combination: int
    replicate: int
    seed: int
    values: dict[str, Any]
    scenario: dict
    run_id: str
    #: The fixed overrides and the varied values, as dotted keys: with the base scenario and the seed, the run
    #: (empty for an optimisation's runs, whose record holds its design).
    overrides: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Sweep:
    """A validated, expanded sweep."""

    path: Path
    spec: SweepFile
    base: Scenario
    keys: list[str]
    combinations: list[dict[str, Any]]
    sample_matrix: np.ndarray | None
    #: One-line warnings about the design (e.g. SALib's, about a Sobol' sample size), for the user.
    warnings: tuple[str, ...] = ()

    @property
    def n_runs(self) -> int:
        """Combinations times replicates."""
        return len(self.combinations) * self.spec.replicates

    def seeds(self, combination: int) -> list[int]:
        """The replicates' seeds of one combination (the same for every combination with ``seeds: common``)."""
        key = () if self.spec.seeds == "common" else (combination,)
        return spawn_seeds(self.spec.seed, self.spec.replicates, key)

    def runs(self):
        """Every run, in a fixed order; scenarios are resolved lazily (memory stays flat).

        A run's id hashes its resolved scenario, its combination, its
        replicate and its seed: unique per (combination, replicate) even
        when two combinations resolve to the same scenario (common seeds, a
        rounded integer key), and unchanged when the sweep grows.
        """
        base = self.base.model_dump(mode="json")
        common = self.seeds(0) if self.spec.seeds == "common" else None
        index = 0
        for c, values in enumerate(self.combinations):
            resolved = resolve(base, values)
            digest = json_digest({k: v for k, v in resolved.items() if k != "seed"})
            seeds = common or self.seeds(c)
            overrides = {**self.spec.overrides, **values}
            for r, seed in enumerate(seeds):
                yield Run(index, c, r, seed, values, {**resolved, "seed": seed}, run_id(digest, c, r, seed),
                          overrides)
                index += 1


def run_id(digest: str, combination: int, replicate: int, seed: int) -> str:
    """A run's id: the first 20 hex digits of sha256 over its scenario digest (seed left out) and coordinates."""
    return hashlib.sha256(f"{digest}:{combination}:{replicate}:{seed}".encode()).hexdigest()[:20]


def load_sweep(path: str | Path | Mapping[str, Any]) -> Sweep:
    """Read, validate and expand a sweep file (every combination is validated before any run).

    ``path`` may also be the sweep file's contents as a mapping (from Python);
    its ``scenario`` is then relative to the current directory.

    Raises:
        ScenarioError: one line naming the file, the line, the key and what is allowed.
    """
    if isinstance(path, Mapping):
        lines: dict[str, int] = {}
        source, data, folder = "sweep", dict(path), Path.cwd()
    else:
        source = str(path)
        data, lines = parse_yaml(read_text(source), source)
        folder = Path(source).resolve().parent
    try:
        spec = SweepFile.model_validate(data)
    except ValidationError as exc:
        raise _sweep_error(exc, source, lines) from None
    scenario_path = (folder / spec.scenario).resolve()
    try:
        base = load_scenario(scenario_path, spec.overrides)
    except ScenarioError as exc:
        raise ScenarioError(source, lines.get("scenario") or lines.get("overrides"), "scenario",
                            str(exc)) from None
    base_dict = base.model_dump(mode="json")
    if spec.sample is not None:
        _check_bounds(spec.sample, base_dict, source, lines)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        keys, combinations, matrix = _design(spec, source, lines)
    # SALib's (scipy's) warnings, e.g. that Sobol' points balance only at a power of 2, become one line each.
    notes = tuple(f"sample.n = {spec.sample.n}: {' '.join(str(w.message).split())}" for w in caught) \
        if spec.sample else ()
    for values in combinations:
        try:
            Scenario.model_validate(resolve(base_dict, values))
        except ValidationError as exc:
            err = first_error(exc, source, {})
            where = lines.get(_design_key(spec))
            raise ScenarioError(source, where, err.key, f"{err.problem} in combination {values}") from None
    sweep = Sweep(Path(source), spec, base, keys, combinations, matrix, tuple(dict.fromkeys(notes)))
    if "users" in spec.records:
        _check_user_rows(sweep, source, lines)
    return sweep


def combination_sizes(sweep: Sweep) -> list[tuple[int, int]]:
    """Each combination's (users, steps): what a run's time and its tables grow with.

    An edge list's size is read from the file (once per file); an unreadable
    one counts as its declared ``n_users`` (or 0), and fails at run time.
    """
    base = sweep.base.model_dump(mode="json")
    files: dict[tuple, int] = {}
    sizes = []
    for values in sweep.combinations:
        resolved = resolve(base, values)
        network = resolved["network"]
        n = network["n_users"]
        if network["kind"] == "edgelist":
            where = (network["path"], network["directed"])
            if where not in files:
                from model.edgelist import EdgeListError, read_edgelist

                try:
                    files[where] = read_edgelist(network["path"], directed=network["directed"]).n_users
                except EdgeListError:
                    files[where] = n or 0
            n = files[where]
        sizes.append((n, resolved["steps"]))
    return sizes


def _check_user_rows(sweep: Sweep, source: str, lines) -> None:
    """Refuse ``record: users`` when the user tables would exceed :data:`MAX_USER_ROWS` rows."""
    users = [n for n, _ in combination_sizes(sweep)]
    rows, largest = sum(users) * sweep.spec.replicates, max(users)
    if rows > MAX_USER_ROWS:
        raise ScenarioError(
            source, lines.get("record"), "record",
            f"users would write {rows:,} user rows (about {rows * USER_ROW_BYTES / 1e9:,.0f} GB before "
            f"compression) for {sweep.n_runs:,} runs of up to {largest:,} users; allowed up to {MAX_USER_ROWS:,}: "
            f"lower replicates, the combinations or network.n_users, or drop users from record")


def _check_bounds(sample: Sample, base: dict, source: str, lines) -> None:
    """Refuse a sampled bound the scenario does not allow, naming the bound, before anything is drawn."""
    for key, (low, high) in sample.bounds.items():
        if key not in known_keys():
            continue  # named by _check_keys, with a suggestion
        for end, value in (("low", low), ("high", high)):
            try:
                Scenario.model_validate(resolve(base, {key: round(value) if _is_integer_key(key) else value}))
            except ValidationError as exc:
                problem = first_error(exc, source, {}).problem
                where = lines.get(f"sample.bounds.{key}") or lines.get("sample")
                raise ScenarioError(source, where, f"sample.bounds.{key}",
                                    f"the {end} bound {value:g} is out of range: {problem}") from None


def resolve(base: dict, values: dict[str, Any]) -> dict:
    """The base scenario (as a dict) with dotted-key values set."""
    data = json.loads(json.dumps(base))
    for key, value in values.items():
        set_dotted(data, key, value, "sweep")
    return data


def _design(spec: SweepFile, source: str, lines) -> tuple[list[str], list[dict], np.ndarray | None]:
    if spec.vary is not None:
        keys = list(spec.vary)
        _check_keys(keys, source, lines, "vary")
        combos = [dict(zip(keys, values, strict=True)) for values in itertools.product(*spec.vary.values())]
        return keys, combos, None
    if spec.explicit is not None:
        keys = sorted({k for combo in spec.explicit for k in combo})
        _check_keys(keys, source, lines, "explicit")
        return keys, [dict(c) for c in spec.explicit], None
    if spec.sample is not None:
        keys = list(spec.sample.bounds)
        _check_keys(keys, source, lines, "sample.bounds")
        matrix = draw_sample(spec.sample, spec.seed)
        integer = [_is_integer_key(k) for k in keys]
        combos = [{k: (round(float(x)) if integer[i] else float(x)) for i, (k, x) in enumerate(zip(keys, row,
                                                                                               strict=True))}
                  for row in matrix]
        return keys, combos, matrix
    return [], [{}], None


def salib_problem(sample: Sample) -> dict:
    """SALib's problem dictionary for a sample."""
    return {"num_vars": len(sample.bounds), "names": list(sample.bounds),
            "bounds": [list(b) for b in sample.bounds.values()]}


def draw_sample(sample: Sample, seed: int) -> np.ndarray:
    """The design matrix, one row per combination, from SALib with the master seed."""
    from SALib.sample import latin, morris, sobol

    problem = salib_problem(sample)
    if sample.method == "lhs":
        return latin.sample(problem, sample.n, seed=seed)
    if sample.method == "sobol":
        return sobol.sample(problem, sample.n, calc_second_order=False, seed=seed)
    return morris.sample(problem, sample.n, seed=seed)


def _check_keys(keys, source, lines, section) -> None:
    for key in keys:
        if key not in known_keys() or key in ("name", "description", "seed"):
            raise ScenarioError(source, lines.get(f"{section}.{key}") or lines.get(section), key,
                                f"not a scenario key that can vary{suggest_key(key)}")


def _is_integer_key(key: str) -> bool:
    annotation = field_info(key).annotation
    return annotation is int or str(annotation) == "int | None"


def _design_key(spec: SweepFile) -> str:
    return next((k for k in ("vary", "sample", "explicit") if getattr(spec, k) is not None), "scenario")


def _sweep_error(exc: ValidationError, source: str, lines) -> ScenarioError:
    err = first_error(exc, source, lines)
    if err.problem.startswith("unknown key"):
        close = [k for k in SweepFile.model_fields if k.startswith(err.key[:3])]
        hint = f"; did you mean {close[0]}?" if close else ""
        return ScenarioError(source, err.line, err.key, f"unknown sweep key{hint}")
    return err
