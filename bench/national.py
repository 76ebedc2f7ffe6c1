"""`make bench-national`: the national campaign from 10^4 to 10^8 users, each size in a fresh process.

Each size runs what ``slacktivism run bench/national.yaml --set network.n_users=N --out DIR`` runs (the
memory check, the build with its progress, 100 steps, the Parquet files) and records:

- the time of the build, of each step and of writing the results, and the whole;
- the process's peak resident memory (``VmHWM``: Linux carries ``ru_maxrss`` across exec);
- afterwards, with the model freed and only its graph kept, a bare CSR mat-vec over the same graph
  (``scipy.sparse``, the fastest of several) and the graph's bytes;
- in the same process, a STREAM-style copy (NumPy copying 512 MB arrays; bytes read plus bytes written over
  the time), this machine's memory bandwidth, against which each step is put: a step that reads its graph once
  cannot take less than the graph's bytes over that bandwidth.

Results go to ``bench/out/national.json`` (one entry per size, so a size can be re-run on its own with
``--sizes``); the table and the figure (``docs/national_scaling.png``) are made from that file, and with
``--docs`` the table goes between the ``national`` markers of docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

SCENARIO = HERE / "national.yaml"
RESULTS = HERE / "out" / "national.json"
FIGURE = ROOT / "docs" / "national_scaling.png"
SIZES = (10_000, 100_000, 1_000_000, 10_000_000, 100_000_000)
#: The targets of the scale issue (seconds, bytes) for 10M and 100M users, 100 steps end to end.
TARGETS = {10_000_000: (60, 4e9), 100_000_000: (15 * 60, 20e9)}


def peak_bytes() -> int:
    """This process's peak resident memory (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def copy_bandwidth(size: int = 1 << 26, times: int = 5) -> float:
    """Bytes per second of a STREAM-style copy (8-byte floats, read and written), the fastest of ``times``."""
    a = np.ones(size)
    b = np.empty_like(a)
    best = float("inf")
    for _ in range(times):
        t = time.perf_counter()
        np.copyto(b, a)
        best = min(best, time.perf_counter() - t)
    return 2 * a.nbytes / best


def one_size(n: int, out: Path) -> dict:
    """The run at ``n`` users as ``slacktivism run`` does it, timed; then the mat-vec on its graph."""
    from model.scenario_files import load_scenario
    from slacktivism.commands.run import _build_with_progress
    from slacktivism.memory import too_big
    from slacktivism.outputs import write_run

    warm = load_scenario(str(SCENARIO), {"network.n_users": 2000})
    _build_with_progress(warm, False).run()  # loads the compiled kernels from numba's cache, untimed
    start = time.perf_counter()
    scenario = load_scenario(str(SCENARIO), {"network.n_users": n})
    if problem := too_big(scenario):
        return {"n": n, "refused": problem}
    model = _build_with_progress(scenario, sys.stderr.isatty())
    built = time.perf_counter()
    stamps = [built]
    summary = model.run(progress=lambda step: stamps.append(time.perf_counter()))
    ran = time.perf_counter()
    write_run(model, out, scenario_file=str(SCENARIO))
    written = time.perf_counter()
    peak = peak_bytes()
    steps = np.diff(stamps)
    asks = [s for s in scenario.campaign.asks if s <= len(steps)]
    graph = model.graph
    del model
    gc.collect()
    from scipy import sparse

    matrix = sparse.csr_matrix((np.ones(len(graph.followers), dtype=np.float32), graph.followers, graph.indptr),
                               shape=(n, n))
    x = np.random.default_rng(0).random(n, dtype=np.float32)
    spmv = float("inf")
    for _ in range(3 if n >= 10_000_000 else 20):
        t = time.perf_counter()
        matrix @ x
        spmv = min(spmv, time.perf_counter() - t)
    graph_bytes = graph.indptr.nbytes + graph.followers.nbytes
    if graph.directed:
        graph_bytes += graph.followee_indptr.nbytes + graph.followees.nbytes
    return {"n": n, "follows": len(graph.followers), "graph_bytes": graph_bytes, "build_s": built - start,
            "steps_s": ran - built, "write_s": written - ran, "total_s": written - start, "peak_bytes": peak,
            "steps_run": len(steps), "step_mean_s": float(steps.mean()), "step_max_s": float(steps.max()),
            "step_max_at": int(steps.argmax()) + 1, "ask_max_s": float(max(steps[s - 1] for s in asks)),
            "spmv_s": spmv, "bandwidth": copy_bandwidth(), "aware": summary["aware"], "acted": summary["acted"]}


def table(results: dict[str, dict]) -> str:
    """The scaling table: time and memory per size, each step against the mat-vec and the bandwidth's floor."""
    lines = ["| users | follows | end to end | build | 100 steps | write | peak memory | graph | "
             "mean step / mat-vec | slowest step / mat-vec | mat-vec / bandwidth floor | reach, actions |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in sorted(results.values(), key=lambda r: r["n"]):
        if "refused" in r:
            lines.append(f"| {r['n']:,} | | refused: {r['refused']} |" + " |" * 9)
            continue
        floor = r["graph_bytes"] / r["bandwidth"]
        target = TARGETS.get(r["n"])
        mark = "" if target is None else (
            f" ({'meets' if r['total_s'] < target[0] and r['peak_bytes'] < target[1] else 'misses'} "
            f"< {target[0] / 60:.0f} min, < {target[1] / 1e9:.0f} GB)")
        lines.append(
            f"| {r['n']:,} | {r['follows']:,} | {_seconds(r['total_s'])}{mark} | {_seconds(r['build_s'])} | "
            f"{_seconds(r['steps_s'])} | {_seconds(r['write_s'])} | {_bytes(r['peak_bytes'])} | "
            f"{_bytes(r['graph_bytes'])} | {r['step_mean_s'] / r['spmv_s']:.1f}x | "
            f"{r['step_max_s'] / r['spmv_s']:.1f}x (step {r['step_max_at']}) | {r['spmv_s'] / floor:.1f}x | "
            f"{r['aware']:,}, {r['acted']:,} |")
    bandwidths = [r["bandwidth"] / 1e9 for r in results.values() if "refused" not in r]
    lines += ["", f"A STREAM-style copy on this machine, measured in each size's process: {min(bandwidths):.1f} to "
              f"{max(bandwidths):.1f} GB/s (read plus write). The bandwidth floor is the graph's bytes over it: the "
              f"least time any pass over the graph can take. Measured by `make bench-national` ({_machine()})."]
    return "\n".join(lines)


def figure(results: dict[str, dict], path: Path) -> None:
    """Time per step and peak memory against users, each beside its yardstick (mat-vec, graph bytes)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    done = sorted((r for r in results.values() if "refused" not in r), key=lambda r: r["n"])
    n = np.array([r["n"] for r in done], dtype=float)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    left.loglog(n, [r["step_mean_s"] for r in done], "o-", label="mean step")
    left.loglog(n, [r["step_max_s"] for r in done], "s-", label="slowest step")
    left.loglog(n, [r["spmv_s"] for r in done], "^--", label="bare CSR mat-vec")
    floors = [r["graph_bytes"] / r["bandwidth"] for r in done]
    left.loglog(n, floors, ":", color="grey", label="graph bytes / bandwidth")
    left.set(xlabel="users", ylabel="seconds", title="Time of a step")
    left.legend()
    right.loglog(n, [r["peak_bytes"] / 1e9 for r in done], "o-", label="peak resident memory")
    right.loglog(n, [r["graph_bytes"] / 1e9 for r in done], "^--", label="the graph's bytes")
    right.axhline(20, color="grey", ls=":", label="20 GB target")
    right.set(xlabel="users", ylabel="GB", title="Memory of a run (100 steps)")
    right.legend()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _seconds(s: float) -> str:
    return f"{s:.1f} s" if s < 120 else f"{s / 60:.1f} min"


def _bytes(b: float) -> str:
    return f"{b / 1e9:.2f} GB" if b >= 1e9 else f"{b / 1e6:.0f} MB"


def _machine() -> str:
    import os
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda s: [int(float(x)) for x in s.split(",")], default=list(SIZES),
                        help="users per run, comma-separated (default 1e4,1e5,1e6,1e7,1e8)")
    parser.add_argument("--docs", type=Path, metavar="DIR", help="write the table into DIR's docs/performance.md")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        out = Path(tempfile.mkdtemp(prefix="national-"))
        try:
            print(json.dumps(one_size(args.child, out / "run")))
        finally:
            shutil.rmtree(out, ignore_errors=True)
        return 0
    subprocess.run([sys.executable, "-m", "slacktivism.warm"], check=True, stdout=subprocess.DEVNULL)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for n in args.sizes:
        child = subprocess.run([sys.executable, __file__, "--child", str(n)], stdout=subprocess.PIPE, text=True,
                               check=False)
        if child.returncode != 0:
            print(f"bench-national: the run at {n:,} users failed (exit {child.returncode})", file=sys.stderr)
            return 1
        results[str(n)] = json.loads(child.stdout.strip().splitlines()[-1])
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1))
        print(json.dumps(results[str(n)]), flush=True)
    text = table(results)
    print(text)
    figure(results, FIGURE)
    if args.docs:
        from slacktivism.readme import replace_block

        replace_block(args.docs, "national", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
