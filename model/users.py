"""User attributes drawn from the scenario's distributions.

Thresholds follow Granovetter (1978): each user acts once enough others have.
Concern and the status motive (the wish to be seen supporting; Kristofferson,
White & Peloza 2014) feed the random-utility choice. Each attribute is drawn
from its own stream (``model.randomness``), so changing how one attribute is
distributed leaves every other attribute, the network and the seed users as
they were.
"""

from __future__ import annotations

from collections.abc import Callable

import numba
import numpy as np

from model.randomness import uniform
from model.scenario import Beta, Constant, Normal, Uniform, Values


def draw(dist, n: int, rng) -> np.ndarray:
    """Draw ``n`` values from a scenario distribution, as float64.

    ``rng`` is a ``numpy.random.Generator``, or a function that makes one;
    it is called only if the distribution draws at all.
    """
    if isinstance(dist, (Uniform, Normal, Beta)) and callable(rng):
        rng = rng()
    if isinstance(dist, Constant):
        return np.full(n, dist.value, dtype=np.float64)
    if isinstance(dist, Uniform):
        return rng.uniform(dist.low, dist.high, size=n)
    if isinstance(dist, Normal):
        return rng.normal(dist.mean, dist.sd, size=n)
    if isinstance(dist, Beta):
        return rng.beta(dist.a, dist.b, size=n)
    if isinstance(dist, Values):
        if len(dist.values) != n:
            raise ValueError(f"{len(dist.values)} values given for {n} users (needs one per user)")
        return np.asarray(dist.values, dtype=np.float64)
    raise TypeError(f"unknown distribution {dist!r}")


def draw_fraction(fraction: float, n: int,
                  rng: np.random.Generator | Callable[[], np.random.Generator]) -> np.ndarray:
    """A boolean attribute held by each user independently with probability ``fraction``.

    Each user's uniform is compared with ``fraction``, so raising the
    fraction only adds holders (the holders at a lower fraction keep it).
    ``rng`` is a generator or a function that makes one (not called for 0).
    """
    if fraction <= 0:
        return np.zeros(n, dtype=bool)
    return (rng() if callable(rng) else rng).random(n) < fraction


def draw_weighted_fraction(fraction: float, weight: np.ndarray, power: float, rng) -> np.ndarray:
    """Like :func:`draw_fraction`, but user ``i`` holds it with chance ``fraction * (w_i / mean w) ** power``.

    The misaligned sharers of the seed essay drift from the message to be
    seen; ``power`` ties the chance of drifting to the status motive
    (``misalignment.status_weight``). At power 0 this is :func:`draw_fraction`
    exactly, draw for draw.
    """
    n = len(weight)
    if power == 0 or fraction <= 0:
        return draw_fraction(fraction, n, rng)
    lift = weight ** power
    mean = float(lift.mean())
    chance = np.minimum(1.0, fraction * lift / mean) if mean > 0 else np.full(n, fraction)
    return (rng() if callable(rng) else rng).random(n) < chance


def clustered_group(member: np.ndarray, homophily: float, indptr: np.ndarray, neighbours: np.ndarray,
                    key: np.uint64) -> np.ndarray:
    """A group of the same size as ``member`` whose members cluster on the network.

    A share ``1 - homophily`` of the members (at least one) are founders
    drawn at random; the rest join one at a time as a network neighbour of a
    random member (snowball recruitment), so group members follow each other
    far more often than chance (McPherson, Smith-Lovin & Cook 2001). A
    neighbour ``c`` of member ``j`` is accepted with chance
    ``min(1, deg j / deg c)``, the Metropolis-Hastings correction that keeps
    the snowball from favouring hubs (a random neighbour is, on average,
    better connected than a random user: the friendship paradox), so the
    group is clustered, not merely well connected. After many refusals in a
    row (a group with no outside neighbours left) a new founder is drawn.
    Homophily 0 returns ``member`` itself. Unlike the random group, a larger
    clustered group is not a superset of a smaller one.
    """
    if homophily <= 0:
        return member
    k = int(np.count_nonzero(member))
    if k == 0:
        return member
    if k == len(member):
        return member
    founders = max(1, round(k * (1.0 - homophily)))
    return _snowball(len(member), k, founders, indptr, neighbours, key)


@numba.njit(cache=True)
def _snowball(n, k, founders, indptr, neighbours, key):
    member = np.zeros(n, dtype=np.bool_)
    members = np.empty(k, dtype=np.int64)
    size = 0
    t = 0
    misses = 0
    while size < k:
        if size < founders or misses > 1000:
            c = min(int(uniform(key, t, 0) * n), n - 1)
            misses = 0
        else:
            j = members[min(int(uniform(key, t, 1) * size), size - 1)]
            degree = indptr[j + 1] - indptr[j]
            c = neighbours[indptr[j] + min(int(uniform(key, t, 2) * degree), degree - 1)] if degree > 0 else -1
            if c >= 0 and uniform(key, t, 3) * (indptr[c + 1] - indptr[c]) > degree:
                c = -1  # refused: accept with chance min(1, deg j / deg c)
        t += 1
        if c >= 0 and not member[c]:
            member[c] = True
            members[size] = c
            size += 1
        else:
            misses += 1
    return member
