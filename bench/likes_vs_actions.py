"""The essay's question, measured: is the campaign that gets the most likes the one that gets the most actions?

`make likes-vs-actions` optimises scenarios/baseline.yaml twice with `slacktivism optimize`'s machinery
(TPE, 60 trials of 10 replicates each, common random numbers), once for likes and once for actions, over
the whole of what the organisers decide, with their number fixed at the baseline's 20 (organisers act at
step 0 and count as actions, so more of them would raise actions by construction):

* who the organisers are (``seeding.strategy``: random, hubs or periphery);
* the message (``campaign.framing``, 0 = pure appeal, easy to like and share, to 1 = pure call to act);
* asking actors to share that they acted (``campaign.bundle``, 0 to 1);
* the reminders (``campaign.asks``: none, step 5, steps 5 and 10, steps 3, 6 and 9);
* whom the reminders ask (``campaign.ask_to``: the token supporters or the organisers' followers);
* the campaign's logic (``campaign.logic``: individual, or connective, with personal action frames).

The best trial of an optimisation is the best of 60 noisy means, so its own mean is optimistic (the
winner's curse). Both optima are therefore run again on 30 fresh seeds, the same 30 for both, and their
likes and actions are reported with 95% Student-t intervals, with the paired differences. Writes the
Markdown block between the ``likes-vs-actions`` markers of docs/optimisation.md (``--docs``) and the figure
docs/likes_vs_actions.png; the optimisations' results are in bench/out/likes_vs_actions/.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

BASELINE = ROOT / "scenarios" / "baseline.yaml"
DESIGN = ["seeding.strategy=random,hubs,periphery", "campaign.framing=0:1", "campaign.bundle=0:1",
          "campaign.asks=[],[5],[5,10],[3,6,9]", "campaign.ask_to=supporters,followers",
          "campaign.logic=individual,connective"]
TRIALS, REPLICATES, SEED = 60, 10, 1
#: Trials in flight, fixed so that the result is the same with any number of workers.
BATCH = 2
FRESH, FRESH_SEED = 30, 2
OUTCOMES = ("liked", "acted")
LABELS = {"liked": "likes optimum", "acted": "actions optimum"}
AS_SHIPPED = "baseline as shipped"
OUT = HERE / "out" / "likes_vs_actions"
FIGURE = ROOT / "docs" / "likes_vs_actions.png"


def optimum(objective: str, workers: int):
    """Optimise the baseline for ``objective``; the plan and the best trial's design."""
    from slacktivism import design_space, optimize, optimize_outputs
    from slacktivism.executors import LocalExecutor

    plan = design_space.build_optimisation(BASELINE, objective, DESIGN, replicates=REPLICATES, seed=SEED)
    out = OUT / objective
    shutil.rmtree(out, ignore_errors=True)
    optimize.optimise(plan, out, LocalExecutor(workers), TRIALS, batch=BATCH)
    study = optimize.load_study(out)
    optimize_outputs.write_outputs(study, plan, out)
    best = optimize_outputs.best_trial(study)
    return plan, best, plan.values(best.params)


def interval(values) -> tuple[float, float]:
    """Mean and 95% Student-t half width."""
    from model.statistics import mean_ci

    mean, low, _ = mean_ci(np.asarray(values, dtype=float))
    return mean, mean - low


def show(mean: float, half: float) -> str:
    return f"{mean:,.1f} ({mean - half:,.1f} to {mean + half:,.1f})"


def design_text(values: dict) -> str:
    return ", ".join(f"`{k}` {v:.2f}" if isinstance(v, float) else f"`{k}` {v}" for k, v in values.items())


def measure(workers: int) -> tuple[str, dict]:
    from model.randomness import spawn_seeds
    from slacktivism import optimize
    from slacktivism.executors import LocalExecutor

    optima = {objective: optimum(objective, workers) for objective in OUTCOMES}
    fresh = spawn_seeds(FRESH_SEED, FRESH)
    assert not set(fresh) & set(spawn_seeds(SEED, REPLICATES)), "the fresh seeds must be new"
    executor = LocalExecutor(workers)
    executor.start()
    runs = {objective: optimize.evaluate(plan, values, fresh, executor)
            for objective, (plan, _, values) in optima.items()}
    shipped = optimize.evaluate(optima["liked"][0], {}, fresh, executor)  # the designed keys as the file has them
    executor.close()
    results = {AS_SHIPPED: {k: interval(shipped[k]) for k in OUTCOMES}}
    results.update({LABELS[o]: {k: interval(runs[o][k]) for k in OUTCOMES} for o in OUTCOMES})
    lines = []
    for objective, (_, best, values) in optima.items():
        mean, half = interval(best.user_attrs["runs"][objective])
        lines.append(f"- **{LABELS[objective]}** (trial {best.number} of {TRIALS}): {design_text(values)}; "
                     f"{'likes' if objective == 'liked' else 'actions'} {mean:,.1f} ± {half:,.1f} over the "
                     f"optimisation's {REPLICATES} seeds")
    lines += ["", f"Both re-run on {FRESH} fresh seeds, the same for both and for the baseline as shipped "
                  f"(mean and 95% interval):", "",
              "| | likes | actions |", "|---|---|---|"]
    for label, r in results.items():
        lines.append(f"| {label} | {show(*r['liked'])} | {show(*r['acted'])} |")
    diffs = {k: interval(np.asarray(runs["acted"][k], float) - np.asarray(runs["liked"][k], float))
             for k in OUTCOMES}
    lines.append(f"| actions optimum minus likes optimum (paired by seed) | {show(*diffs['liked'])} | "
                 f"{show(*diffs['acted'])} |")
    likes_ratio = results[LABELS["acted"]]["liked"][0] / results[LABELS["liked"]]["liked"][0]
    acts_ratio = results[LABELS["acted"]]["acted"][0] / results[LABELS["liked"]]["acted"][0]
    lines += ["", f"The campaign designed for actions got {acts_ratio:.2f} times the likes-optimum's actions and "
                  f"{likes_ratio:.2f} times its likes. Both count the 20 organisers' own actions. Seeds: "
                  f"optimisation `spawn_seeds({SEED}, {REPLICATES})`, "
                  f"re-evaluation `spawn_seeds({FRESH_SEED}, {FRESH})` (`model/randomness.py`)."]
    return "\n".join(lines), results


def main() -> int:
    from slacktivism.executors import default_workers
    from slacktivism.readme import replace_block
    from viz.optimize_figures import optima_figure

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", "--readme", dest="readme", type=Path, metavar="DIR",
                        help="the repository folder (a block goes to the page holding its markers) or one file")
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    text, results = measure(args.workers)
    print(text)
    figure = optima_figure(results, OUTCOMES)
    figure.suptitle(f"Likes and actions of the two optima and the baseline, {FRESH} fresh seeds (95% intervals)")
    figure.savefig(FIGURE, dpi=110)
    print(f"wrote {FIGURE.relative_to(ROOT)}")
    if args.readme:
        replace_block(args.readme, "likes-vs-actions", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
