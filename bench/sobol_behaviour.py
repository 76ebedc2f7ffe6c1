"""Which behavioural keys drive reach, likes and actions? Sobol' total-order indices (SALib), part of `make claims`.

The baseline scenario at 1,000 users, with the psychology of the choice
varied over ranges around its defaults: the three costs, the choice noise,
the two weights of social proof, the bandwagon, choice memory, licensing
and consistency. The world (network, seeding, platform, media, the asks)
stays the baseline's. The design is Saltelli's (SALib ``sobol.sample``
without second-order terms, ``N (D + 2)`` points), run through the sweep
machinery (:func:`slacktivism.api.sweep`) with paired seeds: every point
runs on the same replicate seeds (common random numbers), so the indices
measure the keys, not seed noise. The indices and their 95% bootstrap
intervals are SALib's (``sobol.analyze``, as ``slacktivism report`` computes
them), of each point's mean over its replicates.

Writes the figure ``docs/sweeps/sobol_behaviour.png``, the table
``docs/sweeps/sobol_behaviour.csv`` and the docs/sweeps.md block
``sobol-behaviour``. About six minutes on one worker.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slacktivism.readme import replace_block  # noqa: E402

#: The behavioural keys and their ranges (each holds the baseline's default).
BOUNDS = {
    "decision.cost_like": [1.0, 1.8],
    "decision.cost_share": [1.2, 2.0],
    "decision.cost_act": [2.0, 3.2],
    "decision.noise": [0.15, 0.4],
    "decision.proof_weight": [0.0, 0.5],
    "decision.token_proof_weight": [0.0, 1.0],
    "decision.bandwagon": [0.0, 1.0],
    "decision.memory": [0.5, 1.0],
    "slacktivism.licensing": [0.05, 1.0],
    "slacktivism.consistency": [1.0, 5.0],
}
#: The outcomes, organisers apart: reach, likes, actions of participants.
OUTCOMES = ("aware_participants", "liked_participants", "acted_participants")
LABELS = {"aware_participants": "reach", "liked_participants": "likes", "acted_participants": "actions"}
N_USERS, N, REPLICATES, SEED = 1000, 128, 2, 2020


def spec(n: int = N, replicates: int = REPLICATES, n_users: int = N_USERS) -> dict:
    """The sweep, as a mapping for :func:`slacktivism.api.sweep`."""
    return {"scenario": str(ROOT / "scenarios" / "baseline.yaml"), "overrides": {"network.n_users": n_users},
            "sample": {"method": "sobol", "n": n, "bounds": BOUNDS}, "replicates": replicates, "seed": SEED,
            "record": "end"}


def measure(out: Path, workers: int, n: int = N, replicates: int = REPLICATES):
    """Run (or resume) the sweep into ``out``; the indices frame, SALib's notes, the outcome means, seconds."""
    from slacktivism.api import sweep
    from slacktivism.report import sensitivity

    start = time.perf_counter()
    result = sweep(spec(n, replicates), out, workers=workers)
    seconds = time.perf_counter() - start
    ok = result.runs[result.runs["status"] == "ok"]
    indices, notes = sensitivity(result.manifest, ok, OUTCOMES)
    means = {o: (float(ok[o].mean()), float(ok[o].min()), float(ok[o].max())) for o in OUTCOMES}
    return indices, notes, means, seconds, len(result.runs)


def table(indices, means, seconds: float, runs: int, n: int, replicates: int, workers: int) -> str:
    """The block: total-order (and first-order) index per key and outcome, with 95% intervals."""
    head = "| key | " + " | ".join(f"{LABELS[o]}: ST (S1)" for o in OUTCOMES) + " |"
    lines = [head, "|---|" + "---|" * len(OUTCOMES)]
    for key, bounds in BOUNDS.items():
        cells = []
        for o in OUTCOMES:
            r = indices[(indices["outcome"] == o) & (indices["key"] == key)].iloc[0]
            cells.append(f"{r.ST:.2f} ± {r.ST_conf:.2f} ({r.S1:.2f} ± {r.S1_conf:.2f})")
        lines.append(f"| `{key}` {bounds[0]:g}–{bounds[1]:g} | " + " | ".join(cells) + " |")
    spread = "; ".join(f"{LABELS[o]} {m:.1f} on average ({lo:g} to {hi:g})" for o, (m, lo, hi) in means.items())
    lines.append(
        f"\nSobol' indices of participants' reach, likes and actions (organisers apart) over the behavioural keys: "
        f"total order ST, first order S1 in brackets, each ± its 95% bootstrap half-width (SALib). Saltelli design "
        f"N = {n} ({runs // replicates} points), {replicates} replicates per point on common seeds, the baseline at "
        f"{N_USERS:,} users; {runs} runs in {seconds / 60:.1f} min on {workers} worker(s). Over the design: "
        f"{spread}. `python bench/sobol_behaviour.py --docs .` (in `make claims`).")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", "--readme", dest="readme", type=Path, metavar="DIR",
                        help="the repository folder (the block goes to the page holding its markers) or one file")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--n", type=int, default=N, help="SALib's base sample size (a power of 2)")
    parser.add_argument("--replicates", type=int, default=REPLICATES)
    parser.add_argument("--out", type=Path, help="the sweep directory (kept, and resumed if rerun)")
    args = parser.parse_args()
    from viz.report_figures import sensitivity_figure

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "sobol"
        indices, notes, means, seconds, runs = measure(out, args.workers, args.n, args.replicates)
    text = table(indices, means, seconds, runs, args.n, args.replicates, args.workers)
    print(text)
    for note in notes:
        print(note, file=sys.stderr)
    if args.readme:
        folder = ROOT / "docs" / "sweeps"
        indices.to_csv(folder / "sobol_behaviour.csv", index=False)
        figure = sensitivity_figure(indices.assign(outcome=indices["outcome"].map(LABELS)), "sobol")
        figure.suptitle(f"Sobol' indices over the behavioural keys (baseline, {N_USERS:,} users, N = {args.n}, "
                        f"{args.replicates} paired replicates; bars: 95% intervals)", fontsize=9)
        figure.savefig(folder / "sobol_behaviour.png", dpi=110)
        replace_block(args.readme, "sobol-behaviour", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
