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
place. The eight counts are summed at once: each byte is looked up as a
64-bit word with one bit per byte lane, and a user's words are added, up
to 255 at a time (SIMD within a register). Every count is exact: it equals the follower matrix times the
state vector (the tests check this against dense and ``scipy.sparse``
products). Both loops are compiled with numba; large ones run on all cores,
split so that each output is written by one thread, or (marking followers
touched) so that every thread writes only ``True``: results stay identical
whatever the number of threads.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from model.chunks import CHUNKS, chunk
from model.state import N_COUNTS, STATE_BITS, Flag

# Masks and columns as plain integers, which numba folds into the loops.
ACTED_BIT, TOKEN_BIT, SHARER_BIT, IN_GROUP_BIT = (Flag.ACTED.mask, Flag.TOKEN.mask, Flag.SHARER.mask,
                                                  Flag.IN_GROUP.mask)
POSTED_ALIGNED, POSTED_DISTORTED, POSTED_LIKE, POSTED_ACT = (Flag.POSTED_ALIGNED.mask, Flag.POSTED_DISTORTED.mask,
                                                              Flag.POSTED_LIKE.mask, Flag.POSTED_ACT.mask)


#: Below this many followers to mark, a step marks them on one thread.
PARALLEL_MIN_EDGES = 50_000


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
    edges = int((graph.indptr[posters + 1] - graph.indptr[posters]).sum()) if len(posters) else 0
    if edges >= PARALLEL_MIN_EDGES and numba.get_num_threads() > 1:
        _record_parallel(posters, new_like, new_share, new_act, distort, step, pop)
        _mark_parallel(graph.follower_rows, posters, touched)
    else:
        _record(posters, new_like, new_share, new_act, distort, step, pop)
        _mark(graph.follower_rows, posters, touched)


class Changes(NamedTuple):
    """What is new in a step's choices: the users who post (sorted) and what each posts.

    ``first``: whether this is the user's first engagement (it had not
    liked or shared; no chooser has acted). ``liked``, ``shared`` and
    ``acted`` count the new likes, shares and actions.
    """

    posters: np.ndarray
    like: np.ndarray
    share: np.ndarray
    act: np.ndarray
    first: np.ndarray
    liked: int
    shared: int
    acted: int


def changes(users, like, share, act, pop) -> Changes:
    """The choices (aligned with ``users``, none of whom has acted) that change something, in one pass."""
    kernel = _changes_parallel if len(users) >= PARALLEL_MIN_USERS and numba.get_num_threads() > 1 else _changes
    return Changes(*kernel(users, like, share, act, pop.liked, pop.shared))


#: Below this many choosers, a step finds what changed on one thread (waking the others costs more).
PARALLEL_MIN_USERS = 200_000


@numba.njit(cache=True, inline="always")
def _keep(q, k, i, nl, ns, act, liked, shared, posters, new_like, new_share, new_act, first):
    """Chooser ``q`` (user ``i``) becomes the ``k``-th poster: what it posts, and whether it is its first engagement."""
    posters[k], new_like[k], new_share[k], new_act[k] = i, nl, ns, act[q]
    first[k] = not (liked[i] or shared[i])


@numba.njit(cache=True)
def _changes(users, like, share, act, liked, shared):
    n = 0
    for q in range(len(users)):
        i = users[q]
        n += (like[q] and not liked[i]) or (share[q] and not shared[i]) or act[q]
    posters = np.empty(n, dtype=np.int64)
    new_like = np.empty(n, dtype=np.bool_)
    new_share = np.empty(n, dtype=np.bool_)
    new_act = np.empty(n, dtype=np.bool_)
    first = np.empty(n, dtype=np.bool_)
    k = n_like = n_share = n_act = 0
    for q in range(len(users)):
        i = users[q]
        nl = like[q] and not liked[i]
        ns = share[q] and not shared[i]
        if nl or ns or act[q]:
            posters[k], new_like[k], new_share[k], new_act[k] = i, nl, ns, act[q]
            first[k] = not (liked[i] or shared[i])
            n_like += nl
            n_share += ns
            n_act += act[q]
            k += 1
    return posters, new_like, new_share, new_act, first, n_like, n_share, n_act


@numba.njit(cache=True, parallel=True)
def _changes_parallel(users, like, share, act, liked, shared):
    """:func:`_changes` on all cores: each slice of the choosers fills its own part of the output, in order."""
    n = len(users)
    sizes = np.zeros(CHUNKS + 1, dtype=np.int64)
    for c in numba.prange(CHUNKS):
        lo, hi = chunk(c, n)
        k = 0
        for q in range(lo, hi):
            i = users[q]
            k += (like[q] & (not liked[i])) | (share[q] & (not shared[i])) | act[q]
        sizes[c + 1] = k
    offsets = np.cumsum(sizes)
    m = offsets[-1]
    posters = np.empty(m, dtype=np.int64)
    new_like = np.empty(m, dtype=np.bool_)
    new_share = np.empty(m, dtype=np.bool_)
    new_act = np.empty(m, dtype=np.bool_)
    first = np.empty(m, dtype=np.bool_)
    for c in numba.prange(CHUNKS):
        lo, hi = chunk(c, n)
        k, end = offsets[c], offsets[c + 1]
        for q in range(lo, hi):  # without a branch per chooser: the slot advances only if it posts
            i = users[q]
            nl = like[q] & (not liked[i])
            ns = share[q] & (not shared[i])
            if k < end:
                _keep(q, k, i, nl, ns, act, liked, shared, posters, new_like, new_share, new_act, first)
            k += nl | ns | act[q]
    return posters, new_like, new_share, new_act, first, new_like.sum(), new_share.sum(), new_act.sum()


def clear_posts(bits: np.ndarray, users: np.ndarray) -> None:
    """Forget what these users posted (their posts have been delivered)."""
    bits[users] &= np.uint8(STATE_BITS)


@numba.njit(cache=True, inline="always")
def _record_one(p, j, new_like, new_share, new_act, distort, step, liked, shared, acted, in_group, bits,
                step_liked, step_shared, step_acted):
    """Poster ``j`` (``p``-th of the posters) records what it did and what it posts in its state byte."""
    b = 0
    if new_like[p]:
        if not liked[j]:
            step_liked[j] = step
        liked[j] = True
        b |= POSTED_LIKE
    if new_share[p]:
        if not shared[j]:
            step_shared[j] = step
        shared[j] = True
        b |= POSTED_DISTORTED if distort[p] else POSTED_ALIGNED
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
def _record(posters, new_like, new_share, new_act, distort, step, pop):
    for p in range(len(posters)):
        _record_one(p, posters[p], new_like, new_share, new_act, distort, step, pop.liked, pop.shared, pop.acted,
                    pop.in_group, pop.bits, pop.step_liked, pop.step_shared, pop.step_acted)


@numba.njit(cache=True, parallel=True)
def _record_parallel(posters, new_like, new_share, new_act, distort, step, pop):
    """:func:`_record` on all cores: posters are distinct, so each user's state is written by one thread."""
    # Arrays are taken out of the record first: numba drops writes to a record's arrays inside prange.
    liked, shared, acted, in_group, bits = pop.liked, pop.shared, pop.acted, pop.in_group, pop.bits
    step_liked, step_shared, step_acted = pop.step_liked, pop.step_shared, pop.step_acted
    for p in numba.prange(len(posters)):
        _record_one(p, posters[p], new_like, new_share, new_act, distort, step, liked, shared, acted, in_group,
                    bits, step_liked, step_shared, step_acted)


@numba.njit(cache=True, nogil=True)
def _mark(follower_rows, posters, touched):
    indptr, followers = follower_rows.indptr, follower_rows.indices
    for p in range(len(posters)):
        j = posters[p]
        for e in range(indptr[j], indptr[j + 1]):
            touched[followers[e]] = True


@numba.njit(cache=True, parallel=True)
def _mark_parallel(follower_rows, posters, touched):
    """:func:`_mark` on all cores, split by poster: two threads may mark one follower, both writing ``True``."""
    indptr, followers = follower_rows.indptr, follower_rows.indices
    for p in numba.prange(len(posters)):
        j = posters[p]
        for e in range(indptr[j], indptr[j + 1]):
            touched[followers[e]] = True


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


def _spread_bits() -> np.ndarray:
    """For each state byte, a 64-bit word with bit ``c`` of the byte moved to the lowest bit of byte ``c``."""
    table = np.zeros(256, dtype=np.uint64)
    for b in range(256):
        table[b] = sum(1 << (8 * c) for c in range(N_COUNTS) if (b >> c) & 1)
    return table


#: Adding ``SPREAD[b]`` for up to 255 followees counts all eight bits at once, one per byte (SWAR).
SPREAD = _spread_bits()
_LANE = 255  # followees summed into one word before its bytes could overflow


@numba.njit(cache=True, parallel=True)
def _count(followee_rows, bits, users, social, rows):
    for q in numba.prange(len(users)):
        count_one(users[q], followee_rows, bits, social[rows[q]])


@numba.njit(cache=True, inline="always")
def count_one(i, followee_rows, bits, counts):
    """User ``i``'s eight counters into ``counts``, one addition per followee: its followees' spread words summed."""
    lo, hi = followee_rows.indptr[i], followee_rows.indptr[i + 1]
    followees = followee_rows.indices
    byte = numba.uint64(0xFF)
    for c in range(N_COUNTS):
        counts[c] = 0
    while lo < hi:
        end = min(hi, lo + _LANE)
        word = numba.uint64(0)
        for e in range(lo, end):
            word += SPREAD[bits[followees[e]]]
        for c in range(N_COUNTS):
            counts[c] += np.int32((word >> numba.uint64(8 * c)) & byte)
        lo = end
