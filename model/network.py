"""Follower networks as compressed sparse rows, generated from one ``rng``.

A network is stored the way the campaign travels: for every user ``j`` the
row ``followers[j]`` lists the users who follow ``j`` and so see ``j``'s
posts. ``n_followees[i]`` is how many accounts ``i`` follows, the denominator
of a fractional threshold (Watts 2002). On an undirected graph followers and
followees are both the neighbours.

Generators are vectorised NumPy (or numba for the sequential Barabasi-Albert
process) so that a million-user graph takes seconds, not the ~40 s networkx
needs; they follow networkx's semantics. All randomness comes from the
``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numba
import numpy as np


class Csr(NamedTuple):
    """One direction of the graph as compressed sparse rows, as the numba kernels take it.

    Row ``u`` is ``indices[indptr[u]:indptr[u + 1]]``: the users who see
    ``u``'s posts (:attr:`FollowerGraph.follower_rows`) or whom ``u``
    follows (:attr:`FollowerGraph.followee_rows`).
    """

    indptr: np.ndarray
    indices: np.ndarray


@dataclass(frozen=True)
class FollowerGraph:
    """A follower network over users ``0 .. n-1``.

    Attributes:
        indptr: CSR row pointers, length ``n + 1``.
        followers: CSR column indices; ``followers[indptr[j]:indptr[j+1]]``
            are the users who see ``j``'s posts.
        followee_indptr, followees: the transposed CSR, the accounts each
            user follows (the same arrays as the followers' when undirected).
        n_followees: number of accounts each user follows.
        directed: whether following is one-way.
    """

    indptr: np.ndarray
    followers: np.ndarray
    followee_indptr: np.ndarray
    followees: np.ndarray
    n_followees: np.ndarray
    directed: bool

    @property
    def n_users(self) -> int:
        """Number of users."""
        return len(self.indptr) - 1

    @property
    def follower_rows(self) -> Csr:
        """Each user's followers, the users who see its posts (:class:`Csr`)."""
        return Csr(self.indptr, self.followers)

    @property
    def followee_rows(self) -> Csr:
        """The accounts each user follows (:class:`Csr`)."""
        return Csr(self.followee_indptr, self.followees)

    @property
    def n_followers(self) -> np.ndarray:
        """Followers of each user (its reach when it posts)."""
        return np.diff(self.indptr)

    def followers_of(self, user: int) -> np.ndarray:
        """Users who see ``user``'s posts."""
        return self.followers[self.indptr[user]:self.indptr[user + 1]]

    def followees_of(self, user: int) -> np.ndarray:
        """Users whom ``user`` follows."""
        return self.followees[self.followee_indptr[user]:self.followee_indptr[user + 1]]

    def to_networkx(self):
        """A networkx graph of the network, for small graphs and layouts."""
        import networkx as nx

        graph = nx.DiGraph() if self.directed else nx.Graph()
        graph.add_nodes_from(range(self.n_users))
        owners = np.repeat(np.arange(self.n_users), self.n_followers)
        # An edge poster -> follower; for undirected graphs each pair appears twice.
        graph.add_edges_from(zip(self.followers.tolist(), owners.tolist(), strict=True) if self.directed
                             else zip(owners.tolist(), self.followers.tolist(), strict=True))
        return graph


def from_edges(n: int, u: np.ndarray, v: np.ndarray, *, directed: bool,
               building: Building | None = None) -> FollowerGraph:
    """Build a graph from edges ``u -> v`` meaning "u follows v".

    For an undirected graph each pair is a mutual follow. Self-loops and
    repeated edges are dropped.

    The rows are filled by a counting sort: count each poster's followers,
    place every follow in its row, sort each row on its own and drop repeats
    in place. Besides the edges it is given, the build holds only the
    graph's own arrays and one cursor per user, about 4 bytes per follow
    and 16 per user (``model.footprint``); a sort of one 64-bit key per
    follow would hold 8 bytes per follow more, and take longer.
    ``building`` is told the share done after each pass.
    """
    told = building or (lambda share: None)
    u, v = np.asarray(u), np.asarray(v)
    indptr = _row_pointers(u, v, n, not directed)
    told(0.2)
    follower = _place(u, v, indptr, not directed)
    told(0.5)
    _sort_rows(indptr, follower)
    told(0.7)
    kept = _drop_repeats(indptr, follower)
    if kept < len(follower):
        follower = follower[:kept].copy()
    told(0.8)
    if directed:
        followee_indptr, followees = _transpose(indptr, follower, n)
    else:
        followee_indptr, followees = indptr, follower
    told(1.0)
    n_followees = np.diff(followee_indptr).astype(np.int32)
    return FollowerGraph(indptr, follower, followee_indptr, followees, n_followees, directed)


@numba.njit(cache=True)
def _row_pointers(u, v, n, both):
    """Row pointers of the follows ``u -> v`` (row: the poster ``v``; ``both``: also ``v -> u``), self-loops dropped."""
    indptr = np.zeros(n + 1, np.int64)
    for i in range(len(u)):
        a, b = u[i], v[i]
        if a != b:
            indptr[b + 1] += 1
            if both:
                indptr[a + 1] += 1
    for row in range(n):
        indptr[row + 1] += indptr[row]
    return indptr


@numba.njit(cache=True)
def _place(u, v, indptr, both):
    """Each follow's follower in its poster's row, in the order given (32-bit users)."""
    cols = np.empty(indptr[-1], np.int32)
    cursor = indptr[:-1].copy()
    for i in range(len(u)):
        a, b = u[i], v[i]
        if a != b:
            cols[cursor[b]] = a
            cursor[b] += 1
            if both:
                cols[cursor[a]] = b
                cursor[a] += 1
    return cols


@numba.njit(cache=True, parallel=True)
def _sort_rows(indptr, cols):
    """Sort each row's columns in place (rows in parallel)."""
    for row in numba.prange(len(indptr) - 1):
        segment = cols[indptr[row]:indptr[row + 1]]
        if len(segment) > 1:
            segment.sort()


@numba.njit(cache=True)
def _drop_repeats(indptr, cols):
    """Drop repeated columns from sorted rows in place, moving rows down; returns the columns kept."""
    kept = 0
    start = 0
    for row in range(len(indptr) - 1):
        end = indptr[row + 1]
        previous = np.int32(-1)
        for e in range(start, end):
            col = cols[e]
            if e == start or col != previous:
                cols[kept] = col
                kept += 1
            previous = col
        start = end
        indptr[row + 1] = kept
    return kept


@numba.njit(cache=True)
def _transpose(indptr, cols, n):
    """The transposed CSR; rows are read in order, so each transposed row comes out sorted."""
    t_indptr = np.zeros(n + 1, np.int64)
    for c in cols:
        t_indptr[c + 1] += 1
    for row in range(n):
        t_indptr[row + 1] += t_indptr[row]
    t_cols = np.empty(len(cols), np.int32)
    cursor = t_indptr[:-1].copy()
    for row in range(n):
        for e in range(indptr[row], indptr[row + 1]):
            c = cols[e]
            t_cols[cursor[c]] = row
            cursor[c] += 1
    return t_indptr, t_cols


def unique_sorted(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values (radix sort; ``np.unique`` is far slower on 10^7 ints)."""
    keys = np.sort(keys, kind="stable")
    if len(keys) == 0:
        return keys
    keep = np.empty(len(keys), dtype=bool)
    keep[0] = True
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    return keys[keep]


def first_occurrences(keys: np.ndarray) -> np.ndarray:
    """Indices of the first occurrence of each distinct value, in value order."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    keep = np.empty(len(keys), dtype=bool)
    if len(keys):
        keep[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return order[keep]


#: Networks read from outside the core, by ``network.kind`` (``model.edgelist`` registers ``edgelist``). The core
#: reads no files: it asks the reader registered for a kind, which lives beside it.
READERS: dict[str, Callable[[Any], FollowerGraph]] = {}


#: Told the share of a graph built so far (0 to 1).
Building = Callable[[float], None]


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
