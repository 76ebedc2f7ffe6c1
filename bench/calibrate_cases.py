"""Each real campaign calibrated on its own, and checked on seeds the fit never saw.

Save Darfur's calibration is ``bench/calibrate_bench.py``'s (block ``darfur``).
This bench calibrates the other four cases, each with the keys of its own
world and choice that its statistics can speak to, and fits every statistic
the model can reach; a statistic the case's notes call out of reach (the Ice
Bucket donors per participant: the model has no crowd that only watched) is
held out and reported. Each calibration is ``slacktivism calibrate`` from
scratch, on 2 workers; ``calibrated.yaml`` is written only when every fitted
statistic is within its tolerance on fresh seeds. The scenarios at the
posterior medians go to ``docs/cases/NAME_calibrated.yaml`` (or
``NAME_rejected.yaml``), and the table to the ``calibrations`` block of
docs/cases.md (``--docs``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slacktivism.readme import replace_block  # noqa: E402

CASES = ROOT / "scenarios" / "cases"
DOCS = ROOT / "docs" / "cases"
BUDGET = ["--population", "60", "--generations", "5", "--seed", "0"]


class Plan(NamedTuple):
    """One case's calibration: its fitted keys with their priors, the statistics fitted (None: all), the replicates.

    A statistic of a rare act (KONY's turnouts: a handful of users a run) needs more replicates a particle,
    or the fit finds seeds on which the act happens to come out right.
    """

    case: str
    fits: tuple[str, ...]
    statistics: tuple[str, ...] | None = None
    replicates: int = 2


PLANS = (
    Plan("ice_bucket_2014", ("decision.cost_act=0.5:2.5", "campaign.ask_odds=2:15", "campaign.bundle=0.2:0.8"),
         ("did_both", "only_donated", "only_challenge", "neither")),
    Plan("kony_2012", ("decision.cost_act=2:4.5", "decision.cost_like=0.8:1.8"), replicates=30),
    Plan("kpk_2009", ("decision.cost_like=0.3:1.2", "platform.share_reach=0.02:0.3", "platform.like_reach=0.05:0.6",
                      "campaign.attention_decay=0:0.2")),
    Plan("savekpk_2015", ("decision.cost_act=0.8:2.5",)),
)


def command(plan: Plan, out: Path, workers: int) -> list[str]:
    """The calibration's command line (as docs/cases.md shows it, with ``--out``)."""
    fits = [a for f in plan.fits for a in ("--fit", f)]
    chosen = ["--statistics", ",".join(plan.statistics)] if plan.statistics else []
    return ["calibrate", str(CASES / f"{plan.case}.data.yaml"), *fits, *chosen, *BUDGET,
            "--replicates", str(plan.replicates), "--workers", str(workers), "--out", str(out)]


def calibrate(plan: Plan, out: Path, workers: int) -> dict:
    """Run one case's calibration from scratch; its time, generations, predictive table and verdict."""
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "slacktivism", *command(plan, out, workers)], cwd=ROOT,
                            check=False, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode not in (0, 1):  # 1: calibrated but rejected on fresh seeds, which the table reports
        raise RuntimeError(f"the {plan.case} calibration failed: {result.stderr.strip()}")
    generations = pd.read_csv(out / "generations.csv")
    accepted = (out / "calibrated.yaml").exists()
    kept = "calibrated.yaml" if accepted else "rejected.yaml"
    for name in ("calibrated.yaml", "rejected.yaml"):
        (DOCS / f"{plan.case}_{name}").unlink(missing_ok=True)
    shutil.copy(out / kept, DOCS / f"{plan.case}_{kept}")
    return {"plan": plan, "seconds": seconds, "generations": len(generations),
            "epsilon": float(generations["epsilon"].iloc[-1]), "predictive": pd.read_csv(out / "predictive.csv"),
            "notes": (out / "notes.txt").read_text().splitlines(), "accepted": accepted}


def text(results: list[dict], workers: int) -> str:
    lines = ["| case | fitted keys | replicates | generations, final epsilon, minutes | fitted statistics within "
             "tolerance on fresh seeds | held out (distance in tolerances) | scenario at the medians |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        p = r["predictive"]
        fitted, held = p[p.role == "fitted"], p[p.role != "fitted"]
        held_text = ", ".join(f"{s.statistic} {abs(s.model_mean - s.observed) / s.tolerance:.1f}"
                              for s in held.itertuples()) or "-"
        keys = ", ".join(f"`{f.split('=')[0]}`" for f in r["plan"].fits)
        verdict = "accepted" if r["accepted"] else "rejected"
        lines.append(f"| {r['plan'].case} | {keys} | {r['plan'].replicates} | {r['generations']}, "
                     f"{r['epsilon']:.3g}, {r['seconds'] / 60:.1f} | "
                     f"{int(fitted.passed.sum())} of {len(fitted)} | {held_text} | {verdict} "
                     f"(`docs/cases/{r['plan'].case}_{'calibrated' if r['accepted'] else 'rejected'}.yaml`) |")
    budget = " ".join(BUDGET)
    return "\n".join([*lines, "",
                      f"Each `slacktivism calibrate CASE --fit ... {budget} --replicates R --workers {workers}` "
                      "from scratch "
                      "(`python bench/calibrate_cases.py --docs .`); the predictive check draws 50 posterior "
                      "particles, each run on seeds the fit never saw."])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, metavar="DIR", help="the repository folder to write the block into")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    DOCS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for plan in PLANS:
            results.append(calibrate(plan, Path(tmp) / plan.case, args.workers))
            print(f"{plan.case}: {results[-1]['seconds']:.0f} s, accepted {results[-1]['accepted']}", flush=True)
    block = text(results, args.workers)
    print(block)
    if args.docs:
        replace_block(args.docs, "calibrations", block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
