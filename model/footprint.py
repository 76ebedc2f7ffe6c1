"""How much memory a run will need, estimated from the scenario before anything is built.

A generated network's peak resident memory is dominated by the follower
graph while it is built and held (two CSR structures of 64-bit indices,
plus the edge arrays they are sorted from); per-user state is a few dozen
bytes. The constants are peak resident set sizes of ``slacktivism run``
measured on Barabási–Albert and Watts–Strogatz graphs from 500,000 to
4,000,000 users at mean degrees 2 to 100 (CONTRIBUTING.md: measurements live
in the README; ``tests/test_footprint.py`` checks the estimate against a
real run). They err on the high side.
"""

from __future__ import annotations

from typing import NamedTuple

from model.scenario import Network

#: The interpreter, NumPy, numba's compiled kernels, Mesa and pandas, before any user exists.
BASE_BYTES = 300_000_000
#: Per-user state (attributes, flags, step records, counters) and recording.
PER_USER_BYTES = 60
#: Per entry of the follower lists (a user following another): the graph and its build.
PER_FOLLOWER_BYTES = 52


class Footprint(NamedTuple):
    """An estimated peak, and the sizes it was estimated from."""

    bytes: int
    users: int
    follower_entries: int


def estimate(network: Network) -> Footprint | None:
    """The estimated peak memory of a run on ``network``; None for an edge list (its size is the file's)."""
    if network.kind == "edgelist" or network.n_users is None:
        return None
    n = network.n_users
    entries = n * (n - 1) if network.kind == "complete" else round(n * network.mean_degree)
    return Footprint(BASE_BYTES + PER_USER_BYTES * n + PER_FOLLOWER_BYTES * entries, n, entries)
