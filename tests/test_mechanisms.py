"""Each mechanism on its own, against the formula it implements."""

import numpy as np
import pytest
from scipy import sparse

from model import SlacktivismModel, decisions, feed
from model.network import from_edges
from model.randomness import Purpose, stream_key, uniforms
from model.scenario import Scenario
from model.spread import clear_posts, count_followees, post
from model.state import N_COUNTS, Channel, Flag, Population
from tests.conftest import scenario, threshold_scenario

ACTED, TOKEN, SHARER, IN_GROUP = Flag.ACTED, Flag.TOKEN, Flag.SHARER, Flag.IN_GROUP
FEED_SHARES, FEED_DISTORTED, FEED_LIKES, FEED_ACTS = (Flag.POSTED_ALIGNED, Flag.POSTED_DISTORTED, Flag.POSTED_LIKE,
                                                      Flag.POSTED_ACT)

PLATFORM = Scenario().platform


# ---------------------------------------------------------------- exposure


def _population(n, theta=None, concern=None, status=None, in_group=None, misaligned=None):
    zeros = np.zeros(n)
    return Population.start(zeros if theta is None else theta, zeros if concern is None else concern,
                            zeros if status is None else status,
                            np.zeros(n, bool) if in_group is None else in_group,
                            np.zeros(n, bool) if misaligned is None else misaligned)


def _reach(p=(0.5, 0.1, 0.2)):
    return feed.Reach(*p, *(feed.log_miss(q) for q in p))


def _expose(feed_items, p=(0.5, 0.1, 0.2), seed=0, step=3):
    """Run the exposure kernel on users with given feed items (shares, distorted, likes, acts).

    Returns what it set and the users' uniforms (the exposure stream at ``step``).
    """
    n = len(feed_items)
    pop = _population(n)
    pop.social[:, FEED_SHARES:] = feed_items
    saw = np.zeros(n, bool)
    key = stream_key(seed, Purpose.EXPOSURE)
    feed.expose(np.arange(n), pop, _reach(p), key, step, saw, np.zeros(n, np.int32))
    return pop.aware, pop.aligned, pop.step_aware, np.flatnonzero(saw), uniforms(key, np.arange(n), step)


def test_exposure_is_one_minus_product_of_misses():
    """P(aligned) = 1 - (1-p_s)^s (1-p_l)^l (1-p_a)^a; each user sees it iff its uniform is below."""
    items = np.array([(0, 0, 0, 0), (1, 0, 0, 0), (2, 0, 0, 0), (1, 0, 2, 1)] * 500)
    aware, aligned, step_aware, seen, u = _expose(items)
    p_aligned = np.tile([0.0, 0.5, 0.75, 1 - 0.5 * 0.9 ** 2 * 0.8], 500)
    assert np.array_equal(aligned, u < p_aligned) and np.array_equal(aware, aligned)
    assert np.array_equal(seen, np.flatnonzero(aware)) and set(step_aware[aware]) == {3}
    assert (step_aware[~aware] == -1).all()


def test_aligned_and_distorted_exposure():
    """Over many users, P(aligned) = pa and P(seen) = 1 - (1 - pa)(1 - pd)."""
    n = 400_000
    items = np.tile([2, 3, 0, 0], (n, 1))  # pa = 1 - 0.5^2, pd = 1 - 0.5^3
    aware, aligned, _, _seen, _ = _expose(items)
    pa, pd = 0.75, 0.875
    tol = 4 * np.sqrt(0.25 / n)
    assert aligned.mean() == pytest.approx(pa, abs=tol)
    assert aware.mean() == pytest.approx(1 - (1 - pa) * (1 - pd), abs=tol)
    assert not (aligned & ~aware).any()


def test_distorting_a_share_changes_the_framing_seen_not_who_sees():
    """Common random numbers: turning aligned shares into distorted ones keeps the seen set to the bit."""
    n = 50_000
    rng = np.random.default_rng(1)
    shares, likes, acts = rng.integers(0, 4, n), rng.integers(0, 3, n), rng.integers(0, 2, n)
    distorted = rng.integers(0, shares + 1)
    honest = _expose(np.column_stack([shares, np.zeros(n, int), likes, acts]))
    mixed = _expose(np.column_stack([shares - distorted, distorted, likes, acts]))
    assert np.array_equal(honest[0], mixed[0]) and np.array_equal(honest[3], mixed[3])
    assert mixed[1].sum() < honest[1].sum()  # fewer saw the campaign's own framing


def test_only_distorted_shares_leave_a_user_misled():
    aware, aligned, _, _, _ = _expose([(0, 2, 0, 0)] * 50)
    assert aware.sum() > 30 and not aligned.any()


def test_certain_reach_with_no_items_is_zero_not_nan():
    aware, _, _, _, _ = _expose([(0, 0, 0, 0), (1, 0, 0, 0)], p=(1.0, 1.0, 1.0))
    assert aware.tolist() == [False, True]


def test_engagement_feed_rewards_the_numbers():
    assert feed.visibility("chronological", 2.0, 10_000, 10_000) == 1.0
    assert feed.visibility("engagement", 2.0, 0, 10_000) == 1.0
    assert feed.visibility("engagement", 2.0, 10_000, 10_000) == pytest.approx(3.0)
    assert feed.visibility("engagement", 2.0, 100, 10_000) < feed.visibility("engagement", 2.0, 1000, 10_000)


def test_attention_decays_geometrically():
    assert feed.novelty(0.2, 0) == 1.0
    assert feed.novelty(0.2, 3) == pytest.approx(0.8 ** 3)


def test_platform_switches_remove_channels():
    hidden = PLATFORM.model_copy(update={"show_friend_likes": False, "actions_public": False})
    assert feed.reach(hidden, 1.0)[:3] == (PLATFORM.share_reach, 0.0, 0.0)
    assert feed.reach(PLATFORM, 100.0)[:3] == (1.0, 1.0, 1.0)


def test_full_decay_stops_the_campaign_after_the_first_wave():
    sc = scenario(network={"kind": "barabasi_albert", "n_users": 2000}, campaign={"attention_decay": 1.0},
                  seeding={"count": 5}, media={"hazard": 0.0})
    model = SlacktivismModel(sc, rng=1)
    model.step()
    first_wave = model.current["aware"]
    model.run()
    assert model.current["aware"] == first_wave


# ---------------------------------------------------------------- choice


def _rules(**sections):
    return decisions.Rules.of(scenario(**sections))


def test_action_shift_licensing_only_for_public_token_support_at_a_later_ask():
    plain_ask = {"ask_odds": 1.0}  # the direct request's own pull is tested apart
    r = _rules(slacktivism={"licensing": 0.4, "consistency": 2.0}, misalignment={"penalty": 0.3}, campaign=plain_ask)
    hidden = _rules(slacktivism={"licensing": 0.4, "consistency": 2.0}, misalignment={"penalty": 0.3},
                    platform={"like_counts_visible": False}, campaign=plain_ask)
    cases = [(True, False), (False, True), (False, False)]  # liked, shared
    # The most impression-driven user (status 1, concern 0; the population mean of status * (1 - concern) is 1 here).
    visible = [decisions.action_shift(True, lk, sh, 1.0, 0.0, False, 0, False, r) for lk, sh in cases]
    private = [decisions.action_shift(True, lk, sh, 1.0, 0.0, False, 0, False, hidden) for lk, sh in cases]
    assert visible == pytest.approx([np.log(0.4), np.log(0.4), 0.0])
    # Kristofferson et al. (2014): private token support (a like no one can see) brings consistency only.
    assert private == pytest.approx([np.log(2.0), np.log(0.4), 0.0])
    # Impression management: half the status motive and half the concern license a quarter as much.
    assert decisions.action_shift(True, True, False, 0.5, 0.5, False, 0, False, r) == pytest.approx(np.log(0.4) / 4)
    # Both are sequential-request effects: with no later ask, no shift.
    assert [decisions.action_shift(False, lk, sh, 1.0, 0.0, False, 0, False, r) for lk, sh in cases] == [0, 0, 0]
    assert [decisions.action_shift(False, lk, sh, 1.0, 0.0, False, 0, False, hidden) for lk, sh in cases] == [0, 0, 0]


def test_licensing_is_the_odds_ratio_of_the_average_user():
    """Scaled by status * (1 - concern) over its population mean, the mean log odds ratio is ln(licensing)."""
    rng = np.random.default_rng(1)
    status, concern = rng.beta(2, 5, 10_000), rng.beta(2, 3, 10_000)
    r = decisions.Rules.of(scenario(slacktivism={"licensing": 0.57}, campaign={"ask_odds": 1.0}),
                           float(decisions.impression(status, concern).mean()))
    shifts = [decisions.action_shift(True, False, True, s, c, False, 0, False, r)
              for s, c in zip(status, concern, strict=True)]
    assert np.mean(shifts) == pytest.approx(np.log(0.57))


def test_a_direct_ask_multiplies_the_odds_of_acting_by_ask_odds():
    r = _rules(campaign={"ask_odds": 10.0}, slacktivism={"licensing": 1.0, "consistency": 1.0})
    assert decisions.action_shift(True, True, False, 1.0, 0.0, False, 0, False, r) == pytest.approx(np.log(10))
    assert decisions.action_shift(False, True, False, 1.0, 0.0, False, 0, False, r) == 0


def test_action_shift_in_group_spillover_misalignment_and_framing():
    r = _rules(identity={"share": 0.5, "spillover": 3.0}, misalignment={"penalty": 0.3},
               campaign={"logic": "collective"})
    assert decisions.action_shift(False, True, False, 1, 0, True, 2, False, r) == pytest.approx(np.log(3))
    assert decisions.action_shift(False, True, False, 1, 0, True, 0, False, r) == 0  # no in-group around
    assert decisions.action_shift(False, False, False, 1, 0, False, 0, True, r) == pytest.approx(np.log(0.3))
    # Identity spills over only in collective action (Bennett & Segerberg 2012).
    for logic in ("individual", "connective"):
        other = _rules(identity={"share": 0.5, "spillover": 3.0}, campaign={"logic": logic})
        assert decisions.action_shift(False, True, False, 1, 0, True, 2, False, other) == 0
    framed = _rules(campaign={"framing": 1.0, "framing_odds": 4.0})
    assert decisions.action_shift(False, False, False, 1, 0, False, 0, False, framed) == pytest.approx(np.log(2))
    off = _rules(identity={"share": 0.5, "spillover": 1.0}, campaign={"logic": "collective"})
    # At spillover 1 an in-group member is exactly like anyone else.
    assert decisions.action_shift(False, True, False, 1, 0, True, 2, False, off) == decisions.action_shift(
        False, True, False, 1, 0, False, 0, False, off)


def test_an_odds_ratio_multiplies_the_odds_of_acting_under_the_logit_rule():
    """The shift enters the utility times the noise, so exp(shift) is exactly the odds ratio."""
    r = _rules(decision={"noise": 0.4})
    _, _, v0 = decisions.option_values(0.5, 0.2, 2.0, 1.0, 0.0, 0.0, 0.0, r)
    _, _, v1 = decisions.option_values(0.5, 0.2, 2.0, 1.0, 0.0, np.log(0.57), 0.0, r)

    def odds(v):
        p = decisions.logistic(v / 0.4)
        return p / (1 - p)

    assert odds(v1) / odds(v0) == pytest.approx(0.57)


def test_social_proof_count_fraction_and_hidden_actions():
    count = _rules(users={"threshold_kind": "count"}, decision={"token_weight": 0.5})
    fraction = _rules(users={"threshold_kind": "fraction"}, decision={"token_weight": 0.5})
    hidden = _rules(users={"threshold_kind": "count"}, platform={"actions_public": False})
    assert decisions.social_proof(3, 2, 10, count) == pytest.approx((4.0, 0.5))
    assert decisions.social_proof(3, 2, 10, fraction) == pytest.approx((0.4, 0.5))
    assert decisions.social_proof(3, 2, 0, fraction) == pytest.approx((0.0, 0.0))  # follows no one
    assert decisions.social_proof(3, 2, 10, hidden) == pytest.approx((0.0, 0.2))


def test_option_values_follow_their_ingredients():
    d = Scenario().decision
    r = _rules()
    like, share, act = decisions.option_values(0.5, 0.2, 2.0, 3.0, 0.3, -0.1, 0.5, r)
    base = 0.5 + d.token_proof_weight * 0.3
    assert like == pytest.approx(base + 0.2 + d.bandwagon * 0.5 - d.cost_like)
    assert share == pytest.approx(base + 0.2 - d.cost_share)
    assert act == pytest.approx(0.5 + 0.2 + d.proof_weight * (3.0 - 2.0) - d.cost_act - 0.1 * d.noise)
    # Social proof towards acting saturates at decision.proof_cap (4 followees who acted).
    assert decisions.option_values(0.5, 0.2, 2.0, 9.0, 0.3, 0.0, 0.5, r)[2] == pytest.approx(
        decisions.option_values(0.5, 0.2, 2.0, 4.0, 0.3, 0.0, 0.5, r)[2])
    hidden = _rules(platform={"like_counts_visible": False})
    assert decisions.option_values(0.5, 0.2, 2.0, 3.0, 0.3, -0.1, 0.5, hidden)[0] == pytest.approx(
        base - d.cost_like)
    # Framing trades appeal against the call to act; connective frames are easier to share.
    appeal = _rules(campaign={"framing": 0.0, "framing_odds": 4.0})
    a_like, a_share, _ = decisions.option_values(0.5, 0.2, 2.0, 3.0, 0.3, 0.0, 0.5, appeal)
    assert (a_like - like) / d.noise == pytest.approx(np.log(2)) and (a_share - share) / d.noise == pytest.approx(
        np.log(2))
    connective = _rules(campaign={"logic": "connective", "connective_share_odds": 2.0})
    c_share = decisions.option_values(0.5, 0.2, 2.0, 3.0, 0.3, 0.0, 0.5, connective)[1]
    assert (c_share - share) / d.noise == pytest.approx(np.log(2))


def test_logit_frequencies_match_the_logistic_formula():
    """Three independent binary logits read from one uniform: frequencies and independence."""
    values, noise = (0.1, -0.4, -0.9), 0.25
    u = np.random.default_rng(0).random(40_000)
    draws = np.array([decisions.logit_decisions(*values, noise, x, True) for x in u])
    like, share, act = draws.T
    p_like, p_share, p_act = (1 / (1 + np.exp(-v / noise)) for v in values)
    m = len(draws)
    for got, want in [(act.mean(), p_act), (like.mean(), p_like * (1 - p_act)),
                      (share.mean(), p_share * (1 - p_act)), ((like & share).mean(), p_like * p_share * (1 - p_act))]:
        assert got == pytest.approx(want, abs=4 * np.sqrt(want * (1 - want) / m) + 1e-4)
    # A reminder with nothing in the feed asks only for action: same actors, no token support.
    asked = np.array([decisions.logit_decisions(*values, noise, x, False) for x in u])
    assert np.array_equal(asked[:, 2], act) and not asked[:, :2].any()


def test_threshold_rule_effective_threshold():
    cases = [(0.5, 0.5, 0.0), (0.5, 0.5, np.log(0.8)), (0.5, 0.3, np.log(2.0)), (0.0, 0.0, -5.0), (-1.0, 0.0, 0.0)]
    # 0.5 >= 0.5; an odds ratio of 0.8 raises 0.5 to 0.625; of 2 lowers it to 0.25; instigators act regardless.
    assert [decisions.threshold_act(*c) for c in cases] == [True, False, True, True, True]


def test_choose_kernel_threshold_rule_needs_the_feed_for_token_support():
    pop = _population(3, theta=np.array([0.0, 9.0, 9.0]), concern=np.full(3, 0.9), status=np.full(3, 0.9))
    r = _rules(decision={"rule": "threshold", "cost_like": 0.1, "cost_share": 0.1},
               users={"threshold_kind": "count"})
    like, share, act = decisions.choose(
        decisions.Choosers(np.arange(3), np.array([True, True, False]), np.zeros(3, bool)), pop,
        np.full(3, 5, np.int32), r,
        decisions.Luck(stream_key(0, Purpose.CHOICE), stream_key(0, Purpose.LIKE_LUCK),
                       stream_key(0, Purpose.SHARE_LUCK)), 1)
    assert act.tolist() == [True, False, False]       # the instigator acts, and does nothing else
    assert like.tolist() == [False, True, False]      # only a user with the campaign in its feed
    assert share.tolist() == [False, True, False]


# ---------------------------------------------------------------- spreading


def test_counters_equal_a_sparse_product():
    """Posting then counting gives the follower matrix times the state vectors."""
    rng = np.random.default_rng(3)
    n = 500
    u, v = rng.integers(0, n, 4000), rng.integers(0, n, 4000)
    g = from_edges(n, u, v, directed=True)
    a = sparse.csr_matrix((np.ones(len(g.followers)), g.followers,
                           g.indptr), shape=(n, n)).T.tocsr()  # a[i, j] = i follows j
    assert np.array_equal(np.asarray(a.sum(axis=1)).ravel(), g.n_followees)
    pop = _population(n, in_group=rng.random(n) < 0.5, misaligned=rng.random(n) < 0.3)
    assert pop.social.shape == (n, N_COUNTS)
    # Some users already liked or shared in an earlier step.
    earlier = np.sort(rng.choice(n, 60, replace=False))
    touched = np.zeros(n, bool)
    post(g, earlier, rng.random(60) < 0.7, rng.random(60) < 0.5, np.zeros(60, bool), pop.misaligned[earlier], 3, pop,
         touched)
    clear_posts(pop.bits, earlier)
    touched[:] = False
    posters = np.sort(rng.choice(n, 80, replace=False))
    like, share, act = rng.random(80) < 0.5, rng.random(80) < 0.3, rng.random(80) < 0.2
    before_like, before_share = pop.liked.copy(), pop.shared.copy()
    post(g, posters, like, share, act, pop.misaligned[posters], 4, pop, touched)
    counts = count_followees(g, pop.bits, np.arange(n))

    def product(mask):
        return (a @ mask.astype(float)).astype(int)

    def now(m):
        x = np.zeros(n, bool)
        x[posters[m]] = True
        return x

    new_like, new_share = now(like) & ~before_like, now(share) & ~before_share
    assert np.array_equal(counts[:, ACTED], product(pop.acted))
    assert np.array_equal(counts[:, TOKEN], product((pop.liked | pop.shared) & ~pop.acted))
    assert np.array_equal(counts[:, SHARER], product(pop.shared & ~pop.acted))
    engaged = pop.liked | pop.shared | pop.acted
    assert np.array_equal(counts[:, IN_GROUP], product(pop.in_group & engaged))
    assert np.array_equal(counts[:, FEED_ACTS], product(now(act)))
    assert np.array_equal(counts[:, FEED_LIKES], product(now(like)))
    assert np.array_equal(counts[:, FEED_SHARES], product(now(share) & ~pop.misaligned))
    assert np.array_equal(counts[:, FEED_DISTORTED], product(now(share) & pop.misaligned))
    assert np.array_equal(touched, product(now(np.ones(80, bool))) > 0)
    assert (pop.step_acted[now(act)] == 4).all() and np.array_equal(pop.acted, now(act))
    assert (pop.step_liked[new_like] == 4).all() and (pop.step_shared[new_share] == 4).all()
    assert (pop.step_liked[pop.liked & ~new_like] == 3).all() and (pop.step_liked[~pop.liked] == -1).all()
    assert new_like.sum() <= like.sum() and new_share.sum() <= share.sum()
    # Once delivered, posts are forgotten but the state stays.
    clear_posts(pop.bits, posters)
    again = count_followees(g, pop.bits, np.arange(n))
    assert (again[:, FEED_SHARES:] == 0).all() and np.array_equal(again[:, :FEED_SHARES], counts[:, :FEED_SHARES])


def test_counters_stay_exact_past_255_followees():
    """The eight counts are summed as bytes of one word, 255 followees at a time: a user following 1,000 overflows none.

    Each count must equal the number of followees with that bit set, counted bit by bit.
    """
    n = 1001
    g = from_edges(n, np.zeros(n - 1, dtype=np.int64), np.arange(1, n), directed=True)
    follows = int(np.argmax(g.n_followees))
    assert g.n_followees[follows] == n - 1
    bits = np.random.default_rng(5).integers(0, 256, n).astype(np.uint8)
    bits[:] |= np.uint8(0xFF) * (np.arange(n) % 2 == 0)  # every bit set at half the followees: counts near 500
    counts = count_followees(g, bits, np.array([follows]))[0]
    followees = g.followees[g.followee_indptr[follows]:g.followee_indptr[follows + 1]]
    expected = [int(((bits[followees] >> c) & 1).sum()) for c in range(N_COUNTS)]
    assert counts.tolist() == expected and min(expected) > 255


# ---------------------------------------------------------------- seeding and goal


def _graph_model(strategy, **kw):
    sc = scenario(network={"kind": "barabasi_albert", "n_users": 3000, "mean_degree": 6},
                  seeding={"strategy": strategy, "count": 20, **kw})
    return SlacktivismModel(sc, rng=7)


def test_hubs_are_the_most_followed_and_periphery_the_least():
    hubs = _graph_model("hubs")
    followers = hubs.graph.n_followers
    assert followers[hubs.seeds].min() >= np.sort(followers)[-20]
    periphery = _graph_model("periphery")
    assert followers[periphery.seeds].max() <= np.sort(followers[followers > 0])[19]
    assert (followers[periphery.seeds] > 0).all()


def test_explicit_and_no_seeding():
    explicit = _graph_model("explicit", users=[5, 1, 5])
    assert explicit.seeds.tolist() == [1, 5]
    assert explicit.pop.acted[[1, 5]].all() and explicit.current["acted"] == 2
    none = SlacktivismModel(scenario(seeding={"strategy": "none"}, media={"hazard": 0.0}), rng=1)
    assert none.current["aware"] == 0 and none.run()["aware"] == 0
    # With no organisers, only the outside channels bring anyone in: every tree starts from media.
    outside = SlacktivismModel(scenario(seeding={"strategy": "none"}), rng=1)
    s = outside.run()
    assert s["aware"] > 0 and s["trees"] == s["engaged_by_media"] > 0
    roots = outside.recruitment().roots
    assert (outside.pop.reached_by[roots] == Channel.MEDIA).all()


def test_seeds_act_at_step_zero():
    model = _graph_model("random")
    assert (model.pop.step_acted[model.seeds] == 0).all()
    assert model.timeseries()["acted"].iloc[0] == 20


def test_goal_step_is_the_first_step_the_goal_is_met():
    """In Granovetter's riot one user acts per step, so the 50th action comes at step 50."""
    sc = threshold_scenario({"kind": "complete", "n_users": 100}, range(100), campaign={"goal_actions": 50})
    summary = SlacktivismModel(sc).run()
    assert summary["goal_reached"] and summary["goal_step"] == 50


def test_misaligned_shares_mislead_and_lower_action():
    """Users reached only through distorted framing act at a far lower rate than those who saw the call."""
    base = dict(network={"kind": "barabasi_albert", "n_users": 3000, "mean_degree": 50}, seeding={"count": 20},
                decision={"cost_act": 2.0})
    clean = [SlacktivismModel(scenario(**base), rng=s).run() for s in range(6)]
    drift = [SlacktivismModel(scenario(**base, misalignment={"share": 0.9, "penalty": 0.05}), rng=s).run()
             for s in range(6)]
    assert all(r["misled"] == 0 for r in clean)
    misled = sum(r["misled"] for r in drift)
    assert misled > 300
    misled_rate = sum(r["acted_misled"] for r in drift) / misled
    others = [(r["acted"] - r["acted_misled"] - r["n_seeds"], r["aware"] - r["misled"] - r["n_seeds"]) for r in drift]
    aligned_rate = sum(a for a, _ in others) / sum(n for _, n in others)
    assert misled_rate < 0.5 * aligned_rate, (misled_rate, aligned_rate)


def test_a_misled_sharer_passes_the_distortion_on():
    """The seed essay's drift spreads: a user who only saw distorted framing shares it distorted."""
    model = SlacktivismModel(scenario(network={"kind": "barabasi_albert", "n_users": 3000, "mean_degree": 50},
                                      seeding={"count": 20}, decision={"cost_share": 1.4},
                                      misalignment={"share": 0.5}), rng=3)
    seen = []
    original = model._apply

    def spy(idx, new_like, new_share, new_act):
        misled = model.pop.aware[idx] & ~model.pop.aligned[idx] & ~model.pop.misaligned[idx] & new_share
        seen.append(misled.sum())
        original(idx, new_like, new_share, new_act)
        assert (model.pop.bits[idx[misled]] & Flag.POSTED_DISTORTED.mask).all()
        assert not (model.pop.bits[idx[misled]] & Flag.POSTED_ALIGNED.mask).any()

    model._apply = spy
    model.run()
    assert sum(seen) > 0


def test_homophily_clusters_the_in_group():
    """Members follow members more often than their share of followee slots (the degree-matched chance level).

    Comparing with the slots members hold, rather than with the group's share
    of users, keeps a group that is merely made of hubs from passing as clustered.
    """
    def in_group_ties(h):
        m = SlacktivismModel(scenario(network={"kind": "barabasi_albert", "n_users": 3000, "mean_degree": 10},
                                      identity={"share": 0.2, "homophily": h}), rng=5)
        g, member = m.graph, m.pop.in_group
        degree = np.diff(g.followee_indptr)
        owners = np.repeat(np.arange(g.n_users), degree)
        ties = member[g.followees][member[owners]]
        return member.mean(), ties.mean(), degree[member].sum() / degree.sum()

    share0, ties0, slots0 = in_group_ties(0.0)
    share9, ties9, slots9 = in_group_ties(0.9)
    assert share9 == pytest.approx(share0, abs=0.001)  # the same number of members
    assert abs(ties0 - slots0) < 0.03, (ties0, slots0)
    assert ties9 > 1.4 * slots9, (ties9, slots9)  # 0.33 against 0.21 here
    assert slots9 < 1.25 * share9, (slots9, share9)  # not a group of hubs


def test_collective_identity_recovers_action_lost_to_licensing():
    base = dict(network={"kind": "barabasi_albert", "n_users": 3000, "mean_degree": 50}, seeding={"count": 20},
                decision={"cost_act": 2.0}, slacktivism={"licensing": 0.2},
                campaign={"asks": [3, 6, 9], "logic": "collective"})
    alone = np.mean([SlacktivismModel(scenario(**base), rng=s).run()["acted"] for s in range(8)])
    group = np.mean([SlacktivismModel(scenario(**base, identity={"share": 0.6, "spillover": 10.0,
                                                                 "homophily": 0.8}), rng=s)
                     .run()["acted"] for s in range(8)])
    assert group > 1.1 * alone, (alone, group)
