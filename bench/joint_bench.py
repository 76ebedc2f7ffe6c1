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

Writes the docs/cases.md block ``joint`` with ``--docs``.
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
FULL = {"population": 100, "generations": 6, "replicates": 3, "cores": 2}
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
    """Seconds of one full-size replicate of each case at the prior's centre (each case warmed up first)."""
    from model.randomness import spawn_seeds
    from slacktivism.calibrate import parse_fit
    from slacktivism.cases import load_case
    from slacktivism.joint import JointSimulator, member

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
    folds = {name: [c.name.removesuffix(".data.yaml") for c in CASES if f"without-{c.name.removesuffix('.data.yaml')}"
                    != name] for name in sims}
    full_seconds = 0.0
    for name, count in sims.items():
        scale = FULL["population"] * FULL["generations"] / (SMALL["population"] * SMALL["generations"])
        full_seconds += count * scale * FULL["replicates"] * sum(particle[c] for c in folds[name]) / FULL["cores"]
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
        "One full-size particle (each case at its own population, one replicate, at the priors' centre): "
        + ", ".join(f"{k} {v:.1f} s" for k, v in particle.items()) + f"; {per_particle:.1f} s in all "
        f"(the machine's load average {LOAD[0]:.1f} on {os.cpu_count()} cores while it was timed). "
        f"At {FULL['population']} particles, {FULL['generations']} generations and {FULL['replicates']} replicates, "
        f"with the small run's acceptance rates, the six fits would take about {full_seconds / 3600:.0f} hours on "
        f"{FULL['cores']} cores: the 30-minute target needs the cases at a smaller scale or a cluster "
        "(`--scheduler`).",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", "--readme", dest="readme", type=Path, metavar="DIR",
                        help="the repository folder (the block goes to the page holding its markers) or one file")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
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
