"""One progress bar for every long job (steps of a run, runs of a sweep, trials of an optimisation)."""

from __future__ import annotations

import shutil
import sys


def progress_bar(total: int, unit: str, *, initial: int = 0, show: bool = True, desc: str | None = None,
                 leave: bool = True):
    """A tqdm bar on standard error, or None when ``show`` is false.

    A pseudo-terminal may report a 0x0 size, which makes tqdm draw nothing, so
    the size falls back to 80x24.
    """
    if not show:
        return None
    from tqdm import tqdm

    size = shutil.get_terminal_size((80, 24))
    return tqdm(total=total, initial=min(initial, total), unit=unit, file=sys.stderr, desc=desc, leave=leave,
                ncols=size.columns or 80, nrows=size.lines or 24)
