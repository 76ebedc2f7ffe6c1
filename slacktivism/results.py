"""A sweep's results on disk: Parquet parts written as runs complete.

``DIR/runs/`` and ``DIR/timeseries/`` each hold Parquet part files; pandas
or pyarrow read a directory as one table (``pandas.read_parquet(DIR /
"runs")``). With ``record: users`` each run's user table is one more part,
``DIR/users/run-<run_id>.parquet`` (with a ``run_id`` column); these are
never compacted, so a reader can take one run's users without the rest.
Every completed run is written at once, as its own part, to a temporary
name that is then renamed, so a sweep killed at any moment (SIGKILL
included) loses at most the runs still in flight, and never leaves half a
file. Finished runs are compacted into larger parts every few hundred runs;
a crash in the middle of a compaction leaves duplicates that the next open
removes, so a reader never needs to deduplicate after a resume.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from model.run_files import atomic_write

#: Completed single-run parts are merged into one part every this many runs.
COMPACT_EVERY = 256


class ResultStore:
    """Append-only Parquet tables ``runs`` and ``timeseries`` under ``root``."""

    def __init__(self, root: Path, schema: pa.Schema):
        self.root = Path(root)
        self.schema = schema
        self.runs_dir = self.root / "runs"
        self.series_dir = self.root / "timeseries"
        self.users_dir = self.root / "users"
        for folder in (self.runs_dir, self.series_dir, self.users_dir):
            folder.mkdir(parents=True, exist_ok=True)
            for stale in folder.glob(".*.tmp"):
                stale.unlink()
        self._repair()
        self.done: set[str] = self._finished()
        self._small: list[tuple[Path, Path]] = sorted(
            (p, self.series_dir / p.name) for p in self.runs_dir.glob("run-*.parquet"))

    def add(self, row: dict, series: pa.Table | None, users: pa.Table | None = None) -> None:
        """Write one finished run (its summary row, its time series and its user table)."""
        write_run(self.root, row, series, self.schema, users)
        self.written(row)

    def written(self, row: dict) -> None:
        """Take note of a run whose files a worker wrote (:func:`write_run`)."""
        name = f"run-{row['run_id']}.parquet"
        self.done.add(row["run_id"])
        self._small.append((self.runs_dir / name, self.series_dir / name))
        if len(self._small) >= COMPACT_EVERY:
            self.compact()

    def compact(self) -> None:
        """Merge the single-run parts into one part per table."""
        if len(self._small) < 2:
            return
        part = f"part-{uuid.uuid4().hex[:12]}.parquet"
        runs = ds.dataset([str(r) for r, _ in self._small], schema=self.schema, format="parquet").to_table()
        series_files = [str(s) for _, s in self._small if s.exists()]
        if series_files:
            series = ds.dataset(series_files, format="parquet").to_table()
            atomic_write(self.series_dir / part, lambda p: pq.write_table(series, p))
        atomic_write(self.runs_dir / part, lambda p: pq.write_table(runs, p))
        for r, s in self._small:
            r.unlink(missing_ok=True)
            s.unlink(missing_ok=True)
        self._small = []

    def count_failed(self) -> int:
        """Runs recorded as failed."""
        if not any(self.runs_dir.glob("*.parquet")):
            return 0
        return pq.read_table(self.runs_dir, columns=["status"]).column("status").to_pylist().count("failed")

    def _finished(self) -> set[str]:
        if not any(self.runs_dir.glob("*.parquet")):
            return set()
        return set(pq.read_table(self.runs_dir, columns=["run_id"]).column("run_id").to_pylist())

    def _repair(self) -> None:
        """Clean up after a crash.

        Removes single-run parts already merged into a part (a compaction
        interrupted midway), and time series and user tables whose summary
        row never made it to disk.
        """
        merged: set[str] = set()
        for part in self.runs_dir.glob("part-*.parquet"):
            merged |= set(pq.read_table(part, columns=["run_id"]).column("run_id").to_pylist())
        for single in self.runs_dir.glob("run-*.parquet"):
            if single.stem.removeprefix("run-") in merged:
                single.unlink()
                (self.series_dir / single.name).unlink(missing_ok=True)
        for folder in (self.series_dir, self.users_dir):
            for part in folder.glob("run-*.parquet"):
                if not (self.runs_dir / part.name).exists() and part.stem.removeprefix("run-") not in merged:
                    part.unlink()


def write_run(root: Path, row: dict, series: pa.Table | None, schema: pa.Schema,
              users: pa.Table | None = None) -> None:
    """Write one run's parts under ``root``; callable in a worker process on the same machine."""
    name = f"run-{row['run_id']}.parquet"
    if series is not None:
        atomic_write(Path(root) / "timeseries" / name, lambda p: pq.write_table(series, p))
    if users is not None:
        atomic_write(Path(root) / "users" / name, lambda p: pq.write_table(users, p))
    # The summary row goes last: a run counts as done only once both are on disk.
    summary = pa.Table.from_pylist([row], schema=schema)
    atomic_write(Path(root) / "runs" / name, lambda p: pq.write_table(summary, p))
