"""Sweeps from Python: ``sweep(spec, out=..., workers=...)`` runs a sweep and returns its tables.

The same function the command line calls (:func:`slacktivism.sweep.run_sweep`),
on the same executors, so a notebook, a script and ``slacktivism sweep`` give
identical tables. It resumes and grows like the command: call it again with
the same ``out`` (and more replicates) and only the missing runs run.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd


class SweepError(ValueError):
    """A sweep that cannot run (a bad file, an ``out`` holding another sweep); the message is one line."""


@dataclass(frozen=True)
class SweepResults:
    """A finished sweep: where it is, its manifest and its tables."""

    out: Path
    manifest: dict
    #: One row per run (``combination``, the varied keys, ``replicate``, ``seed``, ``overrides``, outcomes).
    runs: pd.DataFrame
    #: Per run and step (``run_id, combination, step`` and the counts), if asked for.
    series: pd.DataFrame | None
    #: Runs done now, runs already on disk, runs that failed.
    counts: dict


def sweep(spec: str | Path | Mapping[str, Any], out: str | Path | None = None, *, workers: int | None = None,
          scheduler: str | None = None, series: bool = False, progress: bool = False) -> SweepResults:
    """Run (or resume, or grow) a sweep and return its tables as DataFrames.

    Args:
        spec: a sweep file, or its contents as a mapping (``scenario`` then relative to the current directory).
        out: the results directory (a new temporary directory if None).
        workers: local worker processes (default: all cores); ignored with ``scheduler``.
        scheduler: a Dask scheduler's address, e.g. ``tcp://host:8786``.
        series: also read the time series (it can be large).
        progress: show a progress bar.

    Raises:
        SweepError: a bad sweep, an ``out`` that holds another sweep, an unreachable scheduler.
    """
    from model.scenario_files import ScenarioError
    from slacktivism.executors import ExecutorError, connect
    from slacktivism.sweep import directory_problem, run_sweep
    from slacktivism.sweep_spec import load_sweep

    try:
        plan = load_sweep(spec)
    except ScenarioError as exc:
        raise SweepError(str(exc)) from None
    out = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="sweep-"))
    problem = directory_problem(out, plan)
    if problem:
        raise SweepError(f"{out}: {problem}")
    try:
        executor = connect(workers, scheduler)
    except ExecutorError as exc:
        raise SweepError(str(exc)) from None
    counts = run_sweep(plan, out, executor, progress=progress)
    return read_results(out, series=series, counts=counts)


def read_results(out: str | Path, *, series: bool = False, counts: dict | None = None) -> SweepResults:
    """A sweep directory's manifest and tables (runs sorted by combination and replicate)."""
    out = Path(out)
    runs = pd.read_parquet(out / "runs").sort_values(["combination", "replicate"]).reset_index(drop=True)
    frame = None
    if series and any((out / "timeseries").glob("*.parquet")):
        frame = pd.read_parquet(out / "timeseries").sort_values(["combination", "run_id", "step"])
        frame = frame.reset_index(drop=True)
    manifest = json.loads((out / "manifest.json").read_text())
    return SweepResults(out, manifest, runs, frame, counts or {})
