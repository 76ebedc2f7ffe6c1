"""Where a class sits in the network, and the seats that change while it plays.

A class learns from its own cards: a student the campaign never reaches
learns nothing but "Nothing new in your feed yet" (in one room 3 of 9
students saw only that for 12 steps). So the default placement,
``reached``, seats the class as one cluster of friends among the users the
campaign's first step reaches: each student gets a card at step 1, and
students share with one another as a real class does (a classroom's own
network is clustered; McPherson, Smith-Lovin & Cook 2001). The other
placements are the model's (:func:`model.participants.place`).

Finding those users asks the model to open step 1 early. Its draws are
keyed by user and step (``model.randomness``), so opening it early changes
nothing in the run: the step that is taken later is the same step.

Seats are not fixed for the lesson either: a late student gets a fresh seat
where the campaign still reaches it (:func:`late_node`), and a removed one
keeps its node as a user who makes no choice, so the class's record and the
crowd's stay apart. :class:`RoomSeats` is the model's
:class:`~model.participants.Seating` with seats given from outside and added
while the campaign runs; it drives the model through its public two-half
step (``open_step``, ``close_step``) like the seating it extends.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from model.participants import PLACEMENTS, Card, Seating, place
from model.randomness import Purpose

#: How a room seats its class: ``reached`` (this module) or one of the model's placements.
RoomPlacement = Literal["reached", "spread", "random", "friends"]
ROOM_PLACEMENTS: tuple[str, ...] = ("reached", *PLACEMENTS)


def placement_rng(seed: int, *coordinates: int) -> np.random.Generator:
    """The placement's own generator, keyed by the run's seed (and, for a late seat, its number).

    The same purpose as the model's placement (``Purpose.PLACEMENT``), so no other mechanism's draws move.
    """
    return np.random.Generator(np.random.Philox(np.random.SeedSequence([seed, int(Purpose.PLACEMENT),
                                                                        *coordinates])))


def first_cards(model) -> np.ndarray:
    """The users (organisers excepted) whom the next step reaches and who would choose: each would get a card."""
    opened = model.open_step()
    users = opened.reached[np.isin(opened.reached, opened.users)]
    return np.setdiff1d(users, model.seeds)


def class_nodes(model, count: int, how: str) -> np.ndarray:
    """Nodes for ``count`` students, in the order they joined.

    ``reached``: a breadth-first walk over follow ties from a random user,
    taking only users the first step reaches with a card (so the class is a
    cluster of friends and everyone has a card at step 1). If there are fewer
    such users than students, the rest are seated as friends of the class
    elsewhere. Raises ``ValueError`` when the network has too few free users.
    """
    if model.steps:
        raise ValueError("a class is seated before the first step")
    rng = placement_rng(model.seed)
    if how != "reached":
        return place(model.graph, count, how, model.seeds, rng)
    reached = first_cards(model)
    n = model.n_users
    if count <= len(reached):
        others = np.setdiff1d(np.arange(n), reached)
        return place(model.graph, count, "friends", others, rng)
    rest = place(model.graph, count - len(reached), "friends", np.union1d(model.seeds, reached), rng)
    return rng.permutation(np.concatenate([reached, rest]))


def late_node(model, taken: np.ndarray, friends: np.ndarray, number: int) -> int:
    """A fresh node for a late student, where the campaign can still reach it; -1 if the network has none left.

    First choice: a user the open step reaches with a card who has not engaged yet (its first sight of the
    campaign if possible), so the late student has a card at once. Else a user not yet reached who follows
    users who have engaged (their posts can still reach it). Among equals, the one with most ties to the
    class (``friends``), then a keyed draw (``number`` is the late seat's number).
    """
    n = model.n_users
    pop = model.pop
    free = np.ones(n, dtype=bool)
    free[np.asarray(taken, dtype=np.int64)] = False
    free[model.seeds] = False
    free &= ~pop.engaged()
    rng = placement_rng(model.seed, 1, number)
    tie_break = rng.random(n)
    ties = _ties_to(model.graph, friends, n)
    if model.running:
        opened = model.open_step()
        now = opened.reached[np.isin(opened.reached, opened.users)]
        now = now[free[now]]
        if len(now):
            fresh = (pop.step_aware[now] == opened.step).astype(np.int64)
            best = np.lexsort((tie_break[now], -ties[now], -fresh))[0]
            return int(now[best])
    later = np.flatnonzero(free & ~pop.aware)
    if not len(later):
        return -1
    engaged = pop.engaged()
    g = model.graph
    posters = np.array([int(engaged[g.followees[g.followee_indptr[u]:g.followee_indptr[u + 1]]].sum())
                        for u in later.tolist()])
    best = np.lexsort((tie_break[later], -ties[later], -posters))[0]
    return int(later[best])


def _ties_to(graph, nodes, n: int) -> np.ndarray:
    """For each user, how many of ``nodes`` it follows or is followed by."""
    counts = np.zeros(n, dtype=np.int64)
    for u in np.asarray(nodes, dtype=np.int64).tolist():
        np.add.at(counts, graph.followers[graph.indptr[u]:graph.indptr[u + 1]], 1)
        np.add.at(counts, graph.followees[graph.followee_indptr[u]:graph.followee_indptr[u + 1]], 1)
    return counts


class RoomSeats(Seating):
    """The model's seating with the class's nodes given (:func:`class_nodes`) and seats added later (:meth:`admit`).

    Not registered with the model: the room closes each step itself, with ``close_step(*seats.closing(opened))``,
    so the model's public step is the only way in.
    """

    def __init__(self, model, nodes: np.ndarray):
        super().__init__(model, 0)
        self.order = np.asarray(nodes, dtype=np.int64)
        self.nodes = np.sort(self.order)

    def admit(self, node: int) -> Card | None:
        """Seat one more participant at ``node``; its card for the open step, if the step reaches it."""
        node = int(node)
        if node in set(self.nodes.tolist()):
            raise ValueError(f"user {node} is already seated")
        self.order = np.append(self.order, node)
        self.nodes = np.sort(self.order)
        if not self.model.running:
            return None
        self._cards_step = -1  # deal the open step again, with the new seat (the same keyed draws for the rest)
        return next((c for c in self.cards() if c.user == node), None)

    def close(self) -> None:
        """Close the open step with the participants' choices (the rule's stand for everyone else)."""
        m = self.model
        m.close_step(*self.closing(m.open_step()))


__all__ = ["ROOM_PLACEMENTS", "RoomSeats", "class_nodes", "first_cards", "late_node"]
