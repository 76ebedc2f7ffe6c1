"""Posts travel to followers: the one loop over edges, compiled with numba.

Each step only the users who did something new post; their posts reach their
followers' feeds and update those followers' counters of followees who acted
or gave token support. The work is proportional to the followers of the users
who changed, not to the whole graph, and it is exact: every counter equals
what a full sparse product with the follower matrix would give (the tests
check this against ``scipy.sparse``).
"""

from __future__ import annotations

import numba

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


@numba.njit(cache=True, nogil=True)
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
    for p in range(len(posters)):
        j = posters[p]
        like, share, act = new_like[p], new_share[p], new_act[p]
        was_token = (liked[j] or shared[j]) and not acted[j]
        was_sharer = shared[j] and not acted[j]
        was_engaged = liked[j] or shared[j] or acted[j]
        token_delta = 0
        if (like or share) and not act and not was_token:
            token_delta = 1
        elif act and was_token:
            token_delta = -1
        sharer_delta = 0
        if share and not act:
            sharer_delta = 1
        elif act and was_sharer:
            sharer_delta = -1
        group_new = in_group[j] and not was_engaged
        aligned_share = share and not misaligned[j]
        distorted_share = share and misaligned[j]
        if like:
            liked[j] = True
        if share:
            shared[j] = True
        if act:
            acted[j] = True
            step_acted[j] = step
        for e in range(indptr[j], indptr[j + 1]):
            k = followers[e]
            touched[k] = True
            row = social[k]
            if aligned_share:
                row[FEED_SHARES] += 1
            if distorted_share:
                row[FEED_DISTORTED] += 1
            if like:
                row[FEED_LIKES] += 1
            if act:
                row[FEED_ACTS] += 1
                row[ACTED] += 1
            row[TOKEN] += token_delta
            row[SHARER] += sharer_delta
            if group_new:
                row[IN_GROUP] += 1
