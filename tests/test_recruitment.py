"""Who recruited whom: attribution, the recruitment forest and structural virality, against known answers."""

import itertools

import networkx as nx
import numpy as np
import pytest

from model import SlacktivismModel, feed, load_scenario, recruitment
from model.network import from_edges
from model.randomness import Purpose, stream_key
from model.state import Flag, Population
from tests.conftest import SCENARIOS, scenario

# ---------------------------------------------------------------- the forest from recruiters


def _forest(recruiter):
    """A forest from recruiters listed in an order where recruiters come first (step = position)."""
    recruiter = np.asarray(recruiter, dtype=np.int32)
    return recruitment.forest(recruiter, np.arange(len(recruiter), dtype=np.int32))


def test_star():
    n = 9
    f = _forest([-1] + [0] * (n - 1))
    assert f.generation.tolist() == [0] + [1] * (n - 1)
    assert f.recruits.tolist() == [n - 1] + [0] * (n - 1)
    assert f.roots.tolist() == [0] and f.tree_size.tolist() == [n] and f.tree_depth.tolist() == [1]
    # Centre-leaf pairs at distance 1, leaf-leaf pairs at 2: mean 2 (n - 1) / n.
    assert f.structural_virality == pytest.approx(2 * (n - 1) / n)


def test_chain():
    n = 12
    f = _forest([-1, *list(range(n - 1))])
    assert f.generation.tolist() == list(range(n))
    assert f.recruits.tolist() == [1] * (n - 1) + [0]
    assert f.tree_depth.tolist() == [n - 1]
    # Mean distance between two nodes of a path: (n + 1) / 3 (Goel et al. 2016: the most viral shape).
    assert f.structural_virality == pytest.approx((n + 1) / 3)


def test_two_trees_and_users_never_engaged():
    # Tree A: 0 -> 2 -> 4, 0 -> 3; tree B: 1 -> 5; user 6 never engaged.
    recruiter = np.array([-1, -1, 0, 0, 2, 1, -1], dtype=np.int32)
    first = np.array([0, 0, 1, 1, 2, 3, -1], dtype=np.int32)
    f = recruitment.forest(recruiter, first)
    assert f.generation.tolist() == [0, 0, 1, 1, 2, 1, -1]
    assert f.root.tolist() == [0, 1, 0, 0, 0, 1, -1]
    assert f.roots.tolist() == [0, 1] and f.tree_size.tolist() == [4, 2] and f.tree_depth.tolist() == [2, 1]
    assert f.largest_root == 0
    # Tree A's distances: 0-2 1, 0-3 1, 0-4 2, 2-3 2, 2-4 1, 3-4 3 -> 10 / 6.
    assert f.structural_virality == pytest.approx(10 / 6)


def test_empty_forest():
    f = recruitment.forest(np.full(4, -1, np.int32), np.full(4, -1, np.int32))
    assert len(f.roots) == 0 and f.largest_root == -1 and f.structural_virality == 0.0


@pytest.mark.parametrize("seed", range(6))
def test_structural_virality_equals_all_pairs_on_random_trees(seed):
    """Linear-time Wiener index from subtree sizes equals networkx's all-pairs mean distance."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 300))
    # A random recursive tree with a few extra roots (a forest), in engagement order.
    recruiter = np.array([-1] + [int(rng.integers(0, i)) for i in range(1, n)], dtype=np.int32)
    recruiter[rng.random(n) < 0.05] = -1
    f = _forest(recruiter)
    tree = nx.Graph()
    members = [i for i in range(n) if f.root[i] == f.largest_root]
    tree.add_nodes_from(members)
    tree.add_edges_from((i, int(recruiter[i])) for i in members if recruiter[i] >= 0)
    if len(members) > 1:
        assert f.structural_virality == pytest.approx(nx.average_shortest_path_length(tree), rel=1e-12)
    sizes = np.bincount(f.root[f.root >= 0])
    assert f.tree_size.max() == sizes.max() == len(members)
    # Generations are hop counts to the root.
    for i in members[:50]:
        assert f.generation[i] == nx.shortest_path_length(tree, i, f.largest_root)


# ---------------------------------------------------------------- attribution


def test_attribution_follows_each_posts_chance_of_reaching_the_feed():
    """A user whose feed holds a share (reach 0.5) and a like (reach 0.1) credits the sharer 5 times in 6."""
    n_users = 20_002
    followers = np.arange(2, n_users)
    u = np.concatenate([followers, followers])           # everyone follows user 0 and user 1
    v = np.concatenate([np.zeros(len(followers), int), np.ones(len(followers), int)])
    g = from_edges(n_users, u, v, directed=True)
    zeros = np.zeros(n_users)
    pop = Population.start(zeros, zeros, zeros, np.zeros(n_users, bool), np.zeros(n_users, bool))
    pop.bits[0] = Flag.POSTED_ALIGNED.mask | Flag.SHARER.mask | Flag.TOKEN.mask
    pop.bits[1] = Flag.POSTED_LIKE.mask | Flag.TOKEN.mask
    pop.social[followers, Flag.POSTED_ALIGNED] = 1
    pop.social[followers, Flag.POSTED_LIKE] = 1
    p = (0.5, 0.1, 0.2)
    reach = feed.Reach(*p, *(feed.log_miss(q) for q in p))
    keys = recruitment.AttributionKeys(stream_key(3, Purpose.EXPOSURE), stream_key(3, Purpose.ATTRIBUTION))
    recruitment.attribute(followers, g.followee_rows, pop, reach, keys, 4, np.zeros(len(followers), bool))
    share_of_sharer = np.mean(pop.recruiter[followers] == 0)
    m = len(followers)
    assert set(np.unique(pop.recruiter[followers])) == {0, 1}
    assert share_of_sharer == pytest.approx(5 / 6, abs=4 * np.sqrt(5 / 36 / m)), share_of_sharer


def test_a_misled_user_is_credited_to_a_distorting_sharer():
    """Seeing only the distorted framing points to the followee who distorted it."""
    n_users = 2_002
    followers = np.arange(2, n_users)
    u = np.concatenate([followers, followers])
    v = np.concatenate([np.zeros(len(followers), int), np.ones(len(followers), int)])
    g = from_edges(n_users, u, v, directed=True)
    zeros = np.zeros(n_users)
    pop = Population.start(zeros, zeros, zeros, np.zeros(n_users, bool), np.zeros(n_users, bool))
    pop.bits[0] = Flag.POSTED_ALIGNED.mask
    pop.bits[1] = Flag.POSTED_DISTORTED.mask
    pop.social[followers, Flag.POSTED_ALIGNED] = 1
    pop.social[followers, Flag.POSTED_DISTORTED] = 1
    p = (0.5, 0.1, 0.2)
    reach = feed.Reach(*p, *(feed.log_miss(q) for q in p))
    key = stream_key(5, Purpose.EXPOSURE)
    saw = np.zeros(len(followers), bool)
    feed.expose(followers, pop, reach, key, 4, saw, np.zeros(pop.n, np.int32))
    keys = recruitment.AttributionKeys(key, stream_key(5, Purpose.ATTRIBUTION))
    recruitment.attribute(followers, g.followee_rows, pop, reach, keys, 4, np.zeros(len(followers), bool))
    misled = followers[saw & ~pop.aligned[followers]]
    own = followers[pop.aligned[followers]]
    assert len(misled) > 100 and (pop.recruiter[misled] == 1).all()
    assert len(own) > 100 and (pop.recruiter[own] == 0).all()


# ---------------------------------------------------------------- whole runs


def _sure_sharing(network, seeds, **extra):
    """Everyone who sees the campaign shares it, no one likes or acts; every share reaches every follower.

    Everyone is interested and nothing reaches users from outside the network.
    """
    return scenario(network=network, seeding={"strategy": "explicit", "users": list(seeds)},
                    users={"concern": {"dist": "constant", "value": 1.0}, "interested": 1.0},
                    media={"hazard": 0.0},
                    decision={"rule": "logit", "noise": 0.01, "cost_share": 0.0, "cost_like": 10.0,
                              "cost_act": 10.0, "bandwagon": 0.0},
                    platform={"share_reach": 1.0, "like_reach": 0.0, "action_reach": 0.0},
                    campaign={"attention_decay": 0.0}, **extra)


def _edgelist(tmp_path, edges, n):
    path = tmp_path / "edges.csv"
    path.write_text("".join(f"{a},{b}\n" for a, b in edges))
    return {"kind": "edgelist", "path": str(path), "directed": True, "n_users": n}


def test_a_chain_campaign_recruits_one_generation_per_step(tmp_path):
    n = 15
    net = _edgelist(tmp_path, [(i + 1, i) for i in range(n - 1)], n)  # user i+1 follows user i
    model = SlacktivismModel(_sure_sharing(net, [0]))
    summary = model.run()
    table = model.user_table()
    assert table["recruiter"].tolist() == [-1, *list(range(n - 1))]
    assert table["generation"].tolist() == list(range(n))
    assert table["step_shared"].tolist() == list(range(n))
    assert summary["max_generation"] == n - 1 and summary["largest_tree"] == n
    assert summary["structural_virality"] == pytest.approx((n + 1) / 3)
    assert summary["recruiters"] == n - 1 and summary["recruited_none_share"] == pytest.approx(1 / n)


def test_a_star_campaign(tmp_path):
    n = 30
    net = _edgelist(tmp_path, [(i, 0) for i in range(1, n)], n)  # everyone follows the hub
    summary = SlacktivismModel(_sure_sharing(net, [0])).run()
    assert summary["max_generation"] == 1 and summary["largest_tree"] == n and summary["recruiters"] == 1
    assert summary["structural_virality"] == pytest.approx(2 * (n - 1) / n)
    assert summary["recruited_none_share"] == pytest.approx((n - 1) / n)


def test_two_seeds_two_trees(tmp_path):
    # Seed 0 reaches 2 -> 3 -> 4; seed 1 reaches 5 -> 6.
    edges = [(2, 0), (3, 2), (4, 3), (5, 1), (6, 5)]
    model = SlacktivismModel(_sure_sharing(_edgelist(tmp_path, edges, 7), [0, 1]))
    model.run()
    f = model.recruitment()
    assert f.roots.tolist() == [0, 1] and f.tree_size.tolist() == [4, 3] and f.tree_depth.tolist() == [3, 2]
    assert model.user_table()["recruiter"].tolist() == [-1, -1, 0, 2, 3, 1, 5]


CASES = [("baseline.yaml", {}), ("facebook_ego.yaml", {}), ("misaligned_sharers.yaml", {}),
         ("baseline.yaml", {"decision.rule": "threshold", "decision.token_weight": 0.5}),
         ("hidden_likes.yaml", {"network.n_users": 3000})]


@pytest.mark.parametrize(("file", "overrides"), CASES)
def test_user_table_agrees_with_the_summary_and_the_network(file, overrides):
    model = SlacktivismModel(load_scenario(SCENARIOS / file, overrides), rng=4)
    summary = model.run()
    t = model.user_table()
    assert len(t) == model.n_users and t["user"].tolist() == list(range(model.n_users))
    engaged = (t.step_liked >= 0) | (t.step_shared >= 0) | (t.step_acted >= 0)
    assert (t.step_aware >= 0).sum() == summary["aware"]
    assert (t.step_liked >= 0).sum() == summary["liked"] and (t.step_shared >= 0).sum() == summary["shared"]
    assert (t.step_acted >= 0).sum() == summary["acted"] and engaged.sum() == summary["engaged"]
    assert (t.misled & (t.step_acted >= 0)).sum() == summary["acted_misled"]
    assert (t.in_group & (t.step_acted >= 0)).sum() == summary["acted_in_group"]
    assert t.token_before_act.sum() == summary["token_then_act"]
    assert (t.recruits > 0).sum() == summary["recruiters"]
    assert t.recruits.sum() == (t.recruiter >= 0).sum()
    assert t.generation[engaged].max() == summary["max_generation"]
    assert (t.generation >= 0).tolist() == engaged.tolist()
    assert t.seed.sum() == summary["n_seeds"] and (t.recruiter[t.seed] == -1).all()
    # Every recruiter is a followee of its recruit who posted in the step before the recruit first engaged.
    first = t[["step_liked", "step_shared", "step_acted"]].where(lambda x: x >= 0).min(axis=1)
    recruited = t[t.recruiter >= 0]
    assert len(recruited) > 0.5 * engaged.sum() - summary["n_seeds"]
    for user, boss in zip(recruited.user, recruited.recruiter, strict=True):
        assert boss in model.graph.followees_of(user)
        when = first[user] - 1
        assert when in (t.step_liked[boss], t.step_shared[boss], t.step_acted[boss]), (user, boss)
        assert t.generation[user] == t.generation[boss] + 1


def test_generations_grow_with_steps_on_a_real_campaign():
    """Deeper generations arrive later: the mean first step rises with generation (a diffusion tree).

    In the organisers' trees: a tree the outside channels started begins
    whenever its root was reached, so generation 0 of those has no fixed step.
    """
    model = SlacktivismModel(load_scenario(SCENARIOS / "baseline.yaml", {"network.mean_degree": 200}), rng=2)
    model.run()
    t = model.user_table()
    first = t[["step_liked", "step_shared", "step_acted"]].where(lambda x: x >= 0).min(axis=1)
    mine = (t.generation >= 0) & np.isin(model.recruitment().root, model.seeds)
    by_generation = first[mine].groupby(t.generation[mine]).mean()
    assert len(by_generation) >= 3, by_generation.to_dict()
    assert all(a < b for a, b in itertools.pairwise(by_generation.to_numpy())), by_generation.to_dict()


@pytest.mark.parametrize("file", ["granovetter.yaml", "watts_cascade.yaml"])
@pytest.mark.parametrize("tokens", ["allowed", "priced out"])
def test_threshold_actions_are_credited_to_a_followee_who_acted_the_step_before(file, tokens):
    """Under the threshold rule acting follows the followees who acted, so an action's credit goes to one of them.

    With token support priced out every engagement is an action, and
    Granovetter's riot (one new actor per step) becomes one chain of 100.
    """
    overrides = {"decision.cost_like": 10.0, "decision.cost_share": 10.0} if tokens == "priced out" else {}
    model = SlacktivismModel(load_scenario(SCENARIOS / file, overrides), rng=0)
    model.run()
    t = model.user_table()
    first = t[["step_liked", "step_shared", "step_acted"]].where(lambda x: x >= 0).min(axis=1)
    actors = t[(t.step_acted >= 0) & (t.step_acted == first) & (t.recruiter >= 0)]
    assert len(actors) > 0
    boss_acted = t.step_acted.to_numpy()[actors.recruiter.to_numpy()]
    assert (boss_acted == actors.step_acted.to_numpy() - 1).all()
    if tokens == "priced out":
        # Everyone who acted after step 0 has a recruiter, except instigators (threshold <= 0).
        uncredited = set(t.user[(t.step_acted > 0) & (t.recruiter < 0)])
        assert uncredited == set(t.user[(t.step_acted > 0) & (t.threshold <= 0)])
        if file == "granovetter.yaml":
            assert t.generation.max() == 99 and t.recruits.max() == 1
