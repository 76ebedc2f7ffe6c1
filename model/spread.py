"""Posts travel to followers: the one loop over edges, compiled with numba.

Each step only the users who did something new post; their posts reach their
followers' feeds and update those followers' counters of followees who acted
or gave token support. The work is proportional to the followers of the users
who changed, not to the whole graph, and it is exact: every counter equals
what a full sparse product with the follower matrix would give (the tests
check this against ``scipy.sparse``).

Large deliveries are split across threads by *follower* range, so each
counter is written by one thread only: the result is the same, bit for bit,
whatever the number of threads.
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

# Bits of a post: what it shows, and how it moves its followers' counters.
ALIGNED_SHARE, DISTORTED_SHARE, LIKE, ACT = 1, 2, 4, 8
TOKEN_UP, TOKEN_DOWN, SHARER_UP, SHARER_DOWN, IN_GROUP_UP = 16, 32, 64, 128, 256

#: Below this many follower deliveries a step is delivered on one thread.
PARALLEL_MIN_DELIVERIES = 200_000


def post(indptr, followers, posters, new_like, new_share, new_act, step,
         liked, shared, acted, step_acted, misaligned, in_group, social, touched):
    """Record each poster's new likes, shares and actions and deliver them to its followers.

    Args:
        indptr, followers: the follower CSR.
        posters: users who did something new this step (``new_like``,
            ``new_share``, ``new_act`` aligned with it).
        step: the current step, recorded in ``step_acted``.
        liked, shared, acted, step_acted: the posters' state, updated in place.
        misaligned, in_group: the posters' attributes.
        social: the followers' counters and feed items (``Population.social``).
        touched: set for every follower reached.
    """
    flags = _record(posters, new_like, new_share, new_act, step, liked, shared, acted, step_acted,
                    misaligned, in_group)
    deliveries = int((indptr[posters + 1] - indptr[posters]).sum()) if len(posters) else 0
    threads = numba.get_num_threads() if deliveries >= PARALLEL_MIN_DELIVERIES else 1
    if threads > 1:
        _deliver_parallel(indptr, followers, posters, flags, social, touched, threads)
    else:
        _deliver(indptr, followers, posters, flags, social, touched, 0, social.shape[0])


@numba.njit(cache=True, nogil=True)
def _record(posters, new_like, new_share, new_act, step, liked, shared, acted, step_acted, misaligned,
            in_group):
    """Update the posters' own state; return each post's bits (from the state before)."""
    flags = np.zeros(len(posters), dtype=np.int32)
    for p in range(len(posters)):
        j = posters[p]
        like, share, act = new_like[p], new_share[p], new_act[p]
        was_token = (liked[j] or shared[j]) and not acted[j]
        was_sharer = shared[j] and not acted[j]
        was_engaged = liked[j] or shared[j] or acted[j]
        f = 0
        if share:
            f |= DISTORTED_SHARE if misaligned[j] else ALIGNED_SHARE
        if like:
            f |= LIKE
        if act:
            f |= ACT
        if (like or share) and not act and not was_token:
            f |= TOKEN_UP
        elif act and was_token:
            f |= TOKEN_DOWN
        if share and not act:
            f |= SHARER_UP
        elif act and was_sharer:
            f |= SHARER_DOWN
        if in_group[j] and not was_engaged:
            f |= IN_GROUP_UP
        flags[p] = f
        if like:
            liked[j] = True
        if share:
            shared[j] = True
        if act:
            acted[j] = True
            step_acted[j] = step
    return flags


@numba.njit(cache=True, nogil=True)
def _deliver(indptr, followers, posters, flags, social, touched, lo, hi):
    """Deliver the posts to followers ``lo <= k < hi``."""
    for p in range(len(posters)):
        j = posters[p]
        f = flags[p]
        for e in range(indptr[j], indptr[j + 1]):
            k = followers[e]
            if k < lo or k >= hi:
                continue
            touched[k] = True
            if f & ALIGNED_SHARE:
                social[k, FEED_SHARES] += 1
            if f & DISTORTED_SHARE:
                social[k, FEED_DISTORTED] += 1
            if f & LIKE:
                social[k, FEED_LIKES] += 1
            if f & ACT:
                social[k, FEED_ACTS] += 1
                social[k, ACTED] += 1
            if f & TOKEN_UP:
                social[k, TOKEN] += 1
            elif f & TOKEN_DOWN:
                social[k, TOKEN] -= 1
            if f & SHARER_UP:
                social[k, SHARER] += 1
            elif f & SHARER_DOWN:
                social[k, SHARER] -= 1
            if f & IN_GROUP_UP:
                social[k, IN_GROUP] += 1


@numba.njit(cache=True, parallel=True)
def _deliver_parallel(indptr, followers, posters, flags, social, touched, threads):
    n = social.shape[0]
    for t in numba.prange(threads):
        _deliver(indptr, followers, posters, flags, social, touched, t * n // threads, (t + 1) * n // threads)
