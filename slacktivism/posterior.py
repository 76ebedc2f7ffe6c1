"""What a finished calibration gives: the posterior, its warnings, the posterior predictive, the scenario.

The posterior predictive is run on seeds the fit never saw; the calibrated
scenario is accepted (``calibrated.yaml``) only if every fitted statistic's
predictive mean lies within its tolerance, and is otherwise written as
``rejected.yaml`` saying which statistic missed.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from model.randomness import spawn_seeds
from model.scenario import Scenario
from model.scenario_files import set_dotted
from slacktivism.calibrate import DATABASE, CaseSimulator, Fit, Generation, Spec
from slacktivism.cases import Case

#: A fitted key whose posterior standard deviation is above this share of its prior's is reported as hardly narrowed.
NARROWING_WARNING = 0.7
#: A weighted correlation between two fitted keys above this (in absolute value) is reported as a trade-off.
TRADE_OFF_WARNING = 0.6


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
    target = paths["rejected.yaml"] if problem else paths["calibrated.yaml"]
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
