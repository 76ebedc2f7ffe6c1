"""Optimisation speed (part of `make bench`): `slacktivism optimize` against `slacktivism sweep` on the same runs.

The optimisation designs scenarios/baseline.yaml (5,000 users) over three of the organisers' choices, 20 trials of
10 replicates (200 runs) on 2 local workers. The sweep runs the same 200 runs (the trials' designs as explicit
combinations, 10 replicates each, ``record: end``) on the same 2 workers. Each is timed after its workers have
started, five times, alternating, in the same bench run; runs per second is runs over the best of the five
wall times (on a shared machine the fastest is the one least slowed by other work; all ten are printed). The
optimisation's extra work is Optuna's: asking and telling each trial through SQLite in the driver, and keeping
only a batch of trials in flight. Target: the optimisation keeps >= 80% of the sweep's runs per second.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

BASELINE = ROOT / "scenarios" / "baseline.yaml"
DESIGN = ["seeding.strategy=random,hubs,periphery", "campaign.framing=0:1", "campaign.bundle=0:1"]
TRIALS, REPLICATES, WORKERS, SEED = 20, 10, 2, 1


def timed_optimisation(plan, out: Path, workers: int) -> float:
    from slacktivism.executors import LocalExecutor
    from slacktivism.optimize import optimise

    executor = LocalExecutor(workers)
    executor.start()
    executor.warm_up()  # worker start-up is not part of the throughput, as for the sweep
    start = time.perf_counter()
    optimise(plan, out, executor, TRIALS)
    return time.perf_counter() - start


def same_runs_sweep(plan, out: Path, folder: Path) -> Path:
    """A sweep file of the optimisation's designs, with as many replicates."""
    from slacktivism.optimize import load_study

    study = load_study(out)
    designs = [plan.values(t.params) for t in study.get_trials(deepcopy=False) if t.state.name == "COMPLETE"]
    path = folder / "same_runs.yaml"
    path.write_text(yaml.safe_dump({"scenario": str(BASELINE), "explicit": designs, "replicates": plan.replicates,
                                    "seed": plan.seed, "record": "end"}, sort_keys=False))
    return path


def measure(repeats: int = 5) -> dict:
    from sweep_bench import timed_sweep

    from slacktivism.design_space import build_optimisation

    plan = build_optimisation(BASELINE, "acted", DESIGN, replicates=REPLICATES, seed=SEED)
    optimise_s, sweep_s = [], []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        from slacktivism.optimize import load_study

        (tmp / "imports").mkdir()
        load_study(tmp / "imports")  # Optuna's and SQLAlchemy's imports, as the sweep's happen before its clock
        for i in range(repeats):
            optimise_s.append(timed_optimisation(plan, tmp / f"opt{i}", WORKERS))
            sweep = same_runs_sweep(plan, tmp / "opt0", tmp)
            sweep_s.append(timed_sweep(sweep, tmp / f"sweep{i}", WORKERS))
            print(f"optimisation {optimise_s[-1]:.2f} s, sweep {sweep_s[-1]:.2f} s", flush=True)
    runs = TRIALS * REPLICATES
    optimise_rate = runs / min(optimise_s)
    sweep_rate = runs / min(sweep_s)
    return {"runs": runs, "trials": TRIALS, "replicates": REPLICATES, "workers": WORKERS,
            "optimise_s": optimise_s, "sweep_s": sweep_s, "optimise_runs_per_s": optimise_rate,
            "sweep_runs_per_s": sweep_rate, "ratio": optimise_rate / sweep_rate,
            "cores": len(os.sched_getaffinity(0))}


def table(r: dict) -> str:
    return "\n".join([
        "| measurement | baseline (same run) | optimize | ratio | target |",
        "|---|---|---|---|---|",
        f"| runs per second, {r['trials']} trials x {r['replicates']} replicates of the baseline (5,000 users), "
        f"{r['workers']} workers, best of {len(r['sweep_s'])} alternating | `slacktivism sweep` of the same "
        f"{r['runs']} runs: "
        f"{r['sweep_runs_per_s']:.2f}/s | {r['optimise_runs_per_s']:.2f}/s | {r['ratio']:.0%} | >= 80% |",
        "",
        f"Wall times of the {len(r['sweep_s'])} alternating pairs: optimisation "
        f"{', '.join(f'{t:.1f}' for t in r['optimise_s'])} s; sweep {', '.join(f'{t:.1f}' for t in r['sweep_s'])} s "
        f"({r['cores']} cores).",
    ])


def main() -> int:
    import argparse

    from slacktivism.readme import replace_block

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", "--readme", dest="readme", type=Path, metavar="DIR",
                        help="the repository folder (a block goes to the page holding its markers) or one file")
    args = parser.parse_args()
    result = measure()
    print(json.dumps(result, indent=1))
    text = table(result)
    print(text)
    if args.readme:
        replace_block(args.readme, "optimize-bench", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
