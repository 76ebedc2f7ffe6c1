"""Outside channels: mass media and search show the campaign to users directly.

Bass (1969) split adoption into an *innovation* term, adopters reached from
outside the social system (advertising, the media), and an *imitation* term,
adopters reached through those who adopted before. The follower network is
the imitation term; this module is the innovation term: at every step each
user who has not acted is shown the campaign from outside with chance
``h(t)``. Crane & Sornette (2008) and the SEISMIC model (Zhao et al. 2015)
separate such exogenous shocks (a television report) from endogenous spread:
a shock raises attention at once and its effect fades. So

    h(t) = media.hazard + sum over reports e at or before t of e.reach * 2 ** (-(t - e.step) / e.half_life)

capped at 1. A user reached this way sees the campaign's own framing and
chooses as if a post had reached its feed, but no followee recruited it: it
starts a tree of its own (``Channel.MEDIA``). Myers, Zhu & Leskovec (2012)
attribute about 29% of adoptions on Twitter to such external sources.
"""

from __future__ import annotations

import numba
import numpy as np

from model.randomness import uniform


def hazard(media, step: int) -> float:
    """The chance ``h(step)`` that the outside channels show the campaign to a user at ``step``."""
    h = media.hazard
    for event in media.events:
        if event.step <= step:
            h += event.reach * 2.0 ** (-(step - event.step) / event.half_life)
    return min(1.0, h)


def reached(acted, h, key, step) -> np.ndarray:
    """Users who have not acted and whom the outside channels reach at ``step``, sorted.

    User ``i`` is reached iff ``uniform(key, i, step) < h``: one keyed draw
    per user (``Purpose.MEDIA``), so who is reached does not depend on who
    else is, and the users are drawn in parallel.
    """
    hit = np.empty(len(acted), dtype=bool)
    _hit(acted, h, key, step, hit)
    return np.flatnonzero(hit)


@numba.njit(cache=True, parallel=True)
def _hit(acted, h, key, step, hit):
    for i in numba.prange(len(acted)):
        hit[i] = not acted[i] and uniform(key, i, step) < h
