"""Exposure through the feed: who sees the campaign this step.

A post by a followee reaches a user's feed with a probability that depends on
what it is (a share, a like, an action), on the feed and on the campaign's
age. Under an ``engagement``-ranked feed the campaign's visibility grows with
its total likes and shares (popularity bias; Guess et al. 2023), so the
platform rewards "the numbers". Novelty fades geometrically with each step,
as petition momentum decays within hours (Yasseri, Hale & Margetts 2017).
"""

from __future__ import annotations

import numpy as np


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


def exposure_chances(shares, distorted, likes, acts, p_share, p_like, p_act):
    """Chance of seeing the campaign's own framing, and a distorted one.

    Each feed item is seen independently, so with ``s`` aligned shares, ``l``
    likes and ``a`` actions the chance of seeing at least one is
    ``1 - (1-p_s)^s (1-p_l)^l (1-p_a)^a``.
    """
    miss_share = np.log1p(-p_share) if p_share < 1 else -np.inf
    miss_like = np.log1p(-p_like) if p_like < 1 else -np.inf
    miss_act = np.log1p(-p_act) if p_act < 1 else -np.inf
    with np.errstate(invalid="ignore"):
        log_miss = (_times(shares, miss_share) + _times(likes, miss_like) + _times(acts, miss_act))
        aligned = -np.expm1(log_miss)
        distorted = -np.expm1(_times(distorted, miss_share))
    return aligned, distorted


def _times(count: np.ndarray, log_miss: float) -> np.ndarray:
    # 0 * -inf must be 0 (no item, no chance), not nan.
    return np.where(count > 0, count * log_miss, 0.0)
