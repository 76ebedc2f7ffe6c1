"""Choices with memory: a user who declined decides again only on new evidence.

Without memory, a user makes a fresh random choice at every step a followee's
post reaches it, so small per-choice chances compound with the number of
exposures: the more followees, the more rolls of the dice, and at a
Facebook-like degree most reached users end up liking. Real exposure curves
do not compound like that. Romero, Meeder & Kleinberg (2011) measured the
chance of adopting a Twitter hashtag after each further exposure and found
that it rises for the first two or three exposures and then flattens or
falls; Hodas & Lerman (2014) showed that once the chance of *seeing* a post
(visibility) is separated out, the response to each further exposure
(susceptibility) declines.

Here each user keeps its luck: the uniforms its choices read are those of
the step it last drew afresh (``Population.luck_step``). Seeing the campaign
again under the same evidence then gives the same answer, so it does not
count as a new choice. A user decides again when:

* it has never chosen (its first look draws fresh luck);
* its *evidence* grew since it last chose (:func:`evidence`): a followee
  engaged or went further (a like, a share, an action), it saw the
  campaign's own framing for the first time, or the campaign reached its
  feed after it had only been asked;
* the campaign asks it directly (an ask or an invitation);
* with chance ``1 - decision.memory`` at each exposure, it takes a fresh
  look: it forgets and draws new luck (its own stream, ``Purpose.MEMORY``).

With kept luck, a user who declined at evidence ``e`` engages at ``e' > e``
only if its chance rose past its luck, so the chance of ever engaging is the
chance at the most evidence it saw, not one minus a product over every
exposure. ``decision.memory: 0`` is a fresh look at every exposure, the
memoryless model, to the last bit.
"""

from __future__ import annotations

import numba

from model.randomness import uniform
from model.state import Flag

_ACTED, _TOKEN, _SHARER = int(Flag.ACTED), int(Flag.TOKEN), int(Flag.SHARER)


@numba.njit(cache=True, inline="always")
def evidence(social_row, aligned, fed):
    """What a user has seen, as one number that only grows: ``4 * (4a + 2t + s) + 2 * aligned + fed``.

    ``a``, ``t``, ``s`` count the followees who acted, who gave token support
    and have not acted, and who shared and have not acted. Each step a
    followee can take raises ``4a + 2t + s``: engaging (+2 or +3), sharing
    after a like (+1), acting after token support (+2 or +1). Once a user
    has seen the campaign's own framing it stays ``aligned``, and ``fed``
    (it has chosen with the campaign in its feed) never goes back, so a
    larger value is new evidence.
    """
    followees = 4 * social_row[_ACTED] + 2 * social_row[_TOKEN] + social_row[_SHARER]
    return 4 * followees + (2 if aligned else 0) + (1 if fed else 0)


@numba.njit(cache=True, parallel=True)
def who_decides(users, asked, in_feed, pop, memory, key, step, decides):
    """Which of ``users`` (who saw the campaign or were asked at ``step``) choose now; updates their luck.

    Args:
        users: the candidates, sorted.
        asked: aligned with ``users``: asked directly this step.
        in_feed: aligned with ``users``: the campaign is in its feed this step.
        pop: the :class:`~model.state.Population`; ``luck_step`` and
            ``evidence`` are updated for those who decide.
        memory: ``decision.memory``.
        key: the ``Purpose.MEMORY`` stream's key.
        step: the current step.
        decides: output, aligned with ``users``.
    """
    luck_step, last, social, aligned = pop.luck_step, pop.evidence, pop.social, pop.aligned
    for q in numba.prange(len(users)):
        i = users[q]
        decides[q] = decides_one(i, asked[q], in_feed[q], social[i], aligned[i], luck_step, last, memory, key, step)


@numba.njit(cache=True, inline="always")
def decides_one(i, asked, in_feed, counts, aligned, luck_step, last, memory, key, step):
    """Whether user ``i``, with followee ``counts`` (a row of ``pop.social``), chooses now; see :func:`who_decides`."""
    e = evidence(counts, aligned, in_feed or (last[i] & 1) == 1)
    if luck_step[i] < 0 or uniform(key, i, step) >= memory:
        luck_step[i] = step
        decides = True
    else:
        decides = asked or e > last[i]
    if decides:
        last[i] = e
    return decides
