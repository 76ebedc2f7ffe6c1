"""Whether an output directory can take a job: new, empty, or holding the same job to continue.

Sweeps, optimisations and calibrations are resumable: rerunning the command
continues into the same ``--out``. Each records what it is in a file of its
own (``manifest.json``, ``optimize.json``, ``calibration.json``); a directory
that holds another job, or files that are no job's, is refused before
anything runs, so nothing already computed is overwritten.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path


def unwritable(out: Path) -> str | None:
    """Why no results can be written into ``out``, or None."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        return "exists and is not a directory"
    parent = out
    while not parent.exists():
        parent = parent.parent
    if not os.access(parent, os.W_OK):
        return "is not writable"
    return None


def directory_problem(out: Path, record: str, spec: dict, what: str, *, field: str | None = None,
                      ignore: Iterable[str] = ()) -> str | None:
    """Why ``out`` cannot take the job ``spec`` (a JSON-able dict), or None.

    Args:
        out: the output directory.
        record: the file in ``out`` that describes the job held there.
        spec: this job's description, compared with the record's.
        what: the job's name in messages ("sweep", "optimisation", "calibration").
        field: where in the record the description sits (None: the whole record).
        ignore: keys that may differ, e.g. a stopping rule (more generations continue a calibration).
    """
    out = Path(out)
    problem = unwritable(out)
    if problem or not out.exists():
        return problem
    path = out / record
    if path.exists():
        try:
            previous = json.loads(path.read_text())
        except (OSError, ValueError):
            return f"holds an unreadable {record}; use another --out"
        previous = previous.get(field, {}) if field else previous
        spec = json.loads(json.dumps(spec))
        skip = set(ignore)
        differ = sorted(k for k in set(spec) | set(previous) if k not in skip and previous.get(k) != spec.get(k))
        return f"holds another {what} (its {', '.join(differ)} differ); use another --out" if differ else None
    if any(p.name != ".lock" for p in out.iterdir()):
        article = "an" if what[0] in "aeiou" else "a"
        return f"holds other files, not {article} {what}; use an empty or new --out"
    return None
