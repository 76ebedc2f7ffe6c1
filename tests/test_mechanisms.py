"""Each mechanism on its own, against the formula it implements."""

import numpy as np
import pytest
from scipy import sparse

from model import SlacktivismModel, decisions, feed
from model.scenario import Scenario
from model.spread import post
from model.state import ACTED, FEED_ACTS, FEED_DISTORTED, FEED_LIKES, FEED_SHARES, IN_GROUP, SHARER, TOKEN
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
    assert (social[:, FEED_SHARES:] == 0).all()  # the feed is read once
    return aware, aligned, step_aware, seen[:count]


def test_exposure_is_one_minus_product_of_misses():
    """P(aligned) = 1 - (1-p_s)^s (1-p_l)^l (1-p_a)^a; P(distorted) = 1 - (1-p_s)^d."""
    items = [(0, 0, 0, 0), (1, 0, 0, 0), (2, 0, 0, 0), (0, 3, 0, 0), (1, 0, 2, 1)]
    p_aligned = np.array([0.0, 0.5, 0.75, 0.0, 1 - 0.5 * 0.9 ** 2 * 0.8])
    p_distorted = np.array([0.0, 0.0, 0.0, 1 - 0.5 ** 3, 0.0])
    eps = 1e-9
    below = np.maximum(np.vstack([p_aligned - eps, p_distorted - eps]), 0.0)
    aware, aligned, step_aware, seen = _expose(items, below)
    assert aligned.tolist() == [False, True, True, False, True]
    assert aware.tolist() == [False, True, True, True, True]
    assert seen.tolist() == [1, 2, 3, 4] and step_aware.tolist() == [-1, 3, 3, 3, 3]
    above = np.vstack([p_aligned + eps, p_distorted + eps])
    aware, aligned, _, seen = _expose(items, np.minimum(above, 1.0))
    assert not aware.any() and not aligned.any() and len(seen) == 0


def test_only_distorted_shares_leave_a_user_misled():
    aware, aligned, _, _ = _expose([(0, 2, 0, 0)], [[0.9], [0.0]])
    assert aware.tolist() == [True] and aligned.tolist() == [False]


def test_certain_reach_with_no_items_is_zero_not_nan():
    aware, _, _, _ = _expose([(0, 0, 0, 0), (1, 0, 0, 0)], [[0.0, 0.999], [0.0, 0.999]], p=(1.0, 1.0, 1.0))
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
    n = 200_000
    ing = _ingredients(n)
    values = decisions.option_values(ing, DECISION, PLATFORM)[:, 0]
    rng = np.random.default_rng(0)
    choice = decisions.choose_logit(ing, DECISION, PLATFORM, rng.random((3, n)))
    p = 1 / (1 + np.exp(-values / DECISION.noise))
    p_act = p[decisions.ACT]
    for got, want in [(choice.act.mean(), p_act), (choice.like.mean(), p[decisions.LIKE] * (1 - p_act)),
                      (choice.share.mean(), p[decisions.SHARE] * (1 - p_act))]:
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


def test_post_counters_equal_a_sparse_product():
    """The incremental counters equal the follower matrix times the posters' indicators."""
    rng = np.random.default_rng(3)
    n = 500
    u, v = rng.integers(0, n, 4000), rng.integers(0, n, 4000)
    from model.network import from_edges

    g = from_edges(n, u, v, directed=True)
    a = sparse.csr_matrix((np.ones(len(g.followers)), g.followers,
                           g.indptr), shape=(n, n)).T.tocsr()  # a[i, j] = i follows j
    posters = np.sort(rng.choice(n, 80, replace=False))
    like = rng.random(80) < 0.5
    share = rng.random(80) < 0.3
    act = rng.random(80) < 0.2
    misaligned = np.zeros(n, bool)
    misaligned[posters[rng.random(80) < 0.3]] = True
    in_group = np.ones(n, bool)
    liked, shared, acted = np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool)
    social = np.zeros((n, 8), np.int32)
    touched = np.zeros(n, bool)
    step_acted = np.full(n, -1, np.int32)
    post(g.indptr, g.followers, posters, like, share, act, 4, liked, shared, acted, step_acted, misaligned,
         in_group, social, touched)

    def product(mask):
        x = np.zeros(n)
        x[mask] = 1
        return (a @ x).astype(int)

    def poster_mask(m):
        x = np.zeros(n, bool)
        x[posters[m]] = True
        return x

    assert np.array_equal(social[:, ACTED], product(acted))
    assert np.array_equal(social[:, FEED_ACTS], product(acted))
    assert np.array_equal(social[:, FEED_SHARES], product(shared & ~misaligned))
    assert np.array_equal(social[:, FEED_DISTORTED], product(shared & misaligned))
    assert np.array_equal(social[:, FEED_LIKES], product(liked))
    assert np.array_equal(social[:, TOKEN], product((liked | shared) & ~acted))
    assert np.array_equal(social[:, SHARER], product(shared & ~acted))
    assert np.array_equal(social[:, IN_GROUP], product(poster_mask(np.ones(80, bool))))
    assert np.array_equal(touched, product(poster_mask(np.ones(80, bool))) > 0)
    assert np.array_equal(liked, poster_mask(like)) and np.array_equal(acted, poster_mask(act))
    assert (step_acted[acted] == 4).all()


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
