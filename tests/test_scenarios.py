"""Every shipped scenario validates and runs, and tells the story its description promises."""

import numpy as np
import pytest

from model import SlacktivismModel, load_scenario
from model.scenario_files import known_keys
from slacktivism.cli import main
from slacktivism.readme import block, parameter_markdown
from tests.conftest import ROOT, SCENARIOS

FILES = sorted(SCENARIOS.glob("*.yaml"))
REQUIRED = ["baseline", "twitter_like", "instagram_like", "licensing", "consistency", "hubs_seeding",
            "periphery_seeding", "hidden_likes", "misaligned_sharers", "granovetter", "ice_bucket",
            "organiser_likes", "organiser_actions", "collective_event", "connective_action", "collective_identity"]


def test_the_story_is_shipped():
    names = {f.stem for f in FILES}
    assert set(REQUIRED) <= names


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_validates_and_runs(path, capsys):
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    assert len(scenario.description) > 80  # says what to watch for
    assert main(["validate", str(path)]) == 0
    summary = SlacktivismModel(scenario).run()
    assert 0 <= summary["acted"] <= summary["aware"] <= summary["n_users"]
    assert summary["steps_run"] <= scenario.steps


def _mean(name, key, seeds=range(4)):
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    return np.mean([SlacktivismModel(scenario, rng=s).run()[key] for s in seeds])


def test_baseline_gets_many_likes_and_misses_its_goal():
    scenario = load_scenario(SCENARIOS / "baseline.yaml")
    summary = SlacktivismModel(scenario).run()
    assert summary["liked"] > 2 * scenario.campaign.goal_actions
    assert not summary["goal_reached"]


def test_stories_point_the_way_their_descriptions_say():
    """The directions each description promises (README's table has the 20-seed means and intervals)."""
    assert _mean("twitter_like", "aware") > 1.5 * _mean("instagram_like", "aware")
    assert _mean("licensing", "acted") <= _mean("baseline", "acted")
    assert _mean("consistency", "acted") > _mean("hidden_likes", "acted")
    assert _mean("hubs_seeding", "aware") > _mean("periphery_seeding", "aware")
    assert _mean("hidden_likes", "liked") < 0.5 * _mean("baseline", "liked")
    assert _mean("collective_identity", "acted") > _mean("licensing", "acted")
    assert _mean("ice_bucket", "shared") > 2 * _mean("baseline", "shared")
    assert _mean("organiser_likes", "liked") > 10 * _mean("organiser_actions", "liked")
    assert _mean("organiser_likes", "acted") < _mean("organiser_actions", "acted")
    assert _mean("connective_action", "liked") > _mean("collective_event", "liked")


def test_granovetter_scenarios():
    assert SlacktivismModel(load_scenario(SCENARIOS / "granovetter.yaml")).run()["acted"] == 100
    assert SlacktivismModel(load_scenario(SCENARIOS / "granovetter_perturbed.yaml")).run()["acted"] == 1


def test_readme_parameter_table_is_current():
    """Every key is documented in one table, generated from the declarations (make docs)."""
    table = block(ROOT / "README.md", "params")
    assert table == parameter_markdown(), "README parameter table is stale: run make docs"
    leaves = [k for k in known_keys() if "." in k or k in ("name", "description", "seed", "steps")]
    assert all(f"`{k}`" in table for k in leaves)


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_a_resolved_scenario_validates_again(path):
    """Sweeps and run files record the resolved scenario (every key set); it must load back as the same scenario."""
    from model.scenario import Scenario

    scenario = load_scenario(path)
    assert Scenario.model_validate(scenario.model_dump(mode="json")) == scenario
