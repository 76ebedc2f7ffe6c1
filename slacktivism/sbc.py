"""Simulation-based calibration of ``slacktivism calibrate`` (Talts et al. 2018, arXiv:1804.06788).

A calibration procedure is honest when, for parameters drawn from the prior
and data simulated from them, its 90% credible intervals hold the true value
about 90% of the time. Each trial here draws a true value of one key from
its uniform prior, simulates the observed statistic on seeds the
calibration never uses (so the data carry their own noise), calibrates with
ABC-SMC, and records whether the weighted 5-95% posterior interval holds
the truth. The test suite runs a few small trials; ``make bench`` runs more.

The same holds key by key as a distribution: the true value's rank in its
posterior (the weight below it) is uniform on [0, 1] (Talts et al.'s rank
histograms). :func:`rank_trials` runs that on a real case's configuration,
with every key it fits and the case's own statistics and tolerances, and
:func:`uniformity` tests each key's ranks with a chi-square test.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from model.case_files import Case, CaseData
from model.case_statistics import finish
from model.randomness import spawn_seeds
from model.scenario import Scenario
from slacktivism.calibrate import Spec, calibrate
from slacktivism.cases import run_statistics
from slacktivism.posterior import posterior, weighted_quantile

#: The fitted key, its prior, and the statistic that carries information about it.
KEY, LOW, HIGH = "decision.cost_like", 1.2, 1.9
STATISTIC = {"name": "like_rate", "source": "synthetic", "model": {"ratio": ["liked", "aware"], "log10": True}}


class Trial(NamedTuple):
    """One SBC trial: the true value and the posterior's 90% interval."""

    truth: float
    low: float
    high: float
    covered: bool
    epsilon: float


def base_scenario(n_users: int) -> Scenario:
    """A small campaign: 20 organisers on a scale-free network of ``n_users``."""
    return Scenario.model_validate({"name": "sbc", "seed": 0, "steps": 40,
                                    "network": {"kind": "barabasi_albert", "n_users": n_users, "mean_degree": 20},
                                    "seeding": {"strategy": "random", "count": 20}})


def _case(scenario: Scenario, observed: float, tolerance: float) -> Case:
    data = CaseData.model_validate({
        "case": "sbc", "title": "simulation-based calibration", "scenario": "(in memory)",
        "sources": {"synthetic": "simulated from a known parameter value (simulation-based calibration)"},
        "statistics": [{**STATISTIC, "observed": observed, "tolerance": tolerance}]})
    digest = hashlib.sha256(f"{observed}:{tolerance}".encode()).hexdigest()
    return Case(Path("sbc.data.yaml"), data, scenario, digest)


def noise_tolerance(scenario: Scenario, replicates: int, pilots: int = 12, seed: int = 99) -> float:
    """Twice the standard deviation of the difference between two replicate means at the prior's midpoint.

    The observed value and the simulator's (on its own common seeds) each
    carry the noise of a replicate mean; their difference has sqrt(2) times
    its standard deviation, and the tolerance covers about 95% of it.
    """
    stat = _case(scenario, 0.0, 1.0).statistics
    data = scenario.model_dump(mode="json")
    data["decision"]["cost_like"] = (LOW + HIGH) / 2
    means = [finish(stat[0], float(np.nanmean(run_statistics(data, spawn_seeds(seed + p, replicates),
                                                             stat)[0]["like_rate"])))
             for p in range(pilots)]
    return 2 * np.sqrt(2) * float(np.std(means, ddof=1))


def run_trials(trials: int, out: Path, executor, *, n_users: int = 500, replicates: int = 3,
               population: int = 60, generations: int = 4, seed: int = 0) -> list[Trial]:
    """Run ``trials`` SBC trials, each calibrating into its own folder under ``out``."""
    scenario = base_scenario(n_users)
    tolerance = noise_tolerance(scenario, replicates)
    rng = np.random.default_rng([seed, 2018])
    results = []
    for i in range(trials):
        truth = float(rng.uniform(LOW, HIGH))
        data = scenario.model_dump(mode="json")
        data["decision"]["cost_like"] = truth
        stat = _case(scenario, 0.0, 1.0).statistics
        raw = run_statistics(data, spawn_seeds(10_000 + 97 * seed + i, replicates), stat)[0]["like_rate"]
        observed = finish(stat[0], float(np.nanmean(raw)))
        case = _case(scenario, observed, tolerance)
        spec = Spec(case_file=f"sbc-{i}", case_sha256=case.sha256, scenario_sha256=scenario.digest(),
                    overrides={}, fits=[[KEY, LOW, HIGH, False]], statistics=["like_rate"],
                    population=population, generations=generations, epsilon=1.0, replicates=replicates,
                    seed=seed + i)
        folder = out / f"trial{i}"
        folder.mkdir(parents=True, exist_ok=True)
        done = calibrate(case, spec, folder, executor)
        frame = posterior(folder)
        x, w = frame[KEY].to_numpy(np.float64), frame["weight"].to_numpy()
        low, high = weighted_quantile(x, w, 0.05), weighted_quantile(x, w, 0.95)
        results.append(Trial(truth, low, high, low <= truth <= high, done[-1].epsilon))
    return results




# ---------------------------------------------------------------------------- ranks on a real case


class RankTrial(NamedTuple):
    """One rank trial: the true value of each fitted key and its posterior rank (the weight below the truth)."""

    truth: dict[str, float]
    rank: dict[str, float]
    epsilon: float


def rank_trials(case: Case, fits: list, statistics: list[str], trials: int, out: Path, executor, *,
                replicates: int = 3, population: int = 60, generations: int = 4, seed: int = 0) -> list[RankTrial]:
    """Talts et al. (2018) on a real case's configuration: its scenario, its fitted keys and its statistics.

    Each trial draws every fitted key from its uniform prior, simulates the
    case's statistics on seeds the calibration never uses, calibrates the
    keys to them with the case's own tolerances, and records each key's
    rank: the posterior weight below the true value. For a calibrated
    procedure every rank is uniform on [0, 1] (:func:`uniformity`).
    """
    from model.scenario_files import set_dotted

    rng = np.random.default_rng([seed, 1804])
    stats = case.pick(statistics)
    base = case.scenario.model_dump(mode="json")
    results = []
    for i in range(trials):
        truth = {f.key: float(rng.uniform(f.low, f.high)) for f in fits}
        data = json_copy(base)
        for f in fits:
            set_dotted(data, f.key, round(truth[f.key]) if f.integer else truth[f.key], "sbc")
        raw, _ = run_statistics(data, spawn_seeds(20_000 + 97 * seed + i, replicates), stats)
        observed = {s.name: finish(s, float(np.nanmean(raw[s.name]))) for s in stats}
        trial_case = _with_observed(case, observed)
        spec = Spec(case_file=f"sbc-{case.data.case}-{i}", case_sha256=trial_case.sha256,
                    scenario_sha256=case.scenario.digest(), overrides={}, fits=[list(f) for f in fits],
                    statistics=[s.name for s in stats], population=population, generations=generations,
                    epsilon=1.0, replicates=replicates, seed=seed + i)
        folder = out / f"trial{i}"
        folder.mkdir(parents=True, exist_ok=True)
        done = calibrate(trial_case, spec, folder, executor)
        frame = posterior(folder)
        w = frame["weight"].to_numpy()
        rank = {f.key: float(w[frame[f.key].to_numpy(np.float64) < truth[f.key]].sum()) for f in fits}
        results.append(RankTrial(truth, rank, done[-1].epsilon))
    return results


def uniformity(ranks, bins: int) -> tuple[np.ndarray, float]:
    """Rank counts in ``bins`` equal bins of [0, 1], and the chi-square test's p-value against uniform."""
    from scipy import stats

    counts = np.histogram(np.clip(ranks, 0.0, 1.0), bins=bins, range=(0.0, 1.0))[0]
    return counts, float(stats.chisquare(counts).pvalue)


def json_copy(data: dict) -> dict:
    """A deep copy of a JSON-like scenario dict."""
    import json

    return json.loads(json.dumps(data))


def _with_observed(case: Case, observed: dict[str, float]) -> Case:
    """The case with its statistics' observed values replaced (sources, tolerances and mappings kept)."""
    data = case.data.model_copy(update={"statistics": [
        s.model_copy(update={"observed": observed.get(s.name, s.observed)}) for s in case.data.statistics]})
    digest = hashlib.sha256(repr(sorted(observed.items())).encode() + case.sha256.encode()).hexdigest()
    return Case(case.path, data, case.scenario, digest)
