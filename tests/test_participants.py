"""People inside the model (class mode): their cards, their choices, and nothing else moved."""

import numpy as np
import pytest

from model import SlacktivismModel, load_scenario
from model.participants import Choice, Decision
from model.state import Flag
from tests.conftest import ROOT

BASELINE = ROOT / "scenarios" / "baseline.yaml"


def _model(seed=4, **overrides):
    return SlacktivismModel(load_scenario(BASELINE, {"network.n_users": 1500, **overrides}), rng=seed)


def _play(model, policy):
    """Run to the end, asking ``policy(card)`` for each card's decision (None: no choice)."""
    log = []
    while model.running and model.steps < model.spec.steps:
        for card in model.cards():
            decision = policy(card)
            log.append(card)
            if decision is not None:
                model.decide(card.user, decision)
        model.step()
    return log


def _shipped(rule):
    """The shipped scenarios (``scenarios/*.yaml``) whose decision rule is ``rule``."""
    return sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml") if load_scenario(p).decision.rule == rule)


@pytest.mark.parametrize("name", _shipped("logit"))
def test_participants_who_choose_as_the_rule_would_leave_the_run_bit_identical(name):
    path = ROOT / "scenarios" / f"{name}.yaml"
    smaller = {} if load_scenario(path).network.kind == "edgelist" else {"network.n_users": 1500}  # quicker

    def model():
        return SlacktivismModel(load_scenario(path, smaller), rng=4)

    plain = model()
    plain.run()
    seated = model()
    seated.seat(40)
    cards = _play(seated, lambda card: card.rule)
    assert cards, "the campaign reached some participants"
    assert seated.timeseries().equals(plain.timeseries())
    assert seated.user_table().equals(plain.user_table())


def test_under_the_baseline_some_card_carries_a_rule_choice_that_engages():
    seated = _model()
    seated.seat(40)
    cards = _play(seated, lambda card: card.rule)
    assert any(c.rule.like or c.rule.share or c.rule.act for c in cards), "a card whose rule choice engages"


@pytest.mark.parametrize("name", _shipped("threshold"))
def test_participants_are_refused_under_the_threshold_rule(name):
    model = SlacktivismModel(load_scenario(ROOT / "scenarios" / f"{name}.yaml"), rng=4)
    with pytest.raises(ValueError, match="logit"):
        model.seat(10)


def test_a_participants_share_reaches_its_followers_feeds_as_a_simulated_share_does():
    model = _model()
    seated = model.seat(40)
    while True:
        cards = [c for c in model.cards() if not c.rule.share and not c.rule.act]
        if cards:
            break
        model.step()
    card = cards[0]
    p = card.user
    shared_before = model.current["shared"]
    model.decide(p, Choice.SHARE)
    model.step()
    t = model.steps
    assert model.pop.shared[p] and model.pop.step_shared[p] == t and not model.pop.acted[p]
    assert model.pop.bits[p] & (Flag.POSTED_ALIGNED.mask | Flag.POSTED_DISTORTED.mask)
    followers = model.graph.followers_of(p)
    assert len(followers) and model._touched[followers].all()
    # At the next step each follower's feed counts the share, exactly as a simulated user's share.
    counts = model.followee_counts(followers)
    assert (counts[:, Flag.POSTED_ALIGNED] + counts[:, Flag.POSTED_DISTORTED] >= 1).all()
    assert model.current["shared"] >= shared_before + 1
    assert p in seated


def test_participants_who_make_no_choice_do_nothing_but_the_rest_still_run():
    model = _model()
    nodes = model.seat(40)
    cards = _play(model, lambda card: None)
    assert cards
    assert not model.pop.engaged()[nodes].any()
    assert model.pop.aware[[c.user for c in cards]].all()  # the campaign reached them all the same
    assert model.current["liked"] > 0


def test_a_late_choice_counts_in_the_next_step_even_where_the_campaign_does_not_reach_it_again():
    model = _model()
    model.seat(40)
    while True:
        earlier = {c.user for c in model.cards()}
        model.step()  # the cards timed out: the step moved on without their choices
        late = sorted(earlier - {c.user for c in model.cards()})
        if late:
            break
    user = late[0]
    assert not model.pop.liked[user]
    model.decide(user, Choice.LIKE)
    model.step()
    assert model.pop.liked[user] and model.pop.step_liked[user] == model.steps
    assert model.pop.bits[user] & Flag.POSTED_LIKE.mask  # posted to its followers like any like


def test_only_participants_can_choose():
    model = _model()
    nodes = {int(n) for n in model.seat(10)}
    outsider = next(u for u in range(model.n_users) if u not in nodes)
    with pytest.raises(ValueError, match="not a participant"):
        model.decide(outsider, Choice.ACT)


def test_seating_is_seeded_spread_and_never_the_organisers():
    a, b = _model(seed=9), _model(seed=9)
    na, nb = a.seat(40), b.seat(40)
    assert np.array_equal(na, nb) and len(set(na.tolist())) == 40
    assert not set(na.tolist()) & set(a.seeds.tolist())
    followers = a.graph.n_followers
    top = np.argsort(-followers)[: a.n_users // 20]  # the 5% most-followed
    assert np.isin(na, top).sum() <= 6  # spread: about 2 of 40 in the top 5%, never all hubs
    assert followers[na].max() > np.median(followers)  # and not all leaves either
    assert not np.array_equal(_model(seed=9).seat(40, "random"), na)


def test_friends_together_places_the_class_among_its_own_ties():
    def ties(model, nodes):
        inside = {int(n) for n in nodes}
        return [sum(int(f) in inside for f in model.graph.followers_of(int(n))) +
                sum(int(f) in inside for f in model.graph.followees_of(int(n))) for n in nodes]

    friends, scattered = _model(seed=2, **{"network.mean_degree": 6}), _model(seed=2, **{"network.mean_degree": 6})
    together, apart = ties(friends, friends.seat(30, "friends")), ties(scattered, scattered.seat(30, "random"))
    assert min(together) >= 1  # every student has a classmate among its ties
    assert sum(together) > 3 * max(1, sum(apart))


def test_seating_after_the_first_step_and_too_many_participants_are_refused():
    model = _model()
    with pytest.raises(ValueError, match="free users"):
        model.seat(model.n_users)
    model.step()
    with pytest.raises(ValueError, match="before the first step"):
        model.seat(5)


def test_a_decision_records_two_options_at_once():
    assert Decision.of(Choice.SHARE) == Decision(False, True, False)
    assert Decision.of(Choice.NONE) == Decision(False, False, False)


def test_a_late_choice_credits_the_followee_its_cards_feed_showed_as_the_same_choice_on_time_does():
    def until_fresh_cards(model):
        """Step with no choices until some card reaches a participant who has not engaged yet."""
        while model.running:
            fresh = [c.user for c in model.cards() if not model.pop.engaged()[c.user]]
            if fresh:
                return fresh
            model.step()
        raise AssertionError("no card reached a participant who had not engaged")

    on_time, late = _model(), _model()
    on_time.seat(40)
    late.seat(40)
    users = until_fresh_cards(on_time)
    assert until_fresh_cards(late) == users
    step = on_time.steps + 1
    for u in users:
        on_time.decide(u, Choice.LIKE, step=step)
    on_time.step()
    late.step()  # the cards timed out; the same choices arrive after the step moved on
    for u in users:
        late.decide(u, Choice.LIKE, step=step)
    late.step()
    credited = on_time.pop.recruiter[users]
    assert (credited >= 0).any(), "on time, some first like is credited to a followee"
    assert late.pop.liked[users].all()
    assert late.pop.recruiter[users].tolist() == credited.tolist()
