"""The joint calibration across the five cases, with leave-one-case-out, and what a full-size run would cost.

1. One full-size particle: every case at its own population, one replicate
   each, at the prior's centre, timed (after a warm-up run of each case).
2. The joint calibration (`slacktivism joint`) of three shared keys of the
   choice over all five cases with leave-one-case-out, on a small
   configuration that finishes in minutes on one worker: every case at
   ``network.n_users`` 2,000, 16 particles, 2 generations, 1 replicate.
   Its table is a check that the machinery runs end to end on the real
   cases, not a fit: two generations of 16 particles stop far above epsilon 1.
3. The cost of the full configuration (each case at its own size, the
   small run's simulation counts scaled to 100 particles, 6 generations and
   3 replicates), from the measured particle time.

4. With ``--full`` (``make bench-joint``, not part of ``make bench``): the
   joint calibration itself at its defaults (each case at its own size,
   100 particles, at most 6 generations, 3 replicates) on 2 workers, timed
   fold by fold, with its leave-one-case-out table: the issue's 30-minute
   target is the fit on all cases.

Writes the docs/cases.md block ``joint`` (and, with ``--full``, ``joint-full``) with ``--docs``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slacktivism.readme import replace_block  # noqa: E402

CASES = sorted((ROOT / "scenarios" / "cases").glob("*.data.yaml"))
FITS = ["decision.cost_like=0.4:1.8", "decision.noise=0.15:0.4", "decision.proof_weight=0:0.5"]
SMALL = {"n_users": 2000, "population": 16, "generations": 2, "replicates": 1, "predictive": 4}
#: The joint calibration's own defaults (`slacktivism joint`), run by ``--full``.
FULL = {"population": 100, "generations": 6, "replicates": 3, "workers": 2}
#: The load average when the particle was timed (a shared machine slows every run).
LOAD = [0.0]


def command(out: Path, workers: int) -> list[str]:
    """The small joint calibration's command line."""
    fits = [a for f in FITS for a in ("--fit", f)]
    return ["joint", *map(str, CASES), *fits, "--set", f"network.n_users={SMALL['n_users']}",
            "--population", str(SMALL["population"]), "--generations", str(SMALL["generations"]),
            "--replicates", str(SMALL["replicates"]), "--predictive", str(SMALL["predictive"]),
            "--workers", str(workers), "--seed", "1", "--out", str(out)]


def particle_seconds() -> dict[str, float]:
    """Seconds of one full-size replicate of each case at the prior's centre, on one thread as in a worker.

    Each case runs once first: it loads the compiled kernels and keeps the seed's network
    (``slacktivism.graph_cache``), as every particle after a calibration's first finds it.
    """
    import numba

    from model.case_files import load_case
    from model.randomness import spawn_seeds
    from slacktivism.calibrate import parse_fit
    from slacktivism.joint import JointSimulator, member

    numba.set_num_threads(1)  # as in a calibration's worker process (slacktivism.executors)
    cases = [load_case(p) for p in CASES]
    fits = [parse_fit(f, cases[0].scenario) for f in FITS]
    centre = {f.key: (f.low + f.high) / 2 for f in fits}
    out = {}
    LOAD[0] = os.getloadavg()[0]
    for case in cases:
        simulator = JointSimulator([member(case)], fits, spawn_seeds(3, 1))
        simulator.outcomes(centre)
        start = time.perf_counter()
        simulator.outcomes(centre)
        out[case.data.case] = time.perf_counter() - start
    return out


def simulations(out: Path) -> dict[str, int]:
    """pyabc's simulations per fold of a finished joint run."""
    from pyabc import History

    counts = {}
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        history = History(f"sqlite:///{(folder / 'calibration.db').resolve()}")
        history.id = 1
        frame = history.get_all_populations()
        counts[folder.name] = int(frame[frame.t >= 0]["samples"].sum())
    return counts


def text(rows: list[dict], seconds: float, workers: int, sims: dict[str, int], particle: dict[str, float]) -> str:
    from slacktivism.joint import leave_one_out_table

    fitted = [r for r in rows if r["fold"] == "all"]
    held = [r for r in rows if r["role"] == "held out"]
    per_particle = sum(particle.values())
    lines = [
        f"Small configuration (every case at {SMALL['n_users']:,} users, {SMALL['population']} particles, "
        f"{SMALL['generations']} generations, {SMALL['replicates']} replicate; shared keys "
        f"{', '.join(f'`{f}`' for f in FITS)}): {seconds / 60:.1f} min on {workers} worker(s), "
        f"{sum(sims.values())} simulations over {len(sims)} fits. The fit on all five cases puts "
        f"{sum(r['passed'] for r in fitted)} of {len(fitted)} statistics within tolerance on fresh seeds; "
        f"leave-one-case-out predicts {sum(r['passed'] for r in held)} of {len(held)} held-out statistics within "
        "tolerance. This is a test of the machinery on the real cases at a budget far below a fit, not a "
        "validation.",
        "",
        leave_one_out_table(rows),
        "",
        "One full-size particle (each case at its own population, one replicate, at the priors' centre, on one "
        "thread as in a worker): " + ", ".join(f"{k} {v:.2f} s" for k, v in particle.items())
        + f"; {per_particle:.2f} s in all (the machine's load average {LOAD[0]:.1f} on {os.cpu_count()} cores while "
        "it was timed). The full-size joint calibration is timed by `make bench-joint` (below).",
    ]
    return "\n".join(lines)


def fold_timings(out: Path) -> list[dict]:
    """Each begun fold's generations, simulations, final epsilon and minutes (its generations' wall times)."""
    from pyabc import History

    timings = []
    begun = [p for p in out.iterdir() if (p / "calibration.db").exists()]
    for folder in sorted(begun, key=lambda p: (p.name != "all", p.name)):
        history = History(f"sqlite:///{(folder / 'calibration.db').resolve()}")
        history.id = 1
        frame = history.get_all_populations()
        fitted = frame[frame.t >= 0]
        timings.append({"fold": folder.name, "generations": len(fitted), "simulations": int(frame["samples"].sum()),
                        "epsilon": float(fitted["epsilon"].iloc[-1]) if len(fitted) else float("inf"),
                        "minutes": float(frame["wall_time"].sum()) / 60,
                        "finished": (folder / "predictive.csv").exists()})
    return timings


def finished_rows(out: Path, timings: list[dict]) -> list[dict]:
    """The posterior-predictive rows of every finished fold."""
    return [row for t in timings if t["finished"]
            for row in pd.read_csv(out / t["fold"] / "predictive.csv").to_dict("records")]


def full_text(rows: list[dict], timings: list[dict], seconds: float | None) -> str:
    """The ``joint-full`` block: the full-size joint calibration's time, fold by fold, and its table.

    ``seconds``: the whole command's wall time, or None for a run resumed after kills (``--from``), whose
    folds are timed by their generations' wall times alone.
    """
    from slacktivism.joint import leave_one_out_table

    fitted = [r for r in rows if r["fold"] == "all"]
    held = [r for r in rows if r["role"] == "held out"]
    on_all = timings[0]
    left = [t["fold"] for t in timings if not t["finished"]]
    whole = (f"with leave-one-case-out and every posterior predictive, {seconds / 60:.1f} min in all"
             if seconds is not None else
             "the run was stopped and resumed, so each fold is timed by its generations' wall times, without the "
             "posterior predictive")
    lines = [
        f"Full configuration (each case at its own population, {FULL['population']} particles, at most "
        f"{FULL['generations']} generations, {FULL['replicates']} replicates, {FULL['workers']} workers; the shared "
        f"keys above): the fit on all five cases took **{on_all['minutes']:.1f} min** "
        f"({on_all['simulations']:,} simulations, {on_all['generations']} generations, final epsilon "
        f"{on_all['epsilon']:.3g}); {whole} (the machine's load average {LOAD[0]:.1f} on {os.cpu_count()} cores "
        f"at the end). The fit on all cases puts {sum(r['passed'] for r in fitted)} of {len(fitted)} statistics "
        "within tolerance on fresh seeds"
        + (f"; leave-one-case-out predicts {sum(r['passed'] for r in held)} of {len(held)} held-out statistics "
           "within tolerance." if held else ".")
        + (f" Not finished: {', '.join(left)}." if left else ""),
        "",
        "| fold | generations | simulations | final epsilon | minutes |",
        "|---|---|---|---|---|",
        *(f"| {t['fold']}{'' if t['finished'] else ' (not finished)'} | {t['generations']} | "
          f"{t['simulations']:,} | {t['epsilon']:.3g} | {t['minutes']:.1f} |" for t in timings),
    ]
    if held:
        lines += ["", leave_one_out_table(rows)]
    else:
        lines += ["", "| case | statistic | observed ± tolerance | fit on all cases: predictive mean, 5-95% "
                  "(distance in tolerances) |", "|---|---|---|---|",
                  *(f"| {r['case']} | {r['statistic']} | {r['observed']:g} ± {r['tolerance']:g} | "
                    f"{r['predictive_mean']:.4g}, {r['predictive_5']:.4g} to {r['predictive_95']:.4g} "
                    f"({r['distance']:.2f}){'' if r['passed'] else ' **miss**'} |" for r in fitted)]
    return "\n".join(lines)


def run_full(readme: Path | None, source: Path | None) -> None:
    """The joint calibration at its defaults, timed (or read from ``source``), into the ``joint-full`` block."""
    fits = [a for f in FITS for a in ("--fit", f)]
    with tempfile.TemporaryDirectory() as tmp:
        out, seconds = source, None
        if out is None:
            out = Path(tmp) / "joint"
            start = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "slacktivism", "joint", *map(str, CASES), *fits,
                                     "--workers", str(FULL["workers"]), "--seed", "1", "--out", str(out)],
                                    cwd=ROOT, check=False, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            if result.returncode != 0:
                raise RuntimeError(f"the joint calibration failed: {result.stderr.strip()}")
        LOAD[0] = os.getloadavg()[0]
        timings = fold_timings(out)
        block = full_text(finished_rows(out, timings), timings, seconds)
    print(block)
    if readme:
        replace_block(readme, "joint-full", block)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", "--readme", dest="readme", type=Path, metavar="DIR",
                        help="the repository folder (the block goes to the page holding its markers) or one file")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--full", action="store_true",
                        help="run the joint calibration at its defaults instead (about an hour on 2 cores)")
    parser.add_argument("--from", dest="source", type=Path, metavar="DIR",
                        help="with --full: read a joint run already in DIR (begun with the same command) instead")
    args = parser.parse_args()
    if args.full:
        run_full(args.readme, args.source)
        return 0
    particle = particle_seconds()
    print(particle, flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "joint"
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "slacktivism", *command(out, args.workers)], cwd=ROOT,
                                check=False, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if result.returncode != 0:
            raise RuntimeError(f"the joint calibration failed: {result.stderr.strip()}")
        rows = pd.read_csv(out / "joint.csv").to_dict("records")
        sims = simulations(out)
    block = text(rows, seconds, args.workers, sims, particle)
    print(block)
    if args.readme:
        replace_block(args.readme, "joint", block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
