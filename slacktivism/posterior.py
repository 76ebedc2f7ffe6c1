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

from model.case_files import Case, TakeOff
from model.randomness import spawn_seeds
from model.scenario import Scenario
from model.scenario_files import set_dotted
from model.statistics import binomial_interval
from slacktivism.calibrate import DATABASE, CaseSimulator, Fit, Generation, Spec

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


def directions(frame, fits: list[Fit]):
    """The posterior's principal directions in prior units, widest first: which combinations the data leave open.

    Each key is measured in its uniform prior's standard deviations, so the
    prior has standard deviation 1 along every direction. The weighted
    posterior covariance's eigenvectors are then the directions the data
    constrain least to most, and the square root of each eigenvalue is the
    posterior's standard deviation along it as a share of the prior's: near 1,
    the fitted statistics say nothing about that combination of keys (it is
    unidentified); near 0, they pin it down. A ridge of equally good fits
    (two keys that trade off) shows as one wide direction mixing both.

    Returns:
        A frame with ``sd_ratio`` and one loading column per key (each row a
        unit vector; its sign is fixed so its largest loading is positive).
    """
    import pandas as pd

    w = frame["weight"].to_numpy(np.float64)
    z = np.column_stack([frame[f.key].to_numpy(np.float64) / ((f.high - f.low) / math.sqrt(12)) for f in fits])
    mean = w @ z
    cov = (z - mean).T @ ((z - mean) * w[:, None]) / w.sum()
    values, vectors = np.linalg.eigh(np.atleast_2d(cov))
    order = np.argsort(values)[::-1]
    rows = []
    for i in order:
        v = vectors[:, i] * np.sign(vectors[np.argmax(np.abs(vectors[:, i])), i])
        rows.append({"sd_ratio": math.sqrt(max(values[i], 0.0)), **{f.key: float(x) for f, x in zip(fits, v,
                                                                                               strict=True)}})
    return pd.DataFrame(rows)


def direction_text(row, fits: list[Fit]) -> str:
    """A direction as ``+0.71 key_a -0.70 key_b`` (loadings under 0.1 left out)."""
    return " ".join(f"{row[f.key]:+.2f} {f.key}" for f in fits if abs(row[f.key]) >= 0.1)


def identification_notes(frame, fits: list[Fit], fitted: int) -> list[str]:
    """How many directions the fitted statistics can settle, and which posterior directions stay open."""
    notes = []
    if fitted < len(fits):
        notes.append(f"{len(fits)} keys fitted to {fitted} statistic(s): at least {len(fits) - fitted} "
                     f"direction(s) of the keys cannot be identified by the data")
    table = directions(frame, fits)
    for r in table.to_dict("records"):  # not itertuples, which renames dotted keys
        state = "unidentified" if r["sd_ratio"] > NARROWING_WARNING else "constrained"
        notes.append(f"posterior direction {direction_text(r, fits)}: sd {r['sd_ratio']:.2f} of the prior's "
                     f"({state})")
    return notes


def _weighted_correlation(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    mx, my = np.sum(w * x), np.sum(w * y)
    cov = np.sum(w * (x - mx) * (y - my))
    sx, sy = math.sqrt(np.sum(w * (x - mx) ** 2)), math.sqrt(np.sum(w * (y - my) ** 2))
    return float(cov / (sx * sy)) if sx > 0 and sy > 0 else 0.0


def predictive(case: Case, spec: Spec, frame, draws: int, replicates: int, executor=None):
    """Posterior-predictive values of every statistic (fitted and held out), and the failed cascades.

    ``draws`` particles are drawn by weight (seeded from the calibration's
    seed) and each is run on ``replicates`` fresh seeds, not the ones the
    fit used. With the case's take-off rule, statistics are over the runs
    that took off (as in the fit).

    Returns:
        ``({statistic: array of one mean per draw}, failed)``: a draw none of
        whose runs took off has NaN; ``failed`` holds each draw's share of
        runs that did not take off (zeros without a rule).
    """
    fits = spec.fitted()
    rng = np.random.default_rng([spec.seed, 7])
    picks = rng.choice(len(frame), size=draws, p=frame["weight"].to_numpy())
    stats = case.statistics
    simulator = CaseSimulator(case.scenario.model_dump(mode="json"), fits,
                              spawn_seeds(spec.seed + 1, replicates), stats, case.data.take_off)
    parameters = [{f.key: float(frame[f.key].iloc[i]) for f in fits} for i in picks]
    if executor is None:
        results = [simulator.outcomes(p) for p in parameters]
    else:
        results = [f.result() for f in [executor.submit(simulator.outcomes, p) for p in parameters]]
    values = {s.name: np.array([r[s.name] for r, _ in results]) for s in stats}
    values = {k: np.where(np.isinf(v), np.nan, v) for k, v in values.items()}
    return values, np.array([failed for _, failed in results])


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
                  executor=None) -> tuple[list[Path], list[str], list, list[str]]:
    """Write the posterior, its pairs plot, the posterior-predictive table and figure, and the calibrated scenario.

    The scenario at the posterior medians is ``calibrated.yaml`` only if every
    fitted statistic's posterior-predictive mean, on seeds the fit never
    saw, lies within its tolerance; otherwise it is ``rejected.yaml``, whose
    description says which statistic missed (see :func:`rejection`).
    Returns the paths written, the warnings, the predictive rows and the notes (failed cascades under the
    case's take-off rule, the posterior's unidentified directions).
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
                                           "predictive.png", "generations.csv", "warnings.txt", "directions.csv",
                                           "notes.txt", "calibrated.yaml")}
    table = directions(frame, fits)
    atomic_write(paths["directions.csv"], lambda p: table.to_csv(p, index=False))
    atomic_write(paths["posterior.parquet"], lambda p: frame.to_parquet(p, index=False))
    atomic_write(paths["posterior.csv"], lambda p: frame.to_csv(p, index=False))
    figure = pairs_figure(frame, fits, title=f"{case.data.title}: posterior")
    atomic_write(paths["pairs.png"], lambda p: figure.savefig(p, dpi=110, format="png"))
    values, failed = predictive(case, spec, frame, draws, replicates, executor)
    rule = case.data.take_off
    notes = [cascade_note(rule, failed, replicates)] if rule is not None else []
    notes += identification_notes(frame, fits, len(spec.statistics))
    atomic_write(paths["notes.txt"], lambda p: Path(p).write_text("".join(f"{n}\n" for n in notes)))
    rows = []
    for s in case.statistics:
        x = values[s.name][~np.isnan(values[s.name])]
        low, high = np.quantile(x, [0.05, 0.95]) if len(x) else (math.nan, math.nan)
        mean = float(np.mean(x)) if len(x) else math.nan
        rows.append(Row(s.name, s.observed, s.tolerance, s.approximate, "", mean, float(low), float(high),
                        abs(mean - s.observed) <= s.tolerance, "fitted" if s.name in spec.statistics else "held out",
                        int(len(values[s.name]) - len(x))))
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
    return list(paths.values()), warnings, rows, notes


def cascade_note(rule: TakeOff, failed: np.ndarray, replicates: int) -> str:
    """The share of fresh posterior-predictive runs whose cascade failed under a take-off rule."""
    runs = len(failed) * replicates
    low, high = binomial_interval(round(float(failed.sum()) * replicates), runs)
    return (f"failed cascades at the posterior: {failed.mean():.1%} of {runs} fresh runs (95% interval "
            f"{low:.1%} to {high:.1%}) did not take off ({rule.describe()}); the statistics are over the rest")


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
