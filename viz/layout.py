"""Network layouts for the classroom view, computed once per network.

Fruchterman-Reingold iterations (1991) from a random start, vectorised with
NumPy, with the all-pairs repulsion estimated from a random sample of nodes
(about half a second at 2,000 users, where networkx takes 11 s). It is
deterministic: its only randomness, the starting positions and the nodes
sampled for repulsion at each iteration, comes from a generator seeded by the
caller, never the model's.
"""

from __future__ import annotations

import numpy as np


def undirected_edges(graph, users: np.ndarray) -> np.ndarray:
    """Edges ``(a, b)`` among ``users`` (positions in ``users``), each pair once."""
    index = np.full(graph.n_users, -1, dtype=np.int64)
    index[users] = np.arange(len(users))
    owners = np.repeat(np.arange(graph.n_users), graph.n_followers)
    a, b = index[owners], index[graph.followers]
    keep = (a >= 0) & (b >= 0) & (a != b)
    pairs = np.sort(np.column_stack([a[keep], b[keep]]), axis=1)
    return np.unique(pairs, axis=0) if len(pairs) else pairs.reshape(0, 2)


def layout(n: int, edges: np.ndarray, seed: int, iterations: int = 50) -> np.ndarray:
    """Positions in [0, 1]^2 for ``n`` nodes joined by ``edges``."""
    rng = np.random.default_rng(seed)
    if n == 0:
        return np.zeros((0, 2))
    if n < 3 or len(edges) == 0:
        return rng.random((n, 2))
    pos = rng.random((n, 2))
    k = 1.0 / np.sqrt(n)
    temperature = 0.1
    pos = pos.astype(np.float32)
    sample = min(n, 128)
    for _ in range(iterations):
        # Repulsion from a random sample of nodes, scaled up: O(n * sample), not O(n^2).
        others = pos[rng.choice(n, size=sample, replace=False)]
        delta = pos[:, None, :] - others[None, :, :]
        dist2 = np.maximum((delta ** 2).sum(axis=2), 1e-6)
        force = (delta * (k * k / dist2)[:, :, None]).sum(axis=1) * (n / sample)
        d = pos[edges[:, 0]] - pos[edges[:, 1]]
        length = np.sqrt((d ** 2).sum(axis=1))[:, None]
        pull = d * length / k  # attraction along edges
        for axis in (0, 1):
            force[:, axis] += np.bincount(edges[:, 1], pull[:, axis], n) - np.bincount(edges[:, 0], pull[:, axis], n)
        norm = np.maximum(np.sqrt((force ** 2).sum(axis=1))[:, None], 1e-9)
        pos += force / norm * np.minimum(norm, temperature)
        temperature *= 0.92
    return _normalise(pos.astype(np.float64))


def _normalise(pos: np.ndarray) -> np.ndarray:
    low, high = pos.min(axis=0), pos.max(axis=0)
    return (pos - low) / np.where(high > low, high - low, 1.0)
