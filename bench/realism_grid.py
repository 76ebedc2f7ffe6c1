"""Does the model's realism hold away from the point it was tuned at? The realism tables (docs/scenarios.md).

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


def licensing_arms(overrides: dict | None = None, n: int = 20_000, seed: int = 1) -> dict[str, float]:
    """Kristofferson, White & Peloza's (2014) design in the model: the same ask to three randomised arms.

    The baseline's users (their concern and status motive as drawn) are
    assigned at random to a public token act (a like with public counts), a
    private one (a like with hidden counts) or none, and then all are asked
    to act (``campaign.ask_odds``). Returns each arm's chance of acting (the
    mean of the logit rule's probability, exactly, no sampling) for users
    with no engaged followees.
    """
    import math

    from model import decisions, users
    from model.randomness import Purpose, generator

    spec = load_scenario(BASELINE, {**(overrides or {}), "network.n_users": 1000})
    concern = np.clip(users.draw(spec.users.concern, n, generator(seed, Purpose.CONCERN)), 0, 1)
    status = np.clip(users.draw(spec.users.status_motive, n, generator(seed, Purpose.STATUS_MOTIVE)), 0, 1)
    mean_impression = float(decisions.impression(status, concern).mean())
    public = decisions.Rules.of(spec, mean_impression)
    private = public._replace(likes_visible=False)
    theta = spec.users.threshold.mean if hasattr(spec.users.threshold, "mean") else 2.0
    out = {}
    for arm, rules, liked in (("control", public, False), ("public", public, True), ("private", private, True)):
        p = 0.0
        for c, s_ in zip(concern, status, strict=True):
            shift = decisions.action_shift(True, liked, False, s_, c, False, 0, False, rules)
            _, _, v_act = decisions.option_values(c, s_, theta, 0.0, 0.0, shift, 0.0, rules)
            p += 1.0 / (1.0 + math.exp(-v_act / rules.noise))
        out[arm] = p / n
    return out


def licensing_table() -> str:
    rows = ["| licensing | P(act) after a public like / control | after a private like / control |", "|---|---|---|"]
    for label, overrides in (("off (the default, 1)", {}), ("0.57 (Blanken et al. 2015's d = 0.31)",
                                                             {"slacktivism.licensing": 0.57}),
                             ("0.2 (licensing.yaml)", {"slacktivism.licensing": 0.2})):
        a = licensing_arms(overrides)
        rows.append(f"| {label} | {a['public'] / a['control']:.2f} | {a['private'] / a['control']:.2f} |")
    return "\n".join(rows)


def _scaled(key: str, factor: float):
    """The key's default times ``factor``, clipped to its declared range (None if that changes nothing)."""
    from model.scenario import field_info

    field = field_info(key)
    default = field.get_default(call_default_factory=True)
    if isinstance(default, bool) or not isinstance(default, (int, float)) or default == 0:
        return None
    value = default * factor
    for meta in field.metadata:
        if getattr(meta, "ge", None) is not None:
            value = max(value, meta.ge)
        if getattr(meta, "le", None) is not None:
            value = min(value, meta.le)
        if getattr(meta, "gt", None) is not None and value <= meta.gt:
            value = meta.gt + 1e-6
    value = round(value) if isinstance(default, int) else round(float(value), 6)
    return None if value == default else value


def sensitivity(seeds: range, workers: int = 2) -> dict[str, str]:
    """One-at-a-time sensitivity of the baseline to each behavioural key: halved and doubled (within range).

    The change in reach and in participants' engagement (pooled over
    seeds, the same seeds in every arm), as a rough guide to which keys the
    headline outcomes hang on; the validation issue's global analysis is the
    fuller answer.
    """
    from model.sources import SOURCES

    cells = [("default", {})]
    for key in SOURCES:
        for factor in (0.5, 2.0):
            value = _scaled(key, factor)
            if value is not None:
                cells.append((f"{key}@{factor}", {key: value}))
    jobs = [(overrides, seed) for _, overrides in cells for seed in seeds]
    with ProcessPoolExecutor(workers) as pool:
        rows = list(pool.map(run_one, jobs, chunksize=4))
    totals = {}
    for i, (label, _) in enumerate(cells):
        chunk = rows[i * len(seeds):(i + 1) * len(seeds)]
        totals[label] = (sum(r["aware_participants"] for r in chunk), sum(r["engaged_participants"] for r in chunk))
    base = totals["default"]
    out = {}
    for key in SOURCES:
        parts = []
        for factor, name in ((0.5, "½"), (2.0, "2×")):
            t = totals.get(f"{key}@{factor}")
            if t is not None:
                reach, engaged = (100 * (t[k] / base[k] - 1) for k in (0, 1))
                parts.append(f"{name}: reach {reach:+.0f}%, engaged {engaged:+.0f}%")
        if not parts:
            from model.scenario import field_info

            default = field_info(key).get_default(call_default_factory=True)
            numeric = isinstance(default, (int, float)) and not isinstance(default, bool)
            parts = ["off by default (0): see the scenarios that switch it on" if numeric and default == 0
                     else "at the end of its range" if numeric else "not a number: vary it in a sweep"]
        out[key] = "; ".join(parts)
    return out


def sources_table(seeds: range) -> str:
    """ODD section 9: every behavioural key's default, range, unit, source and measured sensitivity."""
    from model.parameters import allowed as _allowed
    from model.scenario import field_info
    from model.sources import SOURCES

    sens = sensitivity(seeds)
    lines = ["| key | default | allowed | unit | source | sensitivity of the baseline (halved; doubled) |",
             "|---|---|---|---|---|---|"]
    for key, src in SOURCES.items():
        field = field_info(key)
        default = field.get_default(call_default_factory=True)
        if hasattr(default, "model_dump"):
            default = ", ".join(f"{k} {v}" for k, v in default.model_dump().items())
        lines.append(f"| `{key}` | {default} | {_allowed(field)} | {src.unit} | {src.source} | {sens[key]} |")
    return "\n".join(lines) + (f"\n\nSensitivity: the baseline with one key halved or doubled (within its range), "
                               f"pooled over seeds {seeds.start}-{seeds.stop - 1}, against the defaults on the same "
                               f"seeds; reach and engaged count users other than the organisers.")


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", "--readme", dest="readme", type=Path, metavar="DIR",
                        help="the repository folder (a block goes to the page holding its markers) or one file")
    parser.add_argument("--odd", type=Path, help="write the parameter sources table into this ODD")
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
        replace_block(args.readme, "licensing_arms", licensing_table())
    if args.odd:
        replace_block(args.odd, "sources", sources_table(range(1, 6) if args.quick else range(1, 11)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
