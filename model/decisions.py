"""Each exposed user's choice: ignore, like, share or act.

Two rules share one set of ingredients:

* ``threshold`` (Granovetter 1978; Watts 2002): deterministic. A user who has
  not acted acts once its social proof reaches its (effective) threshold;
  token support is taken when it pays (the zero-noise limit of the logit).
* ``logit``: a random-utility choice (McFadden 1974) with noise
  ``decision.noise``; the threshold sets the reference point of social proof
  for acting.

The ingredients: concern for the cause, the cost of each option, the status
motive (public options pay off for those who want to be seen supporting;
Kristofferson, White & Peloza 2014), social proof from followees (Centola
2010), and the effect of a user's own earlier token support on acting
(:func:`action_shift`).

The formulas are scalar functions compiled with numba, and one choice
kernel (:func:`choose`) applies them to every choosing user in parallel;
tests call the same functions. The scenario's parameters reach them as one
:class:`Rules` record.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from model.randomness import uniform
from model.state import Flag

_ACTED, _TOKEN, _SHARER, _IN_GROUP = int(Flag.ACTED), int(Flag.TOKEN), int(Flag.SHARER), int(Flag.IN_GROUP)


class Rules(NamedTuple):
    """The scenario's decision parameters, as the kernels read them (numba compiles NamedTuples)."""

    token_proof_weight: float
    proof_weight: float
    bandwagon: float
    cost_like: float
    cost_share: float
    cost_act: float
    noise: float
    token_weight: float
    licensing: float
    consistency: float
    spillover: float
    penalty: float
    likes_visible: bool
    actions_public: bool
    fraction: bool
    logit: bool

    @classmethod
    def of(cls, scenario) -> Rules:
        """The rules of a validated :class:`~model.scenario.Scenario`."""
        d, p = scenario.decision, scenario.platform
        return cls(
            token_proof_weight=float(d.token_proof_weight), proof_weight=float(d.proof_weight),
            bandwagon=float(d.bandwagon), cost_like=float(d.cost_like), cost_share=float(d.cost_share),
            cost_act=float(d.cost_act), noise=float(d.noise), token_weight=float(d.token_weight),
            licensing=float(scenario.slacktivism.licensing), consistency=float(scenario.slacktivism.consistency),
            spillover=float(scenario.identity.spillover), penalty=float(scenario.misalignment.penalty),
            likes_visible=bool(p.like_counts_visible), actions_public=bool(p.actions_public),
            fraction=scenario.users.threshold_kind == "fraction", logit=d.rule == "logit",
        )


@numba.njit(cache=True, inline="always")
def action_shift(liked, shared, in_group, in_group_followees, misled, r):
    """How a user's past and position move its will to act (positive: more).

    * Consistency (foot in the door): any token support raises it by
      ``slacktivism.consistency`` (Kristofferson et al. 2014, private
      support; Lee & Hsieh 2013).
    * Moral licensing: *public* token support lowers it by
      ``slacktivism.licensing`` (Kristofferson et al. 2014, Study 1;
      Schumann & Klein 2015). A share is public; a like is public only where
      like counts are visible.
    * Collective identity: token support given by an in-group member among an
      identifiable in-group (an in-group followee engaged too) raises it by
      ``identity.spillover`` (Schumann & Klein 2015 discuss the role of group
      identity; the boost among an identifiable in-group is this model's
      assumption). At 0 an in-group member is like anyone else.
    * Misalignment: users reached only through distorted shares, or who
      distort the message themselves, lose ``misalignment.penalty`` (the seed
      essay).
    """
    shift = 0.0
    if liked or shared:
        shift += r.consistency
        if shared or (liked and r.likes_visible):
            shift -= r.licensing
        if in_group and in_group_followees > 0:
            shift += r.spillover
    if misled:
        shift -= r.penalty
    return shift


@numba.njit(cache=True, inline="always")
def social_proof(acted_followees, token_followees, n_followees, r):
    """Proof towards acting, and towards token support.

    Acting: followees who acted (where actions are public) plus
    ``decision.token_weight`` times those who gave token support, as a count
    or, for ``users.threshold_kind: fraction``, a fraction of all followees
    (0 for a user who follows no one; Watts 2002). Token support: the fraction
    of followees who engaged at all.
    """
    acted = acted_followees if r.actions_public else 0
    proof_act = acted + r.token_weight * token_followees
    proof_token = 0.0
    if n_followees > 0:
        proof_token = (acted + token_followees) / n_followees
        if r.fraction:
            proof_act = proof_act / n_followees
    elif r.fraction:
        proof_act = 0.0
    return proof_act, proof_token


@numba.njit(cache=True, inline="always")
def option_values(concern, status, theta, proof_act, proof_token, shift, popularity, r):
    """Utilities of liking, sharing and acting, each against ignoring it.

    Liking pays off for the status-minded only when like counts are visible
    (hidden like counts remove the incentive to be seen liking), and a
    visible, large like count pulls towards liking (``decision.bandwagon``;
    ``popularity`` is the like count, log-scaled to [0, 1]). Acting is
    weighed by how far social proof exceeds the threshold.
    """
    base = concern + r.token_proof_weight * proof_token
    like = base + (status + r.bandwagon * popularity) * r.likes_visible - r.cost_like
    share = base + status - r.cost_share
    act = concern + status * r.actions_public + r.proof_weight * (proof_act - theta) - r.cost_act + shift
    return like, share, act


@numba.njit(cache=True, inline="always")
def logistic(x):
    """1 / (1 + exp(-x)), without overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@numba.njit(cache=True, inline="always")
def logit_decisions(v_like, v_share, v_act, noise, u):
    """Three independent binary logits read from one uniform ``u``.

    Following the participation funnel (Klandermans & Oegema 1987), acting is
    a decision apart from token support, and liking apart from sharing, each
    against ignoring it: ``P = 1 / (1 + exp(-V / noise))``. So making one
    option less rewarding lowers that option without pushing users into the
    others, as a single multinomial logit would through its IIA property.
    A user who acts posts the action and nothing else that step. The three
    decisions read ``u`` in turn: act iff ``u < P_act``; the rest of ``u``,
    rescaled to [0, 1), decides liking, and its rest sharing (a uniform
    conditioned on an interval is uniform on it).
    """
    p = logistic(v_act / noise)
    if u < p:
        return False, False, True
    u = (u - p) / (1.0 - p)
    p = logistic(v_like / noise)
    like = u < p
    u = u / p if like else (u - p) / (1.0 - p)
    share = u < logistic(v_share / noise)
    return like, share, False


@numba.njit(cache=True, inline="always")
def threshold_act(theta, proof_act, shift):
    """The threshold rule: act iff proof >= effective threshold.

    The effective threshold is ``theta * max(0, 1 - shift)`` for theta > 0,
    so licensing raises it and consistency lowers it, in the threshold's own
    units; theta <= 0 (an instigator) stays. With no shift and token weight 0
    this is exactly Granovetter's (1978) and Watts's (2002) rule.
    """
    if theta > 0:
        return proof_act >= theta * max(0.0, 1.0 - shift)
    return proof_act >= theta


@numba.njit(cache=True, parallel=True)
def choose(users, in_feed, pop, n_followees, popularity, r, key, step, like, share, act):
    """Every choosing user's choice, written to ``like``, ``share``, ``act`` (aligned with ``users``).

    Args:
        users: the users who choose (none has acted).
        in_feed: whether each saw the campaign this step; token support needs it.
        pop: the :class:`~model.state.Population`, with its followee counts.
        n_followees: accounts each user follows.
        popularity: the campaign's like count, log-scaled to [0, 1].
        r: the :class:`Rules`.
        key, step: the logit rule reads user ``i``'s uniform
            ``uniform(key, i, step)`` (``model.randomness``), so a user's
            luck at a step is the same in every run with the same seed.
    """
    token_column = _TOKEN if r.likes_visible else _SHARER  # hidden likes are no social proof
    # Arrays are taken out of the record first: numba drops writes to a record's arrays inside prange.
    theta, concern, status, social = pop.theta, pop.concern, pop.status, pop.social
    liked, shared, in_group, misaligned, aware, aligned = (pop.liked, pop.shared, pop.in_group, pop.misaligned,
                                                           pop.aware, pop.aligned)
    for q in numba.prange(len(users)):
        i = users[q]
        misled = (aware[i] and not aligned[i]) or misaligned[i]
        shift = action_shift(liked[i], shared[i], in_group[i], social[i, _IN_GROUP], misled, r)
        proof_act, proof_token = social_proof(social[i, _ACTED], social[i, token_column], n_followees[i], r)
        v_like, v_share, v_act = option_values(concern[i], status[i], theta[i], proof_act, proof_token, shift,
                                               popularity, r)
        if r.logit:
            like[q], share[q], act[q] = logit_decisions(v_like, v_share, v_act, r.noise, uniform(key, i, step))
        else:
            act[q] = threshold_act(theta[i], proof_act, shift)
            like[q] = in_feed[q] and not act[q] and v_like > 0
            share[q] = in_feed[q] and not act[q] and v_share > 0
