"""Follower networks as compressed sparse rows, generated from one ``rng``.

A network is stored the way the campaign travels: for every user ``j`` the
row ``followers[j]`` lists the users who follow ``j`` and so see ``j``'s
posts. ``n_followees[i]`` is how many accounts ``i`` follows, the denominator
of a fractional threshold (Watts 2002). On an undirected graph followers and
followees are both the neighbours.

The rows are built from an edge list by a counting sort (:func:`from_edges`);
the random families that make the edge lists are in :mod:`model.generators`.
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
