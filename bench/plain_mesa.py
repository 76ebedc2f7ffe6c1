"""The baseline the issue names: plain Mesa, one Agent per user, a Python loop each step.

Each user is a ``FixedAgent`` on a ``mesa.discrete_space.Network`` cell and
applies the same synchronous fractional threshold rule (Watts 2002) as the
vectorised model, by looping over its neighbours' agents.
"""

from __future__ import annotations

import mesa
import networkx as nx
import numpy as np
from mesa.discrete_space import FixedAgent, Network


class ThresholdUser:
    """What both baselines' users share: a threshold, the acted flag, and the synchronous update."""

    def start(self, theta) -> None:
        self.theta = theta
        self.acted = False
        self.next_acted = False

    def decide(self):
        """Look at each neighbour (the Python loop the vectorised model avoids)."""
        if self.acted:
            self.next_acted = True
            return
        states = self.neighbour_states()
        self.next_acted = bool(states) and sum(states) / len(states) >= self.theta

    def commit(self):
        """Synchronous update: everyone decides on the old state, then all commit."""
        self.acted = self.next_acted


class PlainUser(ThresholdUser, FixedAgent):
    """One user on a ``discrete_space.Network`` cell: acts once the fraction of neighbours who acted reaches theta."""

    def __init__(self, model, cell, theta):
        super().__init__(model)
        self.cell = cell
        self.start(theta)

    def neighbour_states(self) -> list[bool]:
        return [agent.acted for cell in self.cell.connections.values() for agent in cell.agents]


class SynchronousThreshold(mesa.Model):
    """Everyone decides on the old state, then all commit (the schedule both baselines share)."""

    users: list

    def step(self):
        self.agents.do("decide")
        self.agents.do("commit")

    @property
    def acted(self) -> int:
        return sum(u.acted for u in self.users)


class PlainThresholdModel(SynchronousThreshold):
    """Watts's threshold model written the plain Mesa way."""

    def __init__(self, graph: nx.Graph, thetas: np.ndarray, seeds: np.ndarray, rng=0):
        super().__init__(rng=rng)
        self.grid = Network(graph, random=self.random, layout=None)
        self.users = [PlainUser(self, self.grid[i], float(thetas[i])) for i in range(len(thetas))]
        for i in seeds:
            self.users[int(i)].acted = True


class LeanUser(ThresholdUser, mesa.Agent):
    """One user holding its neighbours' agents in a list: no grid, no cells."""

    def __init__(self, model, theta):
        super().__init__(model)
        self.neighbours: list[LeanUser] = []
        self.start(theta)

    def neighbour_states(self) -> list[bool]:
        return [agent.acted for agent in self.neighbours]


class LeanThresholdModel(SynchronousThreshold):
    """The leaner plain-Mesa baseline: agents read their neighbours' states from a list.

    Built from the CSR arrays of the model's own graph (followees of each
    user), so both models run on the same network.
    """

    def __init__(self, followee_indptr, followees, thetas: np.ndarray, seeds: np.ndarray, rng=0):
        super().__init__(rng=rng)
        self.users = [LeanUser(self, float(t)) for t in thetas]
        for i, user in enumerate(self.users):
            user.neighbours = [self.users[j] for j in followees[followee_indptr[i]:followee_indptr[i + 1]].tolist()]
        for i in seeds:
            self.users[int(i)].acted = True
