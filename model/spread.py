"""Posts travel to followers: the one loop over edges, compiled with numba.

Each step, only the users who did something new post; their posts reach
their followers' feeds and update those followers' counters of followees who
acted or gave token support. The work is proportional to the followers of
the users who changed, not to the whole graph, and is exact: a follower's
counters equal what a full sparse product with the follower matrix would give.
"""

from __future__ import annotations

import numba
import numpy as np

# Bits of a post's flags.
SHARE_ALIGNED = 1
SHARE_DISTORTED = 2
LIKE = 4
ACT = 8
TOKEN_NEW = 16        # first like or share of a user who has not acted
TOKEN_TO_ACT = 32     # a token supporter now acts: leaves token_followees
IN_GROUP_NEW = 64     # an in-group user engages for the first time
SHARER_NEW = 128      # first share of a user who has not acted
SHARER_TO_ACT = 256   # a sharer who had not acted now acts


@numba.njit(cache=True, nogil=True)
def spread_posts(indptr, followers, posters, flags, acted_followees, token_followees,
                 sharer_followees, in_group_followees, seen_shares, seen_distorted, seen_likes, seen_acts, touched):
    """Deliver each poster's flags to all its followers (in place).

    Args:
        indptr, followers: the follower CSR.
        posters: users who posted this step; ``flags`` their bit flags.
        acted_followees, token_followees, sharer_followees, in_group_followees:
            cumulative counters.
        seen_shares, seen_distorted, seen_likes, seen_acts: this step's
            feed items per user, read and cleared by the next exposure.
        touched: set to True for every follower reached.
    """
    for p in range(len(posters)):
        j = posters[p]
        f = flags[p]
        for e in range(indptr[j], indptr[j + 1]):
            k = followers[e]
            touched[k] = True
            if f & SHARE_ALIGNED:
                seen_shares[k] += 1
            if f & SHARE_DISTORTED:
                seen_distorted[k] += 1
            if f & LIKE:
                seen_likes[k] += 1
            if f & ACT:
                seen_acts[k] += 1
                acted_followees[k] += 1
            if f & TOKEN_NEW:
                token_followees[k] += 1
            if f & TOKEN_TO_ACT:
                token_followees[k] -= 1
            if f & SHARER_NEW:
                sharer_followees[k] += 1
            if f & SHARER_TO_ACT:
                sharer_followees[k] -= 1
            if f & IN_GROUP_NEW:
                in_group_followees[k] += 1


def post_flags(new_like, new_share, new_act, was_token, was_sharer, misaligned, in_group, was_engaged):
    """Bit flags of the posts of users who changed this step (vectorised)."""
    flags = np.zeros(len(new_like), dtype=np.int32)
    flags |= np.where(new_share & ~misaligned, SHARE_ALIGNED, 0)
    flags |= np.where(new_share & misaligned, SHARE_DISTORTED, 0)
    flags |= np.where(new_like, LIKE, 0)
    flags |= np.where(new_act, ACT, 0)
    flags |= np.where((new_like | new_share) & ~was_token & ~new_act, TOKEN_NEW, 0)
    flags |= np.where(new_act & was_token, TOKEN_TO_ACT, 0)
    flags |= np.where(new_share & ~new_act, SHARER_NEW, 0)
    flags |= np.where(new_act & was_sharer, SHARER_TO_ACT, 0)
    flags |= np.where(in_group & ~was_engaged, IN_GROUP_NEW, 0)
    return flags
