"""Posts travel to followers, and users count what their followees did.

Every user has one byte of state bits (``Population.bits``): what it is
(acted, a token supporter, a sharer, an engaged in-group member) and what it
posted in the last step (an aligned or a distorted share, a like, an action).
Each step:

1. :func:`post` records the new likes, shares and actions of the users who
   changed and marks their followers as *touched* (a byte per follower);
2. :func:`count_followees` recounts, for the touched users only, their
   followees' bits into ``Population.social``: followees who acted, gave token
   support, shared, or engaged from the in-group, and this step's feed items.

Reading one byte per followee from a table of one byte per user (1 MB at a
million users, which stays in cache) is faster than updating counters in
place, and every count is exact: it equals the follower matrix times the
state vector (the tests check this against dense and ``scipy.sparse``
products). Both loops are compiled with numba; large ones run on all cores,
split so that each output is written by one thread, which keeps results
identical whatever the number of threads.
"""

from __future__ import annotations

import numba
import numpy as np

from model.state import (
    ACTED,
    FEED_ACTS,
    FEED_DISTORTED,
    FEED_LIKES,
    FEED_SHARES,
    IN_GROUP,
    SHARER,
    TOKEN,
)

# Population.bits: what a user is ...
ACTED_BIT, TOKEN_BIT, SHARER_BIT, IN_GROUP_BIT = 1, 2, 4, 8
# ... and what it posted in the last step.
POSTED_ALIGNED, POSTED_DISTORTED, POSTED_LIKE, POSTED_ACT = 16, 32, 64, 128
STATE_BITS = ACTED_BIT | TOKEN_BIT | SHARER_BIT | IN_GROUP_BIT

#: Below this many followers to mark, a step marks them on one thread.
PARALLEL_MIN_EDGES = 200_000


def post(graph, posters, new_like, new_share, new_act, step, pop, touched) -> None:
    """Record the posters' new likes, shares and actions, and mark their followers touched.

    Args:
        graph: the :class:`~model.network.FollowerGraph`.
        posters: users who did something new this step (``new_like``,
            ``new_share``, ``new_act`` aligned with it).
        step: the current step, recorded in ``pop.step_acted``.
        pop: the :class:`~model.state.Population`, updated in place.
        touched: set for every follower of a poster.
    """
    _record(posters, new_like, new_share, new_act, step, pop.liked, pop.shared, pop.acted, pop.step_acted,
            pop.misaligned, pop.in_group, pop.bits)
    edges = int((graph.indptr[posters + 1] - graph.indptr[posters]).sum()) if len(posters) else 0
    threads = numba.get_num_threads() if edges >= PARALLEL_MIN_EDGES else 1
    if threads > 1:
        _mark_parallel(graph.indptr, graph.followers, posters, touched, threads)
    else:
        _mark(graph.indptr, graph.followers, posters, touched, 0, len(touched))


def clear_posts(bits: np.ndarray, users: np.ndarray) -> None:
    """Forget what these users posted (their posts have been delivered)."""
    bits[users] &= STATE_BITS


@numba.njit(cache=True, nogil=True)
def _record(posters, new_like, new_share, new_act, step, liked, shared, acted, step_acted, misaligned,
            in_group, bits):
    for p in range(len(posters)):
        j = posters[p]
        b = 0
        if new_like[p]:
            liked[j] = True
            b |= POSTED_LIKE
        if new_share[p]:
            shared[j] = True
            b |= POSTED_DISTORTED if misaligned[j] else POSTED_ALIGNED
        if new_act[p]:
            acted[j] = True
            step_acted[j] = step
            b |= POSTED_ACT
        if acted[j]:
            b |= ACTED_BIT
        elif liked[j] or shared[j]:
            b |= TOKEN_BIT
            if shared[j]:
                b |= SHARER_BIT
        if in_group[j] and (liked[j] or shared[j] or acted[j]):
            b |= IN_GROUP_BIT
        bits[j] = b


@numba.njit(cache=True, nogil=True)
def _mark(indptr, followers, posters, touched, lo, hi):
    for p in range(len(posters)):
        j = posters[p]
        for e in range(indptr[j], indptr[j + 1]):
            k = followers[e]
            if lo <= k < hi:
                touched[k] = True


@numba.njit(cache=True, parallel=True)
def _mark_parallel(indptr, followers, posters, touched, threads):
    n = len(touched)
    for t in numba.prange(threads):
        _mark(indptr, followers, posters, touched, t * n // threads, (t + 1) * n // threads)


def count_followees(graph, bits: np.ndarray, users: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Count, for each of ``users``, its followees' bits into eight counters.

    Args:
        graph: the :class:`~model.network.FollowerGraph`.
        bits: ``Population.bits``.
        users: the users to count for.
        out: ``Population.social`` to fill rows ``users`` in place; by default
            a new ``(len(users), 8)`` array, one row per user in order.
    """
    if out is None:
        out = np.zeros((len(users), 8), dtype=np.int32)
        rows = np.arange(len(users))
    else:
        rows = users
    _count(graph.followee_indptr, graph.followees, bits, users, out, rows)
    return out


@numba.njit(cache=True, parallel=True)
def _count(followee_indptr, followees, bits, users, social, rows):
    for q in numba.prange(len(users)):
        i = users[q]
        acted = token = sharer = group = shares = distorted = likes = acts = 0
        for e in range(followee_indptr[i], followee_indptr[i + 1]):
            b = bits[followees[e]]
            if b == 0:
                continue
            acted += b & ACTED_BIT
            token += (b & TOKEN_BIT) >> 1
            sharer += (b & SHARER_BIT) >> 2
            group += (b & IN_GROUP_BIT) >> 3
            shares += (b & POSTED_ALIGNED) >> 4
            distorted += (b & POSTED_DISTORTED) >> 5
            likes += (b & POSTED_LIKE) >> 6
            acts += (b & POSTED_ACT) >> 7
        r = rows[q]
        social[r, ACTED] = acted
        social[r, TOKEN] = token
        social[r, SHARER] = sharer
        social[r, IN_GROUP] = group
        social[r, FEED_SHARES] = shares
        social[r, FEED_DISTORTED] = distorted
        social[r, FEED_LIKES] = likes
        social[r, FEED_ACTS] = acts
