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

LIKE, SHARE, ACT = 0, 1, 2


class Ingredients(NamedTuple):
    """The inputs of a choice for a subset of users (all arrays aligned)."""

    theta: np.ndarray
    concern: np.ndarray
    status: np.ndarray
    proof_act: np.ndarray     # acting followees (+ token weight x token supporters), count or fraction
    proof_token: np.ndarray   # fraction of followees who engaged in any way
    shift: np.ndarray         # action_shift(): own token support, identity, misalignment
    popularity: float         # the campaign's visible like count, log-scaled to [0, 1]


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
    """Utilities of like, share and act against ignoring, shape ``(3, n)``.

    Liking pays off for the status-minded only when like counts are visible
    (hidden like counts remove the incentive to be seen liking), and a
    visible, large like count pulls towards liking (``decision.bandwagon``).
    Acting is weighed by how far social proof exceeds the threshold.
    """
    w = decision.proof_weight
    bandwagon = decision.bandwagon * ing.popularity
    base = ing.concern + decision.token_proof_weight * ing.proof_token
    values = np.empty((3, len(ing.theta)))
    values[LIKE] = base + (ing.status + bandwagon) * platform.like_counts_visible - decision.cost_like
    values[SHARE] = base + ing.status - decision.cost_share
    values[ACT] = (ing.concern + ing.status * platform.actions_public + w * (ing.proof_act - ing.theta)
                   - decision.cost_act + ing.shift)
    return values


class Choice(NamedTuple):
    """What each choosing user does this step (boolean arrays)."""

    like: np.ndarray
    share: np.ndarray
    act: np.ndarray


def choose_logit(ing: Ingredients, decision, platform, uniforms: np.ndarray) -> Choice:
    """Random-utility choice with temperature ``decision.noise``.

    Each option is its own binary logit decision against ignoring it,
    ``P = 1 / (1 + exp(-V / noise))`` (McFadden 1974): following the
    participation funnel (Klandermans & Oegema 1987), acting is a decision
    apart from token support, and liking apart from sharing. A user who acts
    posts the action and nothing else that step. Making one option less
    rewarding therefore lowers that option without pushing users into the
    others, which a single multinomial logit would do through its IIA property.

    Args:
        uniforms: one per user from the model's rng. The three independent
            decisions are read from it in turn: act iff ``u < P_act``, then
            the rest of ``u``, rescaled to [0, 1), decides liking, and its
            rest sharing (a uniform conditioned on an interval is uniform).
    """
    p = _logistic(option_values(ing, decision, platform) / decision.noise)
    act = uniforms < p[ACT]
    u = _rest(uniforms, p[ACT], act)
    like = u < p[LIKE]
    u = _rest(u, p[LIKE], like)
    share = u < p[SHARE]
    return Choice(like & ~act, share & ~act, act)


def _rest(u: np.ndarray, p: np.ndarray, hit: np.ndarray) -> np.ndarray:
    """The uniform left after testing ``u < p``: ``u / p`` on a hit, else ``(u - p) / (1 - p)``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = np.where(hit, u / p, (u - p) / (1.0 - p))
    return np.clip(np.nan_to_num(rest), 0.0, np.nextafter(1.0, 0.0))


def threshold_acts(theta: np.ndarray, proof_act: np.ndarray, shift) -> np.ndarray:
    """The threshold rule for acting: proof >= effective threshold.

    The effective threshold is ``theta * max(0, 1 - shift)`` for theta > 0,
    so licensing raises it and consistency lowers it, in the threshold's own
    units; theta <= 0 (an instigator) stays. With no shift and token weight 0
    this is exactly Granovetter's (1978) and Watts's (2002) rule.
    """
    effective = np.where(theta > 0, theta * np.maximum(0.0, 1.0 - np.asarray(shift)), theta)
    return proof_act >= effective


def choose_token_threshold(ing: Ingredients, decision, platform) -> Choice:
    """Deterministic token support: like or share when its utility is positive.

    The zero-noise limit of the logit rule; acting is left to
    :func:`threshold_acts` (``act`` is all False here).
    """
    values = option_values(ing, decision, platform)
    return Choice(values[LIKE] > 0, values[SHARE] > 0, np.zeros(len(ing.theta), dtype=bool))


def _logistic(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))
