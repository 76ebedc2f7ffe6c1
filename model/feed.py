"""Exposure through the feed: who sees the campaign this step.

A post by a followee reaches a user's feed with a probability that depends on
what it is (a share, a like, an action), on the feed and on the campaign's
age. Under an ``engagement``-ranked feed the campaign's visibility grows with
its total likes and shares (popularity bias; Guess et al. 2023), so the
platform rewards "the numbers". Novelty fades geometrically with each step,
as petition momentum decays within hours (Yasseri, Hale & Margetts 2017).
"""

from __future__ import annotations

import numba
import numpy as np

from model.state import FEED_ACTS, FEED_DISTORTED, FEED_LIKES, FEED_SHARES


def visibility(feed: str, engagement_boost: float, engagement: int, n_users: int) -> float:
    """Multiplier on every post's reach.

    ``chronological`` gives 1. ``engagement`` gives
    ``1 + boost * log(1 + E) / log(1 + n)`` for E likes plus shares, which
    rises fast for the first hundreds of likes and reaches ``1 + boost`` when
    every user has engaged.
    """
    if feed == "chronological" or n_users <= 1:
        return 1.0
    return 1.0 + engagement_boost * np.log1p(engagement) / np.log1p(n_users)


def novelty(attention_decay: float, age: int) -> float:
    """Share of attention left after ``age`` steps: ``(1 - decay) ** age``."""
    return (1.0 - attention_decay) ** age


def reach_probabilities(platform, multiplier: float) -> tuple[float, float, float]:
    """Chances that one share, like or action post reaches a follower's feed."""
    p_share = min(1.0, platform.share_reach * multiplier)
    p_like = min(1.0, platform.like_reach * multiplier) if platform.show_friend_likes else 0.0
    p_act = min(1.0, platform.action_reach * multiplier) if platform.actions_public else 0.0
    return p_share, p_like, p_act


def log_miss(p: float) -> float:
    """log(1 - p): the log-chance of missing one feed item seen with probability p."""
    return float(np.log1p(-p)) if p < 1 else -np.inf


@numba.njit(cache=True, parallel=True)
def expose(users, social, miss_share, miss_like, miss_act, uniforms, step, aware, aligned, step_aware, saw):
    """Who sees the campaign among users whose feed had items (``saw``, aligned with ``users``).

    Each item is seen independently, so a user with ``s`` aligned shares,
    ``l`` likes and ``a`` actions in the feed sees the campaign's own framing
    with chance ``pa = 1 - (1-p_s)^s (1-p_l)^l (1-p_a)^a`` and a distorted
    framing (``d`` distorted shares) with chance ``pd = 1 - (1-p_s)^d``, the
    two independently; ``miss_*`` are the ``log(1 - p)``. One uniform ``u``
    per user decides both: aligned iff ``u < pa``; distorted iff
    ``u < pa pd`` or ``pa <= u < pa + (1 - pa) pd``. Users who see either
    become aware; the aligned framing marks them ``aligned``. Feed items are
    read from the ``FEED_*`` columns of ``social`` (``model.spread``).
    """
    for i in numba.prange(len(users)):
        k = users[i]
        log_aligned = 0.0
        if social[k, FEED_SHARES] > 0:
            log_aligned += social[k, FEED_SHARES] * miss_share
        if social[k, FEED_LIKES] > 0:
            log_aligned += social[k, FEED_LIKES] * miss_like
        if social[k, FEED_ACTS] > 0:
            log_aligned += social[k, FEED_ACTS] * miss_act
        log_distorted = social[k, FEED_DISTORTED] * miss_share if social[k, FEED_DISTORTED] > 0 else 0.0
        p_aligned = -np.expm1(log_aligned)
        p_distorted = -np.expm1(log_distorted)
        u = uniforms[i]
        hit_aligned = u < p_aligned
        saw[i] = hit_aligned or u < p_aligned + (1.0 - p_aligned) * p_distorted
        if hit_aligned:
            aligned[k] = True
        if saw[i] and not aware[k]:
            aware[k] = True
            step_aware[k] = step
