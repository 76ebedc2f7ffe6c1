"""Same seed, same world: every draw depends on (seed, purpose, user, step) only.

These are the guarantees a "same seed" comparison rests on (common random
numbers): a behavioural key leaves the network, the users and the seeds as
they were; a mechanism switched off by its own key changes nothing; and two
arms that are in the same state draw the same luck, so they part only where
the mechanism parts them.
"""

import numpy as np
import pytest
from scipy import stats

from model import SlacktivismModel, load_scenario
from model.randomness import Purpose, generator, splitmix64, stream_key, uniform, uniforms
from tests.conftest import SCENARIOS

BEHAVIOURAL = {
    "decision.cost_act": 1.0, "decision.noise": 0.4, "decision.bandwagon": 0.0,
    "decision.proof_cap": 2.0,
    "slacktivism.licensing": 0.5, "slacktivism.consistency": 3.0,
    "identity.spillover": 3.0, "misalignment.penalty": 0.9,
    "platform.feed": "engagement", "platform.like_counts_visible": False, "platform.share_reach": 0.3,
    "campaign.attention_decay": 0.5, "campaign.goal_actions": 10, "campaign.asks": [3, 7],
    "campaign.ask_reach": 0.3, "campaign.bundle": 0.5, "campaign.framing": 0.9, "campaign.logic": "connective",
    "decision.memory": 1.0, "media.hazard": 0.01, "media.events": [{"step": 3, "reach": 0.1}],
    "invitations.rate": 2.0, "campaign.ask_to": "followers", "users.indifference": 1.0,
}
WORLDS = [("baseline.yaml", {}), ("collective_identity.yaml", {"network.n_users": 5000}),
          ("misaligned_sharers.yaml", {"network.n_users": 5000}),
          ("facebook_ego.yaml", {}), ("baseline.yaml", {"network.kind": "watts_strogatz", "network.directed": True})]
ATTRIBUTES = ("theta", "concern", "status", "in_group", "misaligned")


def _model(file, overrides, seed):
    return SlacktivismModel(load_scenario(SCENARIOS / file, overrides), rng=seed)


def _same_world(a, b, attributes=ATTRIBUTES):
    for name in ("indptr", "followers", "followees"):
        assert np.array_equal(getattr(a.graph, name), getattr(b.graph, name)), name
    for name in attributes:
        assert np.array_equal(getattr(a.pop, name), getattr(b.pop, name)), name
    assert np.array_equal(a.seeds, b.seeds)


# ---------------------------------------------------------------- the generator itself


def test_splitmix64_matches_the_reference_sequence():
    """Steele, Lea & Flood's splitmix64 from state 0 gives 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, ..."""
    golden = 0x9E3779B97F4A7C15
    assert splitmix64(0) == 0xE220A8397B1DCDAF
    # Each later output adds the golden gamma to the state once more.
    assert splitmix64(np.uint64(golden)) == 0x6E789E6AA1B965F4
    assert splitmix64(np.uint64((2 * golden) % 2**64)) == 0x06C45D188009454F


def test_per_user_uniforms_are_uniform_and_independent_across_users_steps_and_purposes():
    users = np.arange(200_000)
    a = uniforms(stream_key(7, Purpose.CHOICE), users, 3)
    b = uniforms(stream_key(7, Purpose.CHOICE), users, 4)
    c = uniforms(stream_key(7, Purpose.EXPOSURE), users, 3)
    d = uniforms(stream_key(8, Purpose.CHOICE), users, 3)
    for x in (a, b, c, d):
        assert stats.kstest(x, "uniform").pvalue > 1e-4
    for x, y in ((a, b), (a, c), (a, d)):
        r = np.corrcoef(x, y)[0, 1]
        assert abs(r) < 5 / np.sqrt(len(users)), r
    # Neighbouring users and steps are not related either (a lag-1 serial correlation).
    assert abs(np.corrcoef(a[:-1], a[1:])[0, 1]) < 5 / np.sqrt(len(users))
    assert uniform(stream_key(7, Purpose.CHOICE), 12345, 3) == a[12345]


def test_set_up_streams_do_not_depend_on_each_other():
    one = generator(5, Purpose.THRESHOLD).random(10)
    generator(5, Purpose.CONCERN).random(1000)  # drawing elsewhere changes nothing
    assert np.array_equal(one, generator(5, Purpose.THRESHOLD).random(10))
    assert not np.array_equal(one, generator(5, Purpose.CONCERN).random(10))


# ---------------------------------------------------------------- a behavioural key leaves the world alone


@pytest.mark.parametrize(("file", "overrides"), WORLDS)
@pytest.mark.parametrize("seed", [1, 2])
def test_behavioural_keys_leave_network_users_and_seeds_identical(file, overrides, seed):
    a = _model(file, overrides, seed)
    for key, value in BEHAVIOURAL.items():
        _same_world(a, _model(file, {**overrides, key: value}, seed))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_attribute_key_changes_that_attribute_only(seed):
    a = _model("baseline.yaml", {}, seed)
    _same_world(a, _model("baseline.yaml", {"identity.share": 0.4}, seed),
                [x for x in ATTRIBUTES if x != "in_group"])
    _same_world(a, _model("baseline.yaml", {"misalignment.share": 0.3}, seed),
                [x for x in ATTRIBUTES if x != "misaligned"])
    _same_world(a, _model("baseline.yaml", {"identity.share": 0.4, "identity.homophily": 0.8}, seed),
                [x for x in ATTRIBUTES if x != "in_group"])
    _same_world(a, _model("baseline.yaml", {"misalignment.share": 0.3, "misalignment.status_weight": 2.0}, seed),
                [x for x in ATTRIBUTES if x != "misaligned"])
    _same_world(a, _model("baseline.yaml", {"users.concern": {"dist": "uniform", "low": 0, "high": 1}}, seed),
                [x for x in ATTRIBUTES if x != "concern"])
    # A larger in-group only adds members (one uniform per user against the share).
    small, large = (_model("baseline.yaml", {"identity.share": s}, seed).pop.in_group for s in (0.2, 0.4))
    assert not (small & ~large).any() and large.sum() > small.sum()


# ---------------------------------------------------------------- a mechanism at its neutral value is off


@pytest.mark.parametrize("file", ["baseline.yaml", "licensing.yaml", "facebook_ego.yaml"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_in_group_with_no_spillover_changes_nothing(file, seed):
    """The issue's example: seed 1 of baseline changed from 727 reached / 25 actions to 1,698 / 56 before."""
    collective = {"identity.spillover": 1.0, "campaign.logic": "collective"}
    plain = _model(file, collective, seed)
    group = _model(file, {**collective, "identity.share": 0.4, "identity.homophily": 0.5}, seed)
    s_plain, s_group = plain.run(), group.run()
    assert group.pop.in_group.sum() > 0
    assert plain.timeseries().equals(group.timeseries())
    differ = {k for k in s_plain if s_plain[k] != s_group[k]}
    assert differ <= {"acted_in_group", "engaged_in_group", "in_group_users"}, differ
    # Under individual logic identity never spills over, whatever its odds ratio.
    assert _model(file, {"identity.share": 0.4, "identity.spillover": 20.0}, seed).run()["acted"] == s_plain["acted"]
    assert plain.user_table().drop(columns="in_group").equals(group.user_table().drop(columns="in_group"))


@pytest.mark.parametrize("file", ["baseline.yaml", "misaligned_sharers.yaml", "facebook_ego.yaml"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_misaligned_sharers_with_no_penalty_change_no_action(file, seed):
    """Distortion then changes only which framing users saw, never who saw it or what anyone did."""
    honest = _model(file, {"misalignment.share": 0.0, "misalignment.penalty": 1.0}, seed)
    drift = _model(file, {"misalignment.share": 0.3, "misalignment.penalty": 1.0}, seed)
    honest.run(), drift.run()
    h, d = honest.user_table(), drift.user_table()
    for column in ("step_aware", "step_liked", "step_shared", "step_acted"):
        assert h[column].equals(d[column]), column
    columns = ["aware", "liked", "shared", "acted", "engaged", "slacktivism_gap", "conversion", "visibility"]
    assert honest.timeseries()[columns].equals(drift.timeseries()[columns])
    assert drift.current["misled"] > 0


# ---------------------------------------------------------------- two arms draw the same luck


def test_arms_in_the_same_state_part_only_where_the_mechanism_parts_them():
    """At step 1 both arms are in the same state, so with shared uniforms a dearer action can only remove actors.

    With independent uniforms the two sets of first-step actors would be two
    independent samples, and about half of the dearer arm's actors would
    not act in the cheaper arm.
    """
    totals = np.zeros(2, int)
    for seed in range(1, 17):
        cheap = _model("baseline.yaml", {"decision.cost_act": 1.6}, seed)
        dear = _model("baseline.yaml", {"decision.cost_act": 2.0}, seed)
        cheap.step(), dear.step()
        assert np.array_equal(cheap.pop.aware, dear.pop.aware)  # exposure: same items, same uniforms
        acted_cheap = cheap.pop.step_acted == 1
        acted_dear = dear.pop.step_acted == 1
        assert not (acted_dear & ~acted_cheap).any(), seed
        totals += acted_cheap.sum(), acted_dear.sum()
        # Token support is read from the rest of the same uniform: users who act in neither arm mostly agree.
        neither = cheap.pop.aware & ~acted_cheap
        agree = np.mean(cheap.pop.liked[neither] == dear.pop.liked[neither])
        assert agree > 0.8, (seed, agree)
    assert totals[1] < totals[0] and totals[1] >= 10, totals


def test_the_apps_two_worlds_share_everything_but_the_change():
    """The classroom app's World B: same seed, one key changed; a change that is off shows no difference."""
    from viz.app_state import build

    a, b = build("baseline", {"identity.spillover": 1.0}, 42, ("identity.share", 0.4))
    _same_world(a.model, b.model, [x for x in ATTRIBUTES if x != "in_group"])
    while a.running or b.running:
        a.step(), b.step()
    assert a.series() == b.series() and a.model.timeseries().equals(b.model.timeseries())
    a, b = build("baseline", {}, 42, ("decision.cost_act", 3.0))
    _same_world(a.model, b.model)
    a.step(), b.step()
    assert not (b.model.pop.acted & ~a.model.pop.acted).any()


# ---------------------------------------------------------------- the new mechanisms at their neutral values


@pytest.mark.parametrize("seed", [1, 2])
def test_licensing_and_consistency_do_nothing_without_a_later_ask(seed):
    """Both are sequential-request effects (Freedman & Fraser 1966): with no ask they cannot act at all."""
    off = _model("baseline.yaml", {"campaign.asks": [], "slacktivism.licensing": 1.0,
                                   "slacktivism.consistency": 1.0}, seed)
    on = _model("baseline.yaml", {"campaign.asks": [], "slacktivism.licensing": 0.05,
                                  "slacktivism.consistency": 20.0}, seed)
    off.run(), on.run()
    assert off.timeseries().equals(on.timeseries())
    assert off.user_table().equals(on.user_table())


@pytest.mark.parametrize("seed", [1, 2])
def test_connective_logic_with_its_effects_off_is_individual_logic(seed):
    """Connective logic is exactly its three parts: easier sharing, drift, and no identity spillover."""
    world = {"identity.share": 0.4, "identity.spillover": 1.0}
    individual = _model("baseline.yaml", world, seed)
    connective = _model("baseline.yaml", {**world, "campaign.logic": "connective",
                                          "campaign.connective_share_odds": 1.0,
                                          "campaign.connective_drift": 0.0}, seed)
    individual.run(), connective.run()
    assert individual.timeseries().equals(connective.timeseries())
    assert individual.user_table().equals(connective.user_table())


@pytest.mark.parametrize("seed", [1, 2])
def test_a_collective_event_with_no_minimum_changes_only_the_event_outcome(seed):
    individual = _model("baseline.yaml", {}, seed)
    collective = _model("baseline.yaml", {"campaign.logic": "collective"}, seed)
    a, b = individual.run(), collective.run()
    assert individual.timeseries().equals(collective.timeseries())
    assert {k for k in a if a[k] != b[k]} == {"event_held"}
    assert a["event_held"] is None and b["event_held"] is True


@pytest.mark.parametrize("seed", [1, 2])
def test_bundling_changes_only_what_actors_post(seed):
    """An actor who bundles a share adds a share; who acted at step 1 (same state, same luck) is unchanged."""
    plain = _model("baseline.yaml", {}, seed)
    bundled = _model("baseline.yaml", {"campaign.bundle": 1.0}, seed)
    plain.step(), bundled.step()
    assert np.array_equal(plain.pop.acted, bundled.pop.acted)
    actors = bundled.pop.step_acted == 1
    assert bundled.pop.shared[actors].all() and not plain.pop.shared[actors].any()
