"""A network kept for the next run of the same world gives the run a freshly built one gives."""

import numpy as np
import pytest

from model import SlacktivismModel
from model.case_files import load_case
from slacktivism import graph_cache
from slacktivism.cases import run_statistics
from tests.conftest import ROOT

CASE = ROOT / "scenarios" / "cases" / "save_darfur.data.yaml"


def fresh_statistics(base: dict, seeds: list[int], stats, take_off):
    """The statistics with every network built anew (no cache at all)."""
    cache = graph_cache.GraphCache(max_follows=0)
    old, graph_cache.GRAPHS = graph_cache.GRAPHS, cache
    try:
        values, _ = run_statistics(base, seeds, stats, take_off=take_off)
    finally:
        graph_cache.GRAPHS = old
    assert cache.hits == 0, "a cache of no follows kept a graph"
    return values


@pytest.fixture
def case():
    return load_case(CASE, {"network.n_users": 3000})


def with_key(base: dict, section: str, key: str, value) -> dict:
    return {**base, section: {**base[section], key: value}}


def test_kept_networks_give_the_runs_of_fresh_ones_for_new_parameters(case, monkeypatch):
    cache = graph_cache.GraphCache()
    monkeypatch.setattr(graph_cache, "GRAPHS", cache)
    base = case.scenario.model_dump(mode="json")
    stats, take_off, seeds = case.pick(None), case.data.take_off, [11, 12, 13]
    for cost in (1.0, 1.4, 0.7):  # as a calibration's particles: new choice keys, the same seeds
        scenario = with_key(base, "decision", "cost_act", cost)
        kept, _ = run_statistics(scenario, seeds, stats, take_off=take_off)
        fresh = fresh_statistics(scenario, seeds, stats, take_off)
        for name in fresh:
            np.testing.assert_array_equal(kept[name], fresh[name], err_msg=f"{name} at cost_act {cost}")
    assert (cache.hits, cache.misses) == (6, 3), "each seed's network should be built once and reused twice"
    outcomes = {name: v for name, v in kept.items() if v.dtype != bool}
    assert len({tuple(v) for v in outcomes.values()}) > 1, "the statistics should differ between replicates"


def test_a_network_key_that_changes_builds_its_own_network(case, monkeypatch):
    cache = graph_cache.GraphCache()
    monkeypatch.setattr(graph_cache, "GRAPHS", cache)
    base = case.scenario.model_dump(mode="json")
    stats = case.pick(None)
    run_statistics(base, [5], stats)
    denser = with_key(base, "network", "mean_degree", 30)
    kept, _ = run_statistics(denser, [5], stats)
    assert cache.misses == 2, "a different network section must not reuse the first network"
    fresh = fresh_statistics(denser, [5], stats, None)
    for name in fresh:
        np.testing.assert_array_equal(kept[name], fresh[name], err_msg=name)


def test_the_cache_keeps_no_more_follows_than_its_budget(case):
    scenario = case.scenario.model_copy(update={"seed": 1})
    follows = len(SlacktivismModel(scenario).graph.followers)
    cache = graph_cache.GraphCache(max_follows=2 * follows)
    for seed in (1, 2, 3, 1):
        cache.model(case.scenario.model_copy(update={"seed": seed}))
    assert (cache.hits, cache.misses) == (0, 4), "seed 1's network should have been dropped for seed 3's"
    kept = sum(len(g.followers) for g in cache._graphs.values())
    assert kept <= 2 * follows, f"{kept} follows kept against a budget of {2 * follows}"
