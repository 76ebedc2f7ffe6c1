"""Is World B's difference real? Replicates of both worlds, run off the live view.

One seed can mislead a class, so the app also runs ``n`` seeds of both worlds
at the same settings and reports B's paired difference in actions with its
95% Student-t interval. Each replicate seed drives both worlds (common random
numbers: the model splits its randomness by purpose, so the pair differs only
through B's change) and, when B changes no network key, both worlds share the
seed's network. Seeds are spawned from the live run's seed with
``numpy.random.SeedSequence``, as sweeps do. Replicate jobs run one at a time
for the whole server, in a background thread that yields between runs, so a
class that asks for many at once queues instead of starving the live views.
"""

from __future__ import annotations

import threading
import time
from typing import NamedTuple

import numba
import numpy as np

from model import SlacktivismModel
from model.randomness import spawn_seeds
from model.scenario import Scenario
from model.statistics import t_half_width

#: Replicates of each world.
N_REPLICATES = 30
#: One replicate job at a time across all sessions.
_ONE_AT_A_TIME = threading.Lock()


class Replicates(NamedTuple):
    """B's actions against A's over paired seeds, as a percentage of A's mean."""

    n: int
    percent: float
    low: float
    high: float

    @property
    def clear(self) -> bool:
        """Whether the 95% interval leaves out zero."""
        return self.low > 0 or self.high < 0


def paired_actions(a: Scenario, b: Scenario, seed: int, n: int = N_REPLICATES,
                   cancelled=lambda: False) -> np.ndarray | None:
    """Actions of A and of B for each of ``n`` spawned seeds, shape ``(n, 2)``; None if cancelled."""
    same_network = a.network == b.network
    out = np.zeros((n, 2), dtype=np.int64)
    numba.set_num_threads(1)  # per thread: see World.step
    with _ONE_AT_A_TIME:
        for k, s in enumerate(spawn_seeds(seed, n)):
            if cancelled():
                return None
            first = SlacktivismModel(a, rng=s)
            second = SlacktivismModel(b, rng=s, graph=first.graph if same_network else None)
            out[k] = first.run()["acted"], second.run()["acted"]
            time.sleep(0.002)  # let the live sessions' threads in between runs
    return out


def summarise(actions: np.ndarray) -> Replicates:
    """B's mean paired difference in actions with its 95% t interval, as a percentage of A's mean.

    A's mean is treated as fixed in the percentage (the interval is that of
    the paired difference, scaled); with no actions in A, the difference is
    reported against one action.
    """
    n = len(actions)
    diff = actions[:, 1] - actions[:, 0]
    scale = 100 / max(float(actions[:, 0].mean()), 1.0)
    half = float(t_half_width(np.std(diff, ddof=1), n)) if n > 1 else 0.0
    mean = float(diff.mean())
    return Replicates(n, mean * scale, (mean - half) * scale, (mean + half) * scale)
