"""Each exposed user's choice: ignore, like, share or act.

Two rules share one set of ingredients:

* ``threshold`` (Granovetter 1978; Watts 2002): deterministic. A user who has
  not acted acts once its social proof reaches its threshold theta; token
  support is the best of ignore, like and share.
* ``logit``: a random-utility choice (McFadden 1974) among the four options
  with noise ``decision.noise``; the threshold sets the reference point of
  social proof for acting.

The ingredients: concern for the cause, the cost of each option, the status
motive (public options pay off for those who want to be seen supporting;
Kristofferson, White & Peloza 2014), social proof from followees (Centola
2010), and the effect of a user's own earlier token support on acting
(:func:`action_shift`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

IGNORE, LIKE, SHARE, ACT = 0, 1, 2, 3


class Ingredients(NamedTuple):
    """The inputs of a choice for a subset of users (all arrays aligned)."""

    theta: np.ndarray
    concern: np.ndarray
    status: np.ndarray
    proof_act: np.ndarray     # acting followees (+ token weight x token supporters), count or fraction
    proof_token: np.ndarray   # fraction of followees who engaged in any way
    shift: np.ndarray         # action_shift(): own token support, identity, misalignment


def action_shift(liked, shared, in_group, in_group_followees, misled, *, licensing, consistency,
                 spillover, penalty, like_counts_visible):
    """How a user's past and position move its will to act (positive: more).

    * Consistency (foot in the door): any token support raises it by
      ``consistency`` (Kristofferson et al. 2014, private support; Lee &
      Hsieh 2013).
    * Moral licensing: *public* token support lowers it by ``licensing``
      (Kristofferson et al. 2014, Study 1; Schumann & Klein 2015). A share is
      public; a like is public only where like counts are visible.
    * Collective identity: token support given by an in-group member among an
      identifiable in-group (an in-group followee engaged too) spills over by
      ``spillover`` instead of licensing (Schumann & Klein 2015, Study 3).
    * Misalignment: users reached only through distorted shares, or who
      distort the message themselves, lose ``penalty`` (the seed essay).
    """
    token = liked | shared
    public = shared | (liked & like_counts_visible)
    among_in_group = token & in_group & (in_group_followees > 0)
    shift = consistency * token
    shift = shift - licensing * (public & ~among_in_group) + spillover * among_in_group
    return shift - penalty * misled


def option_values(ing: Ingredients, decision, platform) -> np.ndarray:
    """Utilities of (ignore, like, share, act), shape ``(4, n)``.

    Liking pays off for the status-minded only when like counts are visible
    (hidden like counts remove the incentive to be seen liking). Acting is
    weighed by how far social proof exceeds the threshold.
    """
    w = decision.proof_weight
    base = ing.concern + w * ing.proof_token
    values = np.empty((4, len(ing.theta)))
    values[IGNORE] = 0.0
    values[LIKE] = base + ing.status * platform.like_counts_visible - decision.cost_like
    values[SHARE] = base + ing.status - decision.cost_share
    values[ACT] = (ing.concern + ing.status * platform.actions_public + w * (ing.proof_act - ing.theta)
                   - decision.cost_act + ing.shift)
    return values


def choose_logit(ing: Ingredients, decision, platform, uniforms: np.ndarray) -> np.ndarray:
    """Multinomial-logit choice with temperature ``decision.noise``.

    ``uniforms`` (one per user) come from the model's rng, so the choice is
    reproducible; the option is found by inverting the cumulative
    probabilities.
    """
    values = option_values(ing, decision, platform) / decision.noise
    values -= values.max(axis=0)
    weights = np.exp(values)
    cumulative = np.cumsum(weights, axis=0)
    cumulative /= cumulative[-1]
    return (uniforms > cumulative[:-1]).sum(axis=0).astype(np.int8)


def choose_threshold(ing: Ingredients, decision, platform) -> np.ndarray:
    """Deterministic choice: act iff proof >= effective threshold, else best token option.

    The effective threshold is ``theta * max(0, 1 - shift)`` for theta > 0,
    so licensing raises it and consistency lowers it, in the threshold's own
    units; theta <= 0 (an instigator) stays. With no shift and token weight 0
    this is exactly Granovetter's and Watts's rule.
    """
    effective = np.where(ing.theta > 0, ing.theta * np.maximum(0.0, 1.0 - ing.shift), ing.theta)
    acts = ing.proof_act >= effective
    values = option_values(ing, decision, platform)
    token = np.where(values[SHARE] > values[LIKE], SHARE, LIKE)
    best = np.maximum(values[LIKE], values[SHARE])
    choice = np.where(best > 0, token, IGNORE).astype(np.int8)
    choice[acts] = ACT
    return choice
