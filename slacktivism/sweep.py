"""Running a sweep: on a local process pool or a Dask cluster, resumably.

The driver expands the sweep lazily, keeps a bounded number of runs in
flight, and writes each result as it arrives (:mod:`slacktivism.results`),
so its memory does not grow with the number of runs. Rerunning the same
command skips the run ids already on disk. Runs are pure functions of their
resolved scenario and seed, so the tables do not depend on the executor or
the number of workers.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from model.metrics import BY_NAME, SERIES, SUMMARY
from slacktivism.results import ResultStore, write_run
from slacktivism.sweep_spec import Run, Sweep

_ARROW = {"int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}
_NUMPY = {"int64": np.int64, "float64": np.float64, "bool": np.bool_}


def execute(run: Run, record: frozenset[str], out: Path | None = None, schema: pa.Schema | None = None):
    """Run one simulation; never raises (a failure is a row with ``status: failed``).

    Returns the summary row, the time series as columns (or None) and the
    user table (``record`` holds ``users``; else None). With ``out``, the
    worker writes all three to the results directory itself and returns
    only the row (local workers share the driver's disk, which keeps the
    driver's work per run small).
    """
    started = time.perf_counter()
    values = {k: v if isinstance(v, (bool, int, float, str)) or v is None else json.dumps(v)
              for k, v in run.values.items()}
    row = {"run_id": run.run_id, "combination": run.combination, **values, "replicate": run.replicate,
           "seed": run.seed}
    try:
        from model import SlacktivismModel
        from model.scenario import Scenario

        model = SlacktivismModel(Scenario.model_validate(run.scenario))
        summary = model.run()
        frame = model.timeseries()
        if "end" in record:
            frame = frame.iloc[-1:]
        series = {"run_id": [run.run_id] * len(frame), "combination": [run.combination] * len(frame),
                  "step": frame["step"].to_numpy(np.int64)}
        for column in SERIES:
            series[column] = frame[column].to_numpy(_NUMPY[BY_NAME[column].dtype])
        users = None
        if "users" in record:
            table = model.user_table()
            table.insert(0, "run_id", run.run_id)
            users = pa.Table.from_pandas(table, preserve_index=False)
        row.update(status="ok", error="", **{k: summary[k] for k in SUMMARY})
    except Exception as exc:  # noqa: BLE001 - a failing run must not stop the sweep
        message = "".join(traceback.format_exception_only(exc)).strip().splitlines()[-1]
        row.update(status="failed", error=message[:500], **{k: None for k in SUMMARY})
        series = users = None
    row["wall_s"] = time.perf_counter() - started
    series = None if series is None else pa.table(series)
    if out is not None:
        write_run(out, row, series, schema, users)
        return row, None, None
    return row, series, users


def runs_schema(sweep: Sweep) -> pa.Schema:
    """The ``runs`` table's columns and types (fixed, so parts with failed runs still line up)."""
    fields = [pa.field("run_id", pa.string()), pa.field("combination", pa.int64())]
    for key in sweep.keys:
        fields.append(pa.field(key, _value_type([c.get(key) for c in sweep.combinations])))
    fields += [pa.field("replicate", pa.int64()), pa.field("seed", pa.int64()), pa.field("status", pa.string()),
               pa.field("error", pa.string())]
    fields += [pa.field(k, _ARROW[BY_NAME[k].dtype]) for k in SUMMARY]
    fields.append(pa.field("wall_s", pa.float64()))
    return pa.schema(fields)


def _value_type(values) -> pa.DataType:
    present = [v for v in values if v is not None]
    if all(isinstance(v, bool) for v in present):
        return pa.bool_()
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pa.int64()
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return pa.float64()
    return pa.string()


_TARGET: dict = {}


def _worker_init(out: Path | None, schema: pa.Schema | None) -> None:
    import numba

    numba.set_num_threads(1)  # one process per core; no nested threads
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver handles Ctrl-C
    _TARGET.update(out=out, schema=schema)


def _ready() -> bool:
    time.sleep(0.05)  # long enough that each warm-up task lands on its own worker
    return True


def _execute_and_write(run: Run, record: frozenset[str]):
    """Run in a local worker, which writes the results itself (set up by :func:`_worker_init`)."""
    return execute(run, record, _TARGET["out"], _TARGET["schema"])


class LocalExecutor:
    """A process pool on this machine."""

    writes_results = True

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = None

    def start(self, out: Path | None, schema: pa.Schema | None) -> None:
        """Start the workers (once); they write results under ``out`` themselves."""
        if self.pool is not None:
            return
        # forkserver: workers fork from a clean single-threaded server, never from the driver
        # (forking a process with threads can deadlock); the model is imported once, there.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["slacktivism.sweep"])
        # When a worker is killed (out of memory, say) the pool's queues cannot be released in order, and
        # multiprocessing's resource tracker, a process of its own started with the first queue, would print a
        # multi-line "leaked semaphore" warning after our one-line error. The tracker reads this variable.
        os.environ.setdefault("PYTHONWARNINGS", "ignore::UserWarning:multiprocessing.resource_tracker")
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_worker_init,
                                        initargs=(out, schema))

    def submit(self, run: Run, record: frozenset[str]):
        """Start a run; return its future."""
        return self.pool.submit(_execute_and_write, run, record)

    def warm_up(self) -> None:
        """Start every worker process now (they otherwise start with the first runs)."""
        for future in [self.pool.submit(_ready) for _ in range(self.workers)]:
            future.result()

    def wait(self, futures):
        """The futures that are done (at least one)."""
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        return done

    def cancel(self, futures) -> None:
        """Drop what has not started and stop without waiting."""
        self.pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Shut the pool down (if it was started)."""
        if self.pool is not None:
            self.pool.shutdown()


class DaskExecutor:
    """An existing Dask distributed cluster (``dask scheduler`` and ``dask worker`` processes)."""

    writes_results = False

    def __init__(self, address: str):
        import socket
        from urllib.parse import urlparse

        from dask.distributed import Client

        url = urlparse(address if "://" in address else f"tcp://{address}")
        if not url.hostname or not url.port:
            raise ValueError("expected tcp://HOST:PORT")
        # Fail at once on a refused connection, rather than after the client's retries.
        with socket.create_connection((url.hostname, url.port), timeout=10):
            pass
        self.client = Client(address, timeout="30s")
        self.workers = max(1, sum(self.client.nthreads().values()))

    def start(self, out: Path | None, schema: pa.Schema | None) -> None:
        """Nothing to start: the cluster is running; results travel back to the driver."""

    def submit(self, run: Run, record: frozenset[str]):
        """Start a run on the cluster; return its future."""
        return self.client.submit(execute, run, record, key=f"run-{run.run_id}", pure=False)

    def wait(self, futures):
        """The futures that are done (at least one)."""
        from dask.distributed import wait as dask_wait

        return dask_wait(list(futures), return_when="FIRST_COMPLETED").done

    def cancel(self, futures) -> None:
        """Cancel the runs in flight and disconnect."""
        self.client.cancel(list(futures))
        self.client.close()

    def close(self) -> None:
        """Disconnect."""
        self.client.close()


def run_sweep(sweep: Sweep, out: Path, executor, *, progress: bool = False) -> dict:
    """Run every unfinished run of ``sweep`` into ``out``; return counts.

    Raises:
        KeyboardInterrupt: after cancelling what is in flight; all finished runs are on disk.
    """
    schema = runs_schema(sweep)
    store = ResultStore(out, schema)
    executor.start(Path(out).resolve(), schema)
    manifest = _write_manifest(sweep, out, started=True)
    todo = (run for run in sweep.runs() if run.run_id not in store.done)
    total, skipped = sweep.n_runs, len(store.done)
    done = failed = 0
    bar = _bar(total, skipped, progress)
    in_flight: dict = {}
    limit = 16 * executor.workers  # enough queued work to keep workers busy while the driver compacts
    exhausted = False
    try:
        while True:
            while not exhausted and len(in_flight) < limit:
                run = next(todo, None)
                if run is None:
                    exhausted = True
                    break
                in_flight[executor.submit(run, sweep.spec.records)] = run
            if not in_flight:
                break
            for future in executor.wait(in_flight):
                in_flight.pop(future)
                row, series, users = future.result()
                if executor.writes_results:
                    store.written(row)
                else:
                    store.add(row, series, users)
                done += 1
                failed += row["status"] != "ok"
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(failed=failed)
    except KeyboardInterrupt:
        executor.cancel(list(in_flight))
        store.compact()
        if bar is not None:
            bar.close()
        raise
    finally:
        if bar is not None:
            bar.close()
    executor.close()
    store.compact()
    _write_manifest(sweep, out, started=manifest["started"], finished=True)
    return {"total": total, "skipped": skipped, "ran": done, "failed": store.count_failed()}


def _bar(total: int, initial: int, show: bool):
    if not show:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="run", file=sys.stderr, dynamic_ncols=True)


def _write_manifest(sweep: Sweep, out: Path, *, started, finished: bool = False) -> dict:
    from model.run_files import atomic_write, git_commit, package_versions

    path = out / "manifest.json"
    now = datetime.now(UTC).isoformat()
    previous = json.loads(path.read_text()) if path.exists() else {}
    manifest = {
        "sweep_file": str(sweep.path),
        "sweep": sweep.spec.model_dump(mode="json"),
        "base_scenario": sweep.base.model_dump(mode="json"),
        "varied": sweep.keys,
        "n_combinations": len(sweep.combinations),
        "n_runs": sweep.n_runs,
        "summary_columns": list(SUMMARY),
        "series_columns": list(SERIES),
        "packages": package_versions(),
        "git_commit": git_commit(),
        "python": sys.version.split()[0],
        "started": previous.get("started", now) if started is True else started,
        "finished": now if finished else None,
        "resumed": previous.get("resumed", 0) + (1 if previous and not finished else 0),
    }
    if sweep.sample_matrix is not None:
        manifest["sample_matrix"] = sweep.sample_matrix.tolist()
    atomic_write(path, lambda p: Path(p).write_text(json.dumps(manifest, indent=1) + "\n"))
    return manifest


def default_workers() -> int:
    """All cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

