"""Does the model's realism hold away from the point it was tuned at? The README's realism tables.

Runs the shipped baseline across a grid of populations, degrees and network
families, pooled over seeds with the organisers left out, and reports:

* the funnel: likes and shares per user reached, actions per engaged user,
  against the published ranges (likes 1-10%, shares 0.1-3%, actions
  0.2-5%; Klandermans & Oegema 1987, Lewis, Gray & Meierhenrich 2014 and
  the advocacy e-mail benchmark, as in model/ODD.md section 1);
* choices per user reached (model/memory.py): bounded if choices do not
  compound with degree;
* cascade structure: the share of engaged users within one hop of a root,
  the share of one-user trees and the structural virality of the largest
  tree (Goel, Watts & Goldstein 2012; Goel et al. 2016);
* the knife edge: final reach as each cost is halved or doubled.

`make claims` runs it (with the scenario table); `--quick` uses fewer seeds.
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model import SlacktivismModel, load_scenario  # noqa: E402
from slacktivism.readme import replace_block  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"
EGO = str(ROOT / "scenarios" / "data" / "ego-facebook.txt")
#: Published ranges (percent): likes and shares of users reached, actions of engaged users.
RANGES = {"likes": (1.0, 10.0), "shares": (0.1, 3.0), "actions": (0.2, 5.0)}
GRID: tuple[tuple[str, dict], ...] = (
    ("baseline (BA, 5,000 users, degree 100)", {}),
    ("1,000 users", {"network.n_users": 1000}),
    ("20,000 users", {"network.n_users": 20000}),
    ("mean degree 10", {"network.mean_degree": 10}),
    ("mean degree 50", {"network.mean_degree": 50}),
    ("mean degree 200", {"network.mean_degree": 200}),
    ("Erdős–Rényi, degree 100", {"network.kind": "erdos_renyi"}),
    ("Watts–Strogatz, degree 100", {"network.kind": "watts_strogatz"}),
    ("ego-Facebook (4,039 users, degree 43.7)",
     {"network.kind": "edgelist", "network.path": EGO, "network.n_users": None}),
)
COSTS = ("decision.cost_like", "decision.cost_share", "decision.cost_act")
FACTORS = (0.5, 0.71, 1.0, 1.41, 2.0)
KEYS = ("aware_participants", "liked_participants", "shared_participants", "acted_participants",
        "engaged_participants", "choices", "one_hop_share", "singleton_share", "structural_virality", "n_users")


#: Extra overrides applied to every cell (``--set``, for exploring a re-tune).
EXTRA: dict = {}


def run_one(job: tuple[dict, int]) -> dict:
    overrides, seed = job
    summary = SlacktivismModel(load_scenario(BASELINE, overrides), rng=seed).run()
    return {k: summary[k] for k in KEYS}


def pooled(rows: list[dict]) -> dict[str, float]:
    """Pooled ratios over seeds (sums over sums), and means of the per-run shares."""
    total = {k: float(sum(r[k] for r in rows)) for k in KEYS}
    reached, engaged = total["aware_participants"], total["engaged_participants"]
    return {
        "reach": 100 * total["aware_participants"] / total["n_users"],
        "likes": 100 * total["liked_participants"] / reached if reached else 0.0,
        "shares": 100 * total["shared_participants"] / reached if reached else 0.0,
        "actions": 100 * total["acted_participants"] / engaged if engaged else 0.0,
        "choices": total["choices"] / reached if reached else 0.0,
        **{k: float(np.mean([r[k] for r in rows])) for k in ("one_hop_share", "singleton_share",
                                                             "structural_virality")},
    }


def _mark(name: str, value: float) -> str:
    low, high = RANGES[name]
    ok = low <= value <= high
    return f"{value:.2f}%" + ("" if ok else " ✗")


def grid_table(results: dict[str, dict]) -> str:
    lines = ["| network | reach | likes / reached | shares / reached | actions / engaged | choices / reached "
             "| within one hop | one-user trees | structural virality |", "|---|---|---|---|---|---|---|---|---|"]
    for label, r in results.items():
        lines.append(f"| {label} | {r['reach']:.0f}% | {_mark('likes', r['likes'])} | {_mark('shares', r['shares'])} "
                     f"| {_mark('actions', r['actions'])} | {r['choices']:.2f} | {r['one_hop_share']:.0%} "
                     f"| {r['singleton_share']:.0%} | {r['structural_virality']:.2f} |")
    return "\n".join(lines)


def knife_table(curves: dict[str, list[float]]) -> str:
    head = " | ".join(f"× {f:g}" for f in FACTORS)
    lines = [f"| cost | {head} |", "|---" * (len(FACTORS) + 1) + "|"]
    for key, reach in curves.items():
        lines.append(f"| `{key}` | " + " | ".join(f"{r:.1f}%" for r in reach) + " |")
    return "\n".join(lines)


def measure(seeds: range, workers: int = 2, knife: bool = True) -> str:
    defaults = load_scenario(BASELINE, EXTRA).decision
    cells = [(label, overrides) for label, overrides in GRID]
    for key in COSTS if knife else ():
        base = getattr(defaults, key.split(".")[1])
        cells += [(f"{key} × {f:g}", {key: round(base * f, 4)}) for f in FACTORS]
    jobs = [({**EXTRA, **overrides}, seed) for _, overrides in cells for seed in seeds]
    with ProcessPoolExecutor(workers) as pool:
        rows = list(pool.map(run_one, jobs, chunksize=2))
    by_cell = {label: pooled(rows[i * len(seeds):(i + 1) * len(seeds)]) for i, (label, _) in enumerate(cells)}
    grid = {label: by_cell[label] for label, _ in GRID}
    curves = {key: [by_cell[f"{key} × {f:g}"]["reach"] for f in FACTORS] for key in COSTS if knife}
    return (f"{grid_table(grid)}\n\nPooled over seeds {seeds.start}-{seeds.stop - 1}, organisers left out. ✗: outside "
            f"the published range (likes 1-10% and shares 0.1-3% of users reached, actions 0.2-5% of engaged "
            f"users).\n\nFinal reach (share of all users) as each cost of the baseline is scaled:\n\n"
            f"{knife_table(curves)}")


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", type=Path, help="write the tables into this README")
    parser.add_argument("--quick", action="store_true", help="5 seeds instead of 20")
    parser.add_argument("--no-knife", action="store_true", help="skip the cost curves")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="an override for every cell (to explore a re-tune)")
    args = parser.parse_args()
    from model.scenario_files import parse_override

    EXTRA.update(parse_override(a) for a in args.set)
    text = measure(range(1, 6) if args.quick else range(1, 21), knife=not args.no_knife)
    print(text)
    if args.readme:
        replace_block(args.readme, "realism", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
