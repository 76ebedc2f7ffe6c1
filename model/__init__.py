"""slacktivism: likes, shares and real action in a social-media campaign.

The public surface is small (as Mesa's): load a scenario, build a model, run it.

    >>> from model import load_scenario, SlacktivismModel
    >>> model = SlacktivismModel(load_scenario("baseline"))
    >>> summary = model.run()

``load_scenario`` takes a file or the name of a shipped scenario (``shipped_scenarios()``).
"""

import model.edgelist  # noqa: F401  (registers the edge-list reader beside the core)
from model.scenario import Scenario
from model.scenario_files import ScenarioError, load_scenario, shipped_scenarios
from model.slacktivism_model import SlacktivismModel

__all__ = ["Scenario", "ScenarioError", "SlacktivismModel", "load_scenario", "shipped_scenarios"]
