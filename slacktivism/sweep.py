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
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from model.metrics import BY_NAME, SERIES, SUMMARY
from slacktivism.executors import Executor
from slacktivism.progress import progress_bar
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
           "seed": run.seed, "overrides": json.dumps(run.overrides, sort_keys=True)}
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
        row.update(status="failed", error=message[:500], **dict.fromkeys(SUMMARY))
        series, users = None, None
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
    fields += [pa.field("replicate", pa.int64()), pa.field("seed", pa.int64()), pa.field("overrides", pa.string()),
               pa.field("status", pa.string()), pa.field("error", pa.string())]
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


#: The file that says which sweep a results directory holds.
MANIFEST = "manifest.json"

_TARGET: dict = {}


def _set_target(out: Path | None, schema: pa.Schema | None) -> None:
    """A local worker's set-up: where it writes its runs' results."""
    _TARGET.update(out=out, schema=schema)


def _execute_and_write(run: Run, record: frozenset[str]):
    """Run in a local worker, which writes the results itself (set up by :func:`_set_target`)."""
    return execute(run, record, _TARGET["out"], _TARGET["schema"])


def start_workers(executor: Executor, sweep: Sweep, out: Path) -> None:
    """Start ``executor``'s workers for ``sweep`` (once): local workers write their results under ``out``."""
    executor.start(_set_target, (Path(out).resolve(), runs_schema(sweep)))


def submit(executor: Executor, run: Run, record: frozenset[str]):
    """Start one run; on a local pool the worker writes its result, on a cluster it travels back."""
    if executor.local:
        return executor.submit(_execute_and_write, run, record)
    return executor.submit(execute, run, record, key=f"run-{run.run_id}")


def run_sweep(sweep: Sweep, out: Path, executor: Executor, *, progress: bool = False) -> dict:
    """Run every unfinished run of ``sweep`` into ``out``; return counts.

    Raises:
        KeyboardInterrupt: after cancelling what is in flight; all finished runs are on disk.
    """
    schema = runs_schema(sweep)
    store = ResultStore(out, schema)
    start_workers(executor, sweep, out)
    manifest = _write_manifest(sweep, out, started=True)
    todo = (run for run in sweep.runs() if run.run_id not in store.done)
    total, skipped = sweep.n_runs, len(store.done)
    done = failed = 0
    bar = progress_bar(total, "run", initial=skipped, show=progress)
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
                in_flight[submit(executor, run, sweep.spec.records)] = run
            if not in_flight:
                break
            for future in executor.wait(in_flight):
                in_flight.pop(future)
                row, series, users = future.result()
                if executor.local:
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


def _write_manifest(sweep: Sweep, out: Path, *, started, finished: bool = False) -> dict:
    from model.run_files import atomic_write, git_state, package_versions

    path = out / MANIFEST
    now = datetime.now(UTC).isoformat()
    previous = json.loads(path.read_text()) if path.exists() else {}
    manifest = {
        "sweep_file": str(sweep.path),
        "sweep": sweep.spec.model_dump(mode="json"),
        "base_scenario": sweep.base.model_dump(mode="json"),
        "varied": sweep.keys,
        "seeds": sweep.spec.seeds,
        "n_combinations": len(sweep.combinations),
        "n_runs": sweep.n_runs,
        "warnings": list(sweep.warnings),
        "summary_columns": list(SUMMARY),
        "series_columns": list(SERIES),
        "packages": package_versions(),
        **git_state(),
        "python": sys.version.split()[0],
        "started": previous.get("started", now) if started is True else started,
        "finished": now if finished else None,
        "resumed": previous.get("resumed", 0) + (1 if previous and not finished else 0),
        "grown": previous.get("grown", []) + _growth(previous, sweep),
    }
    if sweep.sample_matrix is not None:
        manifest["sample_matrix"] = sweep.sample_matrix.tolist()
    atomic_write(path, lambda p: Path(p).write_text(json.dumps(manifest, indent=1) + "\n"))
    return manifest


def _growth(previous: dict, sweep: Sweep) -> list[dict]:
    """A note of how the sweep grew since the manifest ``previous`` (an empty list if it did not)."""
    if not previous:
        return []
    before = previous["sweep"]
    now = sweep.spec.model_dump(mode="json")
    grew = {k: [before[k], now[k]] for k in ("replicates",) if before[k] != now[k]}
    if before.get("sample") and before["sample"]["n"] != now["sample"]["n"]:
        grew["sample.n"] = [before["sample"]["n"], now["sample"]["n"]]
    return [{"at": datetime.now(UTC).isoformat(), **grew}] if grew else []


def directory_problem(out: Path, sweep: Sweep) -> str | None:
    """Why ``out`` cannot take ``sweep``, or None: new, empty, the same sweep, or the same sweep grown.

    A sweep grows by more ``replicates`` (replicate *r*'s seed does not
    depend on how many there are) or, for a sampled design, a larger
    ``sample.n`` whose first points are the existing ones (SALib's Sobol'
    and Morris samples are; a Latin hypercube's strata all move, so it
    cannot grow). Every other key must be as it was, and nothing shrinks.
    """
    from slacktivism import jobs

    spec = sweep.spec.model_dump(mode="json")
    problem = jobs.directory_problem(out, MANIFEST, spec, "sweep", field="sweep", ignore=("replicates", "sample"))
    manifest = Path(out) / MANIFEST
    if problem or not manifest.exists():
        return problem
    record = json.loads(manifest.read_text())
    before = record["sweep"]
    if (before.get("sample") is None) != (spec.get("sample") is None):
        return "holds another sweep (its sample differs); use another --out"
    if before["replicates"] > spec["replicates"]:
        return f"holds a larger sweep (replicates: {before['replicates']}); ask for at least as many, or another --out"
    if spec.get("sample") is None:
        return None
    old, new = before["sample"], spec["sample"]
    differ = sorted(k for k in set(old) | set(new) if k != "n" and old.get(k) != new.get(k))
    if differ:
        return f"holds another sweep (its sample.{', sample.'.join(differ)} differ); use another --out"
    if old["n"] > new["n"]:
        return f"holds a larger sweep (sample.n: {old['n']}); ask for at least as many, or another --out"
    points = np.asarray(record.get("sample_matrix", []), dtype=float)
    drawn = sweep.sample_matrix if sweep.sample_matrix is not None else np.empty((0, 0))
    if old["n"] < new["n"] and not (len(points) <= len(drawn) and np.allclose(points, drawn[:len(points)])):
        return (f"holds a {old['method']} sample of n = {old['n']} whose points a sample of n = {new['n']} does "
                f"not keep (a {old['method']} design cannot grow); use another --out")
    return None


class ReplayError(ValueError):
    """A run that cannot be replayed (no such directory or run); the message is one line."""


def replay_scenario(out: Path, run_id: str):
    """The exact scenario of run ``run_id`` of the sweep in ``out``, and its row of ``runs``.

    The scenario is the manifest's resolved base scenario with the row's
    overrides (fixed and varied) and seed; its digest, combination, replicate
    and seed must hash to the run id, so a replay is the run or an error.
    """
    import pyarrow.dataset as ds

    from model.scenario import Scenario, json_digest
    from slacktivism.sweep_spec import resolve
    from slacktivism.sweep_spec import run_id as make_run_id

    out = Path(out)
    if not (out / MANIFEST).exists() or not (out / "runs").is_dir():
        raise ReplayError(f"{out}: not a sweep results directory (no manifest.json and runs/)")
    manifest = json.loads((out / MANIFEST).read_text())
    runs = ds.dataset(out / "runs", format="parquet")
    if "overrides" not in runs.schema.names:
        raise ReplayError(f"{out}: its runs predate the overrides column; replay with slacktivism run BASE --set "
                          f"KEY=VALUE ... --seed SEED (the fixed overrides are in manifest.json)")
    ids = runs.to_table(columns=["run_id"]).column("run_id").to_pylist()
    matches = [i for i in ids if i.startswith(run_id)]
    if len(matches) != 1:
        problem = "no run" if not matches else f"{len(matches)} runs"
        raise ReplayError(f"{out}: {problem} with id {run_id!r} ({len(ids)} runs, e.g. {ids[0] if ids else '-'})")
    row = runs.to_table(filter=ds.field("run_id") == matches[0]).to_pylist()[0]
    resolved = resolve(manifest["base_scenario"], json.loads(row["overrides"]))
    digest = json_digest({k: v for k, v in resolved.items() if k != "seed"})
    if make_run_id(digest, row["combination"], row["replicate"], row["seed"]) != row["run_id"]:
        raise ReplayError(f"{out}: run {row['run_id']}'s overrides and seed do not rebuild its scenario "
                          f"(manifest.json or runs/ edited?)")
    return Scenario.model_validate({**resolved, "seed": row["seed"]}), row
