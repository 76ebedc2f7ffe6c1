"""After ``python -m slacktivism.warm`` (which ``make setup`` and ``slacktivism app`` run), a class's first steps
compile nothing: every kernel the app's campaign calls is found in numba's on-disk cache, including the
kernels on all cores that a large population's steps switch to.

The check uses numba's own counters (each dispatcher's ``stats.cache_misses``) in a fresh process whose cache
directory only the warm-up has filled, so it cannot pass on a cache left by other tests.
"""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

#: The app's opening campaign and the mechanisms its controls switch on, stepped as a class would.
COUNT_MISSES = """
import json, sys, numba
from numba.core.registry import CPUDispatcher
import model
from model import SlacktivismModel
from model.scenario_files import load_scenario
from model import spread
for overrides in ({}, {"decision.cost_act": 2.0}, {"campaign.framing": 1.0}):
    run = SlacktivismModel(load_scenario("classroom", {"steps": 15, **overrides}))
    while run.running:
        run.step()
# A large population's steps switch to the kernels on all cores (above these sizes): as if the class were one.
spread.PARALLEL_MIN_EDGES = spread.PARALLEL_MIN_USERS = 0
run = SlacktivismModel(load_scenario("classroom", {"steps": 15}))
while run.running:
    run.step()
misses, hits = 0, 0
for name, module in list(sys.modules.items()):
    if name.startswith("model."):
        for value in vars(module).values():
            if isinstance(value, CPUDispatcher):
                misses += sum(value.stats.cache_misses.values())
                hits += sum(value.stats.cache_hits.values())
print(json.dumps({"misses": misses, "hits": hits}))
"""


def _run(code_or_module, cache, *, module=False):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", code_or_module] if module else [sys.executable, "-c", code_or_module]
    done = subprocess.run(argv, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_after_the_warm_up_the_classroom_campaign_compiles_nothing(tmp_path):
    _run("slacktivism.warm", tmp_path, module=True)
    counted = json.loads(_run(COUNT_MISSES, tmp_path).splitlines()[-1])
    # hits > 0: the counters do count (each kernel loaded from the cache is a hit), so misses == 0 can fail.
    assert counted["misses"] == 0 and counted["hits"] > 0, f"kernels compiled after the warm-up: {counted}"
