"""``slacktivism calibrate``: fit scenario keys to a real campaign with ABC-SMC (pyabc).

Approximate Bayesian computation by sequential Monte Carlo (Toni et al. 2009,
J. R. Soc. Interface 6:187; Beaumont et al. 2009, Biometrika 96:983) draws
parameter sets from a prior, simulates, and keeps those whose statistics lie
within a shrinking distance epsilon of the observed ones. pyabc (Schälte et
al. 2022, JOSS 7:4304) does the bookkeeping; this module supplies:

* the simulator: the case's scenario with the fitted keys set, run on the
  same replicate seeds for every parameter set (common random numbers, so
  two parameter sets differ only by their parameters), and the mean of
  each fitted statistic over the replicates;
* the distance: the largest of ``|model - observed| / tolerance`` over the
  fitted statistics (pyabc's ``PNormDistance`` with ``p = inf``), so
  epsilon 1 means every fitted statistic is within its tolerance;
* a sampler that runs on the executors (``slacktivism/abc_sampler.py``)
  and seeds pyabc's proposal draws from ``(seed, generation, job)``, so a
  calibration gives the same particles with any number of workers, and one
  resumed after a kill gives the same as one that ran through.

What a finished calibration writes (posterior, posterior predictive, the
calibrated or rejected scenario) is in ``slacktivism/posterior.py``.

Each generation is one ``ABCSMC.run`` call that starts from the last
population stored in pyabc's SQLite database, so a run killed at any moment
(SIGKILL included) resumes from its last completed generation by the same
path an uninterrupted run takes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from pydantic import ValidationError

from model.case_files import Case, Statistic, TakeOff
from model.case_statistics import finish
from model.randomness import spawn_seeds
from model.scenario import Scenario, field_info
from model.scenario_files import ScenarioError, first_error, known_keys, set_dotted, suggest_key
from slacktivism.abc_sampler import floored_epsilon, seeded_sampler
from slacktivism.cases import TOOK_OFF, run_statistics

#: The database and manifest of a calibration directory.
DATABASE, MANIFEST = "calibration.db", "calibration.json"


class Fit(NamedTuple):
    """One fitted key and its uniform prior."""

    key: str
    low: float
    high: float
    integer: bool


def parse_fit(text: str, base: Scenario) -> Fit:
    """Parse ``KEY=LOW:HIGH`` and check the key exists and both bounds are allowed values of it."""
    key, sep, bounds = text.partition("=")
    low_text, sep2, high_text = bounds.partition(":")
    if not sep or not sep2:
        raise ScenarioError("--fit", None, text, "expected KEY=LOW:HIGH")
    key = key.strip()
    if key not in known_keys() or key in ("name", "description", "seed"):
        raise ScenarioError("--fit", None, key, f"not a scenario key that can be fitted{suggest_key(key)}")
    annotation = field_info(key).annotation
    if str(annotation) in ("int | None", "float | None", "typing.Optional[int]", "typing.Optional[float]"):
        annotation = int if "int" in str(annotation) else float
    if annotation not in (int, float):
        raise ScenarioError("--fit", None, key, "only numeric keys can be fitted")
    try:
        low, high = float(low_text), float(high_text)
    except ValueError:
        raise ScenarioError("--fit", None, key, f"bounds must be numbers (got {bounds!r})") from None
    if not low < high:
        raise ScenarioError("--fit", None, key, f"LOW must be below HIGH (got {low:g}:{high:g})")
    base_dict = base.model_dump(mode="json")
    for value in (low, high):
        data = json.loads(json.dumps(base_dict))
        set_dotted(data, key, round(value) if annotation is int else value, "--fit")
        try:
            Scenario.model_validate(data)
        except ValidationError as exc:
            err = first_error(exc, "--fit", {})
            raise ScenarioError("--fit", None, key, f"bound {value:g} is not allowed: {err.problem}") from None
    return Fit(key, low, high, annotation is int)


@dataclass(frozen=True)
class Spec:
    """Everything that defines a calibration; a directory holds one, and its rerun must match."""

    case_file: str
    case_sha256: str
    scenario_sha256: str
    overrides: dict[str, Any]
    fits: list[list]
    statistics: list[str]
    population: int
    generations: int
    epsilon: float
    replicates: int
    seed: int

    def fitted(self) -> list[Fit]:
        """The fits as records."""
        return [Fit(*f) for f in self.fits]


class CaseSimulator:
    """The pyabc model: parameters in, the fitted statistics' means over common-random-number replicates out.

    With a take-off rule (the case's ``take_off``), each statistic is the
    mean over the replicates that took off only: the data describe a
    campaign that took off, and a run whose cascade died is another mode,
    not a noisy draw of it. A parameter set none of whose replicates took
    off is as far from the data as can be.
    """

    def __init__(self, base: dict, fits: list[Fit], seeds: list[int], stats: list[Statistic],
                 take_off: TakeOff | None = None):
        self.base, self.fits, self.seeds, self.stats, self.take_off = base, fits, seeds, stats, take_off

    def scenario(self, parameters) -> dict:
        """The base scenario with the fitted keys set (integer keys rounded)."""
        data = json.loads(json.dumps(self.base))
        for fit in self.fits:
            value = float(parameters[fit.key])
            set_dotted(data, fit.key, round(value) if fit.integer else value, "calibrate")
        return data

    def outcomes(self, parameters) -> tuple[dict[str, float], float]:
        """Each statistic (over the replicates that took off) and the share of replicates that did not."""
        values, _ = run_statistics(self.scenario(parameters), self.seeds, self.stats, take_off=self.take_off)
        took_off = values.get(TOOK_OFF, np.ones(len(self.seeds), dtype=bool))
        out = {}
        for s in self.stats:
            x = values[s.name][took_off & ~np.isnan(values[s.name])]
            # A statistic undefined in every replicate (nobody to count) is as far from the data as can be.
            out[s.name] = finish(s, float(np.mean(x))) if len(x) else math.inf
        return out, float(1.0 - took_off.mean())

    def __call__(self, parameters) -> dict[str, float]:
        """Run the replicates; pyabc calls this once per proposed particle."""
        return self.outcomes(parameters)[0]


class Generation(NamedTuple):
    """One completed generation, as stored."""

    t: int
    epsilon: float
    particles: int
    simulations: int


def calibrate(case: Case, spec: Spec, out: Path, executor, *, report=lambda g: None) -> list[Generation]:
    """Run (or resume) the calibration into ``out``; return the stored generations.

    ``report`` is called with each generation as it completes.
    """
    fits = spec.fitted()
    stats = case.pick(spec.statistics)
    simulator = CaseSimulator(case.scenario.model_dump(mode="json"), fits,
                              spawn_seeds(spec.seed, spec.replicates), stats, case.data.take_off)
    return abc_smc(simulator, fits, {s.name: (s.observed, s.tolerance) for s in stats}, out, executor,
                   population=spec.population, generations=spec.generations, epsilon=spec.epsilon, seed=spec.seed,
                   report=report)


def abc_smc(simulator, fits: list[Fit], observed: dict[str, tuple[float, float]], out: Path, executor, *,
            population: int, generations: int, epsilon: float, seed: int, report=lambda g: None) -> list[Generation]:
    """ABC-SMC of ``simulator`` (parameters in, ``{statistic: value}`` out) into ``out``'s database, resumably.

    ``observed`` maps each statistic to its observed value and tolerance;
    the distance is the largest ``|model - observed| / tolerance``. A single
    case's calibration and the joint one across cases share this loop.
    """
    import logging

    import pyabc

    logging.getLogger("ABC").setLevel(logging.WARNING)
    prior = pyabc.Distribution(**{f.key: pyabc.RV("uniform", f.low, f.high - f.low) for f in fits})
    distance = pyabc.PNormDistance(p=np.inf, fixed_weights={k: 1.0 / tol for k, (_, tol) in observed.items()})
    sampler = seeded_sampler(executor, seed)
    db = f"sqlite:///{(out / DATABASE).resolve()}"

    def fresh():
        # A new ABCSMC per generation, loaded from the database: the path a resumed run takes. (One object
        # run twice would reuse its cached starting population for epsilon.)
        return pyabc.ABCSMC(simulator, prior, distance, population_size=population, sampler=sampler,
                            eps=floored_epsilon(epsilon))

    done = _generations(_open(fresh(), db, {k: value for k, (value, _) in observed.items()}, out))
    while len(done) < generations and (not done or done[-1].epsilon > epsilon):
        abc = fresh()
        abc.load(db, 1)
        abc.run(minimum_epsilon=epsilon, max_nr_populations=1)
        done = _generations(abc.history)
        report(done[-1])
    return done


class CalibrationError(RuntimeError):
    """A calibration directory that cannot be used; the message is one line."""


def _open(abc, db: str, observed: dict, out: Path):
    """Load the stored calibration, or start one.

    A database file without pyabc's tables is one killed while it was being
    created: nothing in it was completed, so it is started afresh. Any other
    database that does not open is left alone and reported.
    """
    import sqlite3

    path = out / DATABASE
    if path.exists():
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as con:
                tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                runs = con.execute("SELECT COUNT(*) FROM abc_smc").fetchone()[0] if "abc_smc" in tables else 0
        except sqlite3.Error as exc:
            raise CalibrationError(f"{path}: cannot read the calibration database ({exc})") from None
        if runs:
            return abc.load(db, 1)
        path.unlink()
    return abc.new(db, observed)


def _generations(history) -> list[Generation]:
    """The completed generations in the database."""
    if history.max_t < 0:
        return []
    frame = history.get_all_populations()
    frame = frame[frame.t >= 0]
    return [Generation(int(r.t), float(r.epsilon), int(r.particles), int(r.samples)) for r in frame.itertuples()]


def spec_dict(spec: Spec) -> dict:
    """The spec as stored in the manifest."""
    return asdict(spec)


def specify(case: Case, case_file: str, overrides: dict, fit_texts: list[str], statistics: list[str] | None, *,
            population: int, generations: int, epsilon: float, replicates: int, seed: int) -> Spec:
    """The calibration's :class:`Spec` from the command's words (a ScenarioError names a bad ``--fit``)."""
    fits = [parse_fit(text, case.scenario) for text in fit_texts]
    if len({f.key for f in fits}) != len(fits):
        raise ScenarioError("--fit", None, "", "each key may be fitted once")
    stats = case.pick(statistics)
    return Spec(str(Path(case_file).resolve()), case.sha256, case.scenario.digest(), overrides,
                [list(f) for f in fits], [s.name for s in stats], population, generations, epsilon, replicates, seed)


def directory_problem(out: Path, spec: Spec) -> str | None:
    """Why ``out`` cannot take this calibration: it holds another (more generations continue the same one)."""
    from slacktivism.jobs import directory_problem as problem

    return problem(out, MANIFEST, spec_dict(spec), "calibration", ignore=("generations", "case_file"))


class Calibration(NamedTuple):
    """A finished calibration: its generations, the files written, the warnings and the predictive rows."""

    generations: list[Generation]
    written: list[Path]
    warnings: list[str]
    rows: list
    #: What the fit settles and what it leaves open: failed cascades, unidentified directions.
    notes: list[str]


def run_calibration(case: Case, spec: Spec, out: Path, executor, *, draws: int,
                    report=lambda g: None) -> Calibration:
    """Record the spec, hold the directory's lock, calibrate, write the outputs; always release the executor.

    Raises:
        CalibrationError: another process holds the directory, or its database cannot be read.
        KeyboardInterrupt: completed generations stay in the database; rerunning resumes.
    """
    from slacktivism.posterior import write_outputs

    with holding(out, MANIFEST, spec_dict(spec), "calibration", executor):
        done = calibrate(case, spec, out, executor, report=report)
        written, warnings, rows, notes = write_outputs(case, spec, out, done, draws=draws,
                                                       replicates=spec.replicates, executor=executor)
    return Calibration(done, written, warnings, rows, notes)


@contextmanager
def holding(out: Path, record: str, spec: dict, what: str, executor) -> Iterator[None]:
    """Write the job's ``record`` into ``out`` and hold the directory's lock for the job; always release the executor.

    A calibration and a joint calibration claim their directory the same way,
    so that a second process never writes into the generations of the first.

    Raises:
        CalibrationError: another process holds the directory.
    """
    from model.run_files import DirectoryBusyError, atomic_write, lock_directory

    try:
        out.mkdir(parents=True, exist_ok=True)
        atomic_write(out / record, lambda p: Path(p).write_text(json.dumps(spec, indent=1) + "\n"))
        try:
            lock = lock_directory(out, f"another {what} is running in this directory")
        except DirectoryBusyError as exc:
            raise CalibrationError(str(exc)) from None
        try:
            yield
        finally:
            lock.close()
    finally:
        executor.close()

