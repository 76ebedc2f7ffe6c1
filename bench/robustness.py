"""Do the scenario table's contrasts survive another network? Each one over three network kinds and two degrees.

Every contrast of the scenario table (``bench/scenario_claims.py``), and the
organiser comparison taken apart (framing alone, asks alone), is re-measured
on Barabási–Albert, Erdős–Rényi and Watts–Strogatz graphs of mean degree 20
and 100, keeping each scenario's population. Both arms run on the same 20
seeds (common random numbers), and each cell is the paired change in
participants' actions with a 95% bootstrap interval over seeds. A contrast
is *robust* when every cell's interval lies on the same side of zero as the
shipped network's; *network-dependent* when some cell's interval lies on the
other side, or when the shipped network resolves no effect and another does;
otherwise the sign is the same wherever an interval resolves one. `make claims` writes the
docs/scenarios.md block ``robustness``.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scenario_claims import CONTRASTS, SEEDS, change, label  # noqa: E402

from slacktivism.readme import replace_block  # noqa: E402

#: The shipped network of every contrasted scenario (checked), and the five others each contrast is measured on.
SHIPPED = ("barabasi_albert", 100)
NETWORKS = [(kind, degree) for kind in ("barabasi_albert", "erdos_renyi", "watts_strogatz") for degree in (20, 100)
            if (kind, degree) != SHIPPED]
SHORT = {"barabasi_albert": "BA", "erdos_renyi": "ER", "watts_strogatz": "WS"}
#: The organiser comparison changes the framing and the asks at once; these change one thing at a time.
ORGANISER_PARTS = {
    "organiser_likes with campaign.framing 1.0": (("organiser_likes", {"campaign.framing": 1.0}),
                                                  ("organiser_likes", {})),
    "organiser_likes with its four asks": (("organiser_likes", {"campaign.asks": [3, 6, 9, 12]}),
                                           ("organiser_likes", {})),
}


def _acted(job: tuple[str, dict, int]) -> float:
    """Participants' actions in one run (a worker's job)."""
    from model import SlacktivismModel, load_scenario

    name, overrides, seed = job
    return float(SlacktivismModel(load_scenario(ROOT / "scenarios" / f"{name}.yaml", overrides), rng=seed)
                 .run()["acted_participants"])


def contrasts() -> dict[str, tuple[tuple[str, dict], tuple[str, dict]]]:
    """Every contrast as (label, (scenario arm, reference arm)), the organiser parts included."""
    out = {f"{name} vs {label(ref)}": ((name, {}), ref) for name, ref in CONTRASTS.items()
           if ref is not None and name != "facebook_ego"}
    out.update({f"{what} vs organiser_likes": arms for what, arms in ORGANISER_PARTS.items()})
    return out


def measure(workers: int) -> dict[str, dict[tuple[str, int] | None, tuple[np.ndarray, np.ndarray]]]:
    """Per contrast and network (None: the scenario's own), the two arms' actions over the seeds."""
    from model import load_scenario

    plan = contrasts()
    for arms in plan.values():
        for name, overrides in arms:
            net = load_scenario(ROOT / "scenarios" / f"{name}.yaml", overrides).network
            if (net.kind, net.mean_degree) != SHIPPED:
                raise ValueError(f"{name} runs on {net.kind} of degree {net.mean_degree}, not the shipped {SHIPPED}")
    jobs, where = [], []
    for key, arms in plan.items():
        for net in [None, *NETWORKS]:
            extra = {} if net is None else {"network.kind": net[0], "network.mean_degree": net[1]}
            for arm, (name, overrides) in enumerate(arms):
                for seed in SEEDS:
                    jobs.append((name, {**overrides, **extra}, seed))
                    where.append((key, net, arm))
    with ProcessPoolExecutor(workers) as pool:
        values = list(pool.map(_acted, jobs, chunksize=8))
    out: dict = {}
    for (key, net, arm), value in zip(where, values, strict=True):
        out.setdefault(key, {}).setdefault(net, ([], []))[arm].append(value)
    return {k: {n: (np.array(a[0]), np.array(a[1])) for n, a in nets.items()} for k, nets in out.items()}


def _interval(scenario: np.ndarray, reference: np.ndarray, resamples: int = 4000) -> tuple[float, float]:
    """The 95% bootstrap interval of the paired relative change (as in ``scenario_claims.change``)."""
    picks = np.random.default_rng(0).integers(0, len(reference), size=(resamples, len(reference)))
    a, b = reference[picks].mean(axis=1), scenario[picks].mean(axis=1)
    ratio = np.divide(b, a, out=np.full(len(a), np.nan), where=a > 0) - 1
    return tuple(np.nanpercentile(ratio, [2.5, 97.5]))


def side(scenario: np.ndarray, reference: np.ndarray) -> int:
    """+1 or -1 when the paired change's 95% interval lies above or below zero; 0 when it holds zero or is undefined."""
    if reference.mean() == 0:
        return 0
    low, high = _interval(scenario, reference)
    return 1 if low > 0 else -1 if high < 0 else 0


def verdict(sides: list[int]) -> str:
    """From each cell's :func:`side`, the shipped network's first: robust, network-dependent or not resolved."""
    own, others = sides[0], sides[1:]
    if own == 0:
        if any(others):
            return "**network-dependent** (no effect resolved on the shipped network)"
        return "no effect resolved on any network"
    if any(x == -own for x in others):
        return "**network-dependent** (the sign turns)"
    if all(x == own for x in others):
        return "robust"
    return "same sign wherever resolved"


def table(results: dict) -> str:
    head = ["contrast (participants' actions)", "BA 100 (shipped)"] + [f"{SHORT[k]} {d}" for k, d in NETWORKS]
    lines = ["| " + " | ".join([*head, "verdict"]) + " |", "|" + "---|" * (len(head) + 1)]
    for key, cells in results.items():
        nets = [None, *NETWORKS]
        row = [key] + [change(cells[n][1], cells[n][0]) for n in nets] + [verdict([side(*cells[n]) for n in nets])]
        lines.append("| " + " | ".join(row) + " |")
    lines.append(f"\nParticipants' actions, paired over seeds {SEEDS.start}-{SEEDS.stop - 1} (common random "
                 "numbers), as the change in the mean with a 95% bootstrap interval over seeds. BA, ER, WS: "
                 "Barabási–Albert, Erdős–Rényi, Watts–Strogatz of mean degree 20 or 100, each scenario's own "
                 "population. Robust: every interval on the shipped network's side of zero; network-dependent: "
                 "some interval on the other side, or an effect resolved only off the shipped network.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", "--readme", dest="readme", type=Path, metavar="DIR",
                        help="the repository folder (a block goes to the page holding its markers) or one file")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    text = table(measure(args.workers))
    print(text)
    if args.readme:
        replace_block(args.readme, "robustness", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
