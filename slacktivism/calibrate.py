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
* a sampler that runs on the sweeps' executors (a local process pool or a
  Dask cluster) and seeds pyabc's proposal draws from ``(seed, generation,
  job)``: pyabc draws from NumPy's global generator, which this sampler
  sets per job, so a calibration gives the same particles with any number
  of workers, and one resumed after a kill gives the same as one that ran
  through.

Each generation is one ``ABCSMC.run`` call that starts from the last
population stored in pyabc's SQLite database, so a run killed at any moment
(SIGKILL included) resumes from its last completed generation by the same
path an uninterrupted run takes.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from model.randomness import spawn_seeds
from model.scenario import Scenario, field_info
from model.scenario_files import ScenarioError, first_error, known_keys, set_dotted, suggest_key
from slacktivism.cases import Case, Statistic, finish, run_statistics

#: The database and manifest of a calibration directory.
DATABASE, MANIFEST = "calibration.db", "calibration.json"
#: A fitted key whose posterior standard deviation is above this share of its prior's is reported as hardly narrowed.
NARROWING_WARNING = 0.7
#: A weighted correlation between two fitted keys above this (in absolute value) is reported as a trade-off.
TRADE_OFF_WARNING = 0.6


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
        except Exception as exc:  # noqa: BLE001 - pydantic's ValidationError; reported as one line
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
    """The pyabc model: parameters in, the fitted statistics' means over common-random-number replicates out."""

    def __init__(self, base: dict, fits: list[Fit], seeds: list[int], stats: list[Statistic]):
        self.base, self.fits, self.seeds, self.stats = base, fits, seeds, stats

    def scenario(self, parameters) -> dict:
        """The base scenario with the fitted keys set (integer keys rounded)."""
        data = json.loads(json.dumps(self.base))
        for fit in self.fits:
            value = float(parameters[fit.key])
            set_dotted(data, fit.key, round(value) if fit.integer else value, "calibrate")
        return data

    def __call__(self, parameters) -> dict[str, float]:
        """Run the replicates; pyabc calls this once per proposed particle."""
        values, _ = run_statistics(self.scenario(parameters), self.seeds, self.stats)
        out = {}
        for s in self.stats:
            x = values[s.name][~np.isnan(values[s.name])]
            # A statistic undefined in every replicate (nobody to count) is as far from the data as can be.
            out[s.name] = finish(s, float(np.mean(x))) if len(x) else math.inf
        return out


def _seeded_jobs(seed: int, generation: int, simulate_one_pickle: bytes, job_ids: list[int]):
    """Run pyabc's ``simulate_one`` once per job id, NumPy's global generator seeded from the job.

    pyabc draws its proposals from NumPy's global generator and offers no
    other. This is the one place the project touches global random state: it
    is set from ``(seed, generation, job)`` before each job and put back
    afterwards, so no result depends on what ran before in the process.
    """
    import cloudpickle

    simulate_one = cloudpickle.loads(simulate_one_pickle)
    with _GLOBAL_STATE:  # a Dask worker with several threads runs such jobs one at a time
        return _run_seeded(seed, generation, simulate_one, job_ids)


#: Serialises the jobs of one process: the global generator is one per process.
_GLOBAL_STATE = threading.Lock()


def _run_seeded(seed: int, generation: int, simulate_one, job_ids: list[int]):
    saved = np.random.get_state()  # noqa: NPY002
    batch = []
    try:
        for job in job_ids:
            np.random.seed(int(np.random.SeedSequence([seed, generation + 1, job]).generate_state(1)[0]))  # noqa: NPY002
            result = simulate_one()
            batch.append((result, result.accepted, job))
    finally:
        np.random.set_state(saved)  # noqa: NPY002
    return batch


class _SeededClient:
    """Wraps an executor so pyabc's job submissions carry ``(seed, generation, job)``."""

    def __init__(self, inner, seed: int, dask: bool):
        self.inner, self.seed, self.dask, self.generation = inner, seed, dask, 0

    def submit(self, _function, simulate_one_pickle, _batch_size, job_ids):
        args = (_seeded_jobs, self.seed, self.generation, simulate_one_pickle, list(job_ids))
        return self.inner.submit(*args, pure=False) if self.dask else self.inner.submit(*args)


def seeded_sampler(executor, workers: int, seed: int, dask: bool):
    """A pyabc sampler on ``executor`` (a process pool or a Dask client) whose particles do not depend on timing.

    pyabc's ``EPSMixin`` keeps up to ``client_max_jobs`` jobs in flight and
    keeps the first ``n`` accepted particles in job order; with every job
    seeded by its id, that set is the same however the jobs interleave.
    """
    from pyabc.sampler.base import Sampler
    from pyabc.sampler.eps_mixin import EPSMixin

    class SeededSampler(EPSMixin, Sampler):
        def __init__(self):
            EPSMixin.__init__(self, client=_SeededClient(executor, seed, dask), client_max_jobs=2 * workers,
                              default_pickle=True, batch_size=1)
            Sampler.__init__(self)

        def client_cores(self) -> int:
            return 2 * workers

        def sample_until_n_accepted(self, n, simulate_one, t, **kwargs):
            self.client.generation = t
            return super().sample_until_n_accepted(n, simulate_one, t, **kwargs)

    return SeededSampler()


def floored_epsilon(floor: float):
    """The median epsilon schedule of pyabc, never below ``floor``.

    The median of the last generation's distances may jump below the target;
    a last generation run at the target itself accepts every particle within
    the tolerance the data file gives, not an arbitrary tighter one (a tighter
    one would make the posterior narrower than the data's uncertainty).
    """
    from pyabc.epsilon import QuantileEpsilon

    class FlooredEpsilon(QuantileEpsilon):
        def _update(self, t, weighted_distances):
            super()._update(t, weighted_distances)
            self._look_up[t] = max(self._look_up[t], floor)

    return FlooredEpsilon(alpha=0.5)


class Generation(NamedTuple):
    """One completed generation, as stored."""

    t: int
    epsilon: float
    particles: int
    simulations: int


def calibrate(case: Case, spec: Spec, out: Path, executor, workers: int, *, dask: bool = False,
              report=lambda g: None) -> list[Generation]:
    """Run (or resume) the calibration into ``out``; return the stored generations.

    ``report`` is called with each generation as it completes.
    """
    import logging

    import pyabc

    logging.getLogger("ABC").setLevel(logging.WARNING)
    fits = spec.fitted()
    stats = case.pick(spec.statistics)
    simulator = CaseSimulator(case.scenario.model_dump(mode="json"), fits,
                              spawn_seeds(spec.seed, spec.replicates), stats)
    prior = pyabc.Distribution(**{f.key: pyabc.RV("uniform", f.low, f.high - f.low) for f in fits})
    distance = pyabc.PNormDistance(p=np.inf, fixed_weights={s.name: 1.0 / s.tolerance for s in stats})
    sampler = seeded_sampler(executor, workers, spec.seed, dask)
    db = f"sqlite:///{(out / DATABASE).resolve()}"
    observed = {s.name: s.observed for s in stats}

    def fresh():
        # A new ABCSMC per generation, loaded from the database: the path a resumed run takes. (One object
        # run twice would reuse its cached starting population for epsilon.)
        return pyabc.ABCSMC(simulator, prior, distance, population_size=spec.population, sampler=sampler,
                            eps=floored_epsilon(spec.epsilon))

    done = generations(_open(fresh(), db, observed, out))
    while len(done) < spec.generations and (not done or done[-1].epsilon > spec.epsilon):
        abc = fresh()
        abc.load(db, 1)
        abc.run(minimum_epsilon=spec.epsilon, max_nr_populations=1)
        done = generations(abc.history)
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


def generations(history) -> list[Generation]:
    """The completed generations in the database."""
    if history.max_t < 0:
        return []
    frame = history.get_all_populations()
    frame = frame[frame.t >= 0]
    return [Generation(int(r.t), float(r.epsilon), int(r.particles), int(r.samples)) for r in frame.itertuples()]


def posterior(out: Path):
    """The last generation's particles: a frame of fitted keys with a ``weight`` column (weights sum to 1)."""
    from pyabc import History

    history = History(f"sqlite:///{(out / DATABASE).resolve()}")
    history.id = 1
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    frame["weight"] = np.asarray(weights) / np.sum(weights)
    return frame


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of weighted particles (the inverse of their weighted empirical distribution)."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    return float(values[order][min(np.searchsorted(cumulative, q * cumulative[-1]), len(values) - 1)])


def warnings_for(frame, fits: list[Fit]) -> list[str]:
    """What the posterior does not settle: keys it hardly narrows, several modes, keys that trade off."""
    from scipy.signal import find_peaks
    from scipy.stats import gaussian_kde

    w = frame["weight"].to_numpy()
    found = []
    for f in fits:
        x = frame[f.key].to_numpy(np.float64)
        mean = np.sum(w * x)
        sd = math.sqrt(max(np.sum(w * (x - mean) ** 2), 0.0))
        prior_sd = (f.high - f.low) / math.sqrt(12)
        if sd > NARROWING_WARNING * prior_sd:
            found.append(f"{f.key}: the posterior is hardly narrower than the prior (sd {sd:.3g} against the "
                         f"prior's {prior_sd:.3g}): the fitted statistics barely constrain it")
        if sd > 0 and len(np.unique(x)) > 2:
            grid = np.linspace(f.low, f.high, 200)
            density = gaussian_kde(x, weights=w)(grid)
            peaks, _ = find_peaks(np.concatenate([[0], density, [0]]), prominence=0.25 * density.max())
            if len(peaks) > 1:
                where = ", ".join(f"{grid[p - 1]:.3g}" for p in peaks)
                found.append(f"{f.key}: the posterior has {len(peaks)} modes (near {where}): very different "
                             f"values fit equally well")
    for i, a in enumerate(fits):
        for b in fits[i + 1:]:
            r = _weighted_correlation(frame[a.key].to_numpy(np.float64), frame[b.key].to_numpy(np.float64), w)
            if abs(r) > TRADE_OFF_WARNING:
                found.append(f"{a.key} and {b.key} trade off (weighted correlation {r:+.2f}): the data fit a ridge "
                             f"of combinations, not one point (equifinality)")
    return found


def _weighted_correlation(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    mx, my = np.sum(w * x), np.sum(w * y)
    cov = np.sum(w * (x - mx) * (y - my))
    sx, sy = math.sqrt(np.sum(w * (x - mx) ** 2)), math.sqrt(np.sum(w * (y - my) ** 2))
    return float(cov / (sx * sy)) if sx > 0 and sy > 0 else 0.0


def predictive(case: Case, spec: Spec, frame, draws: int, replicates: int, executor=None):
    """Posterior-predictive values of every statistic (fitted and held out).

    ``draws`` particles are drawn by weight (seeded from the calibration's
    seed) and each is run on ``replicates`` fresh seeds, not the ones the
    fit used. Returns ``{statistic: array of one mean per draw}``.
    """
    fits = spec.fitted()
    rng = np.random.default_rng([spec.seed, 7])
    picks = rng.choice(len(frame), size=draws, p=frame["weight"].to_numpy())
    stats = case.statistics
    simulator = CaseSimulator(case.scenario.model_dump(mode="json"), fits,
                              spawn_seeds(spec.seed + 1, replicates), stats)
    parameters = [{f.key: float(frame[f.key].iloc[i]) for f in fits} for i in picks]
    if executor is None:
        results = [simulator(p) for p in parameters]
    else:
        results = [f.result() for f in [executor.submit(simulator, p) for p in parameters]]
    return {s.name: np.array([r[s.name] for r in results]) for s in stats}


def calibrated_scenario(case: Case, spec: Spec, frame, generations_done: list[Generation]) -> dict:
    """The case scenario at the posterior's weighted medians, with the provenance in its description."""
    from model.run_files import PACKAGES, git_commit, package_versions

    fits = spec.fitted()
    medians = {f.key: weighted_quantile(frame[f.key].to_numpy(np.float64), frame["weight"].to_numpy(), 0.5)
                for f in fits}
    data = case.scenario.model_dump(mode="json", exclude_none=True)
    for f in fits:
        set_dotted(data, f.key, round(medians[f.key]) if f.integer else medians[f.key], "calibrate")
    versions = package_versions((*PACKAGES, "pyabc"))
    last = generations_done[-1]
    provenance = (
        f"Calibrated with ABC-SMC (pyabc {versions['pyabc']}) to {Path(spec.case_file).name} "
        f"(data sha256 {spec.case_sha256}; scenario sha256 {spec.scenario_sha256}), statistics "
        f"{', '.join(spec.statistics)}; fitted "
        + ", ".join(f"{f.key} in [{f.low:g}, {f.high:g}] -> {medians[f.key]:.4g}" for f in fits)
        + f" (posterior medians); {spec.population} particles, {last.t + 1} generations, final epsilon "
        f"{last.epsilon:.3g}, {spec.replicates} replicates, seed {spec.seed}; slacktivism {versions['slacktivism']}, "
        f"mesa {versions['mesa']}, numpy {versions['numpy']}, commit {git_commit() or 'unknown'}."
    )
    data["name"] = f"{case.scenario.name}_calibrated"
    data["description"] = f"{case.scenario.description.strip()} {provenance}".strip()
    Scenario.model_validate(data)
    return data


def spec_dict(spec: Spec) -> dict:
    """The spec as stored in the manifest."""
    return asdict(spec)


def write_outputs(case: Case, spec: Spec, out: Path, done: list[Generation], *, draws: int, replicates: int,
                  executor=None) -> tuple[list[Path], list[str], list]:
    """Write the posterior, its pairs plot, the posterior-predictive table and figure, and the calibrated scenario.

    The scenario at the posterior medians is ``calibrated.yaml`` only if every
    fitted statistic's posterior-predictive mean, on seeds the fit never
    saw, lies within its tolerance; otherwise it is ``rejected.yaml``, whose
    description says which statistic missed (see :func:`rejection`).
    Returns the paths written, the warnings and the predictive rows.
    """
    import pandas as pd
    import yaml

    from model.run_files import atomic_write
    from slacktivism.compare import Row
    from viz.case_figures import comparison_figure, pairs_figure

    fits = spec.fitted()
    frame = posterior(out)
    warnings = warnings_for(frame, fits)
    paths = {name: out / name for name in ("posterior.parquet", "posterior.csv", "pairs.png", "predictive.csv",
                                           "predictive.png", "generations.csv", "warnings.txt", "calibrated.yaml")}
    atomic_write(paths["posterior.parquet"], lambda p: frame.to_parquet(p, index=False))
    atomic_write(paths["posterior.csv"], lambda p: frame.to_csv(p, index=False))
    figure = pairs_figure(frame, fits, title=f"{case.data.title}: posterior")
    atomic_write(paths["pairs.png"], lambda p: figure.savefig(p, dpi=110, format="png"))
    values = predictive(case, spec, frame, draws, replicates, executor)
    rows = []
    for s in case.statistics:
        x = values[s.name]
        low, high = np.quantile(x, [0.05, 0.95])
        mean = float(np.mean(x))
        rows.append(Row(s.name, s.observed, s.tolerance, s.approximate, "", mean, float(low), float(high),
                        abs(mean - s.observed) <= s.tolerance, "fitted" if s.name in spec.statistics else "held out"))
    table = pd.DataFrame(rows, columns=Row._fields).rename(columns={"model_low": "predictive_5",
                                                                    "model_high": "predictive_95"})
    atomic_write(paths["predictive.csv"], lambda p: table.to_csv(p, index=False))
    figure = comparison_figure(rows, None, title=f"{case.data.title}: posterior predictive",
                               interval=f"5-95% over {draws} posterior draws")
    atomic_write(paths["predictive.png"], lambda p: figure.savefig(p, dpi=110, format="png"))
    gens = pd.DataFrame(done, columns=Generation._fields)
    atomic_write(paths["generations.csv"], lambda p: gens.to_csv(p, index=False))
    atomic_write(paths["warnings.txt"], lambda p: Path(p).write_text("".join(f"{w}\n" for w in warnings)))
    scenario = calibrated_scenario(case, spec, frame, done)
    problem = rejection(rows)
    if problem:
        scenario["description"] = f"REJECTED: {problem}. {scenario['description']}"
        paths.pop("calibrated.yaml")
        paths["rejected.yaml"] = out / "rejected.yaml"
        (out / "calibrated.yaml").unlink(missing_ok=True)  # an earlier, accepted run of this DIR no longer stands
    else:
        (out / "rejected.yaml").unlink(missing_ok=True)
    target = paths.get("calibrated.yaml", paths.get("rejected.yaml"))
    atomic_write(target, lambda p: Path(p).write_text(yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True)))
    return list(paths.values()), warnings, rows


def rejection(rows) -> str | None:
    """Why the calibrated scenario is not accepted: a fitted statistic outside its tolerance on fresh seeds.

    ``rows`` are the posterior-predictive rows (``compare.Row``, ``role``
    ``fitted`` or ``held out``); None when every fitted statistic's mean lies
    within its tolerance.
    """
    missed = [r for r in rows if r.role == "fitted" and not r.passed]
    if not missed:
        return None
    return "on fresh seeds " + "; ".join(
        f"{r.statistic} is {r.model_mean:.4g} against {r.observed:g} +/- {r.tolerance:g} "
        f"({abs(r.model_mean - r.observed) / r.tolerance:.1f} tolerances)" for r in missed)
