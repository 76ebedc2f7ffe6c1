"""One psychology across campaigns: a joint ABC-SMC calibration of shared keys, and leave-one-case-out.

Every case keeps its own world (population, network, seeding, the media
schedule, the asks, the cost of its act: everything its scenario sets), and
the fitted keys, which must be keys of the choice and not of the world, take
the same value in every case. The simulator runs each case on its own
common-random-number replicates and returns every case's statistics under
``case.statistic``; the distance is the largest distance in tolerances over
all of them (:func:`slacktivism.calibrate.abc_smc`, the loop a single case's
calibration uses), so epsilon 1 means one parameter set puts every statistic
of every case within its tolerance.

Leave-one-case-out: for each case, the same calibration on the other cases
only, then the held-out case is predicted at that posterior on seeds no fit
used, and each of its statistics is reported as its distance in tolerances.

A directory holds the fit on all cases (``all/``) and one fold per case
(``without-NAME/``), each its own pyabc database and its posterior's
principal directions (``directions.csv``, as a single case's calibration
writes them), so a run killed at any moment resumes each fold from its last
completed generation; a fold whose predictive table is written is done and
is not re-run.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from model.case_files import Case
from model.randomness import spawn_seeds
from model.scenario_files import ScenarioError
from slacktivism.calibrate import CaseSimulator, Fit, Generation, abc_smc, holding, parse_fit

#: The joint calibration's manifest.
MANIFEST = "joint.json"
#: Keys that describe a case's world, kept per case and never fitted jointly (the issue's list: population,
#: network, seeding, media schedule, the campaign's asks, and the cost of the act, which differs by act).
WORLD_PREFIXES = ("network.", "seeding.", "media.", "campaign.", "invitations.")
WORLD_KEYS = ("decision.cost_act", "steps")


class Member(NamedTuple):
    """One case in a joint calibration: its name, base scenario, statistics and take-off rule."""

    name: str
    base: dict
    stats: list
    take_off: Any


@dataclass(frozen=True)
class JointSpec:
    """Everything that defines a joint calibration; a directory holds one, and its rerun must match."""

    cases: list[list[str]]  # [data file, its sha256] per case
    overrides: dict[str, Any]
    fits: list[list]
    population: int
    generations: int
    epsilon: float
    replicates: int
    seed: int
    leave_one_out: bool

    def fitted(self) -> list[Fit]:
        """The fits as records."""
        return [Fit(*f) for f in self.fits]


def shared_fit(text: str, cases: list[Case]) -> Fit:
    """Parse ``KEY=LOW:HIGH`` for every case; a world key is refused (it stays each case's own)."""
    key = text.partition("=")[0].strip()
    if key.startswith(WORLD_PREFIXES) or key in WORLD_KEYS:
        raise ScenarioError("--fit", None, key, "a key of the case's world, kept per case; a joint calibration fits "
                                                "only keys of the choice shared by every case")
    fits = {parse_fit(text, case.scenario) for case in cases}
    return fits.pop()


def specify(cases: list[Case], overrides: dict, fit_texts: list[str], *, population: int, generations: int,
            epsilon: float, replicates: int, seed: int, leave_one_out: bool = True) -> JointSpec:
    """The :class:`JointSpec` from the command's words (a ScenarioError names a bad ``--fit`` or case list)."""
    if len(cases) < 2:
        raise ScenarioError("joint", None, "cases", "a joint calibration needs at least two cases")
    names = [c.data.case for c in cases]
    if len(set(names)) != len(names):
        raise ScenarioError("joint", None, "cases", f"each case may be given once (got {', '.join(names)})")
    fits = [shared_fit(text, cases) for text in fit_texts]
    if len({f.key for f in fits}) != len(fits):
        raise ScenarioError("--fit", None, "", "each key may be fitted once")
    return JointSpec([[str(c.path.resolve()), c.sha256] for c in cases], overrides, [list(f) for f in fits],
                     population, generations, epsilon, replicates, seed, leave_one_out)


def member(case: Case) -> Member:
    """A case as a member of a joint calibration."""
    return Member(case.data.case, case.scenario.model_dump(mode="json"), list(case.statistics), case.data.take_off)


class JointSimulator:
    """Parameters in; every member's statistics (``case.statistic``) over its own common-seed replicates out."""

    def __init__(self, members: list[Member], fits: list[Fit], seeds: list[int]):
        self.members, self.fits, self.seeds = members, fits, seeds

    def outcomes(self, parameters) -> tuple[dict[str, float], dict[str, float]]:
        """Every statistic, and each case's share of replicates that did not take off."""
        out, failed = {}, {}
        for m in self.members:
            values, failed[m.name] = CaseSimulator(m.base, self.fits, self.seeds, m.stats, m.take_off).outcomes(
                parameters)
            out.update({f"{m.name}.{k}": v for k, v in values.items()})
        return out, failed

    def __call__(self, parameters) -> dict[str, float]:
        """What pyabc calls once per proposed particle."""
        return self.outcomes(parameters)[0]


def observed(members: list[Member]) -> dict[str, tuple[float, float]]:
    """Every member's statistics as ``{case.statistic: (observed, tolerance)}``."""
    return {f"{m.name}.{s.name}": (s.observed, s.tolerance) for m in members for s in m.stats}


class Fold(NamedTuple):
    """One calibration of a joint run: the cases fitted, the case held out (None: the fit on all), its folder."""

    fitted: list[Member]
    held_out: Member | None
    folder: Path


def folds(members: list[Member], out: Path, leave_one_out: bool) -> list[Fold]:
    """The fit on all cases, then (with ``leave_one_out``) one fit per case without it."""
    plan = [Fold(members, None, out / "all")]
    if leave_one_out:
        plan += [Fold([m for m in members if m is not h], h, out / f"without-{h.name}") for h in members]
    return plan


#: Columns of a fold's ``predictive.csv`` and of the joint table.
COLUMNS = ("fold", "case", "statistic", "role", "observed", "tolerance", "predictive_mean", "predictive_5",
           "predictive_95", "distance", "passed", "failed_cascades")


def predict(fold: Fold, spec: JointSpec, draws: int, executor=None) -> list[dict]:
    """Posterior-predictive rows of a fold on fresh seeds: every case's statistics, fitted and held out."""
    from slacktivism.posterior import posterior

    fits = spec.fitted()
    frame = posterior(fold.folder)
    rng = np.random.default_rng([spec.seed, 7])
    picks = rng.choice(len(frame), size=draws, p=frame["weight"].to_numpy())
    everyone = fold.fitted + ([fold.held_out] if fold.held_out else [])
    simulator = JointSimulator(everyone, fits, spawn_seeds(spec.seed + 1, spec.replicates))
    parameters = [{f.key: float(frame[f.key].iloc[i]) for f in fits} for i in picks]
    if executor is None:
        results = [simulator.outcomes(p) for p in parameters]
    else:
        results = [f.result() for f in [executor.submit(simulator.outcomes, p) for p in parameters]]
    name = fold.folder.name
    rows = []
    for m in everyone:
        failed = float(np.mean([f[m.name] for _, f in results]))
        for s in m.stats:
            x = np.array([r[f"{m.name}.{s.name}"] for r, _ in results], dtype=np.float64)
            x = x[np.isfinite(x)]
            mean = float(np.mean(x)) if len(x) else math.nan
            low, high = (float(q) for q in np.quantile(x, [0.05, 0.95])) if len(x) else (math.nan, math.nan)
            distance = abs(mean - s.observed) / s.tolerance if len(x) else math.inf
            rows.append({"fold": name, "case": m.name, "statistic": s.name,
                         "role": "held out" if m is fold.held_out else "fitted", "observed": s.observed,
                         "tolerance": s.tolerance, "predictive_mean": mean, "predictive_5": low,
                         "predictive_95": high, "distance": distance, "passed": distance <= 1.0,
                         "failed_cascades": failed})
    return rows


class JointResult(NamedTuple):
    """A finished joint calibration: each fold's generations and the predictive rows of every fold."""

    generations: dict[str, list[Generation]]
    rows: list[dict]


def run_joint(cases: list[Case], spec: JointSpec, out: Path, executor, *, draws: int,
              report=lambda fold, g: None) -> JointResult:
    """Calibrate every fold (resuming any begun), predict on fresh seeds, write ``joint.csv``; release the executor.

    Raises:
        CalibrationError: another process holds the directory, or a database cannot be read.
    """
    import pandas as pd

    from slacktivism.posterior import directions, posterior

    members = [member(c) for c in cases]
    fits = spec.fitted()
    done: dict[str, list[Generation]] = {}
    rows: list[dict] = []
    with holding(out, MANIFEST, asdict(spec), "joint calibration", executor):
        for fold in folds(members, out, spec.leave_one_out):
            fold.folder.mkdir(exist_ok=True)
            simulator = JointSimulator(fold.fitted, fits, spawn_seeds(spec.seed, spec.replicates))
            done[fold.folder.name] = abc_smc(
                simulator, fits, observed(fold.fitted), fold.folder, executor, population=spec.population,
                generations=spec.generations, epsilon=spec.epsilon, seed=spec.seed,
                report=lambda g, name=fold.folder.name: report(name, g))
            table = fold.folder / "predictive.csv"
            if not table.exists():
                _write_csv(fold.folder / "directions.csv", directions(posterior(fold.folder), fits))
                _write_csv(table, pd.DataFrame(predict(fold, spec, draws, executor), columns=list(COLUMNS)))
            rows += pd.read_csv(table).to_dict("records")
        _write_csv(out / "joint.csv", pd.DataFrame(rows, columns=list(COLUMNS)))
    return JointResult(done, rows)


def _write_csv(path: Path, frame) -> None:
    from model.run_files import atomic_write

    atomic_write(path, lambda p: frame.to_csv(p, index=False))


def leave_one_out_table(rows: list[dict]) -> str:
    """The held-out statistics of every fold, and the fit on all cases, as a Markdown table."""
    lines = ["| case | statistic | observed ± tolerance | fit on all cases: predictive mean (distance) | "
             "held out: predictive mean, 5-95% (distance in tolerances) | failed cascades held out |",
             "|---|---|---|---|---|---|"]
    joint = {(r["case"], r["statistic"]): r for r in rows if r["fold"] == "all"}
    for r in rows:
        if r["role"] != "held out":
            continue
        a = joint.get((r["case"], r["statistic"]))
        on_all = f"{a['predictive_mean']:.4g} ({a['distance']:.2f})" if a else "-"
        mark = "" if r["passed"] else " **miss**"
        lines.append(f"| {r['case']} | {r['statistic']} | {r['observed']:g} ± {r['tolerance']:g} | {on_all} | "
                     f"{r['predictive_mean']:.4g}, {r['predictive_5']:.4g} to {r['predictive_95']:.4g} "
                     f"({r['distance']:.2f}){mark} | {r['failed_cascades']:.0%} |")
    return "\n".join(lines)


def directory_problem(out: Path, spec: JointSpec) -> str | None:
    """Why ``out`` cannot take this joint calibration: it holds another (more generations continue the same)."""
    from slacktivism.jobs import directory_problem as problem

    return problem(out, MANIFEST, asdict(spec), "joint calibration", ignore=("generations",))
