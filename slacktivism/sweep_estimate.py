"""A sweep's dry run: how many runs, about how long, and about how much disk, before any of it runs.

The time is measured, not guessed: one run of each of three combinations
spread over the cheaper half of the design (fewest users times steps) is
timed in this process, after an untimed run of each that loads the
compiled kernels, and every combination is scaled by its users times steps, since a
run's work grows with both. The sum is divided by the workers. Other costs
(network density, how far a campaign spreads) are only sampled, so the
estimate is rough; worker start-up (a few seconds) comes on top. The output size is measured the
same way: the timed runs' tables (Arrow, uncompressed) scaled by steps (time
series) and users (user tables); Parquet on disk is smaller.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

#: Runs timed for the estimate.
TIMED_RUNS = 3


@dataclass(frozen=True)
class Estimate:
    """What a dry run prints."""

    n_runs: int
    n_combinations: int
    replicates: int
    seeds: str
    done: int
    seconds: float
    workers: int
    timed: int
    timed_combination: str
    timed_users: int
    timed_steps: int
    seconds_per_run: float
    bytes_runs: float
    bytes_series: float
    bytes_users: float

    @property
    def todo(self) -> int:
        """Runs not yet on disk."""
        return self.n_runs - self.done

    def describe(self, file, out: Path | None) -> str:
        """Three lines: the runs, the time and how it was estimated, the output size."""
        already = f"; {self.done:,} already in {out}, {self.todo:,} to run" if self.done else ""
        total = self.bytes_runs + self.bytes_series + self.bytes_users
        parts = [f"runs {_size(self.bytes_runs)}", f"timeseries {_size(self.bytes_series)}"]
        if self.bytes_users:
            parts.append(f"users {_size(self.bytes_users)}")
        return "\n".join([
            f"{file}: {self.n_runs:,} runs ({self.n_combinations:,} combinations x {self.replicates} replicates, "
            f"seeds: {self.seeds}){already}",
            f"estimated time: {_duration(self.seconds)} on {self.workers} worker{'s' * (self.workers != 1)} "
            f"(from {self.timed} timed runs, of combinations {self.timed_combination}, about {self.timed_users:,} "
            f"users x {self.timed_steps} steps: {self.seconds_per_run:.3g} s each; the others scaled by users x "
            f"steps; worker start-up comes on top)",
            f"estimated output: {_size(total)} ({', '.join(parts)}; the timed runs' tables in memory, scaled; "
            f"Parquet on disk is smaller)",
        ])


def estimate(sweep, out: Path | None = None, workers: int | None = None, timed: int = TIMED_RUNS) -> Estimate:
    """Time ``timed`` runs of the cheapest combination and scale to the runs not yet in ``out``."""
    from slacktivism.executors import default_workers
    from slacktivism.sweep import execute, runs_schema
    from slacktivism.sweep_spec import combination_sizes

    workers = workers or default_workers()
    done = _done(out)
    sizes = combination_sizes(sweep)
    # Timed: runs of `timed` combinations spread over the cheaper half of the design (their costs differ by more
    # than users x steps, e.g. by density), after one untimed run that loads every compiled kernel.
    order = sorted(range(len(sizes)), key=lambda c: sizes[c][0] * sizes[c][1])[:max(1, (len(sizes) + 1) // 2)]
    picked = sorted({order[round(i * (len(order) - 1) / max(timed - 1, 1))] for i in range(timed)})
    first = {}
    for run in sweep.runs():
        if run.combination in picked and run.combination not in first:
            first[run.combination] = run
        if len(first) == len(picked):
            break
    runs = list(first.values())
    more = (r for r in sweep.runs() if r.combination == picked[0] and r.replicate > 0)
    runs += [r for _, r in zip(range(timed - len(runs)), more, strict=False)]  # few combinations: more replicates
    record = sweep.spec.records
    schema = runs_schema(sweep)
    import numba

    threads = numba.get_num_threads()
    numba.set_num_threads(1)  # as in a worker: one compiled-code thread each (slacktivism.executors)
    try:
        for run in runs:  # untimed: loads every compiled kernel the timed runs use (a small run misses some)
            execute(run, frozenset({"end"}))
        measured = {"runs": 0.0, "timeseries": 0.0, "users": 0.0}
        started = time.perf_counter()
        for run in runs:
            row, series, users_table = execute(run, record)
            measured["runs"] += pa.Table.from_pylist([row], schema=schema).nbytes / len(runs)
            measured["timeseries"] += (series.nbytes if series is not None else 0) / len(runs)
            measured["users"] += (users_table.nbytes if users_table is not None else 0) / len(runs)
        per_run = (time.perf_counter() - started) / len(runs)
    finally:
        numba.set_num_threads(threads)
    users = sum(sizes[r.combination][0] for r in runs) / len(runs)
    steps = sum(sizes[r.combination][1] for r in runs) / len(runs)
    work = max(sum(sizes[r.combination][0] * sizes[r.combination][1] for r in runs) / len(runs), 1)
    todo = [r for r in sweep.runs() if r.run_id not in done] if done else None
    weights = ([sizes[r.combination] for r in todo] if todo is not None
               else [size for size in sizes for _ in range(sweep.spec.replicates)])
    seconds = per_run * sum(n * s for n, s in weights) / work / workers
    series_rows = steps + 1 if "every_step" in record else 1
    bytes_series = measured["timeseries"] * sum((s + 1 if "every_step" in record else 1) / series_rows
                                                for _, s in weights)
    bytes_users = measured["users"] * sum(n / max(users, 1) for n, _ in weights)
    return Estimate(sweep.n_runs, len(sweep.combinations), sweep.spec.replicates, sweep.spec.seeds,
                    sweep.n_runs - len(todo) if todo is not None else 0, seconds, workers, len(runs),
                    ", ".join(str(r.combination) for r in runs), round(users), round(steps), per_run,
                    measured["runs"] * len(weights), bytes_series, bytes_users)


def _done(out: Path | None) -> set[str]:
    """Run ids already in ``out`` (read only: a dry run changes nothing on disk)."""
    folder = Path(out) / "runs" if out is not None else None
    if folder is None or not any(folder.glob("*.parquet")):
        return set()
    import pyarrow.parquet as pq

    return set(pq.read_table(folder, columns=["run_id"]).column("run_id").to_pylist())


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"
