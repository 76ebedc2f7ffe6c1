"""``slacktivism optimize``: search a campaign's design for the best mean of one outcome.

The search is Optuna's (Akiba et al. 2019, KDD), with its Tree-structured
Parzen Estimator by default (Bergstra et al. 2011, NeurIPS) or plain random
sampling. A trial is one design (values of the designed dotted keys); its
score is the mean of the objective over ``replicates`` runs. Every trial
uses the *same* run seeds (common random numbers, spawned from the master
seed with ``numpy.random.SeedSequence`` as sweeps do), so two designs are
compared on the same networks, users and luck, and two trials with the same
design score exactly the same.

Runs go to the executors (:class:`~slacktivism.executors.LocalExecutor`,
:class:`~slacktivism.executors.DaskExecutor`) through
:func:`~slacktivism.sweep.execute`, so each run is exactly what a sweep
would run. Trials go through Optuna's ask-and-tell interface, a few at a
time so that every worker stays busy, and are told **in the order they were
asked**: the trial in slot ``k`` is asked right after slot ``k - batch`` is
told, so what the sampler knows when it draws slot ``k`` (the finished slots
up to ``k - batch`` and, as constant liars, the slots in flight) depends only
on the master seed and the batch, never on which run happened to finish
first. The sampler's own random numbers are a function of (master seed,
slot). A fixed seed and batch therefore give the same trials on any executor
with any number of workers.

The study lives in ``DIR/optuna.db`` (Optuna's RDB storage on SQLite), each
trial's outcomes in its user attributes. A killed optimisation (SIGKILL
included) resumes with the same command: trials left unfinished are marked
failed and ``interrupted``, and their slots are run again with the same
designs before any new slot, so the finished trials equal an uninterrupted
run's.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import ValidationError

from model.metrics import BY_NAME, FUNNEL, SUMMARY
from model.randomness import spawn_seeds
from model.scenario import Scenario, field_info, json_digest
from model.scenario_files import (
    ScenarioError,
    first_error,
    first_line,
    known_keys,
    load_scenario,
    parse_override,
    suggest_key,
)
from slacktivism.progress import progress_bar
from slacktivism.sweep import execute
from slacktivism.sweep_spec import Run, _is_integer_key, resolve

#: Optuna's name for the one study in a results directory.
STUDY_NAME = "slacktivism"
#: What each run keeps: its end state only (a trial needs the summary, not the series).
RECORD = frozenset({"end"})
#: Outcomes that can be missing in a run (no goal step, no event), so their mean is no objective.
NULLABLE = ("goal_step", "event_held")
#: Outcomes that can be optimised.
OBJECTIVES = tuple(k for k in SUMMARY if k not in NULLABLE)
#: Keys that describe or seed a scenario rather than design it.
NOT_DESIGNABLE = ("name", "description", "description_id", "things_to_try", "things_to_try_id", "seed")
#: ``spawn_key`` prefix of the sampler's seeds, apart from the runs' ``(i,)``.
SAMPLER_STREAM = 1
SAMPLERS = ("tpe", "random")
_ING = {"maximize": "maximising", "minimize": "minimising"}
_ED = {"maximize": "maximised", "minimize": "minimised"}

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^\s*({_NUMBER})\s*:\s*({_NUMBER})\s*$")


class BusyError(RuntimeError):
    """Another process is optimising into the same directory."""


# --------------------------------------------------------------------------
# The design and the optimisation, validated
# --------------------------------------------------------------------------


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
        return tuple(_encode(c) for c in self.choices)

    def suggest(self, trial) -> Any:
        """Ask an Optuna trial for this key's value (as Optuna holds it)."""
        if self.kind == "int":
            return trial.suggest_int(self.key, int(self.low), int(self.high))
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


def _encode(value):
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
        out); both are Optuna 5's defaults, given here so a new default cannot
        change results silently.
        """
        import optuna

        state = np.random.SeedSequence(self.seed, spawn_key=(SAMPLER_STREAM, slot)).generate_state(1)
        seed = int(state[0])
        if self.sampler == "random":
            return optuna.samplers.RandomSampler(seed=seed)
        return optuna.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True)


def build_optimisation(file: str | Path, objective: str, designs: Iterable[str], *, minimize: bool = False,
                       replicates: int = 10, seed: int = 0, sampler: str = "tpe",
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
    if len({_encode(c) for c in choices}) != len(choices):
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
                                f"{err.problem} (with {design.key}={_show(value)})") from None


def _show(value) -> str:
    return json.dumps(value) if isinstance(value, (list, dict)) else str(value)


def directory_problem(out: Path, optimisation: Optimisation) -> str | None:
    """Why ``out`` cannot take this optimisation, or None: it must be new, empty, or hold the same one."""
    from slacktivism.jobs import directory_problem as problem

    return problem(out, "optimize.json", optimisation.spec(), "optimisation", field="spec")


# --------------------------------------------------------------------------
# Running: ask, run, tell in order, resume
# --------------------------------------------------------------------------


@dataclass
class _InFlight:
    trial: Any
    slot: int
    rows: list
    left: int


def optimise(optimisation: Optimisation, out: Path, executor, trials: int, *, batch: int | None = None,
             progress: bool = False, enqueue: Iterable[Mapping[str, Any]] = ()) -> dict:
    """Run trials until ``trials`` of them are complete; resume what ``out`` holds.

    Args:
        optimisation: from :func:`build_optimisation`.
        out: the results directory (created; ``optimize.json`` and ``optuna.db``).
        executor: an :class:`~slacktivism.executors.Executor`;
            closed at the end.
        trials: completed trials wanted in all (earlier sessions' included).
        batch: trials in flight; by default enough for two runs per worker, plus one trial.
        progress: show a progress bar on stderr.
        enqueue: designs (dotted key -> value) to try first, in a new study only.

    Returns:
        Counts: ``complete``, ``failed`` (trials with a failed run), ``told`` (in this session), ``batch``.

    Raises:
        BusyError: another process is optimising into ``out``.
        KeyboardInterrupt: after cancelling the runs in flight; every told trial is in ``optuna.db``.
    """
    import optuna
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _write_record(optimisation, out)
    lock = _lock(out)
    try:
        study = load_study(out, optimisation.direction)
        pending, next_slot = _recover(study, optimisation)
        if enqueue and not study.trials:
            for values in enqueue:
                params = {d.key: _encode(values[d.key]) for d in optimisation.design}
                pending.append((next_slot, params))
                next_slot += 1
        workers = max(1, getattr(executor, "workers", 1))
        batch = batch or math.ceil(2 * workers / optimisation.replicates) + 1
        states = [t.state for t in study.get_trials(deepcopy=False)]
        complete = states.count(TrialState.COMPLETE)
        failed = sum(1 for t in study.get_trials(deepcopy=False, states=(TrialState.FAIL,))
                     if not t.user_attrs.get("interrupted"))
        told = 0

        def wanted() -> bool:
            return complete + len(in_flight) < trials and failed < max(trials, 1)

        in_flight: list[_InFlight] = []
        futures: dict = {}
        if not wanted():
            executor.close()
            return {"complete": complete, "failed": failed, "told": 0, "batch": batch}
        bar = progress_bar(trials, "trial", initial=complete, show=progress)
        executor.start()  # results come back to the driver; workers write nothing

        def launch() -> None:
            nonlocal next_slot
            if pending:
                slot, params = pending.pop(0)
                study.enqueue_trial(params or {}, user_attrs={"slot": slot})
                study.sampler = optimisation.sampler_for(slot)
                trial = study.ask()
            else:
                slot, next_slot = next_slot, next_slot + 1
                study.sampler = optimisation.sampler_for(slot)
                trial = study.ask()
                trial.set_user_attr("slot", slot)
            params = {d.key: d.suggest(trial) for d in optimisation.design}
            job = _InFlight(trial, slot, [None] * optimisation.replicates, optimisation.replicates)
            for run in optimisation.runs(optimisation.values(params), trial.number):
                futures[executor.submit(execute, run, RECORD, key=f"run-{run.run_id}")] = (job, run.replicate)
            in_flight.append(job)

        try:
            while wanted() and (pending or len(in_flight) < batch):
                launch()
            while in_flight:
                for future in executor.wait(list(futures)):
                    job, replicate = futures.pop(future)
                    job.rows[replicate] = future.result()[0]
                    job.left -= 1
                while in_flight and in_flight[0].left == 0:  # tell in slot order, then refill the batch
                    ok = _tell(study, in_flight.pop(0), optimisation)
                    complete, failed, told = complete + ok, failed + (not ok), told + 1
                    if bar is not None:
                        bar.update(int(ok))
                    while wanted() and (pending or len(in_flight) < batch):
                        launch()
        except BaseException:  # Ctrl-C above all: drop what is queued, leave told trials as they are
            executor.cancel(list(futures))
            raise
        finally:
            if bar is not None:
                bar.close()
        executor.close()
        return {"complete": complete, "failed": failed, "told": told, "batch": batch}
    finally:
        lock.close()


def _tell(study, job: _InFlight, optimisation: Optimisation) -> bool:
    from optuna.trial import TrialState

    errors = [row["error"] for row in job.rows if row["status"] != "ok"]
    if errors:
        job.trial.set_user_attr("error", errors[0])
        study.tell(job.trial, state=TrialState.FAIL)
        return False
    job.trial.set_user_attr("runs", {k: [row[k] for row in job.rows] for k in SUMMARY})
    study.tell(job.trial, float(np.mean([float(row[optimisation.objective]) for row in job.rows])))
    return True


def _recover(study, optimisation: Optimisation) -> tuple[list[tuple[int, dict | None]], int]:
    """Mark trials a killed session left unfinished as interrupted; return the slots to run again and the next slot.

    Each trial has a slot (its place in the uninterrupted order; a trial
    killed before it could record its slot was the newest, one past the
    highest before it). A slot is done when one of its trials completed or
    failed for real. Slots not done are returned in order, with their design
    if a trial of the slot recorded all of it (None: draw it again; only the
    newest slot can lack it, and the sampler then sees what it saw before).
    """
    from optuna.trial import TrialState

    trials = study.get_trials(deepcopy=False)
    slot_of: dict[int, int] = {}
    highest = -1
    for t in trials:
        slot = t.user_attrs.get("slot")
        slot_of[t.number] = highest + 1 if slot is None else int(slot)
        highest = max(highest, slot_of[t.number])
    done = {slot_of[t.number] for t in trials
            if t.state == TrialState.COMPLETE or (t.state == TrialState.FAIL and not t.user_attrs.get("interrupted"))}
    storage = study._storage
    for t in trials:
        if t.state in (TrialState.RUNNING, TrialState.WAITING):
            storage.set_trial_user_attr(t._trial_id, "interrupted", True)
            storage.set_trial_state_values(t._trial_id, TrialState.FAIL)
    designs: dict[int, dict] = {}
    for t in trials:
        for params in (t.params, t.system_attrs.get("fixed_params") or {}):
            if all(k in params for k in optimisation.keys):
                designs.setdefault(slot_of[t.number], {k: params[k] for k in optimisation.keys})
    pending = sorted(set(slot_of.values()) - done)
    return [(slot, designs.get(slot)) for slot in pending], highest + 1


def load_study(out: Path, direction: str = "maximize"):
    """The study in ``out/optuna.db`` (created if new).

    SQLite runs in write-ahead-log mode with ``synchronous=NORMAL``: a commit
    is then durable against a killed process (SIGKILL included; only a power
    cut or an OS crash can lose the last ones, never corrupt the file), and
    costs about a quarter of the driver's time it costs with a sync per
    commit, which keeps the driver from slowing the workers.
    """
    import optuna
    from sqlalchemy import event

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.RDBStorage(f"sqlite:///{Path(out).resolve() / 'optuna.db'}",
                                         engine_kwargs={"connect_args": {"timeout": 60}})

    @event.listens_for(storage.engine, "connect")
    def _pragmas(connection, _record) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    storage.engine.dispose()  # connections made so far (creating the tables) lack the pragmas
    return optuna.create_study(storage=storage, study_name=STUDY_NAME, direction=direction, load_if_exists=True)


def _write_record(optimisation: Optimisation, out: Path) -> None:
    from model.run_files import PACKAGES, atomic_write, git_commit, package_versions

    path = out / "optimize.json"
    if path.exists():
        return
    record = {"spec": optimisation.spec(), "scenario_file": optimisation.scenario_file,
              "seeds": optimisation.seeds(), "study_name": STUDY_NAME, "storage": "optuna.db",
              "packages": package_versions((*PACKAGES, "optuna")), "git_commit": git_commit(),
              "python": sys.version.split()[0], "created": datetime.now(UTC).isoformat()}
    atomic_write(path, lambda p: Path(p).write_text(json.dumps(record, indent=1) + "\n"))


def _lock(out: Path):
    """An exclusive lock on ``out/.lock`` for the life of the returned file (freed by the OS if killed)."""
    from model.run_files import DirectoryBusy, lock_directory

    try:
        return lock_directory(out, "another optimisation is running in this directory")
    except DirectoryBusy as exc:
        raise BusyError(str(exc)) from None


# --------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------


def trials_table(study, optimisation: Optimisation) -> pd.DataFrame:
    """One row per trial: number, state, the design, and each outcome's mean and 95% interval over the replicates.

    Columns ``<outcome>_mean`` and ``<outcome>_half_width`` (Student t) for
    every outcome of :data:`model.metrics.SUMMARY`; trials a killed session
    left unfinished (run again under a new number) are left out.
    """
    rows = []
    for t in _results(study):
        row = {"number": t.number, "state": t.state.name}
        row.update({k: _shown(optimisation, k, t.params.get(k)) for k in optimisation.keys})
        runs = t.user_attrs.get("runs") or {}
        row["replicates"] = len(runs.get(optimisation.objective, []))
        for outcome in SUMMARY:
            mean, half = _mean_half(runs.get(outcome))
            row[f"{outcome}_mean"], row[f"{outcome}_half_width"] = mean, half
        row["error"] = t.user_attrs.get("error", "")
        row["duration_s"] = t.duration.total_seconds() if t.duration is not None else float("nan")
        rows.append(row)
    columns = ["number", "state", *optimisation.keys, "replicates",
               *[f"{k}_{s}" for k in SUMMARY for s in ("mean", "half_width")], "error", "duration_s"]
    return pd.DataFrame(rows, columns=columns)


def runs_table(study, optimisation: Optimisation) -> pd.DataFrame:
    """One row per run of every complete trial: number, replicate, seed, the design and every outcome."""
    seeds = optimisation.seeds()
    rows = []
    for t in _results(study):
        runs = t.user_attrs.get("runs")
        if t.state.name != "COMPLETE" or not runs:
            continue
        design = {k: _shown(optimisation, k, t.params.get(k)) for k in optimisation.keys}
        for r, seed in enumerate(seeds):
            rows.append({"number": t.number, "replicate": r, "seed": seed, **design,
                         **{k: runs[k][r] for k in SUMMARY}})
    return pd.DataFrame(rows, columns=["number", "replicate", "seed", *optimisation.keys, *SUMMARY])


def _results(study) -> list:
    return [t for t in study.get_trials(deepcopy=False)
            if not t.user_attrs.get("interrupted") and t.state.name in ("COMPLETE", "FAIL")]


def _shown(optimisation: Optimisation, key: str, param):
    """A design value for a table: numbers and texts as they are, lists and mappings as their JSON text."""
    if param is None:
        return None
    design = next(d for d in optimisation.design if d.key == key)
    value = design.decode(param)
    return value if isinstance(value, (bool, int, float, str)) else json.dumps(value)


def _mean_half(values) -> tuple[float, float]:
    from model.statistics import t_half_width

    present = [float(v) for v in values or () if v is not None]
    if not present:
        return float("nan"), float("nan")
    mean = float(np.mean(present))
    half = float(t_half_width(np.std(present, ddof=1), len(present))) if len(present) > 1 else float("nan")
    return mean, half


def best_trial(study):
    """The best complete trial (the first of equals), or None."""
    complete = [t for t in _results(study) if t.state.name == "COMPLETE"]
    if not complete:
        return None
    sign = 1 if study.direction.name == "MAXIMIZE" else -1
    return max(complete, key=lambda t: (sign * t.value, -t.number))


def best_scenario(study, optimisation: Optimisation) -> dict:
    """The base scenario with the best design applied, validated, its provenance in its description."""
    from model.run_files import PACKAGES, git_commit, package_versions

    best = best_trial(study)
    values = optimisation.values(best.params)
    data = resolve(optimisation.base_json, values)
    mean, half = _mean_half(best.user_attrs["runs"][optimisation.objective])
    n_complete = sum(1 for t in _results(study) if t.state.name == "COMPLETE")
    packages = ", ".join(f"{k} {v}" for k, v in package_versions((*PACKAGES, "optuna")).items())
    design = ", ".join(f"{k}={_show(v)}" for k, v in values.items())
    note = (f"Optimised with `slacktivism optimize` ({optimisation.sampler} sampler, seed {optimisation.seed}): "
            f"the best of {n_complete} complete trials at {_ING[optimisation.direction]} "
            f"{optimisation.objective} is trial {best.number}, {design}, with {optimisation.objective} "
            f"{mean:.6g} +- {half:.3g} (mean and 95% Student-t half width over {optimisation.replicates} replicates "
            f"whose seeds are in optimize.json). Base scenario {optimisation.scenario_file} "
            f"(sha256 {optimisation.scenario_sha256}). Packages: {packages}. Git commit: {git_commit()}.")
    original = data.get("description") or ""
    data["description"] = (note + ("\n\n" + original if original else ""))[:20_000]
    data["name"] = f"{data.get('name', 'unnamed')} (best {optimisation.objective})"[:200]
    Scenario.model_validate(data)
    return data


def write_outputs(study, optimisation: Optimisation, out: Path, *, figures: bool = True) -> list[Path]:
    """Write ``trials.parquet``, ``runs.parquet``, ``best.yaml`` (if a trial completed) and the two figures.

    Each file is written to a temporary name and renamed.
    """
    from model.run_files import atomic_write

    out = Path(out)
    table = trials_table(study, optimisation)
    written = [out / "trials.parquet", out / "runs.parquet"]
    atomic_write(written[0], lambda p: table.to_parquet(p, index=False))
    runs = runs_table(study, optimisation)
    atomic_write(written[1], lambda p: runs.to_parquet(p, index=False))
    if best_trial(study) is not None:
        text = yaml.safe_dump(best_scenario(study, optimisation), sort_keys=False, allow_unicode=True, width=100)
        written.append(out / "best.yaml")
        atomic_write(written[-1], lambda p: Path(p).write_text(text))
    if figures:
        from viz import optimize_figures as figs

        history = figs.history_figure(table, optimisation.objective, optimisation.direction)
        importances, note = parameter_importances(study, optimisation)
        importance = figs.importance_figure(importances, note, optimisation.objective)
        for name, fig in (("history.png", history), ("importance.png", importance)):
            written.append(out / name)
            atomic_write(written[-1], lambda p, fig=fig: fig.savefig(p, dpi=110, format="png"))
    return written


def parameter_importances(study, optimisation: Optimisation) -> tuple[dict[str, float] | None, str]:
    """Optuna's parameter importances, or why there are none.

    PED-ANOVA (Watanabe, Bansal & Hutter 2023), Optuna's default evaluator,
    needs no scikit-learn (fANOVA, the former default, fits a random forest
    with it).
    """
    import optuna

    complete = [t for t in _results(study) if t.state.name == "COMPLETE"]
    if len(optimisation.design) < 2:
        return None, f"only one key is designed ({optimisation.keys[0]}): there is nothing to rank it against"
    if len(complete) < 2:
        return None, f"{len(complete)} complete trial(s): too few to rank the designed keys"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return optuna.importance.get_param_importances(study), ""
        except (ValueError, RuntimeError, ZeroDivisionError) as exc:
            return None, f"no importances: {first_line(exc)}"


def describe(table: pd.DataFrame, optimisation: Optimisation) -> str:
    """The best design, its objective with the 95% interval, and the funnel's other outcomes (the cross metrics)."""
    complete = table[table["state"] == "COMPLETE"]
    failed = int((table["state"] == "FAIL").sum())
    if complete.empty:
        return f"no complete trial ({failed} failed)"
    sign = 1 if optimisation.direction == "maximize" else -1
    best = complete.loc[(sign * complete[f"{optimisation.objective}_mean"]).idxmax()]
    design = ", ".join(f"{k}={_format(best[k])}" for k in optimisation.keys)
    obj = optimisation.objective

    def measured(k: str) -> str:
        mean, half = best[f"{k}_mean"], best[f"{k}_half_width"]
        digits = 1 if mean == 0 or not math.isfinite(mean) else min(6, max(0, 2 - math.floor(math.log10(abs(mean)))))
        return f"{BY_NAME[k].label} {mean:,.{digits}f} ± {half:,.{digits}f}"

    cross = [k for k in (*FUNNEL, "conversion") if k != obj]
    lines = [f"best of {len(complete)} complete trials ({failed} failed): trial {int(best['number'])}, {design}",
             f"  {_ED[optimisation.direction]} {measured(obj)} "
             f"(mean ± 95% interval over {int(best['replicates'])} replicates)",
             "  with " + ", ".join(measured(k) for k in cross)]
    return "\n".join(lines)


def _format(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def evaluate(optimisation: Optimisation, values: Mapping[str, Any], seeds: list[int], executor) -> dict[str, list]:
    """Run one design over ``seeds`` on ``executor`` (started, not closed); every outcome's values in seed order.

    Re-evaluating an optimum with fresh seeds removes the optimism of having
    picked the best of many noisy means (the winner's curse).

    Raises:
        RuntimeError: a run failed (its error).
    """
    runs = optimisation.runs(values, -1, seeds)
    futures = {executor.submit(execute, run, RECORD, key=f"run-{run.run_id}"): run.replicate for run in runs}
    rows: list = [None] * len(runs)
    while futures:
        for future in executor.wait(list(futures)):
            rows[futures.pop(future)] = future.result()[0]
    for row in rows:
        if row["status"] != "ok":
            raise RuntimeError(row["error"])
    return {k: [row[k] for row in rows] for k in SUMMARY}
