"""slacktivism: likes, shares and real action in a social-media campaign.

The public surface is small (as Mesa's): load a scenario, build a model, run it.

    >>> from model import load_scenario, SlacktivismModel
    >>> model = SlacktivismModel(load_scenario("baseline"))
    >>> summary = model.run()

``load_scenario`` takes a file or the name of a shipped scenario (``shipped_scenarios()``).

Importing the package sets ``OMP_WAIT_POLICY=passive`` unless it is set
already. The compiled kernels run on numba's OpenMP threading layer, and GNU
OpenMP's threads spin between parallel loops by default: on a machine busy
with other work (a sweep's workers, the test suite, a second program) the
spinning threads take the cores the working ones need, and a step took 10 to
15 times longer (``docs/performance.md``). Passive threads sleep instead.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import model.edgelist  # noqa: F401  (registers the edge-list reader beside the core)
from model.scenario import Scenario
from model.scenario_files import ScenarioError, load_scenario, shipped_scenarios
from model.slacktivism_model import SlacktivismModel

__all__ = ["Scenario", "ScenarioError", "SlacktivismModel", "load_scenario", "shipped_scenarios"]
