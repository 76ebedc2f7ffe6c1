"""The numbers behind the README's scenario table: each shipped scenario over 20 seeds, and its contrast.

Each contrast is paired: the scenario and its reference run with the same
seeds, so with common random numbers they share networks, users and luck,
and the paired difference has a much narrower interval than two separate
means would. Prints a Markdown table; `make claims` runs it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model import SlacktivismModel, load_scenario  # noqa: E402
from slacktivism.readme import replace_block  # noqa: E402

SEEDS = range(1, 21)
OUTCOMES = ("aware", "liked", "shared", "acted")
#: scenario -> the scenario it is contrasted with (same seeds).
CONTRASTS = {
    "baseline": None, "twitter_like": "baseline", "instagram_like": "baseline", "licensing": "baseline",
    "hidden_likes": "baseline", "consistency": "hidden_likes", "collective_identity": "licensing",
    "hubs_seeding": "baseline", "periphery_seeding": "baseline", "misaligned_sharers": "baseline",
    "ice_bucket": "baseline", "organiser_likes": None, "organiser_actions": "organiser_likes",
    "collective_event": "baseline", "connective_action": "collective_event", "facebook_ego": None,
}


def runs(name: str) -> dict[str, np.ndarray]:
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    rows = [SlacktivismModel(scenario, rng=seed).run() for seed in SEEDS]
    return {k: np.array([r[k] for r in rows], dtype=float) for k in (*OUTCOMES, "recruited_none_share")}


def interval(x: np.ndarray) -> tuple[float, float]:
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    return x.mean() - half, x.mean() + half


def table() -> str:
    """The Markdown table of every scenario's means and contrasts."""
    results = {name: runs(name) for name in CONTRASTS}
    lines = ["| scenario | reach | likes | shares | actions | recruited no one | vs | change in actions "
             "(paired, 95% CI) | change in likes |", "|---|---|---|---|---|---|---|---|---|"]
    for name, reference in CONTRASTS.items():
        r = results[name]
        cells = [f"{r[k].mean():,.0f}" for k in OUTCOMES]
        cells.append(f"{r['recruited_none_share'].mean():.0%}")
        if reference is None:
            cells += ["-", "-", "-"]
        else:
            ref = results[reference]
            for k in ("acted", "liked"):
                change = (r[k] - ref[k]) / ref[k].mean() * 100
                low, high = interval(change)
                text = f"{change.mean():+.0f}% ({low:+.0f}% to {high:+.0f}%)"
                if k == "acted":
                    cells.append(reference)
                cells.append(text)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append(f"\nMeans over seeds {SEEDS.start}-{SEEDS.stop - 1}; changes are paired over the same seeds, "
                 f"in percent of the reference's mean. Actions include the 20 organisers, who act at step 0.")
    return "\n".join(lines)


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", type=Path, help="write the table into this README")
    args = parser.parse_args()
    text = table()
    print(text)
    if args.readme:
        replace_block(args.readme, "claims", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
