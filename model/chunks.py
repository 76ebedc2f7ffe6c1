"""Ordered work split across threads: ``CHUNKS`` contiguous slices, each handled in order by one thread.

A parallel loop that keeps some of its inputs (the users a step examines,
the choosers who post) must write them in the inputs' order, or results
would depend on the thread count. Each kernel that does so counts what each
slice keeps, turns the counts into offsets, and lets each slice fill its own
part of the output: the same arrays, in the same order, on any number of
threads.
"""

from __future__ import annotations

import numba

#: The inputs are split into this many slices, counted and then filled in parallel, each slice in order.
CHUNKS = 64


@numba.njit(cache=True, inline="always")
def chunk(c, n):
    """The bounds ``[lo, hi)`` of slice ``c`` of ``n`` items."""
    size = (n + CHUNKS - 1) // CHUNKS
    return min(n, c * size), min(n, (c + 1) * size)
