"""Writing a run's files beside the core: tables, summary with provenance, atomic writes and directory locks.

Like the readers beside the core (``model/scenario_files.py``,
``model/edgelist.py``), this module touches files so that the core never
does. It sits in ``model/`` so that every package that writes a run (the
command line, the app's class export) can import it without importing each
other (CONTRIBUTING.md, Layering). Figures are drawn by ``viz``.

Each file is written to a temporary name and renamed, so a crash never leaves
half a file behind.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from model.scenario import Scenario
    from model.slacktivism_model import SlacktivismModel

#: The packages a result depends on; their versions go into every provenance record.
PACKAGES = ("slacktivism", "mesa", "numpy", "scipy", "numba", "pydantic", "pyyaml", "pandas", "pyarrow",
            "matplotlib")


def write_tables(model: SlacktivismModel, out: Path, *, scenario_file: str | None = None) -> list[Path]:
    """Write ``timeseries.csv``, ``timeseries.parquet``, ``users.parquet`` and ``summary.json``.

    ``users.parquet`` is :meth:`~model.SlacktivismModel.user_table`: one row per user.
    ``summary.json`` is the model's summary with :func:`provenance`.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    frame = model.timeseries()
    paths = [out / "timeseries.csv", out / "timeseries.parquet", out / "summary.json", out / "users.parquet"]
    atomic_write(paths[0], lambda p: frame.to_csv(p, index=False))
    atomic_write(paths[1], lambda p: pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), p))
    summary = {**model.summary(), "provenance": provenance(model.spec, scenario_file)}
    atomic_write(paths[2], lambda p: Path(p).write_text(json.dumps(summary, indent=2) + "\n"))
    atomic_write(paths[3], lambda p: write_users(model, p))
    return paths


#: Users per row group of ``users.parquet``.
USERS_PER_ROW_GROUP = 1_000_000


def write_users(model: SlacktivismModel, path: Path, rows: int = USERS_PER_ROW_GROUP) -> None:
    """Write the user table (:data:`model.metrics.USER_COLUMNS`) to Parquet, ``rows`` users per row group.

    Each column is computed once as an array and written a row group at a
    time, zero-copy where Arrow can view the array, so a national run's table
    is never held twice (as a pandas frame and again as an Arrow table). Read
    back with pandas it equals :meth:`~model.SlacktivismModel.user_table`.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from model import metrics

    columns = {c.name: c.compute(model) for c in metrics.USER_COLUMNS}
    schema = pa.Schema.from_pandas(pd.DataFrame({k: v[:0] for k, v in columns.items()}), preserve_index=False)

    def column(values: Any, start: int) -> pa.Array:
        chunk = values[start:start + rows]
        if isinstance(chunk, pd.Categorical):
            return pa.DictionaryArray.from_arrays(pa.array(chunk.codes), pa.array(chunk.categories.to_numpy()))
        return pa.array(chunk)

    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, max(model.n_users, 1), rows):
            arrays = [column(columns[f.name], start) for f in schema]
            writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))


def provenance(scenario: Scenario, scenario_file: str | None = None) -> dict:
    """What is needed to trust and replay a result."""
    return {
        "scenario_file": scenario_file,
        "scenario_sha256": scenario.digest(),
        "scenario": scenario.model_dump(mode="json"),
        "seed": scenario.seed,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": package_versions(),
        **git_state(),
    }


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str]:
    """Installed versions of ``names`` ("not installed" for a missing one)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit() -> str | None:
    """The commit of the source tree, if it is a git checkout."""
    result = _git("rev-parse", "HEAD")
    return result.decode().strip() or None if result is not None else None


def git_state() -> dict:
    """The commit, whether the tree is dirty, and the sha256 of its changes, for every provenance record.

    ``git_dirty`` is true when ``git status --porcelain`` lists anything
    (untracked files included); ``git_diff_sha256`` is the sha256 of ``git
    diff HEAD`` (tracked files only), so two results from the same dirty tree
    can be told apart from results of another edit. All three are None outside
    a git checkout.
    """
    import hashlib

    commit = git_commit()
    if commit is None:
        return {"git_commit": None, "git_dirty": None, "git_diff_sha256": None}
    status, diff = _git("status", "--porcelain"), _git("diff", "HEAD")
    return {"git_commit": commit, "git_dirty": None if status is None else bool(status.strip()),
            "git_diff_sha256": None if diff is None else hashlib.sha256(diff).hexdigest()}


def _git(*args: str) -> bytes | None:
    """``git ARGS`` in the source tree's folder: its standard output, or None if git fails."""
    here = Path(__file__).resolve().parent
    try:
        result = subprocess.run(["git", "-C", str(here), *args], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp_path)`` and rename the temporary file onto ``path``.

    The temporary file ``.NAME.PID.RANDOM.tmp`` sits beside ``path`` (a rename
    within one folder is atomic) and is created by ``write`` itself, so the
    result gets the usual permissions.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class DirectoryBusyError(RuntimeError):
    """Another process holds the directory's lock; the message is one line."""


def lock_directory(out: Path, message: str) -> IO[str]:
    """An exclusive lock on ``out/.lock`` for the life of the returned file (the OS frees it if killed).

    Raises:
        DirectoryBusyError: with ``out: message`` when another process holds it.
    """
    import fcntl

    handle = open(Path(out) / ".lock", "w")  # noqa: SIM115 - held open for the whole job
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise DirectoryBusyError(f"{out}: {message}") from None
    return handle
