"""Posts travel to followers, and users count what their followees did.

Every user has one byte of state bits (``Population.bits``, one bit per
:class:`~model.state.Flag`): what it is
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

from model.state import N_COUNTS, STATE_BITS, Flag

# Masks and columns as plain integers, which numba folds into the loops.
ACTED_BIT, TOKEN_BIT, SHARER_BIT, IN_GROUP_BIT = (Flag.ACTED.mask, Flag.TOKEN.mask, Flag.SHARER.mask,
                                                  Flag.IN_GROUP.mask)
POSTED_ALIGNED, POSTED_DISTORTED, POSTED_LIKE, POSTED_ACT = (Flag.POSTED_ALIGNED.mask, Flag.POSTED_DISTORTED.mask,
                                                              Flag.POSTED_LIKE.mask, Flag.POSTED_ACT.mask)

(_ACTED, _TOKEN, _SHARER, _IN_GROUP, _POSTED_ALIGNED, _POSTED_DISTORTED, _POSTED_LIKE,
 _POSTED_ACT) = (int(f) for f in Flag)

#: Below this many followers to mark, a step marks them on one thread.
PARALLEL_MIN_EDGES = 200_000


def post(graph, posters, new_like, new_share, new_act, distort, step, pop, touched) -> None:
    """Record the posters' new likes, shares and actions, and mark their followers touched.

    Args:
        graph: the :class:`~model.network.FollowerGraph`.
        posters: users who did something new this step (``new_like``,
            ``new_share``, ``new_act`` aligned with it).
        distort: whether each poster's share carries a distorted framing.
        step: the current step, recorded in ``pop.step_liked``, ``step_shared``, ``step_acted``.
        pop: the :class:`~model.state.Population`, updated in place.
        touched: set for every follower of a poster.
    """
    _record(posters, new_like, new_share, new_act, distort, step, pop)
    edges = int((graph.indptr[posters + 1] - graph.indptr[posters]).sum()) if len(posters) else 0
    threads = numba.get_num_threads() if edges >= PARALLEL_MIN_EDGES else 1
    if threads > 1:
        _mark_parallel(graph.follower_rows, posters, touched, threads)
    else:
        _mark(graph.follower_rows, posters, touched, 0, len(touched))


def clear_posts(bits: np.ndarray, users: np.ndarray) -> None:
    """Forget what these users posted (their posts have been delivered)."""
    bits[users] &= np.uint8(STATE_BITS)


@numba.njit(cache=True, nogil=True)
def _record(posters, new_like, new_share, new_act, distort, step, pop):
    liked, shared, acted = pop.liked, pop.shared, pop.acted
    for p in range(len(posters)):
        j = posters[p]
        b = 0
        if new_like[p]:
            if not liked[j]:
                pop.step_liked[j] = step
            liked[j] = True
            b |= POSTED_LIKE
        if new_share[p]:
            if not shared[j]:
                pop.step_shared[j] = step
            shared[j] = True
            b |= POSTED_DISTORTED if distort[p] else POSTED_ALIGNED
        if new_act[p]:
            acted[j] = True
            pop.step_acted[j] = step
            b |= POSTED_ACT
        if acted[j]:
            b |= ACTED_BIT
        elif liked[j] or shared[j]:
            b |= TOKEN_BIT
            if shared[j]:
                b |= SHARER_BIT
        if pop.in_group[j] and (liked[j] or shared[j] or acted[j]):
            b |= IN_GROUP_BIT
        pop.bits[j] = b


@numba.njit(cache=True, nogil=True)
def _mark(follower_rows, posters, touched, lo, hi):
    indptr, followers = follower_rows.indptr, follower_rows.indices
    for p in range(len(posters)):
        j = posters[p]
        for e in range(indptr[j], indptr[j + 1]):
            k = followers[e]
            if lo <= k < hi:
                touched[k] = True


@numba.njit(cache=True, parallel=True)
def _mark_parallel(follower_rows, posters, touched, threads):
    n = len(touched)
    for t in numba.prange(threads):
        _mark(follower_rows, posters, touched, t * n // threads, (t + 1) * n // threads)


def count_followees(graph, bits: np.ndarray, users: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Count, for each of ``users``, its followees' bits into one counter per :class:`~model.state.Flag`.

    Args:
        graph: the :class:`~model.network.FollowerGraph`.
        bits: ``Population.bits``.
        users: the users to count for.
        out: ``Population.social`` to fill rows ``users`` in place; by default
            a new ``(len(users), 8)`` array, one row per user in order.
    """
    if out is None:
        out = np.zeros((len(users), N_COUNTS), dtype=np.int32)
        rows = np.arange(len(users))
    else:
        rows = users
    _count(graph.followee_rows, bits, users, out, rows)
    return out


@numba.njit(cache=True, parallel=True)
def _count(followee_rows, bits, users, social, rows):
    followee_indptr, followees = followee_rows.indptr, followee_rows.indices
    for q in numba.prange(len(users)):
        i = users[q]
        acted = token = sharer = group = shares = distorted = likes = acts = 0
        for e in range(followee_indptr[i], followee_indptr[i + 1]):
            b = bits[followees[e]]
            if b == 0:
                continue
            acted += (b >> _ACTED) & 1
            token += (b >> _TOKEN) & 1
            sharer += (b >> _SHARER) & 1
            group += (b >> _IN_GROUP) & 1
            shares += (b >> _POSTED_ALIGNED) & 1
            distorted += (b >> _POSTED_DISTORTED) & 1
            likes += (b >> _POSTED_LIKE) & 1
            acts += (b >> _POSTED_ACT) & 1
        r = rows[q]
        social[r, _ACTED] = acted
        social[r, _TOKEN] = token
        social[r, _SHARER] = sharer
        social[r, _IN_GROUP] = group
        social[r, _POSTED_ALIGNED] = shares
        social[r, _POSTED_DISTORTED] = distorted
        social[r, _POSTED_LIKE] = likes
        social[r, _POSTED_ACT] = acts
