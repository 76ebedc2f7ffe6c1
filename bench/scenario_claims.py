"""The numbers behind the scenario table (docs/scenarios.md): each shipped scenario over 20 seeds, and its contrast.

Each contrast is paired: the scenario and its reference run with the same
seeds, so with common random numbers they share networks, users and luck,
and the paired difference has a much narrower interval than two separate
means would. Prints a Markdown table; `make claims` runs it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model import SlacktivismModel, load_scenario  # noqa: E402
from slacktivism.readme import replace_block  # noqa: E402

SEEDS = range(1, 21)
OUTCOMES = ("aware", "liked", "shared", "acted")
#: scenario -> what it is contrasted with (same seeds): another scenario, or itself with its mechanism off.
CONTRASTS: dict[str, tuple[str, dict] | None] = {
    "baseline": None, "twitter_like": ("baseline", {}), "instagram_like": ("baseline", {}),
    "licensing": ("licensing", {"slacktivism.licensing": 1.0}),
    "hidden_likes": ("baseline", {}), "consistency": ("consistency", {"slacktivism.consistency": 1.0}),
    "collective_identity": ("collective_identity", {"identity.spillover": 1.0}),
    "hubs_seeding": ("baseline", {}), "periphery_seeding": ("baseline", {}),
    "misaligned_sharers": ("misaligned_sharers", {"misalignment.share": 0.0}),
    "ice_bucket": ("baseline", {}), "organiser_likes": None, "organiser_actions": ("organiser_likes", {}),
    "collective_event": ("collective_event", {"campaign.logic": "individual", "campaign.event_min": 0}),
    "connective_action": ("collective_event", {}), "facebook_ego": None,
}


def label(reference: tuple[str, dict]) -> str:
    """How the table names a contrast's reference: a scenario, or a scenario with keys changed."""
    name, overrides = reference
    return name if not overrides else f"{name} with " + ", ".join(f"{k} {v}" for k, v in overrides.items())


def runs(name: str, overrides: dict | None = None) -> dict[str, np.ndarray]:
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml", overrides or {})
    rows = [SlacktivismModel(scenario, rng=seed).run() for seed in SEEDS]
    out = {k: np.array([r[k] for r in rows], dtype=float)
           for k in (*OUTCOMES, "recruited_none_share", "n_seeds", "acted_participants")}
    out["participants_acted"] = out["acted_participants"]
    return out


def change(before: np.ndarray, after: np.ndarray, resamples: int = 4000) -> str:
    """The paired change of the mean, mean(after) / mean(before) - 1, with a 95% bootstrap interval over seeds.

    Seeds are resampled in pairs (the arms share each seed's network, users and
    luck), and the interval is that of the ratio itself, so it never leaves
    the possible range (a count cannot fall by more than 100%).
    """
    if before.mean() == 0:
        return "n/a (none before)"
    picks = np.random.default_rng(0).integers(0, len(before), size=(resamples, len(before)))
    a, b = before[picks].mean(axis=1), after[picks].mean(axis=1)
    ratio = np.divide(b, a, out=np.full(len(a), np.nan), where=a > 0) - 1
    low, high = np.nanpercentile(ratio, [2.5, 97.5]) * 100
    return f"{(after.mean() / before.mean() - 1) * 100:+.0f}% ({low:+.0f}% to {high:+.0f}%)"


def table() -> str:
    """The Markdown table of every scenario's means and contrasts."""
    results = {name: runs(name) for name in CONTRASTS}
    references = {label(ref): runs(*ref) for ref in CONTRASTS.values() if ref is not None and ref[1]}
    lines = ["| scenario | reach | likes | shares | actions (by participants) | recruited no one | vs "
             "| change in participants' actions (paired, 95% CI) | change in likes |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, reference in CONTRASTS.items():
        r = results[name]
        cells = [f"{r[k].mean():,.0f}" for k in ("aware", "liked", "shared")]
        cells.append(f"{r['acted'].mean():,.0f} ({r['participants_acted'].mean():,.1f})")
        cells.append(f"{r['recruited_none_share'].mean():.0%}")
        if reference is None:
            cells += ["-", "-", "-"]
        else:
            ref = results[reference[0]] if not reference[1] else references[label(reference)]
            cells += [label(reference), change(ref["participants_acted"], r["participants_acted"]),
                      change(ref["liked"], r["liked"])]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append(f"\nMeans over seeds {SEEDS.start}-{SEEDS.stop - 1}. Actions include the organisers (20, or 50 in "
                 f"the 20,000-user scenarios), who act at step 0; participants are everyone else. Changes are "
                 f"paired over the same seeds (common random numbers), as the change in the mean, with a 95% "
                 f"bootstrap interval over seeds.")
    return "\n".join(lines)


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", "--readme", dest="readme", type=Path, metavar="DIR",
                        help="the repository folder (a block goes to the page holding its markers) or one file")
    args = parser.parse_args()
    text = table()
    print(text)
    if args.readme:
        replace_block(args.readme, "claims", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
