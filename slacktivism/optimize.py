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

import json
import math
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np

from model.metrics import SUMMARY
from slacktivism.design_space import Optimisation, encode
from slacktivism.progress import progress_bar
from slacktivism.sweep import execute

#: Optuna's name for the one study in a results directory.
STUDY_NAME = "slacktivism"
#: What each run keeps: its end state only (a trial needs the summary, not the series).
RECORD = frozenset({"end"})


#: The study's user attribute listing the trials a stopped session left unfinished (marked failed, not results).
INTERRUPTED = "interrupted"


class BusyError(RuntimeError):
    """Another process is optimising into the same directory."""


def interrupted(study) -> set[int]:
    """The numbers of the trials a stopped session left unfinished."""
    return set(study.user_attrs.get(INTERRUPTED, []))


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
                params = {d.key: encode(values[d.key]) for d in optimisation.design}
                pending.append((next_slot, params))
                next_slot += 1
        workers = max(1, getattr(executor, "workers", 1))
        batch = batch or math.ceil(2 * workers / optimisation.replicates) + 1
        states = [t.state for t in study.get_trials(deepcopy=False)]
        complete = states.count(TrialState.COMPLETE)
        stopped = interrupted(study)
        failed = sum(1 for t in study.get_trials(deepcopy=False, states=(TrialState.FAIL,)) if t.number not in stopped)
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
    stopped = interrupted(study)
    slot_of: dict[int, int] = {}
    highest = -1
    for t in trials:
        slot = t.user_attrs.get("slot")
        slot_of[t.number] = highest + 1 if slot is None else int(slot)
        highest = max(highest, slot_of[t.number])
    done = {slot_of[t.number] for t in trials
            if t.state == TrialState.COMPLETE or (t.state == TrialState.FAIL and t.number not in stopped)}
    left = [t.number for t in trials if t.state in (TrialState.RUNNING, TrialState.WAITING)]
    if left:
        study.set_user_attr(INTERRUPTED, sorted(interrupted(study) | set(left)))
    for t in trials:
        if t.state == TrialState.WAITING:
            study.ask()  # Optuna's ask takes the waiting (enqueued) trials first, in order
    for number in left:
        study.tell(number, state=TrialState.FAIL)
    designs: dict[int, dict] = {}
    for t in trials:
        for params in (t.params, t.system_attrs.get("fixed_params") or {}):
            if all(k in params for k in optimisation.keys):
                designs.setdefault(slot_of[t.number], {k: params[k] for k in optimisation.keys})
    pending = sorted(set(slot_of.values()) - done)
    return [(slot, designs.get(slot)) for slot in pending], highest + 1


def load_study(out: Path, direction: Literal["maximize", "minimize"] = "maximize"):
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
    from model.run_files import PACKAGES, atomic_write, git_state, package_versions

    path = out / "optimize.json"
    if path.exists():
        return
    record = {"spec": optimisation.spec(), "scenario_file": optimisation.scenario_file,
              "seeds": optimisation.seeds(), "study_name": STUDY_NAME, "storage": "optuna.db",
              "packages": package_versions((*PACKAGES, "optuna")), **git_state(),
              "python": sys.version.split()[0], "created": datetime.now(UTC).isoformat()}
    atomic_write(path, lambda p: Path(p).write_text(json.dumps(record, indent=1) + "\n"))


def _lock(out: Path):
    """An exclusive lock on ``out/.lock`` for the life of the returned file (freed by the OS if killed)."""
    from model.run_files import DirectoryBusyError, lock_directory

    try:
        return lock_directory(out, "another optimisation is running in this directory")
    except DirectoryBusyError as exc:
        raise BusyError(str(exc)) from None


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
