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


@numba.njit(cache=True, nogil=True)
def post(indptr, followers, posters, new_like, new_share, new_act, step,
         liked, shared, acted, step_acted, misaligned, in_group,
         acted_followees, token_followees, sharer_followees, in_group_followees,
         seen_shares, seen_distorted, seen_likes, seen_acts, touched):
    """Record each poster's new likes, shares and actions and deliver them to its followers.

    Args:
        indptr, followers: the follower CSR.
        posters: users who did something new this step (``new_like``,
            ``new_share``, ``new_act`` aligned with it).
        step: the current step, recorded in ``step_acted``.
        liked, shared, acted, step_acted: the posters' state, updated in place.
        misaligned, in_group: the posters' attributes.
        acted_followees, token_followees, sharer_followees, in_group_followees:
            followers' cumulative counters (``model.state.Population``).
        seen_shares, seen_distorted, seen_likes, seen_acts: the followers'
            feed items for the next exposure.
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
            if aligned_share:
                seen_shares[k] += 1
            if distorted_share:
                seen_distorted[k] += 1
            if like:
                seen_likes[k] += 1
            if act:
                seen_acts[k] += 1
                acted_followees[k] += 1
            token_followees[k] += token_delta
            sharer_followees[k] += sharer_delta
            if group_new:
                in_group_followees[k] += 1
