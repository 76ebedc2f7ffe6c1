"""Sweep benchmarks (part of `make bench`): scaling, per-run overhead, driver memory.

1. Runs per second with 1 and 2 local workers, 200 runs of 10k users (target: >= 1.7x).
2. Per-run overhead on 100-user runs: sweep wall time per run (one worker) minus the
   same runs' mean time in-process, measured in the same run (target: < 20 ms).
3. Driver peak memory for sweeps of 500 and 4,000 runs (target: flat), each in a
   fresh driver process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def sweep_file(folder: Path, n_users: int, runs: int, record: str = "every_step") -> Path:
    path = folder / f"sweep_{n_users}_{runs}.yaml"
    path.write_text(yaml.safe_dump({
        "scenario": str(ROOT / "scenarios" / "baseline.yaml"),
        "overrides": {"network.n_users": n_users},
        "vary": {"slacktivism.licensing": [1.0, 0.5]},
        "replicates": runs // 2, "seed": 1, "record": record}, sort_keys=False))
    return path


def timed_sweep(path: Path, out: Path, workers: int) -> float:
    from slacktivism.executors import LocalExecutor
    from slacktivism.sweep import run_sweep, start_workers
    from slacktivism.sweep_spec import load_sweep

    sweep = load_sweep(path)
    executor = LocalExecutor(workers)
    start_workers(executor, sweep, out)
    executor.warm_up()  # worker start-up (imports, about a second) is not part of the throughput
    start = time.perf_counter()
    run_sweep(sweep, out, executor)
    return time.perf_counter() - start


def in_process_seconds(path: Path) -> float:
    from model import SlacktivismModel
    from model.scenario import Scenario
    from slacktivism.sweep_spec import load_sweep

    runs = list(load_sweep(path).runs())
    SlacktivismModel(Scenario.model_validate(runs[0].scenario)).run()
    start = time.perf_counter()
    for run in runs:
        model = SlacktivismModel(Scenario.model_validate(run.scenario))
        model.run()
        model.timeseries()
    return (time.perf_counter() - start) / len(runs)


def driver_peak_mb(path: Path, out: Path) -> float:
    code = ("import resource, sys; from pathlib import Path; "
            "from slacktivism.executors import LocalExecutor; from slacktivism.sweep import run_sweep; "
            "from slacktivism.sweep_spec import load_sweep; "
            "run_sweep(load_sweep(sys.argv[1]), Path(sys.argv[2]), LocalExecutor(2)); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", code, str(path), str(out)], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    return int(result.stdout.strip().splitlines()[-1]) / 1024


def measure() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        big = sweep_file(tmp, 10_000, 200)
        one = timed_sweep(big, tmp / "w1", 1)
        two = timed_sweep(big, tmp / "w2", 2)
        small = sweep_file(tmp, 100, 400)
        sweep_per_run = timed_sweep(small, tmp / "small", 1) / 400
        model_per_run = in_process_seconds(small)
        memory = {n: driver_peak_mb(sweep_file(tmp, 100, n), tmp / f"mem{n}") for n in (500, 4000)}
    return {"one_worker_runs_per_s": 200 / one, "two_workers_runs_per_s": 200 / two,
            "scaling": one / two, "sweep_ms_per_run": sweep_per_run * 1000,
            "model_ms_per_run": model_per_run * 1000,
            "overhead_ms": (sweep_per_run - model_per_run) * 1000,
            "driver_mb": memory, "cores": len(os.sched_getaffinity(0))}


def table(r: dict) -> str:
    m = r["driver_mb"]
    return "\n".join([
        "| measurement | baseline (same run) | sweep | ratio | target |",
        "|---|---|---|---|---|",
        f"| runs per second, 200 runs of 10k users | 1 worker: {r['one_worker_runs_per_s']:.2f}/s | "
        f"2 workers: {r['two_workers_runs_per_s']:.2f}/s | {r['scaling']:.2f}x | >= 1.7x |",
        f"| per-run overhead, 100-user runs (dispatch, transfer, writing) | in-process run "
        f"{r['model_ms_per_run']:.1f} ms | {r['sweep_ms_per_run']:.1f} ms per run in the sweep | "
        f"+{r['overhead_ms']:.1f} ms | < 20 ms |",
        f"| driver peak memory | 500 runs: {m[500]:.0f} MB | 4,000 runs: {m[4000]:.0f} MB | "
        f"{m[4000] / m[500]:.2f}x for 8x the runs | flat |",
    ])


if __name__ == "__main__":
    result = measure()
    print(json.dumps(result, indent=1))
    print(table(result))

