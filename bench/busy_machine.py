"""A step on a busy machine: OpenMP's idle threads spinning (active) or sleeping (passive, the model's default).

The model's kernels run on numba's OpenMP threading layer. GNU OpenMP's
threads spin between parallel loops by default; importing ``model`` sets
``OMP_WAIT_POLICY=passive`` unless it is set. This bench measures the mean
step of the 100,000-user threshold cascade (``run_bench.threshold_scenario``)
in a fresh process under each policy, on the machine as it is and with one
busy process per core beside it (a sweep's workers, a test suite), and
writes the ``busy`` block of docs/performance.md with ``--docs``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from slacktivism.readme import replace_block  # noqa: E402

PROBE = """
import sys, time
sys.path.insert(0, {bench!r})
import numpy as np
from run_bench import threshold_scenario, timed_steps
from model import SlacktivismModel
scenario = threshold_scenario(100_000)
SlacktivismModel(scenario, rng=2).run()
means = []
for _ in range({repeats}):
    means.append(np.mean(timed_steps(SlacktivismModel(scenario, rng=1))[:7]) * 1000)
print(float(np.median(means)))
"""


def _spin() -> None:
    while True:
        pass


def step_ms(policy: str, repeats: int) -> float:
    """Median over ``repeats`` runs of the cascade's mean step (its seven active steps), in a fresh process."""
    env = {**os.environ, "OMP_WAIT_POLICY": policy}
    out = subprocess.run([sys.executable, "-c", PROBE.format(bench=str(HERE), repeats=repeats)], env=env,
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip().splitlines()[-1])


def measure(repeats: int = 5, rounds: int = 3) -> dict[tuple[str, bool], list[float]]:
    """Each policy, idle and busy, ``rounds`` times in turn (so a drift of the machine hits both alike)."""
    results: dict[tuple[str, bool], list[float]] = {}
    for busy in (False, True):
        spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(os.cpu_count() or 1)]
        if busy:
            for p in spinners:
                p.start()
        try:
            for _ in range(rounds):
                for policy in ("active", "passive"):
                    results.setdefault((policy, busy), []).append(step_ms(policy, repeats))
        finally:
            for p in spinners:
                if p.is_alive():
                    p.terminate()
    return results


def text(results: dict[tuple[str, bool], list[float]]) -> str:
    cores = os.cpu_count()
    rows = ["| OpenMP's idle threads | machine as it is: mean step | one busy process per core beside it |",
            "|---|---|---|"]
    for policy, label in (("active", "spin (`OMP_WAIT_POLICY=active`, GNU OpenMP's default)"),
                          ("passive", "sleep (`passive`, the model's default)")):
        idle, busy = results[(policy, False)], results[(policy, True)]
        rows.append(f"| {label} | {min(idle):.1f} to {max(idle):.1f} ms | {min(busy):.1f} to {max(busy):.1f} ms |")
    return "\n".join([
        *rows, "",
        f"The 100,000-user threshold cascade's mean step, the range of {len(results[('active', False)])} fresh "
        f"processes each; the busy column has {cores} processes spinning beside it ({cores} cores). Measured by "
        "`python bench/busy_machine.py --docs .`.",
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, metavar="DIR", help="the repository folder to write the block into")
    args = parser.parse_args()
    block = text(measure())
    print(block)
    if args.docs:
        replace_block(args.docs, "busy", block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
