"""How much memory a run will need, estimated from the scenario before anything is built.

A run's peak resident memory is the larger of two phases. While a generated
graph is built, its edges and the graph's own rows are held
(``model.network.from_edges``), on top of the generator's own arrays; the
Barabási–Albert generator holds only its edges (about 9 bytes a follow in
all, measured at 2M and 10M users), the Watts–Strogatz one about 25 and the
Erdős–Rényi one about 38. While the model
runs, the graph holds one 32-bit index per follow and every user holds its
attributes, flags, step records, counters and recording. The constants are
peak resident set sizes of ``slacktivism run`` measured on this machine at
0.5M-4M users and mean degrees 2-100 (Barabási-Albert: 2M users at degree
100 peaked at 3.4 GB), and at 1M users and degree 40 (Watts-Strogatz,
Erdős-Rényi), with a tenth added so the estimate errs high;
``tests/test_footprint.py`` checks it against a run at another size.
"""

from __future__ import annotations

from typing import NamedTuple

from model.scenario import Network

#: The interpreter, NumPy, numba's kernels, Mesa and pandas, before any user exists: 0.27 GB with numba's cache
#: warm, 0.43 GB on a first run, which compiles the kernels.
BASE_BYTES = 450_000_000
#: Building the graph: bytes per follow (a user following another), by generator.
BUILD_PER_FOLLOW = {"barabasi_albert": 10, "watts_strogatz": 22, "ring_lattice": 22, "erdos_renyi": 37,
                    "complete": 37}
#: Building the graph: bytes per user (row pointers and counts).
BUILD_PER_USER = 16
#: Running: bytes per follow (the graph's 32-bit indices).
RUN_PER_FOLLOW = 4
#: Running: bytes per user (state, counters, step records, recording).
RUN_PER_USER = 120
#: The margin added to both phases.
MARGIN = 1.1


class Footprint(NamedTuple):
    """An estimated peak, and the sizes it was estimated from."""

    bytes: int
    users: int
    follows: int


def estimate(network: Network) -> Footprint | None:
    """The estimated peak memory of a run on ``network``; None for an edge list (its size is the file's)."""
    if network.kind == "edgelist" or network.n_users is None:
        return None
    n = network.n_users
    follows = n * (n - 1) if network.kind == "complete" else round(n * network.mean_degree)
    build = BUILD_PER_FOLLOW[network.kind] * follows + BUILD_PER_USER * n
    run = RUN_PER_FOLLOW * follows + RUN_PER_USER * n
    return Footprint(BASE_BYTES + round(MARGIN * max(build, run)), n, follows)
