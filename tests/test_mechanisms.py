"""Each mechanism on its own, against the formula it implements."""

import numpy as np
import pytest
from scipy import sparse

from model import SlacktivismModel, decisions, feed
from model.scenario import Scenario
from model.network import from_edges
from model.spread import clear_posts, count_followees, post
from model.state import (
    ACTED,
    FEED_ACTS,
    FEED_DISTORTED,
    FEED_LIKES,
    FEED_SHARES,
    IN_GROUP,
    SHARER,
    TOKEN,
    Population,
)
from tests.conftest import scenario, threshold_scenario

PLATFORM = Scenario().platform
DECISION = Scenario().decision


# ---------------------------------------------------------------- exposure


def _expose(feed_items, uniforms, p=(0.5, 0.1, 0.2)):
    """Run the exposure kernel on users with given feed items (shares, distorted, likes, acts)."""
    n = len(feed_items)
    social = np.zeros((n, 8), np.int32)
    social[:, FEED_SHARES:] = feed_items
    aware, aligned = np.zeros(n, bool), np.zeros(n, bool)
    step_aware, seen = np.full(n, -1, np.int32), np.zeros(n, np.int64)
    count = feed.expose(np.arange(n), social, *[feed.log_miss(q) for q in p], np.asarray(uniforms, float), 3,
                        aware, aligned, step_aware, seen)
    return aware, aligned, step_aware, seen[:count]


def test_exposure_is_one_minus_product_of_misses():
    """P(aligned) = 1 - (1-p_s)^s (1-p_l)^l (1-p_a)^a, exactly at the uniform's boundary."""
    items = [(0, 0, 0, 0), (1, 0, 0, 0), (2, 0, 0, 0), (1, 0, 2, 1)]
    p_aligned = np.array([0.0, 0.5, 0.75, 1 - 0.5 * 0.9 ** 2 * 0.8])
    eps = 1e-9
    aware, aligned, step_aware, seen = _expose(items, np.maximum(p_aligned - eps, 0.0))
    assert aligned.tolist() == [False, True, True, True]
    assert seen.tolist() == [1, 2, 3] and step_aware.tolist() == [-1, 3, 3, 3]
    aware, aligned, _, seen = _expose(items, p_aligned + eps)
    assert not aware.any() and not aligned.any() and len(seen) == 0


def test_aligned_and_distorted_exposure_are_independent():
    """Over many users, P(aligned) = pa, P(distorted) = pd and P(both) = pa pd (one uniform each)."""
    n = 400_000
    items = np.tile([2, 3, 0, 0], (n, 1))  # pa = 1 - 0.5^2, pd = 1 - 0.5^3
    uniforms = np.random.default_rng(0).random(n)
    aware, aligned, _, seen = _expose(items, uniforms)
    pa, pd = 0.75, 0.875
    tol = 4 * np.sqrt(0.25 / n)
    assert aligned.mean() == pytest.approx(pa, abs=tol)
    assert aware.mean() == pytest.approx(1 - (1 - pa) * (1 - pd), abs=tol)
    # Users who saw a distorted framing: seen and not aligned, plus aligned ones with u < pa pd.
    distorted = (aware & ~aligned) | (uniforms < pa * pd)
    assert distorted.mean() == pytest.approx(pd, abs=tol)
    assert (distorted & aligned).mean() == pytest.approx(pa * pd, abs=tol)


def test_only_distorted_shares_leave_a_user_misled():
    aware, aligned, _, _ = _expose([(0, 2, 0, 0)], [0.5])
    assert aware.tolist() == [True] and aligned.tolist() == [False]


def test_certain_reach_with_no_items_is_zero_not_nan():
    aware, _, _, _ = _expose([(0, 0, 0, 0), (1, 0, 0, 0)], [0.0, 0.999], p=(1.0, 1.0, 1.0))
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
    assert feed.reach_probabilities(hidden, 1.0) == (PLATFORM.share_reach, 0.0, 0.0)
    assert feed.reach_probabilities(PLATFORM, 100.0) == (1.0, 1.0, 1.0)


def test_full_decay_stops_the_campaign_after_the_first_wave():
    sc = scenario(network={"kind": "barabasi_albert", "n_users": 2000}, campaign={"attention_decay": 1.0},
                  seeding={"count": 5})
    model = SlacktivismModel(sc, rng=1)
    model.step()
    first_wave = model.current["aware"]
    model.run()
    assert model.current["aware"] == first_wave


# ---------------------------------------------------------------- choice


def test_action_shift_licensing_only_for_public_token_support():
    liked = np.array([True, True, False, False])
    shared = np.array([False, False, True, False])
    args = dict(in_group=np.zeros(4, bool), in_group_followees=np.zeros(4, int), misled=np.zeros(4, bool),
                licensing=0.4, consistency=0.1, spillover=0.5, penalty=0.3)
    visible = decisions.action_shift(liked, shared, like_counts_visible=True, **args)
    hidden = decisions.action_shift(liked, shared, like_counts_visible=False, **args)
    assert visible == pytest.approx([-0.3, -0.3, -0.3, 0.0])
    # Kristofferson et al. (2014): private token support (a like no one can see) brings consistency only.
    assert hidden == pytest.approx([0.1, 0.1, -0.3, 0.0])


def test_action_shift_in_group_spillover_and_misalignment():
    one = np.array([True])
    no = np.array([False])
    common = dict(licensing=0.4, consistency=0.0, spillover=0.5, penalty=0.3, like_counts_visible=True)
    among = decisions.action_shift(one, no, one, np.array([2]), no, **common)
    alone = decisions.action_shift(one, no, one, np.array([0]), no, **common)
    misled = decisions.action_shift(no, no, no, np.array([0]), one, **common)
    assert among == pytest.approx([0.5])   # Schumann & Klein (2015): identity reverses licensing
    assert alone == pytest.approx([-0.4])
    assert misled == pytest.approx([-0.3])


def _ingredients(n, **kw):
    base = dict(theta=np.zeros(n), concern=np.full(n, 0.5), status=np.full(n, 0.2), proof_act=np.zeros(n),
                proof_token=np.zeros(n), shift=np.zeros(n), popularity=0.0)
    base.update(kw)
    return decisions.Ingredients(**base)


def test_logit_frequencies_match_the_logistic_formula():
    """Three independent binary logits read from one uniform: frequencies and independence."""
    n = 400_000
    ing = _ingredients(n)
    values = decisions.option_values(ing, DECISION, PLATFORM)[:, 0]
    choice = decisions.choose_logit(ing, DECISION, PLATFORM, np.random.default_rng(0).random(n))
    p = 1 / (1 + np.exp(-values / DECISION.noise))
    p_act, p_like, p_share = p[decisions.ACT], p[decisions.LIKE], p[decisions.SHARE]
    for got, want in [(choice.act.mean(), p_act), (choice.like.mean(), p_like * (1 - p_act)),
                      (choice.share.mean(), p_share * (1 - p_act)),
                      ((choice.like & choice.share).mean(), p_like * p_share * (1 - p_act))]:
        assert got == pytest.approx(want, abs=4 * np.sqrt(want * (1 - want) / n) + 1e-4)


def test_option_values_follow_their_ingredients():
    ing = _ingredients(1, popularity=0.5)
    v = decisions.option_values(ing, DECISION, PLATFORM)[:, 0]
    assert v[decisions.LIKE] == pytest.approx(0.5 + 0.2 + DECISION.bandwagon * 0.5 - DECISION.cost_like)
    assert v[decisions.SHARE] == pytest.approx(0.5 + 0.2 - DECISION.cost_share)
    hidden = PLATFORM.model_copy(update={"like_counts_visible": False})
    assert decisions.option_values(ing, DECISION, hidden)[decisions.LIKE, 0] == pytest.approx(
        0.5 - DECISION.cost_like)


def test_threshold_rule_effective_threshold():
    act = decisions.threshold_acts(np.array([0.5, 0.5, 0.5, 0.0]), np.array([0.5, 0.5, 0.3, 0.0]),
                                   np.array([0.0, -0.2, 0.4, -5.0]))
    # 0.5 >= 0.5; licensing raises 0.5 to 0.6; consistency lowers 0.5 to 0.3; an instigator stays at 0.
    assert act.tolist() == [True, False, True, True]


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
    pop = Population(np.zeros(n), np.zeros(n), np.zeros(n), rng.random(n) < 0.5, rng.random(n) < 0.3)
    # Some users already liked or shared in an earlier step.
    earlier = np.sort(rng.choice(n, 60, replace=False))
    touched = np.zeros(n, bool)
    post(g, earlier, rng.random(60) < 0.7, rng.random(60) < 0.5, np.zeros(60, bool), 3, pop, touched)
    clear_posts(pop.bits, earlier)
    touched[:] = False
    posters = np.sort(rng.choice(n, 80, replace=False))
    like, share, act = rng.random(80) < 0.5, rng.random(80) < 0.3, rng.random(80) < 0.2
    before_like, before_share = pop.liked.copy(), pop.shared.copy()
    post(g, posters, like, share, act, 4, pop, touched)
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
    assert new_like.sum() <= like.sum() and new_share.sum() <= share.sum()
    # Once delivered, posts are forgotten but the state stays.
    clear_posts(pop.bits, posters)
    again = count_followees(g, pop.bits, np.arange(n))
    assert (again[:, FEED_SHARES:] == 0).all() and np.array_equal(again[:, :FEED_SHARES], counts[:, :FEED_SHARES])


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
    none = SlacktivismModel(scenario(seeding={"strategy": "none"}), rng=1)
    assert none.current["aware"] == 0 and none.run()["aware"] == 0


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
    base = dict(network={"kind": "barabasi_albert", "n_users": 3000}, seeding={"count": 10},
                decision={"cost_act": 1.2})
    clean = [SlacktivismModel(scenario(**base), rng=s).run() for s in range(6)]
    drift = [SlacktivismModel(scenario(**base, misalignment={"share": 0.6, "penalty": 1.0}), rng=s).run()
             for s in range(6)]
    assert all(r["misled"] == 0 for r in clean)
    assert np.mean([r["misled"] for r in drift]) > 50
    assert np.mean([r["acted"] for r in drift]) < 0.8 * np.mean([r["acted"] for r in clean])


def test_collective_identity_recovers_action_lost_to_licensing():
    base = dict(network={"kind": "barabasi_albert", "n_users": 3000}, seeding={"count": 10},
                slacktivism={"licensing": 0.8})
    alone = np.mean([SlacktivismModel(scenario(**base), rng=s).run()["acted"] for s in range(8)])
    group = np.mean([SlacktivismModel(scenario(**base, identity={"share": 0.6, "spillover": 0.5}), rng=s)
                     .run()["acted"] for s in range(8)])
    assert group > 1.2 * alone
