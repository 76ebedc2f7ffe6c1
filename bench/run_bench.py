"""`make bench`: the speed targets of the model issue, each against a baseline measured in the same run.

1. Threshold rule at 10k and 100k users against two plain-Mesa baselines
   on the same graph, thresholds and seeds: one Agent per user on
   ``mesa.discrete_space.Network``, and a leaner one whose agents read their
   neighbours from a list (a Python loop each step either way): target
   >= 200x at 100k against the lean one. Both baselines must reproduce the
   model's cascade, step by step.
2. One million users, mean degree 10, every mechanism on:
   one step against a bare ``scipy.sparse`` CSR matrix-vector product over
   the same graph (target <= 3x); 100 steps end to end including graph
   generation (target < 60 s); peak memory (target < 3 GB), each measured in
   a fresh process. Also the share of the run spent recording recruiters
   (attribution during the run, the forest at the end; target <= 10%) and
   ``user_table()`` (target < 1 s).
3. Sweeps (``bench/sweep_bench.py``), `slacktivism optimize` against a sweep of the same runs
   (``bench/optimize_bench.py``) and the app (``bench/app_bench.py``), each in its own table.
4. Class mode, the calibration (``bench/calibrate_bench.py``) and the joint calibration across
   the cases (``bench/joint_bench.py``), each writing its own blocks.

Writes the table between the ``bench`` markers of docs/performance.md (``--docs``).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numba
import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from model import SlacktivismModel  # noqa: E402
from model.scenario import Scenario  # noqa: E402
from slacktivism.readme import replace_block  # noqa: E402


def threshold_scenario(n: int) -> Scenario:
    """Watts's cascade on an Erdos-Renyi graph, the pure threshold model (token support priced out)."""
    return Scenario.model_validate({
        "steps": 1000,
        "network": {"kind": "erdos_renyi", "n_users": n, "mean_degree": 10},
        "seeding": {"strategy": "random", "count": max(1, n // 100)},
        "users": {"threshold": {"dist": "normal", "mean": 0.15, "sd": 0.05}, "threshold_kind": "fraction"},
        "decision": {"rule": "threshold", "token_weight": 0.0, "cost_like": 10.0, "cost_share": 10.0},
        "media": {"hazard": 0.0},
    })


def all_mechanisms_scenario(n: int, steps: int = 100, network: str = "barabasi_albert") -> Scenario:
    """Every mechanism switched on, on a graph of mean degree 10.

    Token support is made cheap (costs 1.0, as a viral campaign) so that the
    campaign keeps spreading and every step has work: on the scale-free graph
    it explodes and is over within a few dozen steps; on a small world with
    few long ties (rewiring 0.002) it travels for about 100 steps. Asks,
    bundling, framing, connective drift, a clustered in-group, status-weighted misalignment,
    choice memory, divided attention, outside channels with two news
    reports, invitations and interest all run.
    """
    return Scenario.model_validate({
        "steps": steps,
        "network": {"kind": network, "n_users": n, "mean_degree": 10, "rewire_prob": 0.002},
        "seeding": {"strategy": "random", "count": 100},
        "decision": {"rule": "logit", "token_weight": 0.3, "cost_like": 1.0, "cost_share": 1.0, "cost_act": 1.5},
        "slacktivism": {"licensing": 0.3, "consistency": 2.0},
        "identity": {"share": 0.2, "homophily": 0.5, "spillover": 2.0},
        "misalignment": {"share": 0.2, "status_weight": 1.0},
        "platform": {"feed": "engagement", "attention": 8},
        "campaign": {"attention_decay": 0.02 if network == "barabasi_albert" else 0.0, "goal_actions": 10_000,
                     "asks": [10, 30, 60], "bundle": 0.3, "framing": 0.4, "logic": "connective"},
        "media": {"hazard": 0.001, "events": [{"step": 5, "reach": 0.05, "half_life": 2.0},
                                              {"step": 40, "reach": 0.1, "half_life": 3.0}]},
        "invitations": {"rate": 1.0, "spread": 1.5},
        "users": {"interested": 0.6},
    })


def timed_steps(model) -> list[float]:
    """Wall time of each step until the run ends."""
    times = []
    while model.running and model.steps < model.spec.steps:
        start = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - start)
    return times


def timed_calls(call, times: int) -> list[float]:
    """Wall time of each of ``times`` calls of ``call()``."""
    seconds = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return seconds


def plain_mesa_comparison(n: int) -> dict:
    """Mean ms per step of the model and of both plain-Mesa baselines over the same cascade steps.

    Every model runs the whole cascade (the baselines must reproduce the model's count of actors
    after each step), and each mean is over the steps in which someone acted; the model's is the
    median of 5 runs.
    """
    from plain_mesa import LeanThresholdModel, PlainThresholdModel

    scenario = threshold_scenario(n)
    SlacktivismModel(scenario, rng=2).run()  # load every compiled kernel this size needs first
    # The model is timed before the baselines are built: their hundreds of thousands of Python objects
    # would make the garbage collector's passes during its steps cost it up to twice its time. A cascade
    # of a few milliseconds swings by a quarter from run to run, so it runs 5 times: the run of median time.
    runs = []
    for _ in range(5):
        model = SlacktivismModel(scenario, rng=1)
        runs.append((sum(times := timed_steps(model)), times, model))
    _, times, model = sorted(runs, key=lambda r: r[0])[2]
    g = model.graph
    theta = model.pop.theta.copy()
    baselines = {"network": PlainThresholdModel(g.to_networkx(), theta, model.seeds),
                 "lean": LeanThresholdModel(g.followee_indptr, g.followees, theta, model.seeds)}
    acted = model.timeseries()["acted"].to_numpy()
    cascade = np.diff(acted) > 0
    examined, followees_read = cascade_reads(scenario)
    result = {"n": n, "model_ms": float(np.mean(np.array(times)[cascade])) * 1000,
              "examined": examined, "followees_read": followees_read, "edges": len(g.followers),
              "model_max_ms": float(np.max(np.array(times)[cascade])) * 1000, "cascade_steps": int(cascade.sum()),
              "acted": model.current["acted"], "spmv_ms": spmv_ms(g)}
    for name, plain in baselines.items():
        plain_times = []
        for step in range(len(times)):
            start = time.perf_counter()
            plain.step()
            plain_times.append(time.perf_counter() - start)
            if plain.acted != acted[step + 1]:
                raise AssertionError(f"the {name} baseline left the model's cascade at step {step + 1}")
        result[f"{name}_ms"] = float(np.mean(np.array(plain_times)[cascade])) * 1000
        result[f"{name}_speedup"] = result[f"{name}_ms"] / result["model_ms"]
    return result


def cascade_reads(scenario: Scenario) -> tuple[int, int]:
    """Over a whole run (untimed): the users the steps examined, and the followees they read between them.

    Each examined user's followees are read once a step (``model.opening``): the least work of a step that
    recounts them, whatever its code.
    """
    from model import opening

    model = SlacktivismModel(scenario, rng=1)
    indptr = model.graph.followee_rows.indptr
    counted = [0, 0]
    original = opening._pass

    def counting(examined, *args):
        counted[0] += len(examined)
        counted[1] += int((indptr[examined + 1] - indptr[examined]).sum())
        return original(examined, *args)

    opening._pass = counting
    try:
        model.run()
    finally:
        opening._pass = original
    return counted[0], counted[1]


def spmv_ms(g) -> float:
    """The fastest of 40 bare ``scipy.sparse`` CSR mat-vecs over the follower graph ``g`` (ms)."""
    from scipy import sparse

    matrix = sparse.csr_matrix((np.ones(len(g.followers)), g.followers, g.indptr), shape=(g.n_users,) * 2)
    x = np.random.default_rng(0).random(g.n_users)
    return float(np.min(timed_calls(lambda: matrix @ x, 40))) * 1000  # the fastest: the mat-vec's time swings 2x


@numba.njit(parallel=True)
def touch_state(users, pop):
    """Read every per-user array the pass reads for ``users`` and write those it writes (a copy's), nothing else.

    The memory traffic of the pass over the examined users without its arithmetic: what a step would
    still cost if computing each user's exposure and choice were free.
    """
    aware, aligned, step_aware, luck_step, evidence = pop.aware, pop.aligned, pop.step_aware, pop.luck_step, \
        pop.evidence
    for q in numba.prange(len(users)):
        i = users[q]
        s = (pop.theta[i] + pop.concern[i] + pop.status[i] + pop.in_group[i] + pop.misaligned[i] + aware[i]
             + pop.liked[i] + pop.shared[i] + pop.acted[i] + aligned[i] + step_aware[i] + pop.interested[i]
             + luck_step[i] + evidence[i])
        for c in range(pop.social.shape[1]):
            s += pop.social[i, c]
        aware[i] = s > 3.0
        aligned[i] = s > 4.0
        step_aware[i] = 1
        luck_step[i] = 1
        evidence[i] = 1


def step_parts(scenario: Scenario, step: int) -> dict[str, float]:
    """Where one step's time goes (ms), on a fresh run of ``scenario`` to ``step``.

    The pass over the examined users (``model.opening``), and within it the
    least any step that reads their followees must do: counting those
    followees (``model.spread.count_followees`` on the same users and state
    bytes, timed apart); the recruiters of the users engaging for the first
    time (``model.recruitment``); posting (recording and marking followers,
    ``model.spread.post``); and the rest of the step.
    """
    from model import opening, recruitment, slacktivism_model, spread

    parts: dict[str, float] = {}
    at_step = [False]

    def timing(module, name, label, before=None):
        original = getattr(module, name)

        def timed(*args, **kwargs):
            if at_step[0] and before is not None:
                t = time.perf_counter()
                before(*args)
                parts["aside"] = parts.get("aside", 0.0) + (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            result = original(*args, **kwargs)
            if at_step[0]:
                parts[label] = parts.get(label, 0.0) + (time.perf_counter() - t) * 1000
            return result

        setattr(module, name, timed)
        return original

    model = SlacktivismModel(scenario, rng=1)

    def count_alone(examined, flags, pop, *rest):
        bits, social = pop.bits.copy(), np.zeros_like(pop.social)
        spread.count_followees(model.graph, bits, examined[:1], social)  # compiled (or loaded) before the timing
        t = time.perf_counter()
        spread.count_followees(model.graph, bits, examined, social)
        parts["counting"] = (time.perf_counter() - t) * 1000
        parts["examined"] = len(examined)
        copy = pop._replace(**{name: getattr(pop, name).copy() for name in pop._fields})
        touch_state(examined[:1], copy)
        t = time.perf_counter()
        touch_state(examined, copy)
        parts["state"] = (time.perf_counter() - t) * 1000

    kept = [(opening, "_pass", timing(opening, "_pass", "pass", count_alone)),
            (recruitment, "attribute", timing(recruitment, "attribute", "attribution")),
            (slacktivism_model, "post", timing(slacktivism_model, "post", "posting"))]
    try:
        for _ in range(step - 1):
            model.step()
        at_step[0] = True
        t = time.perf_counter()
        model.step()
        parts["step"] = (time.perf_counter() - t) * 1000 - parts.pop("aside", 0.0)  # the measurements aside
    finally:
        for module, name, original in kept:
            setattr(module, name, original)
    parts["rest"] = parts["step"] - parts["pass"] - parts.get("attribution", 0.0) - parts.get("posting", 0.0)
    return parts


def million_users(steps: int, network: str) -> dict:
    """Run in a fresh process so that peak memory (ru_maxrss) is this job's alone."""
    from model import recruitment
    from slacktivism.warm import compile_kernels

    compile_kernels()  # every kernel, those on all cores that only large populations reach included
    warm = SlacktivismModel(all_mechanisms_scenario(100_000, steps, network), rng=0)  # load the compiled kernels
    warm.run()
    warm.user_table()
    attribution = []
    attribute = recruitment.attribute

    def timed_attribute(*args):
        t = time.perf_counter()
        attribute(*args)
        attribution.append(time.perf_counter() - t)

    recruitment.attribute = timed_attribute
    start = time.perf_counter()
    model = SlacktivismModel(all_mechanisms_scenario(1_000_000, steps, network), rng=1)
    built = time.perf_counter() - start
    times = timed_steps(model)
    t = time.perf_counter()
    summary = model.summary()
    forest_s = time.perf_counter() - t
    total = time.perf_counter() - start
    recruitment.attribute = attribute
    t = time.perf_counter()
    model._forest = None  # the table on its own, forest included
    users = model.user_table()
    table_s = time.perf_counter() - t
    assert len(users) == 1_000_000
    g = model.graph
    spmv = spmv_ms(g)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB -> GiB
    asks, news = set(model.spec.campaign.asks), {e.step for e in model.spec.media.events}
    explosive = int(np.argmax(times)) + 1  # steps are numbered from 1

    def slowest(steps):
        ran = [s for s in steps if s <= len(times)]
        return max(((times[s - 1], s) for s in ran), default=(0.0, 0))

    ask_s, ask_step = slowest(asks)
    news_s, news_step = slowest(news)
    del users  # the timed model stays (its counts are reported); peak memory was read above
    parts = step_parts(all_mechanisms_scenario(1_000_000, steps, network), explosive)
    return {"network": network, "build_s": built, "total_s": total, "steps_run": model.steps,
            "explosive_step": explosive, "ask_ms": ask_s * 1000, "ask_step": ask_step, "news_ms": news_s * 1000,
            "news_step": news_step,
            "step_mean_ms": float(np.mean(times)) * 1000, "step_median_ms": float(np.median(times)) * 1000,
            "step_max_ms": float(np.max(times)) * 1000, "spmv_ms": spmv, "parts": parts,
            "peak_gb": peak, "aware": model.current["aware"], "acted": model.current["acted"],
            "edges": len(g.followers), "attribution_s": float(np.sum(attribution)), "forest_s": forest_s,
            "recruit_share": (float(np.sum(attribution)) + forest_s) / total, "user_table_s": table_s,
            "largest_tree": summary["largest_tree"], "max_generation": summary["max_generation"]}


def table(plain: list[dict], big: list[dict]) -> str:
    rows = [
        "| measurement | baseline (same run) | slacktivism | ratio | target |",
        "|---|---|---|---|---|",
    ]
    for r in plain:
        what = (f"threshold rule, {r['n']:,} users: ms per step (mean over the {r['cascade_steps']} cascade steps; "
                f"slowest {r['model_max_ms']:.1f})")
        rows.append(f"| {what} | lean plain Mesa (neighbours in a list) {r['lean_ms']:.0f} ms | "
                    f"{r['model_ms']:.2f} ms | {r['lean_speedup']:.0f}x faster | "
                    f"{'>= 200x' if r['n'] >= 100_000 else '-'} |")
        rows.append(f"| {what} | plain Mesa on `discrete_space.Network` {r['network_ms']:.0f} ms | "
                    f"{r['model_ms']:.2f} ms | {r['network_speedup']:.0f}x faster | - |")
        cascade = r["model_ms"] * r["cascade_steps"]
        rows.append(f"| threshold rule, {r['n']:,} users: the whole cascade ({r['cascade_steps']} steps, "
                    f"{r['acted']:,} acted; the steps examined {r['examined']:,} users, who read "
                    f"{r['followees_read'] / r['edges']:.1f}x the graph's follows) | "
                    f"fastest of 40 scipy CSR mat-vecs {r['spmv_ms']:.2f} ms | "
                    f"{cascade:.1f} ms | {cascade / r['spmv_ms']:.1f} mat-vecs | - |")
    for b in big:
        where = f"1M users, {b['network']}, all mechanisms"
        rows.append(f"| {where}: one step (mean of {b['steps_run']}; median {b['step_median_ms']:.0f} ms, "
                    f"slowest {b['step_max_ms']:.0f} ms = {b['step_max_ms'] / b['spmv_ms']:.1f}x) | "
                    f"fastest of 40 scipy CSR mat-vecs {b['spmv_ms']:.0f} ms | {b['step_mean_ms']:.0f} ms | "
                    f"{b['step_mean_ms'] / b['spmv_ms']:.2f}x the mat-vec | <= 3x |")
        for what, ms, step in (("the slowest step at an ask", b["ask_ms"], b["ask_step"]),
                               ("the slowest step at a news report", b["news_ms"], b["news_step"]),
                               ("the slowest step of all", b["step_max_ms"], b["explosive_step"])):
            rows.append(f"| {where}: {what} (step {step}) | fastest of 40 scipy CSR mat-vecs {b['spmv_ms']:.0f} ms "
                        f"| {ms:.0f} ms | {ms / b['spmv_ms']:.1f}x the mat-vec | <= 3x |")
        p = b["parts"]
        rows.append(f"| {where}: the slowest step (step {b['explosive_step']}, timed again) by part: the pass over "
                    f"{p['examined']:,} examined users {p['pass']:.0f} ms (counting their followees alone "
                    f"{p['counting']:.0f} ms, {p['counting'] / b['spmv_ms']:.1f}x the mat-vec; reading and "
                    f"writing their state alone {p['state']:.0f} ms); recruiters "
                    f"{p['attribution']:.0f} ms; posting {p['posting']:.0f} ms; the rest {p['rest']:.0f} ms | "
                    f"fastest of 40 scipy CSR mat-vecs {b['spmv_ms']:.0f} ms | {p['step']:.0f} ms | "
                    f"{p['step'] / b['spmv_ms']:.1f}x the mat-vec | <= 3x |")
        rows.append(f"| {where}: {b['steps_run']} steps end to end, graph included ({b['build_s']:.1f} s "
                    f"to build); reach {b['aware']:,}, actions {b['acted']:,} | - | {b['total_s']:.1f} s | - | "
                    f"< 60 s for 100 steps |")
        rows.append(f"| {where}: peak memory (resident, whole process) | - | {b['peak_gb']:.2f} GB | - | < 3 GB |")
        rows.append(f"| {where}: recording recruiters (attribution {b['attribution_s']:.2f} s, forest "
                    f"{b['forest_s']:.2f} s; largest tree {b['largest_tree']:,}, {b['max_generation']} generations) "
                    f"| whole run {b['total_s']:.1f} s | {b['attribution_s'] + b['forest_s']:.2f} s | "
                    f"{b['recruit_share']:.1%} of the run | <= 10% |")
        rows.append(f"| {where}: `user_table()` | - | {b['user_table_s']:.2f} s | - | < 1 s |")
    cores = subprocess.run(["nproc"], check=False, capture_output=True, text=True).stdout.strip()
    machine = f"{platform.machine()}, {cores} cores"
    return "\n".join(rows) + f"\n\nMeasured by `make bench` on {machine}, Python {platform.python_version()}."


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", "--readme", dest="readme", type=Path, metavar="DIR",
                        help="the repository folder (a block goes to the page holding its markers) or one file")
    parser.add_argument("--million-steps", type=int, default=100)
    parser.add_argument("--core", action="store_true",
                        help="only the model's own table (plain Mesa and the 1M-user runs), not the sweep, "
                             "optimiser, app, class-mode and calibration benches")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(million_users(args.million_steps, args.child)))
        return 0
    sys.path.insert(0, str(HERE))
    plain = [plain_mesa_comparison(10_000), plain_mesa_comparison(100_000)]
    for r in plain:
        print(f"plain Mesa (lean / Network) vs model at {r['n']}: {r['lean_ms']:.1f} / {r['network_ms']:.1f} ms vs "
              f"{r['model_ms']:.2f} ms ({r['lean_speedup']:.0f}x / {r['network_speedup']:.0f}x)", flush=True)
    big = []
    for network in ("barabasi_albert", "watts_strogatz"):
        child = subprocess.run([sys.executable, __file__, "--child", network, "--million-steps",
                                str(args.million_steps)], capture_output=True, text=True, check=True)
        big.append(json.loads(child.stdout.strip().splitlines()[-1]))
        print(json.dumps(big[-1]), flush=True)
    text = table(plain, big)
    print(text)
    if args.core:
        if args.readme:
            replace_block(args.readme, "bench", text)
        return 0
    import sweep_bench

    sweeps = sweep_bench.table(sweep_bench.measure())
    print(sweeps)
    import optimize_bench

    optimisation = optimize_bench.table(optimize_bench.measure())
    print(optimisation)
    import app_bench

    app = app_bench.table(with_load=True)  # with the 30 sessions as light websocket clients
    print(app)
    # Class mode: one room with 40 light students (writes its own block, class-bench).
    subprocess.run([sys.executable, str(HERE / "class_bench.py")]
                   + (["--docs", str(args.readme)] if args.readme else []), check=True)
    # Calibration last: it writes its own blocks (cases, darfur, calibrate-bench), then the joint one (joint).
    subprocess.run([sys.executable, str(HERE / "calibrate_bench.py")]
                   + (["--docs", str(args.readme)] if args.readme else []), check=True)
    subprocess.run([sys.executable, str(HERE / "joint_bench.py")]
                   + (["--docs", str(args.readme)] if args.readme else []), check=True)
    if args.readme:
        replace_block(args.readme, "bench", text)
        replace_block(args.readme, "sweep-bench", sweeps)
        replace_block(args.readme, "optimize-bench", optimisation)
        replace_block(args.readme, "app-bench", app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
