"""Random graph families, generated into follower networks (``model.network``) from one ``rng``.

Erdos-Renyi G(n, m), Watts-Strogatz small worlds (and the ring lattice they
start from), Barabasi-Albert preferential attachment, and the complete
graph, each as an edge list that :func:`model.network.from_edges` turns into
rows. They are vectorised NumPy (or numba for the sequential
Barabasi-Albert process) so that a million-user graph takes seconds, not the
~40 s networkx needs, and they follow networkx's semantics. All randomness
comes from the ``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

from collections.abc import Callable

import numba
import numpy as np

from model.network import READERS, Building, FollowerGraph, first_occurrences, from_edges


def build(net, make_rng: Callable[[], np.random.Generator], building: Building | None = None) -> FollowerGraph:
    """The network a scenario's ``network`` section describes: generated, or read by a registered reader.

    ``make_rng`` makes the network's generator, only for a generated family; ``building`` is told how far a
    generated graph's build has got.
    """
    if net.kind in READERS:
        return READERS[net.kind](net)
    return generate(net.kind, net.n_users, net.mean_degree, net.rewire_prob, net.directed, make_rng(), building)


def generate(kind: str, n: int, mean_degree: float, rewire_prob: float, directed: bool,
             rng: np.random.Generator, building: Building | None = None) -> FollowerGraph:
    """Generate a network of a named family.

    Args:
        kind: ``barabasi_albert``, ``erdos_renyi``, ``watts_strogatz``,
            ``ring_lattice`` or ``complete``.
        n: number of users.
        mean_degree: mean number of neighbours of the undirected graph.
        rewire_prob: Watts-Strogatz rewiring probability.
        directed: if true, each generated edge becomes one follow in a
            random direction.
        rng: the model's random generator.
        building: told the share built so far: the edges are the first
            half (the Barabasi-Albert process reports as it goes), the rows
            the second (:func:`from_edges`).
    """
    told = building or (lambda share: None)
    if kind == "barabasi_albert":
        u, v = barabasi_albert_edges(n, max(1, round(mean_degree / 2)), rng, lambda share: told(share / 2))
    elif kind == "erdos_renyi":
        u, v = erdos_renyi_edges(n, mean_degree, rng)
    elif kind == "watts_strogatz":
        u, v = watts_strogatz_edges(n, round(mean_degree), rewire_prob, rng)
    elif kind == "ring_lattice":
        u, v = watts_strogatz_edges(n, round(mean_degree), 0.0, rng)
    elif kind == "complete":
        u, v = np.triu_indices(n, k=1)
    else:
        raise ValueError(f"unknown network kind {kind!r}")
    if directed:
        flip = rng.random(len(u)) < 0.5
        u, v = np.where(flip, v, u), np.where(flip, u, v)
    told(0.5)
    return from_edges(n, u, v, directed=directed, building=lambda share: told(0.5 + share / 2))


def erdos_renyi_edges(n: int, mean_degree: float, rng: np.random.Generator):
    """G(n, m) with m = round(n z / 2) distinct edges (Erdos & Renyi 1959)."""
    m = min(round(n * mean_degree / 2), n * (n - 1) // 2)
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < m:
        need = m - len(keys)
        a = rng.integers(0, n, size=need + need // 10 + 16)
        b = rng.integers(0, n, size=len(a))
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        fresh = (lo * n + hi)[lo != hi]
        # Keep first occurrences in draw order so the result does not depend on sorting.
        merged = np.concatenate([keys, fresh])
        keys = merged[np.sort(first_occurrences(merged))][:m]
    return np.divmod(keys, n)


def watts_strogatz_edges(n: int, k: int, p: float, rng: np.random.Generator):
    """Ring of ``k`` nearest neighbours, each edge rewired with probability p.

    As networkx's ``watts_strogatz_graph`` (Watts & Strogatz 1998): the edge
    ``(u, u + j)`` keeps ``u`` and gets a new end chosen uniformly, avoiding
    self-loops and existing edges. ``k`` odd is rounded down, as networkx does.
    """
    half = min(k // 2, (n - 1) // 2)
    if half == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    u = np.repeat(np.arange(n, dtype=np.int64), half)
    v = (u + np.tile(np.arange(1, half + 1, dtype=np.int64), n)) % n
    pending = rng.random(len(u)) < p
    keep = np.ones(len(u), dtype=bool)
    while pending.any():
        v[pending] = rng.integers(0, n, size=int(pending.sum()))
        keys = np.minimum(u, v) * n + np.maximum(u, v)
        idx = np.flatnonzero(pending)
        repeat = np.ones(len(idx), dtype=bool)
        repeat[first_occurrences(keys[idx])] = False
        settled = np.sort(keys[~pending & keep], kind="stable")
        at = np.minimum(np.searchsorted(settled, keys[idx]), max(len(settled) - 1, 0))
        taken = settled[at] == keys[idx] if len(settled) else np.zeros(len(idx), dtype=bool)
        bad = (u[idx] == v[idx]) | repeat | taken
        pending = np.zeros(len(u), dtype=bool)
        pending[idx[bad]] = True
        if bad.all():
            # No edge settled this round. A user already joined to every other has no free end
            # left; networkx skips that rewiring (the edge it would drop is among those joins).
            ends = np.concatenate([u[~pending & keep], v[~pending & keep]])
            full = pending & (np.bincount(ends, minlength=n)[u] >= n - 1)
            keep &= ~full
            pending &= ~full
    return u[keep], v[keep]


#: Uniforms the Barabasi-Albert generator draws at a time (32 MB): drawn in turn, they are the same stream as one
#: draw of all of them, so the graph does not depend on it.
BA_CHUNK = 1 << 22


def barabasi_albert_edges(n: int, m: int, rng: np.random.Generator, building: Building | None = None):
    """Preferential attachment as networkx (Barabasi & Albert 1999).

    Starts from a star on ``m + 1`` nodes; each new node links to ``m``
    distinct existing nodes drawn with probability proportional to degree.

    An attempt may use ``(n - m - 1) m`` uniforms and a quarter more for the
    draws rejected as repeats; if that budget runs out it starts again with
    twice the spare. The uniforms are drawn ``BA_CHUNK`` at a time rather
    than all at once (8 bytes each: 5 GB for 100 million users), and the
    budget's unused rest is drawn and dropped, so the stream, the graph and
    the generator's state after it are those of one draw of the whole budget.
    ``building`` is told the share of the nodes attached after each chunk.
    The edges are one interleaved array (source, target, ...), which is also
    the list the preferential draws pick from: each endpoint appears once per
    edge it is on.
    """
    if m >= n:
        raise ValueError(f"barabasi_albert needs mean_degree/2 < n_users (got m={m}, n={n})")
    size = (n - m - 1) * m
    extra = max(1024, size // 4)
    while True:
        budget = size + extra
        edges, state = _ba_start(n, m)
        drawn, done = 0, False
        while not done and drawn < budget:
            take = min(BA_CHUNK, budget - drawn)
            done = _ba_grow(n, m, edges, state, rng.random(take))
            drawn += take
            if building is not None:
                building(min(1.0, float(state[0]) / n))
        if done:
            while drawn < budget:
                take = min(BA_CHUNK, budget - drawn)
                rng.random(take)
                drawn += take
            return edges[0::2], edges[1::2]
        extra *= 2


@numba.njit(cache=True)
def _ba_start(n, m):
    """The star the process starts from, and its state (next node, targets found, endpoints so far, targets)."""
    # Users are 32-bit (network.n_users is below 2^31), which halves the generator's array.
    edges = np.empty(2 * (m + (n - m - 1) * m), np.int32)
    for leaf in range(1, m + 1):
        edges[2 * leaf - 2] = 0
        edges[2 * leaf - 1] = leaf
    state = np.zeros(3 + m, np.int64)
    state[0], state[1], state[2] = m + 1, 0, 2 * m
    return edges, state


@numba.njit(cache=True)
def _ba_grow(n, m, edges, state, uniforms):
    """Carry the process on with ``uniforms``; True once every node is attached, False when they run out."""
    new, k, r = state[0], state[1], state[2]
    targets = state[3:]
    pos = 0
    while new < n:
        while k < m:
            if pos >= len(uniforms):
                state[0], state[1], state[2] = new, k, r
                return False
            t = edges[int(uniforms[pos] * r)]
            pos += 1
            fresh = True
            for q in range(k):
                if targets[q] == t:
                    fresh = False
            if fresh:
                targets[k] = t
                k += 1
        for q in range(m):
            edges[r] = new
            edges[r + 1] = targets[q]
            r += 2
        new += 1
        k = 0
    state[0], state[1], state[2] = new, k, r
    return True
