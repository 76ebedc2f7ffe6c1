"""Calibration benchmarks and the shipped Save Darfur calibration (part of `make bench`).

1. Throughput: runs per second of `calibrate` against `slacktivism sweep` on the
   same runs (every parameter set the calibration simulated, recorded by its workers,
   on the same replicate count) and the same two local workers, measured in this run
   (target: >= 80%). The calibration's time runs until its pool has shut down.
2. Simulation-based calibration with more trials than the test suite runs, and rank
   histograms of the Save Darfur case's own configuration (its keys, its statistics)
   with a chi-square test of uniformity per key.
3. The shipped result: the Save Darfur case calibrated on `never_donated` with three
   keys on 10,000-user runs, timed (target: within the data's tolerance in under 30
   minutes on 2 cores), and judged on the statistic it was not fitted to.
4. `compare` on every shipped case.

Writes the `calibrate-bench` block (docs/performance.md), the `cases`, `darfur` and `sbc-darfur` blocks
(docs/cases.md) with ``--docs``, and the figures under docs/cases/.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from slacktivism.readme import replace_block  # noqa: E402

CASES = ROOT / "scenarios" / "cases"
DOCS = ROOT / "docs" / "cases"
DARFUR_FITS = ["decision.cost_act=2:3.5", "decision.cost_like=1:1.6", "platform.like_reach=0.05:0.5"]
DARFUR_COMMAND = ["calibrate", str(CASES / "save_darfur.data.yaml"), *[a for f in DARFUR_FITS for a in ("--fit", f)],
                  "--statistics", "never_donated", "--population", "150", "--generations", "10", "--replicates", "3",
                  "--seed", "0"]


def _recording_simulator(folder: Path):
    from slacktivism.calibrate import CaseSimulator

    class Recorded(CaseSimulator):
        """The calibration's simulator, noting each parameter set it really ran (one file per worker)."""

        record = str(folder)

        def __call__(self, parameters):
            import json
            import os

            result = super().__call__(parameters)
            with open(Path(self.record) / f"runs-{os.getpid()}.jsonl", "a") as f:
                f.write(json.dumps({f.key: float(parameters[f.key]) for f in self.fits}) + "\n")
            return result

    return Recorded


def throughput() -> dict:
    """Calibration's runs per second, then a sweep of exactly the parameter sets it ran, each on a warmed pool."""
    import json

    import slacktivism.calibrate as cal
    from model.case_files import load_case
    from slacktivism.executors import LocalExecutor
    from slacktivism.sweep import run_sweep, start_workers
    from slacktivism.sweep_spec import load_sweep

    case = load_case(CASES / "save_darfur.data.yaml")
    fits = [cal.parse_fit(f, case.scenario) for f in DARFUR_FITS]
    replicates = 3
    spec = cal.Spec("bench", case.sha256, case.scenario.digest(), {}, [list(f) for f in fits], ["never_donated"], 60,
                    3, 1.0, replicates, 5)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "cal").mkdir()
        (tmp / "record").mkdir()
        real = cal.CaseSimulator
        cal.CaseSimulator = _recording_simulator(tmp / "record")
        executor = LocalExecutor(2)
        executor.start()
        executor.warm_up()
        try:
            start = time.perf_counter()
            cal.calibrate(case, spec, tmp / "cal", executor)
            executor.close()  # runs still in flight finish, and count, inside the timed span
            cal_seconds = time.perf_counter() - start
        finally:
            cal.CaseSimulator = real
            executor.close()
        combos = [json.loads(line) for f in sorted((tmp / "record").glob("*.jsonl")) for line in f.open()]
        path = tmp / "sweep.yaml"
        path.write_text(yaml.safe_dump({"scenario": str(CASES / "save_darfur.yaml"), "explicit": combos,
                                        "replicates": replicates, "seed": 5, "record": "end"}))
        sweep = load_sweep(path)
        executor = LocalExecutor(2)
        start_workers(executor, sweep, tmp / "sweep")
        executor.warm_up()
        start = time.perf_counter()
        run_sweep(sweep, tmp / "sweep", executor)
        sweep_seconds = time.perf_counter() - start
    return {"cal_runs": len(combos) * replicates, "cal_s": cal_seconds, "sweep_runs": sweep.n_runs,
            "sweep_s": sweep_seconds}


def sbc(trials: int) -> dict:
    from slacktivism.executors import LocalExecutor
    from slacktivism.sbc import HIGH, LOW, run_trials

    executor = LocalExecutor(2)
    executor.start()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        results = run_trials(trials, Path(tmp), executor, seed=1000)
    executor.close()
    covered = sum(t.covered for t in results)
    low, high = stats.binomtest(covered, trials).proportion_ci(0.95, method="exact")
    width = sum(t.high - t.low for t in results) / trials / (HIGH - LOW)
    return {"trials": trials, "covered": covered, "low": low, "high": high, "width": width,
            "seconds": time.perf_counter() - start}


#: Rank SBC on Save Darfur's configuration: its three fitted keys and both statistics, a smaller ABC budget.
SBC_DARFUR = {"trials": 30, "bins": 5, "population": 60, "generations": 4, "replicates": 3}


def sbc_darfur(trials: int) -> dict:
    """Rank histograms of the Save Darfur calibration's keys over ``trials`` (Talts et al. 2018)."""
    import slacktivism.calibrate as cal
    from model.case_files import load_case
    from slacktivism.executors import LocalExecutor
    from slacktivism.sbc import rank_trials, uniformity
    from viz.case_figures import rank_figure

    case = load_case(CASES / "save_darfur.data.yaml")
    fits = [cal.parse_fit(f, case.scenario) for f in DARFUR_FITS]
    statistics = [s.name for s in case.statistics]
    executor = LocalExecutor(2)
    executor.start()
    start = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results = rank_trials(case, fits, statistics, trials, Path(tmp), executor,
                                  replicates=SBC_DARFUR["replicates"], population=SBC_DARFUR["population"],
                                  generations=SBC_DARFUR["generations"], seed=2018)
    finally:
        executor.close()
    seconds = time.perf_counter() - start
    ranks = {f.key: np.array([t.rank[f.key] for t in results]) for f in fits}
    tests = {key: uniformity(r, SBC_DARFUR["bins"]) for key, r in ranks.items()}
    figure = rank_figure(ranks, SBC_DARFUR["bins"], {k: p for k, (_, p) in tests.items()},
                         title=f"Save Darfur: simulation-based calibration, {trials} trials")
    DOCS.mkdir(parents=True, exist_ok=True)
    figure.savefig(DOCS / "darfur_sbc_ranks.png", dpi=110)
    return {"trials": trials, "tests": tests, "seconds": seconds, "statistics": statistics,
            "reached": sum(t.epsilon <= 1.0 for t in results)}


def sbc_darfur_text(s: dict) -> str:
    lines = ["| fitted key | rank counts in 5 bins (low to high) | chi-square p | uniform at the 5% level |",
             "|---|---|---|---|"]
    for key, (counts, p) in s["tests"].items():
        lines.append(f"| `{key}` | {' / '.join(str(int(c)) for c in counts)} | {p:.3g} | "
                     f"{'yes' if p >= 0.05 else '**no**'} |")
    return ("\n".join(lines) + f"\n\n{s['trials']} trials on the case's own configuration (10,000 users, the "
            f"statistics {', '.join(s['statistics'])} with their tolerances), each calibrated with "
            f"{SBC_DARFUR['population']} particles, at most {SBC_DARFUR['generations']} generations and "
            f"{SBC_DARFUR['replicates']} replicates; {s['reached']} of them reached epsilon 1; "
            f"{s['seconds'] / 60:.1f} min on 2 cores.")


def darfur(out: Path, workers: int = 2) -> dict:
    """The shipped calibration, run as docs/cases.md shows it, from scratch."""
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "slacktivism", *DARFUR_COMMAND, "--workers", str(workers),
                             "--out", str(out)],
                            check=False, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode not in (0, 1):  # 1: calibrated but rejected on fresh seeds, which the block reports
        raise RuntimeError(f"the Save Darfur calibration failed: {result.stderr.strip()}")
    generations = pd.read_csv(out / "generations.csv")
    reached = generations["epsilon"].iloc[-1] <= 1.0
    return {"seconds": seconds, "generations": generations, "reached": bool(reached),
            "predictive": pd.read_csv(out / "predictive.csv"), "posterior": pd.read_csv(out / "posterior.csv"),
            "warnings": (out / "warnings.txt").read_text().splitlines(), "stdout": result.stdout,
            "notes": (out / "notes.txt").read_text().splitlines(), "workers": workers,
            "accepted": (out / "calibrated.yaml").exists()}


def compare_all(replicates: int) -> str:
    from model.case_files import load_case
    from slacktivism.compare import compare_case, format_rows, take_off_line, write_comparison

    blocks = []
    for path in sorted(CASES.glob("*.data.yaml")):
        case = load_case(path)
        c = compare_case(case, replicates)
        name = path.name.removesuffix(".data.yaml")
        write_comparison(c.rows, c.band, DOCS / name, case.data.title)
        line = take_off_line(c)
        blocks.append(f"**{case.data.title}** (`slacktivism compare scenarios/cases/{path.name} --replicates "
                      f"{replicates}`; figure `docs/cases/{name}/comparison.png`)\n\n```\n"
                      f"{format_rows(c.rows, c.counted)}\n{line + chr(10) if line else ''}```")
    return "\n\n".join(blocks)


def _machine() -> str:
    return f"{platform.machine()}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", "--readme", dest="readme", type=Path, metavar="DIR",
                        help="the repository folder (a block goes to the page holding its markers) or one file")
    parser.add_argument("--sbc-trials", type=int, default=30)
    parser.add_argument("--sbc-darfur-trials", type=int, default=SBC_DARFUR["trials"])
    parser.add_argument("--skip-darfur", action="store_true", help="skip the 3-key Save Darfur calibration")
    parser.add_argument("--only-darfur", type=int, metavar="WORKERS",
                        help="run only the Save Darfur calibration, on WORKERS workers, and write its block")
    args = parser.parse_args()
    if args.only_darfur:
        d = darfur(Path(tempfile.gettempdir()) / "slacktivism-darfur", args.only_darfur)
        _ship_darfur(d)
        print(darfur_text(d))
        replace_block(args.readme, "darfur", darfur_text(d)) if args.readme else None
        return 0

    cases = compare_all(20)
    print(cases, flush=True)
    t = throughput()
    ratio = (t["cal_runs"] / t["cal_s"]) / (t["sweep_runs"] / t["sweep_s"])
    print(f"calibrate {t['cal_runs']} runs in {t['cal_s']:.1f} s; sweep {t['sweep_runs']} runs in "
          f"{t['sweep_s']:.1f} s; ratio {ratio:.2f}", flush=True)
    s = sbc(args.sbc_trials)
    print(f"SBC: {s['covered']} of {s['trials']} covered", flush=True)
    ranks = sbc_darfur(args.sbc_darfur_trials)
    print(sbc_darfur_text(ranks), flush=True)
    if args.readme:
        replace_block(args.readme, "sbc-darfur", sbc_darfur_text(ranks))
    bench = "\n".join([
        "| what | measured | target |",
        "|---|---|---|",
        f"| calibration throughput, 10k-user Save Darfur runs, 2 local workers | {t['cal_runs']} runs in "
        f"{t['cal_s']:.1f} s = {t['cal_runs'] / t['cal_s']:.1f} runs/s; a sweep of the same parameter sets "
        f"({t['sweep_runs']} runs) {t['sweep_runs'] / t['sweep_s']:.1f} runs/s: **{ratio:.0%} of sweep** | >= 80% |",
        f"| simulation-based calibration: 90% intervals holding the true `decision.cost_like` | {s['covered']} of "
        f"{s['trials']} ({s['covered'] / s['trials']:.0%}, exact 95% CI {s['low']:.0%} to {s['high']:.0%}); "
        f"mean interval {s['width']:.0%} of the prior's width; {s['seconds'] / 60:.1f} min | about 90% |",
    ])
    if not args.skip_darfur:
        d = darfur(Path(tempfile.gettempdir()) / "slacktivism-darfur")
        _ship_darfur(d)
        g = d["generations"]
        bench += (f"\n| 3-key Save Darfur calibration, 10k-user runs, 2 cores | {d['seconds'] / 60:.1f} min, "
                  f"{len(g)} generations, final epsilon {g['epsilon'].iloc[-1]:.2f} "
                  f"({'within' if d['reached'] else 'NOT within'} the data's tolerance) | under 30 min |")
        replace_block(args.readme, "darfur", darfur_text(d)) if args.readme else None
        print(darfur_text(d))
    bench += f"\n\nMeasured by `make bench` ({_machine()})."
    print(bench)
    if args.readme:
        replace_block(args.readme, "calibrate-bench", bench)
        replace_block(args.readme, "cases", cases)
    return 0


def _ship_darfur(d: dict) -> None:
    """Copy the calibration's figures and tables to docs/cases/."""
    DOCS.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.gettempdir()) / "slacktivism-darfur"
    for name in ("pairs.png", "predictive.png"):
        shutil.copy(folder / name, DOCS / f"darfur_{name}")
    for name in ("calibrated.yaml", "rejected.yaml"):
        (DOCS / f"darfur_{name}").unlink(missing_ok=True)
    for name in ("predictive.csv", "posterior.csv", "generations.csv", "directions.csv",
                 "calibrated.yaml" if d["accepted"] else "rejected.yaml"):
        shutil.copy(folder / name, DOCS / f"darfur_{name}")


def darfur_text(d: dict) -> str:
    p = d["predictive"]
    lines = ["| statistic | role | observed | tolerance | predictive mean, fresh seeds | distance in tolerances | "
             "5-95% over draws | mark |",
             "|---|---|---|---|---|---|---|---|"]
    for r in p.sort_values("role", ascending=True, kind="stable").itertuples():  # fitted before held out
        lines.append(f"| {r.statistic} | {r.role} | {r.observed:g} | {r.tolerance:g} | {r.model_mean:.4f} | "
                     f"{abs(r.model_mean - r.observed) / r.tolerance:.2f} | "
                     f"{r.predictive_5:.4f} to {r.predictive_95:.4f} | {'pass' if r.passed else 'miss'} |")
    post = d["posterior"]
    w = post["weight"]
    keys = [c for c in post.columns if c != "weight"]
    from slacktivism.posterior import weighted_quantile

    medians = ", ".join(f"`{k}` {weighted_quantile(post[k].to_numpy(), w.to_numpy(), 0.5):.3g} "
                        f"({weighted_quantile(post[k].to_numpy(), w.to_numpy(), 0.05):.3g} to "
                        f"{weighted_quantile(post[k].to_numpy(), w.to_numpy(), 0.95):.3g})" for k in keys)
    warn = "\n".join(f"- {w}" for w in d["warnings"]) or "- none"
    notes = "\n".join(f"- {n}" for n in d["notes"])
    g = d["generations"]
    verdict = ("**accepted** (`calibrated.yaml`): the fitted statistic is within its tolerance on seeds the fit "
               "never saw" if d["accepted"] else
               "**rejected** (`rejected.yaml`): a fitted statistic misses on seeds the fit never saw")
    return (f"Posterior medians (90% intervals): {medians}. {len(g)} generations, final epsilon "
            f"{g['epsilon'].iloc[-1]:.2f}, {d['seconds'] / 60:.1f} min on {d['workers']} worker(s). The scenario at "
            f"the medians is {verdict}.\n\n" + "\n".join(lines)
            + f"\n\nWhat the fit settles and leaves open (the case's take-off rule, and the posterior's principal "
            f"directions in prior units):\n\n{notes}\n\nWarnings the calibration printed:\n\n{warn}")


if __name__ == "__main__":
    sys.exit(main())
