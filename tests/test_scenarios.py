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


def _mean(name, key, seeds=range(4), overrides=None):
    scenario = load_scenario(SCENARIOS / f"{name}.yaml", overrides or {})
    return np.mean([SlacktivismModel(scenario, rng=s).run()[key] for s in seeds])


def test_baseline_gets_many_likes_and_misses_its_goal():
    """Engagement is not impact: participants' likes outnumber their actions many times over (Lewis et al. 2014)."""
    scenario = load_scenario(SCENARIOS / "baseline.yaml")
    rows = [SlacktivismModel(scenario, rng=s).run() for s in range(1, 9)]
    likes = sum(r["liked_participants"] for r in rows)
    actions = sum(r["acted_participants"] for r in rows)
    assert likes > 20 * max(actions, 1), (likes, actions)
    assert not any(r["goal_reached"] for r in rows)


@pytest.mark.slow
def test_stories_point_the_way_their_descriptions_say():
    """The directions each description promises (docs/scenarios.md's table has the 20-seed means and intervals).

    A mechanism's scenario is contrasted with itself with the mechanism off,
    over the same seeds (common random numbers); actions are participants'.
    """
    acted = "acted_participants"
    assert _mean("twitter_like", "aware") > 1.1 * _mean("instagram_like", "aware")
    assert _mean("licensing", acted, range(8)) < _mean("licensing", acted, range(8), {"slacktivism.licensing": 1.0})
    assert _mean("consistency", acted, range(8)) > _mean("consistency", acted, range(8),
                                                         {"slacktivism.consistency": 1.0})
    assert _mean("hubs_seeding", "aware") > _mean("periphery_seeding", "aware")
    assert _mean("hidden_likes", "liked") < 0.5 * _mean("baseline", "liked")
    assert _mean("collective_identity", acted, range(8)) > _mean("collective_identity", acted, range(8),
                                                                 {"identity.spillover": 1.0})
    assert _mean("ice_bucket", acted) > 2 * _mean("baseline", acted)
    assert _mean("organiser_likes", "liked") > 10 * _mean("organiser_actions", "liked")
    assert _mean("organiser_likes", acted) < _mean("organiser_actions", acted)
    assert _mean("connective_action", "liked") > _mean("collective_event", "liked")


def test_granovetter_scenarios():
    assert SlacktivismModel(load_scenario(SCENARIOS / "granovetter.yaml")).run()["acted"] == 100
    assert SlacktivismModel(load_scenario(SCENARIOS / "granovetter_perturbed.yaml")).run()["acted"] == 1


def test_parameter_table_is_current():
    """Every key is documented in one table (docs/parameters.md), generated from the declarations (make docs)."""
    table = block(ROOT, "params")
    assert table == parameter_markdown(), "the parameter table is stale: run make docs"
    leaves = [k for k in known_keys() if "." in k or k in ("name", "description", "seed", "steps")]
    assert all(f"`{k}`" in table for k in leaves)


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_a_resolved_scenario_validates_again(path):
    """Sweeps and run files record the resolved scenario (every key set); it must load back as the same scenario."""
    from model.scenario import Scenario

    scenario = load_scenario(path)
    assert Scenario.model_validate(scenario.model_dump(mode="json")) == scenario


def test_every_behavioural_key_says_where_it_comes_from():
    """model/sources.py has a row for every behavioural key (ODD section 9), and none for a key that is gone."""
    from model.parameters import parameter_table
    from model.sources import SOURCES, behavioural

    keys = {row[0] for row in parameter_table() if behavioural(row[0])}
    assert keys == set(SOURCES), (keys - set(SOURCES), set(SOURCES) - keys)
    assert all(s.source.strip() and s.unit.strip() for s in SOURCES.values())
