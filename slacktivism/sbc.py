"""Simulation-based calibration of ``slacktivism calibrate`` (Talts et al. 2018, arXiv:1804.06788).

A calibration procedure is honest when, for parameters drawn from the prior
and data simulated from them, its 90% credible intervals hold the true value
about 90% of the time. Each trial here draws a true value of one key from
its uniform prior, simulates the observed statistic on seeds the
calibration never uses (so the data carry their own noise), calibrates with
ABC-SMC, and records whether the weighted 5-95% posterior interval holds
the truth. The test suite runs a few small trials; ``make bench`` runs more.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from model.scenario import Scenario
from slacktivism.calibrate import Spec, calibrate, posterior, weighted_quantile
from slacktivism.cases import Case, CaseData, finish, replicate_seeds, run_statistics

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
    means = [finish(stat[0], float(np.nanmean(run_statistics(data, replicate_seeds(seed + p, replicates),
                                                             stat)[0]["like_rate"])))
             for p in range(pilots)]
    return 2 * np.sqrt(2) * float(np.std(means, ddof=1))


def run_trials(trials: int, out: Path, executor, workers: int, *, n_users: int = 500, replicates: int = 3,
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
        raw = run_statistics(data, replicate_seeds(10_000 + 97 * seed + i, replicates), stat)[0]["like_rate"]
        observed = finish(stat[0], float(np.nanmean(raw)))
        case = _case(scenario, observed, tolerance)
        spec = Spec(case_file=f"sbc-{i}", case_sha256=case.sha256, scenario_sha256=scenario.digest(),
                    overrides={}, fits=[[KEY, LOW, HIGH, False]], statistics=["like_rate"],
                    population=population, generations=generations, epsilon=1.0, replicates=replicates,
                    seed=seed + i)
        folder = out / f"trial{i}"
        folder.mkdir(parents=True, exist_ok=True)
        done = calibrate(case, spec, folder, executor, workers)
        frame = posterior(folder)
        x, w = frame[KEY].to_numpy(np.float64), frame["weight"].to_numpy()
        low, high = weighted_quantile(x, w, 0.05), weighted_quantile(x, w, 0.95)
        results.append(Trial(truth, low, high, low <= truth <= high, done[-1].epsilon))
    return results


