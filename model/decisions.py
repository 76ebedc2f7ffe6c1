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
    """The scenario's decision parameters, as the kernels read them (numba compiles NamedTuples).

    Effects given in the scenario as odds ratios on acting are held here as
    natural logs, so that 1 (off) is exactly 0. ``log_counts[k]`` is
    ``log(1 + k)`` for every followee count up to the most any user has
    (the bandwagon's scale), looked up instead of recomputed per choice.
    """

    token_proof_weight: float
    proof_weight: float
    proof_cap: float
    bandwagon: float
    cost_like: float
    cost_share: float
    cost_act: float
    noise: float
    token_weight: float
    ask: float
    licensing: float
    impression_scale: float
    consistency: float
    spillover: float
    penalty: float
    framing_token: float
    framing_act: float
    share_boost: float
    identity: bool
    friend_likes: bool
    likes_visible: bool
    actions_public: bool
    fraction: bool
    logit: bool
    memory: bool
    indifference: float
    log_counts: np.ndarray = np.zeros(0)

    @classmethod
    def of(cls, scenario, impression_mean: float = 1.0, max_followees: int = 0) -> Rules:
        """The rules of a validated :class:`~model.scenario.Scenario`.

        Args:
            impression_mean: the population's mean of ``status * (1 - concern)``
                (:func:`impression`); licensing is scaled by each user's value
                over this mean, so ``slacktivism.licensing`` is the odds ratio
                of the average user.
            max_followees: the most accounts any user follows (the size of ``log_counts``).
        """
        d, p, c = scenario.decision, scenario.platform, scenario.campaign
        framing = float(c.framing) - 0.5
        log_framing = float(np.log(c.framing_odds))
        connective = c.logic == "connective"
        return cls(
            token_proof_weight=float(d.token_proof_weight), proof_weight=float(d.proof_weight),
            proof_cap=float(d.proof_cap),
            bandwagon=float(d.bandwagon), cost_like=float(d.cost_like), cost_share=float(d.cost_share),
            cost_act=float(d.cost_act), noise=float(d.noise), token_weight=float(d.token_weight),
            ask=float(np.log(c.ask_odds)),
            licensing=float(np.log(scenario.slacktivism.licensing)),
            impression_scale=1.0 / impression_mean if impression_mean > 0 else 0.0,
            consistency=float(np.log(scenario.slacktivism.consistency)),
            spillover=float(np.log(scenario.identity.spillover)),
            penalty=float(np.log(scenario.misalignment.penalty)),
            framing_token=-float(d.noise) * framing * log_framing, framing_act=framing * log_framing,
            share_boost=float(d.noise) * float(np.log(c.connective_share_odds)) if connective else 0.0,
            identity=c.logic == "collective", friend_likes=bool(p.show_friend_likes),
            likes_visible=bool(p.like_counts_visible), actions_public=bool(p.actions_public),
            fraction=scenario.users.threshold_kind == "fraction", logit=d.rule == "logit",
            memory=d.rule == "logit" and d.memory > 0, indifference=float(scenario.users.indifference),
            log_counts=log1p_table(max_followees),
        )


@numba.njit(cache=True)
def log1p_table(largest):
    """``log(1 + k)`` for ``k`` = 0 .. ``largest``, as the choice kernel would compute it for an integer count."""
    table = np.empty(largest + 1, dtype=np.float64)
    for k in range(largest + 1):
        table[k] = np.log1p(k)
    return table


class Luck(NamedTuple):
    """The keys of the per-user, per-step streams a choice reads (``model.randomness``).

    Without choice memory the three decisions read one uniform of ``choice``
    in turn (:func:`logit_decisions`). With memory a user's luck is kept
    across steps, so each decision reads a uniform of its own (``choice``
    for acting, ``like``, ``share``): read in turn, a kept uniform that fell
    in the liking band would sit just above the old chance of acting and make
    likers act at the next ask far more often than chance.
    """

    choice: np.uint64
    like: np.uint64
    share: np.uint64


def impression(status: np.ndarray, concern: np.ndarray) -> np.ndarray:
    """How much a user's public token support satisfies its wish to be seen: ``status * (1 - concern)``.

    Kristofferson, White & Peloza (2014): public token support licenses
    less help later because it meets the impression-management motive, and
    it does so less where the cause matches the person's values.
    """
    return status * (1.0 - concern)


@numba.njit(cache=True, inline="always")
def action_shift(asked, liked, shared, status, concern, in_group, in_group_followees, misled, r):
    """How a user's past and position move its log-odds of acting (positive: more).

    * At a later ask (``asked``: the campaign asks its token supporters again,
      ``campaign.asks``), as in the sequential-request paradigms (Freedman &
      Fraser 1966; Kristofferson et al. 2014), a direct request multiplies the
      odds by ``campaign.ask_odds``, and

      - moral licensing: *public* token support (a share, or a like where
        like counts are visible) lowers the odds by ``slacktivism.licensing``
        to the power ``status * (1 - concern) / mean``: impression management
        satisfied, less so for those who hold the cause's values;
      - consistency (foot in the door): *private* token support (a like with
        hidden counts) raises the odds by ``slacktivism.consistency``.
    * Collective identity: under collective logic (Bennett & Segerberg 2012:
      identity matters in organisation-brokered action), an in-group member's
      token support, with an in-group followee engaged too, raises the odds by
      ``identity.spillover`` (this model's assumption).
    * Misalignment: a user reached only through distorted framing has its
      odds multiplied by ``misalignment.penalty`` (the seed essay).
    * Framing: the campaign's message moves the odds by
      ``framing_odds ** (framing - 0.5)``.
    """
    shift = r.framing_act
    token = liked or shared
    if asked:
        shift += r.ask
    if asked and token:
        if shared or r.likes_visible:
            shift += r.licensing * status * (1.0 - concern) * r.impression_scale
        else:
            shift += r.consistency
    if token and in_group and in_group_followees > 0 and r.identity:
        shift += r.spillover
    if misled:
        shift += r.penalty
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
def option_values(concern, status, theta, proof_act, proof_token, shift, shown_likes, r):
    """Utilities of liking, sharing and acting, each against ignoring it.

    Liking pays off for the status-minded only when like counts are visible
    (hidden like counts remove the incentive to be seen liking), and the
    likes a user's own feed shows pull towards liking (``decision.bandwagon``;
    ``shown_likes`` is the followees who liked or shared, or only those who
    shared where friends' likes are not in the feed, log-scaled to [0, 1] by
    the number of followees): a local, bounded bandwagon. Acting is
    weighed by how far social proof (saturating at ``decision.proof_cap``)
    exceeds the threshold, and moved by the
    log-odds ``shift`` (:func:`action_shift`), scaled by the noise so that it
    is exactly a log odds ratio under the logit rule. The framing moves liking
    and sharing the other way, and connective logic makes sharing easier.
    """
    base = concern + r.token_proof_weight * proof_token + r.framing_token
    like = base + (status + r.bandwagon * shown_likes) * r.likes_visible - r.cost_like
    share = base + status - r.cost_share + r.share_boost
    proof = min(proof_act, r.proof_cap)
    act = concern + status * r.actions_public + r.proof_weight * (proof - theta) - r.cost_act + r.noise * shift
    return like, share, act


@numba.njit(cache=True, inline="always")
def logistic(x):
    """1 / (1 + exp(-x)); for x below about -709 ``exp`` gives inf and the result 0, as it should.

    One ``exp`` costs less than ``tanh``, and the choice kernel evaluates it for every chooser.
    """
    return 1.0 / (1.0 + np.exp(-x))


@numba.njit(cache=True, inline="always")
def logit_decisions(v_like, v_share, v_act, noise, u, in_feed):
    """Three independent binary logits read from one uniform ``u``.

    Following the participation funnel (Klandermans & Oegema 1987), acting is
    a decision apart from token support, and liking apart from sharing, each
    against ignoring it: ``P = 1 / (1 + exp(-V / noise))``. So making one
    option less rewarding lowers that option without pushing users into the
    others, as a single multinomial logit would through its IIA property.
    A user who acts posts the action and nothing else that step (unless the
    campaign bundles a share with it). The three decisions read ``u`` in
    turn: act iff ``u < P_act``; the rest of ``u``, rescaled to [0, 1),
    decides liking, and its rest sharing (a uniform conditioned on an
    interval is uniform on it). A user asked by a reminder, with no post in
    its feed (``in_feed`` false), decides only whether to act.
    """
    p = logistic(v_act / noise)
    if u < p:
        return False, False, True
    if not in_feed:
        return False, False, False
    u = (u - p) / (1.0 - p)
    p = logistic(v_like / noise)
    like = u < p
    u = u / p if like else (u - p) / (1.0 - p)
    share = u < logistic(v_share / noise)
    return like, share, False


@numba.njit(cache=True, inline="always")
def threshold_act(theta, proof_act, shift):
    """The threshold rule: act iff proof >= effective threshold.

    The effective threshold is ``theta * exp(-shift)`` for theta > 0: an
    odds ratio ``OR`` on acting divides the threshold by ``OR``; theta <= 0
    (an instigator) stays. With no shift and token weight 0 this is exactly
    Granovetter's (1978) and Watts's (2002) rule.
    """
    if theta > 0:
        return proof_act >= theta * np.exp(-shift)
    return proof_act >= theta


@numba.njit(cache=True, inline="always")
def kept_luck_decisions(v_like, v_share, v_act, noise, luck, user, luck_step, in_feed):
    """Three independent binary logits, each reading a uniform of its own (choice memory).

    The same probabilities as :func:`logit_decisions`: act iff
    ``u_act < P_act``; otherwise, with the campaign in the feed, like iff
    ``u_like < P_like`` and share iff ``u_share < P_share``. The uniforms are
    the user's at its ``luck_step`` in each of ``luck``'s streams, drawn only
    when a decision reads them.
    """
    if uniform(luck.choice, user, luck_step) < logistic(v_act / noise):
        return False, False, True
    if not in_feed:
        return False, False, False
    return (uniform(luck.like, user, luck_step) < logistic(v_like / noise),
            uniform(luck.share, user, luck_step) < logistic(v_share / noise), False)


class Choosers(NamedTuple):
    """The users who choose at a step and what reached them (aligned arrays).

    Attributes:
        users: the users who choose (sorted, none has acted).
        in_feed: whether each saw the campaign this step; token support needs it.
        asked: whether a reminder from the campaign (or an invitation) asked each directly.
    """

    users: np.ndarray
    in_feed: np.ndarray
    asked: np.ndarray


class Chosen(NamedTuple):
    """What each chooser chose (aligned with :attr:`Choosers.users`)."""

    like: np.ndarray
    share: np.ndarray
    act: np.ndarray


def choose(choosers: Choosers, pop, n_followees: np.ndarray, r: Rules, luck: Luck, step: int) -> Chosen:
    """Every choosing user's choice (aligned with ``choosers.users``).

    Users not interested in the cause (``pop.interested``) pay
    ``users.indifference`` on every option.

    Args:
        choosers: the users who choose (:class:`Choosers`).
        pop: the :class:`~model.state.Population`, with its followee counts.
        n_followees: accounts each user follows.
        r: the :class:`Rules`.
        luck: the logit rule reads user ``i``'s uniform
            ``uniform(luck.choice, i, step)`` (``model.randomness``), so a
            user's luck at a step is the same in every run with the same
            seed; with choice memory (``r.memory``) it reads the uniforms of
            its ``pop.luck_step`` instead (:func:`kept_luck_decisions`).
        step: the current step, the other coordinate of that uniform.
    """
    n = len(choosers.users)
    out = Chosen(np.empty(n, dtype=bool), np.empty(n, dtype=bool), np.empty(n, dtype=bool))
    _choose(*choosers, pop, n_followees, r, luck, step, *out)
    return out


@numba.njit(cache=True, parallel=True)
def _choose(users, in_feed, asked, pop, n_followees, r, luck, step, like, share, act):
    for q in numba.prange(len(users)):
        like[q], share[q], act[q] = choose_one(users[q], in_feed[q], asked[q], pop, pop.social[users[q]],
                                               n_followees[users[q]], r, luck, step)


@numba.njit(cache=True, inline="always")
def choose_one(i, in_feed, asked, pop, counts, n_followees, r, luck, step):
    """User ``i``'s (like, share, act) from its followee ``counts`` (a row of ``pop.social``); see :func:`choose`."""
    token_column = _TOKEN if r.likes_visible else _SHARER  # hidden likes are no social proof
    misled = pop.aware[i] and not pop.aligned[i]
    shift = action_shift(asked, pop.liked[i], pop.shared[i], pop.status[i], pop.concern[i], pop.in_group[i],
                         counts[_IN_GROUP], misled, r)
    n_token = counts[_TOKEN] if r.friend_likes else counts[_SHARER]  # what the feed can show
    proof_act, proof_token = social_proof(counts[_ACTED], counts[token_column], n_followees, r)
    shown_likes = 0.0
    if n_token > 0:
        if n_followees < len(r.log_counts):
            shown_likes = r.log_counts[n_token] / r.log_counts[n_followees]
        else:
            shown_likes = np.log1p(n_token) / np.log1p(n_followees)
    theta = pop.theta[i]
    v_like, v_share, v_act = option_values(pop.concern[i], pop.status[i], theta, proof_act, proof_token, shift,
                                           shown_likes, r)
    if not pop.interested[i]:
        v_like -= r.indifference
        v_share -= r.indifference
        v_act -= r.indifference
    if r.memory:
        return kept_luck_decisions(v_like, v_share, v_act, r.noise, luck, i, pop.luck_step[i], in_feed)
    if r.logit:
        return logit_decisions(v_like, v_share, v_act, r.noise, uniform(luck.choice, i, step), in_feed)
    act = threshold_act(theta, proof_act, shift)
    return in_feed and not act and v_like > 0, in_feed and not act and v_share > 0, act
