"""The fixed Python API: load_scenario, SlacktivismModel, step, run."""

import mesa
import numpy as np
import pydantic
import pytest

from model import SlacktivismModel, load_scenario
from model.agents import UserAgent
from model.state import UserState
from tests.conftest import SCENARIOS

BASELINE = SCENARIOS / "baseline.yaml"


def test_load_scenario_overrides_with_dotted_keys_and_mappings():
    s = load_scenario(BASELINE, {"network.n_users": 700, "steps": 5,
                                 "users.threshold": {"dist": "constant", "value": 2}})
    assert s.network.n_users == 700 and s.steps == 5
    assert s.users.threshold.dist == "constant" and s.users.threshold.value == 2
    assert s.network.kind == "barabasi_albert"  # the rest of the file stays


def test_scenarios_are_immutable():
    s = load_scenario(BASELINE)
    with pytest.raises(pydantic.ValidationError):
        s.steps = 3
    with pytest.raises(pydantic.ValidationError):
        s.network.n_users = 3


def test_platform_preset_fills_keys_and_explicit_keys_win():
    s = load_scenario(SCENARIOS / "twitter_like.yaml", {"platform.share_reach": 0.05})
    assert s.platform.feed == "engagement" and s.platform.share_reach == 0.05


def test_model_is_a_mesa_model_with_steps_running_and_datacollector():
    model = SlacktivismModel(load_scenario(BASELINE, {"network.n_users": 800, "steps": 4}))
    assert isinstance(model, mesa.Model) and isinstance(model.rng, np.random.Generator)
    model.step()
    assert model.steps == 1
    summary = model.run()
    assert model.steps == summary["steps_run"] <= 4 and not model.running
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == model.steps + 1 and frame["acted"].iloc[-1] == summary["acted"]


def test_agents_are_views_on_the_arrays():
    model = SlacktivismModel(load_scenario(BASELINE, {"network.n_users": 300}), agents=True)
    assert len(model.agents) == 300
    model.run()
    agents = sorted(model.agents, key=lambda a: a.index)
    codes = model.user_states()
    assert [a.state for a in agents] == [UserState(c) for c in codes]
    seed = agents[int(model.seeds[0])].attributes()
    assert seed["state"] == "acted" and "seed" in seed["why"]
    assert isinstance(agents[0], UserAgent)


def test_no_agents_by_default():
    model = SlacktivismModel(load_scenario(BASELINE, {"network.n_users": 300}))
    assert len(model.agents) == 0


def test_edgelist_n_users_must_match_if_given():
    with pytest.raises(ValueError, match="4039"):
        SlacktivismModel(load_scenario(SCENARIOS / "facebook_ego.yaml", {"network.n_users": 10}))
