"""The open half of a step in one pass per user equals the four rules' own loops applied in turn.

``model.opening`` runs the counting, exposure, memory and choice rules one
user at a time. Its reference is what each rule's module does with its own
loop over all users (``spread.count_followees``, ``feed.expose``,
``memory.who_decides``, ``decisions.choose``) applied one after the other,
with the sets of users built by ``numpy.union1d`` and ``numpy.isin``: the
same choices and the same population, to the bit, at every step of runs
that use every channel.
"""

from functools import reduce

import numpy as np
import pytest

from model import SlacktivismModel, decisions, feed, load_scenario, memory, opening
from model.spread import count_followees
from tests.conftest import SCENARIOS, scenario

_STATE = ("aware", "aligned", "step_aware", "luck_step", "evidence", "social")


def _reference(graph, touched, everyone, reached, pop, ctx, step):
    """The open half as four loops over sets of users (what ``model.opening`` must equal)."""
    acted, n = pop.acted, len(pop.acted)
    fed = np.flatnonzero(touched)
    exposed = fed[~acted[fed]]
    base = np.arange(n) if everyone else np.union1d(fed, reached.changed)
    examined = reduce(np.union1d, (base, reached.asked, reached.media, reached.invited)).astype(np.int64)
    examined = examined[~acted[examined]]
    count_followees(graph, pop.bits, examined, out=pop.social)
    saw = np.empty(len(exposed), dtype=bool)
    feed.expose(exposed, pop, ctx.reach, ctx.exposure_key, step, saw, ctx.n_followees)
    direct = reduce(np.union1d, (reached.media, reached.invited, reached.asked if ctx.lists else [])).astype(int)
    pop.step_aware[direct[~pop.aware[direct]]] = step
    pop.aware[direct] = pop.aligned[direct] = True
    shown = reduce(np.union1d, (exposed[saw], reached.media, reached.invited)).astype(np.int64)
    asked = np.union1d(reached.asked, reached.invited).astype(np.int64)
    users = np.union1d(shown, asked).astype(np.int64) if ctx.rules.logit else examined
    in_feed, flagged = np.isin(users, shown), np.isin(users, asked)
    if ctx.rules.memory:
        decides = np.empty(len(users), dtype=bool)
        memory.who_decides(users, flagged, in_feed, pop, ctx.memory, ctx.memory_key, step, decides)
        users, in_feed, flagged = users[decides], in_feed[decides], flagged[decides]
    like, share, act = decisions.choose(decisions.Choosers(users, in_feed, flagged), pop, ctx.n_followees,
                                        ctx.rules, ctx.luck, step)
    return users, like, share, act, in_feed, flagged, exposed[saw]


def _every_channel(rule):
    return scenario(
        steps=40, network={"kind": "barabasi_albert", "n_users": 4000, "mean_degree": 10},
        seeding={"strategy": "random", "count": 40},
        decision={"rule": rule, "cost_like": 1.0, "cost_share": 1.0, "cost_act": 1.5, "memory": 0.8},
        platform={"attention": 8}, campaign={"asks": [4, 9], "ask_to": "list", "ask_list": 0.2},
        media={"hazard": 0.002, "events": [{"step": 3, "reach": 0.05, "half_life": 2.0}]},
        invitations={"rate": 1.0, "spread": 1.5}, identity={"share": 0.2}, misalignment={"share": 0.2},
        users={"interested": 0.6})


@pytest.mark.parametrize("model", [
    pytest.param(lambda: SlacktivismModel(_every_channel("logit"), rng=4), id="logit, memory, every channel"),
    pytest.param(lambda: SlacktivismModel(_every_channel("threshold"), rng=4), id="threshold, every channel"),
    pytest.param(lambda: SlacktivismModel(load_scenario(SCENARIOS / "baseline.yaml",
                                                        {"decision.memory": 0.0}), rng=2), id="memoryless baseline"),
    pytest.param(lambda: SlacktivismModel(load_scenario(SCENARIOS / "watts_cascade.yaml"), rng=2),
                 id="Watts cascade"),
])
def test_one_pass_per_user_equals_the_rules_loops_in_turn(model, monkeypatch):
    m = model()
    original = opening.open_users
    compared = []

    def check(touched, via, everyone, reached, pop, ctx, step):
        copy = pop._replace(**{k: getattr(pop, k).copy() for k in _STATE})
        expected = _reference(m.graph, touched.copy(), everyone, reached, copy, ctx, step)
        o = original(touched, via, everyone, reached, pop, ctx, step)
        for name, got, want in zip(("users", "like", "share", "act", "in_feed", "asked", "seen"),
                                   (*o.chosen[1:7], o.seen), expected,
                                   strict=True):
            assert np.array_equal(got, want), f"step {step}: {name} differs"
        for k in _STATE:
            assert np.array_equal(getattr(pop, k), getattr(copy, k)), f"step {step}: pop.{k} differs"
        assert not touched.any() and not via.any()  # the scratch flags are left clear
        compared.append(len(o.chosen.users))
        return o

    monkeypatch.setattr(opening, "open_users", check)
    m.run()
    assert len(compared) >= 5 and sum(compared) > 500, compared
