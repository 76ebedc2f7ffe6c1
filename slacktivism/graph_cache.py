"""Networks kept in a process for the next run of the same world.

A calibration runs every particle on the same common-random-number seeds
(``slacktivism.cases``): replicate ``r`` of a case gets the same seed whatever
the fitted keys, and the network is drawn from the seed's own network stream
(``model.randomness.Purpose.NETWORK``), so a case's replicate ``r`` has the
same network for every particle as long as no ``network.*`` key is fitted.
Building it again each time was a quarter to a third of a case's run (the
100,000-user KPK 2009 case: 0.10 of 0.32 s). The cache keys a graph by the
whole ``network`` section and the seed, so a fitted network key simply
misses; the model never writes to its graph, so a kept graph gives the
identical run (the tests check it).
"""

from __future__ import annotations

from collections import OrderedDict

from model import SlacktivismModel
from model.network import FollowerGraph
from model.scenario import Scenario

#: The most follows kept at once per process (about 8 bytes each, both directions), least recently used out first.
MAX_FOLLOWS = 25_000_000


class GraphCache:
    """Follower graphs by (network section, seed), within a budget of follows."""

    def __init__(self, max_follows: int = MAX_FOLLOWS):
        self.max_follows = max_follows
        self._graphs: OrderedDict[tuple[str, int | None], FollowerGraph] = OrderedDict()
        self.hits = self.misses = 0

    def model(self, scenario: Scenario) -> SlacktivismModel:
        """A model of ``scenario`` on its seed's network: the kept one if this world was built before."""
        key = (scenario.network.model_dump_json(), scenario.seed)
        graph = self._graphs.get(key)
        if graph is not None:
            self.hits += 1
            self._graphs.move_to_end(key)
            return SlacktivismModel(scenario, graph=graph)
        self.misses += 1
        model = SlacktivismModel(scenario)
        if scenario.seed is not None and len(model.graph.followers) <= self.max_follows:
            self._graphs[key] = model.graph
            while sum(len(g.followers) for g in self._graphs.values()) > self.max_follows:
                self._graphs.popitem(last=False)
        return model


#: The process's cache (each worker process has its own).
GRAPHS = GraphCache()
