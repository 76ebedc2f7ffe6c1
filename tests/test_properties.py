"""Hypothesis property tests of the model's invariants."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import SlacktivismModel, metrics
from model.state import Flag
from tests.conftest import dense_followee_matrix, scenario

scenarios = st.fixed_dictionaries({
    "network": st.fixed_dictionaries({
        "kind": st.sampled_from(["barabasi_albert", "erdos_renyi", "watts_strogatz", "ring_lattice"]),
        "n_users": st.integers(10, 150),
        "mean_degree": st.floats(2, 8),
        "rewire_prob": st.floats(0, 1),
        "directed": st.booleans(),
    }),
    "seeding": st.fixed_dictionaries({
        "strategy": st.sampled_from(["random", "hubs", "periphery"]),
        "count": st.integers(0, 5),
    }),
    "users": st.fixed_dictionaries({"threshold_kind": st.sampled_from(["fraction", "count"])}),
    "decision": st.fixed_dictionaries({
        "rule": st.sampled_from(["threshold", "logit"]),
        "token_weight": st.floats(0, 1),
        "cost_act": st.floats(0, 3),
    }),
    "slacktivism": st.fixed_dictionaries({"licensing": st.floats(0.05, 1), "consistency": st.floats(1, 20)}),
    "identity": st.fixed_dictionaries({"share": st.floats(0, 1), "homophily": st.floats(0, 1)}),
    "misalignment": st.fixed_dictionaries({"share": st.floats(0, 1), "status_weight": st.floats(0, 3)}),
    "campaign": st.fixed_dictionaries({
        "asks": st.lists(st.integers(1, 30), max_size=3, unique=True),
        "bundle": st.floats(0, 1),
        "framing": st.floats(0, 1),
        "logic": st.sampled_from(["individual", "collective", "connective"]),
    }),
    "platform": st.fixed_dictionaries({
        "feed": st.sampled_from(["chronological", "engagement"]),
        "show_friend_likes": st.booleans(),
        "like_counts_visible": st.booleans(),
        "actions_public": st.booleans(),
    }),
    "steps": st.integers(0, 30),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sections=scenarios, seed=st.integers(0, 2**32 - 1))
def test_invariants(sections, seed):
    model = SlacktivismModel(scenario(**sections), rng=seed)
    a = dense_followee_matrix(model.graph)
    n = model.n_users
    previous = None
    while True:
        pop = model.pop
        # Acting implies awareness; every counter matches its definition over followees.
        assert not (pop.acted & ~pop.aware).any()
        assert not ((pop.liked | pop.shared) & ~pop.aware).any()
        counts = model.followee_counts(np.arange(n))
        assert np.array_equal(counts[:, Flag.ACTED], a @ pop.acted)
        assert np.array_equal(counts[:, Flag.TOKEN], a @ ((pop.liked | pop.shared) & ~pop.acted))
        assert np.array_equal(counts[:, Flag.SHARER], a @ (pop.shared & ~pop.acted))
        assert np.array_equal(counts[:, Flag.IN_GROUP], a @ (pop.in_group & (pop.liked | pop.shared | pop.acted)))
        # The feed holds exactly this step's new actions (pending delivery at the next step).
        new_acts = pop.step_acted == model.steps
        assert np.array_equal(counts[:, Flag.POSTED_ACT], a @ new_acts)
        # The model's running counts equal a full recount.
        assert {k: model.current[k] for k in metrics.counts(pop)} == metrics.counts(pop)
        counts = {k: model.current[k] for k in ("aware", "liked", "shared", "acted", "engaged")}
        assert all(0 <= c <= n for c in counts.values())
        if previous is not None:
            assert all(counts[k] >= previous[k] for k in counts)  # counts never decrease
        previous = counts
        if not model.running or model.steps >= model.spec.steps:
            break
        model.step()
    frame = model.timeseries()
    for column in ("aware", "liked", "shared", "acted"):
        assert (np.diff(frame[column]) >= 0).all() and frame[column].max() <= n
    assert (frame["acted"] <= frame["aware"]).all()
