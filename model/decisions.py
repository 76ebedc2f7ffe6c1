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

The formulas are scalar functions compiled with numba, and the two choice
kernels apply them to every choosing user in parallel; tests call the same
functions. The scenario's parameters reach them as one float vector
(:func:`rules`).
"""

from __future__ import annotations

import numba
import numpy as np

from model.state import ACTED, IN_GROUP, SHARER, TOKEN

# Positions in the rules vector.
(TOKEN_PROOF_WEIGHT, PROOF_WEIGHT, BANDWAGON, COST_LIKE, COST_SHARE, COST_ACT, NOISE, TOKEN_WEIGHT,
 LICENSING, CONSISTENCY, SPILLOVER, PENALTY, LIKES_VISIBLE, ACTIONS_PUBLIC, FRACTION) = range(15)


def rules(scenario) -> np.ndarray:
    """The scenario's decision parameters as the float vector the kernels read."""
    d, p = scenario.decision, scenario.platform
    r = np.zeros(15)
    r[TOKEN_PROOF_WEIGHT], r[PROOF_WEIGHT], r[BANDWAGON] = d.token_proof_weight, d.proof_weight, d.bandwagon
    r[COST_LIKE], r[COST_SHARE], r[COST_ACT] = d.cost_like, d.cost_share, d.cost_act
    r[NOISE], r[TOKEN_WEIGHT] = d.noise, d.token_weight
    r[LICENSING], r[CONSISTENCY] = scenario.slacktivism.licensing, scenario.slacktivism.consistency
    r[SPILLOVER], r[PENALTY] = scenario.identity.spillover, scenario.misalignment.penalty
    r[LIKES_VISIBLE], r[ACTIONS_PUBLIC] = p.like_counts_visible, p.actions_public
    r[FRACTION] = scenario.users.threshold_kind == "fraction"
    return r


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
      identifiable in-group (an in-group followee engaged too) spills over by
      ``identity.spillover`` instead of licensing (Schumann & Klein 2015).
    * Misalignment: users reached only through distorted shares, or who
      distort the message themselves, lose ``misalignment.penalty`` (the seed
      essay).
    """
    shift = 0.0
    if liked or shared:
        shift += r[CONSISTENCY]
        if in_group and in_group_followees > 0:
            shift += r[SPILLOVER]
        elif shared or (liked and r[LIKES_VISIBLE] > 0):
            shift -= r[LICENSING]
    if misled:
        shift -= r[PENALTY]
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
    acted = acted_followees if r[ACTIONS_PUBLIC] > 0 else 0
    proof_act = acted + r[TOKEN_WEIGHT] * token_followees
    proof_token = 0.0
    if n_followees > 0:
        proof_token = (acted + token_followees) / n_followees
        if r[FRACTION] > 0:
            proof_act = proof_act / n_followees
    elif r[FRACTION] > 0:
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
    base = concern + r[TOKEN_PROOF_WEIGHT] * proof_token
    like = base + (status + r[BANDWAGON] * popularity) * r[LIKES_VISIBLE] - r[COST_LIKE]
    share = base + status - r[COST_SHARE]
    act = concern + status * r[ACTIONS_PUBLIC] + r[PROOF_WEIGHT] * (proof_act - theta) - r[COST_ACT] + shift
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
def choose(users, in_feed, uniforms, logit, theta, concern, status, liked, shared, in_group, misaligned,
           aware, aligned, social, n_followees, popularity, r, like, share, act):
    """Every choosing user's choice, written to ``like``, ``share``, ``act`` (aligned with ``users``).

    Args:
        users: the users who choose (none has acted).
        in_feed: whether each saw the campaign this step; token support needs it.
        uniforms: one per user (the logit rule; unused by the threshold rule).
        logit: the logit rule if true, else the threshold rule.
        theta .. aligned: ``Population`` arrays; ``social`` its followee counts.
        popularity: the campaign's like count, log-scaled to [0, 1].
        r: :func:`rules`.
    """
    token_column = TOKEN if r[LIKES_VISIBLE] > 0 else SHARER  # hidden likes are no social proof
    for q in numba.prange(len(users)):
        i = users[q]
        misled = (aware[i] and not aligned[i]) or misaligned[i]
        shift = action_shift(liked[i], shared[i], in_group[i], social[i, IN_GROUP], misled, r)
        proof_act, proof_token = social_proof(social[i, ACTED], social[i, token_column], n_followees[i], r)
        v_like, v_share, v_act = option_values(concern[i], status[i], theta[i], proof_act, proof_token, shift,
                                               popularity, r)
        if logit:
            like[q], share[q], act[q] = logit_decisions(v_like, v_share, v_act, r[NOISE], uniforms[q])
        else:
            act[q] = threshold_act(theta[i], proof_act, shift)
            like[q] = in_feed[q] and not act[q] and v_like > 0
            share[q] = in_feed[q] and not act[q] and v_share > 0
