"""User attributes drawn from the scenario's distributions.

Thresholds follow Granovetter (1978): each user acts once enough others have.
Concern and the status motive (the wish to be seen supporting; Kristofferson,
White & Peloza 2014) feed the random-utility choice. Each attribute is drawn
from its own stream (``model.randomness``), so changing how one attribute is
distributed leaves every other attribute, the network and the seed users as
they were.
"""

from __future__ import annotations

import numpy as np

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


def draw_fraction(fraction: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """A boolean attribute held by each user independently with probability ``fraction``.

    Each user's uniform is compared with ``fraction``, so raising the
    fraction only adds holders (the holders at a lower fraction keep it).
    ``rng`` is a generator or a function that makes one (not called for 0).
    """
    if fraction <= 0:
        return np.zeros(n, dtype=bool)
    return (rng() if callable(rng) else rng).random(n) < fraction
