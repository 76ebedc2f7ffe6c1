"""Invitations and nominations: a supporter personally asks some of its followers.

Facebook Causes let a member invite friends to a cause, and its records of
who invited whom are the data of Lewis, Gray & Meierhenrich (2014): in the
Save Darfur Cause a small minority of members sent most invitations and
recruited most others, while 72% recruited no one. The Ice Bucket Challenge
worked the same way by nomination. An invitation differs from a post in the
feed: it is targeted and personal, so the invited user is asked directly
(``campaign.ask_odds`` applies, as at a reminder) at the next step, and if it
then engages for the first time its inviter is its recruiter
(``Channel.INVITATION``).

Each user has a propensity to invite, lognormal with mean 1 and log-sd
``invitations.spread`` (heavy-tailed for a large spread), drawn at set-up
from its own stream. On first engaging it sends
``Poisson(invitations.rate * propensity)`` invitations (at most one per
follower, and at most 4,095) to distinct followers drawn at random (Floyd's
sampling without replacement) with keyed draws, so who is invited does not
depend on who else is. The draw coordinates pack the k-th invitation into
the step (``step * 4096 + k``), which stays below 2^32 because ``steps`` is
at most 1,000,000 (``model/scenario.py``).
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from model.randomness import generator, uniform

#: Invitations one user can send at one step (the draw coordinates pack the k-th invitation in 12 bits).
MAX_INVITATIONS = 4095
#: The largest step whose packed coordinates (``step * 4096 + k``) fit the 32 bits of :func:`uniform`'s step.
MAX_STEP = (2**32 - 1 - MAX_INVITATIONS) // (MAX_INVITATIONS + 1)


def propensities(spread: float, n: int, seed: int, purpose) -> np.ndarray:
    """Each user's propensity to invite: ``exp(spread * z - spread^2 / 2)``, mean 1 (all 1 at spread 0)."""
    if spread <= 0:
        return np.ones(n, dtype=np.float64)
    z = generator(seed, purpose).standard_normal(n)
    return np.exp(spread * z - 0.5 * spread * spread)


@numba.njit(cache=True, inline="always")
def poisson(lam, u):
    """The ``u``-quantile of a Poisson(``lam``) count, by its inverse CDF (``lam`` itself, rounded, above 500)."""
    if lam <= 0:
        return 0
    if lam > 500:
        return int(lam + 0.5)
    p = np.exp(-lam)
    cdf = p
    k = 0
    while u >= cdf and k < MAX_INVITATIONS:
        k += 1
        p *= lam / k
        cdf += p
    return k


class InvitationKeys(NamedTuple):
    """The stream keys of the invitations: how many each user sends, and whom it picks."""

    sends: np.uint64
    pick: np.uint64


def send(inviters, propensity, rate, follower_rows, acted, keys, step, invited_by) -> np.ndarray:
    """Each inviter's invitations at ``step``; ``invited_by[f]`` becomes the first inviter of follower ``f``.

    ``follower_rows``: the graph's :class:`~model.network.Csr` of followers;
    ``keys``: an :class:`InvitationKeys`.

    Followers who have acted are not invited again; a follower invited by
    several users keeps the first in ``inviters``' order (sorted by user).
    Returns the followers invited, in the order of delivery (one entry per
    invitation sent; each follower once). How many each inviter sends and
    whom it picks depend on its own draws alone, so they are drawn for all
    inviters in parallel; only the delivery, where the first inviter wins,
    runs in order.
    """
    counts = np.empty(len(inviters), dtype=np.int64)
    _count(inviters, propensity, rate, follower_rows.indptr, keys.sends, step, counts)
    offsets = np.zeros(len(inviters) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    picked = np.empty(offsets[-1], dtype=np.int64)
    _pick(inviters, offsets, follower_rows, keys.pick, step, picked)
    return _deliver(inviters, offsets, picked, acted, invited_by)


@numba.njit(cache=True, parallel=True)
def _count(inviters, propensity, rate, indptr, count_key, step, counts):
    """How many invitations each inviter sends: Poisson(rate * propensity), at most one per follower."""
    for q in numba.prange(len(inviters)):
        i = inviters[q]
        degree = indptr[i + 1] - indptr[i]
        counts[q] = 0 if degree == 0 else min(poisson(rate * propensity[i], uniform(count_key, i, step)), degree,
                                              MAX_INVITATIONS)


@numba.njit(cache=True, parallel=True)
def _pick(inviters, offsets, follower_rows, pick_key, step, picked):
    """Whom each inviter picks: ``offsets[q+1] - offsets[q]`` distinct followers, into ``picked``."""
    indptr, followers = follower_rows.indptr, follower_rows.indices
    for q in numba.prange(len(inviters)):
        i = inviters[q]
        degree = indptr[i + 1] - indptr[i]
        base, k = offsets[q], offsets[q + 1] - offsets[q]
        # Floyd's algorithm: k distinct positions among the degree followers, one keyed draw each.
        for m in range(k):
            j = degree - k + m
            t = min(int(uniform(pick_key, i, step * 4096 + m) * (j + 1)), j)
            for c in range(m):
                if picked[base + c] == t:
                    t = j
                    break
            picked[base + m] = t
        for m in range(k):
            picked[base + m] = followers[indptr[i] + picked[base + m]]


@numba.njit(cache=True)
def _deliver(inviters, offsets, picked, acted, invited_by):
    """Deliver the picks in inviters' order: a follower who has not acted keeps its first inviter."""
    delivered = np.empty(len(picked), dtype=np.int64)
    sent = 0
    for q in range(len(inviters)):
        for m in range(offsets[q], offsets[q + 1]):
            f = picked[m]
            if not acted[f] and invited_by[f] < 0:
                invited_by[f] = inviters[q]
                delivered[sent] = f
                sent += 1
    return delivered[:sent]
