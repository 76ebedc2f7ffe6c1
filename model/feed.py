"""Exposure through the feed: who sees the campaign this step.

A post by a followee reaches a user's feed with a probability that depends on
what it is (a share, a like, an action), on the feed and on the campaign's
age. Under an ``engagement``-ranked feed the campaign's visibility grows with
its total likes and shares (popularity bias; Guess et al. 2023), so the
platform rewards "the numbers". Novelty fades geometrically with each step,
as petition momentum decays within hours (Yasseri, Hale & Margetts 2017).
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from model.randomness import uniform
from model.state import Flag

_POSTED_ALIGNED, _POSTED_DISTORTED, _POSTED_LIKE, _POSTED_ACT = (
    int(Flag.POSTED_ALIGNED), int(Flag.POSTED_DISTORTED), int(Flag.POSTED_LIKE), int(Flag.POSTED_ACT))


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


#: No table of divided-attention log-misses (:func:`scaled_misses`): each is computed when needed.
NO_TABLE = np.zeros((0, 3), dtype=np.float64)


class Reach(NamedTuple):
    """This step's chance that one post of each kind reaches a follower's feed, and its log-miss.

    ``attention``: ``platform.attention`` (0: unlimited), the followees whose
    posts a user can follow; see :func:`attention_share`. ``scaled``: row
    ``k`` holds the log-misses of a share, a like and an action for a user
    following ``k`` accounts (:func:`scaled_misses`), the same numbers
    :func:`what_was_seen` would compute, looked up instead of recomputed per user.
    """

    p_share: float
    p_like: float
    p_act: float
    miss_share: float
    miss_like: float
    miss_act: float
    attention: float = 0.0
    scaled: np.ndarray = NO_TABLE


def reach(platform, multiplier: float, max_followees: int = 0) -> Reach:
    """Chances that one share, like or action post reaches a follower's feed.

    ``max_followees``: the most accounts any user follows; with limited
    attention the log-misses of every count up to it are tabled once.
    """
    p_share = min(1.0, platform.share_reach * multiplier)
    p_like = min(1.0, platform.like_reach * multiplier) if platform.show_friend_likes else 0.0
    p_act = min(1.0, platform.action_reach * multiplier) if platform.actions_public else 0.0
    attention = float(platform.attention)
    table = NO_TABLE
    if 0 < attention < max_followees:
        table = scaled_misses(p_share, p_like, p_act, attention, max_followees)
    return Reach(p_share, p_like, p_act, log_miss(p_share), log_miss(p_like), log_miss(p_act), attention, table)


@numba.njit(cache=True, inline="always")
def attention_share(attention, n_followees):
    """The share of its followees' posts a user with limited attention can see: ``min(1, A / k)``.

    Hodas & Lerman (2012): attention is divided. A user who follows ``k``
    accounts reads about ``A`` of them in a feed cycle, so the more accounts
    it follows, the smaller the chance it sees any one post; the posts it
    sees per step stay about ``A`` however many it follows. ``A = 0`` is
    unlimited attention (1 for everyone).
    """
    if attention <= 0 or n_followees <= attention:
        return 1.0
    return attention / n_followees


@numba.njit(cache=True)
def scaled_misses(p_share, p_like, p_act, attention, max_followees):
    """Row ``k``: ``log(1 - p * min(1, A / k))`` for a share, a like and an action, ``k`` = 0 .. ``max_followees``."""
    table = np.empty((max_followees + 1, 3), dtype=np.float64)
    for k in range(max_followees + 1):
        scale = attention_share(attention, k)
        table[k, 0] = np.log1p(-p_share * scale)
        table[k, 1] = np.log1p(-p_like * scale)
        table[k, 2] = np.log1p(-p_act * scale)
    return table


def log_miss(p: float) -> float:
    """log(1 - p): the log-chance of missing one feed item seen with probability p."""
    return float(np.log1p(-p)) if p < 1 else -np.inf


@numba.njit(cache=True, inline="always")
def what_was_seen(counts, r, u, n_followees):
    """(saw the campaign, saw its own framing) for a user with feed-item ``counts`` and uniform ``u``.

    Each item is seen independently, so a user with ``s`` aligned shares,
    ``l`` likes and ``a`` actions in the feed sees the campaign's own framing
    with chance ``pa = 1 - (1-p_s)^s (1-p_l)^l (1-p_a)^a``, and anything at
    all (``d`` distorted shares too) with chance
    ``p = 1 - (1-p_s)^(s+d) (1-p_l)^l (1-p_a)^a``. One uniform decides both:
    aligned iff ``u < pa``, seen iff ``u < p``. Since ``p`` is computed from
    the total count of shares, turning an aligned share into a distorted one
    never changes who sees the campaign (only which framing), to the last bit.
    With limited attention each ``p`` is multiplied by the user's
    :func:`attention_share` (``n_followees``: the accounts it follows).
    """
    shares = counts[_POSTED_ALIGNED]
    distorted = counts[_POSTED_DISTORTED]
    scale = attention_share(r.attention, n_followees)
    miss_share, miss_like, miss_act = r.miss_share, r.miss_like, r.miss_act
    if scale != 1.0:
        if n_followees < len(r.scaled):
            miss_share, miss_like, miss_act = (r.scaled[n_followees, 0], r.scaled[n_followees, 1],
                                               r.scaled[n_followees, 2])
        else:
            miss_share, miss_like, miss_act = (np.log1p(-r.p_share * scale), np.log1p(-r.p_like * scale),
                                               np.log1p(-r.p_act * scale))
    log_rest = 0.0
    if counts[_POSTED_LIKE] > 0:
        log_rest += counts[_POSTED_LIKE] * miss_like
    if counts[_POSTED_ACT] > 0:
        log_rest += counts[_POSTED_ACT] * miss_act
    log_aligned = log_rest
    log_any = log_rest
    if shares + distorted > 0:
        if shares > 0:
            log_aligned = log_rest + shares * miss_share
        log_any = log_rest + (shares + distorted) * miss_share
    if not u < -np.expm1(log_any):
        return False, False  # the framing seen is a part of anything seen
    return True, log_aligned == log_any or u < -np.expm1(log_aligned)


@numba.njit(cache=True, parallel=True)
def expose(users, pop, r, key, step, saw, n_followees):
    """Who sees the campaign among users whose feed had items (``saw``, aligned with ``users``).

    Users who see either framing become aware; the campaign's own framing
    marks them ``aligned`` (:func:`what_was_seen`). The uniform of user ``k``
    at step ``t`` is ``uniform(key, k, t)`` (``model.randomness``). Feed
    items are read from the ``POSTED_*`` columns of ``pop.social``
    (``model.spread``).
    """
    # Arrays are taken out of the record first: numba drops writes to a record's arrays inside prange.
    social, aligned, aware, step_aware = pop.social, pop.aligned, pop.aware, pop.step_aware
    for q in numba.prange(len(users)):
        k = users[q]
        saw[q] = expose_one(k, social[k], r, key, step, n_followees[k], aware, aligned, step_aware)


@numba.njit(cache=True, inline="always")
def expose_one(k, counts, r, key, step, n_followees, aware, aligned, step_aware):
    """Whether user ``k``, with feed-item ``counts`` (its row of ``pop.social``), sees the campaign (:func:`expose`)."""
    seen, own = what_was_seen(counts, r, uniform(key, k, step), n_followees)
    if own:
        aligned[k] = True
    if seen and not aware[k]:
        aware[k] = True
        step_aware[k] = step
    return seen
