"""People inside the model: some users' choices come from outside (class mode).

A participatory simulation puts learners inside the system as its agents
and then shows them the whole (Wilensky & Stroup's HubNet; Colella 2000;
Klopfer, Yoon & Perry 2005). Here a *participant* is a user of the network
whose choice, when the campaign reaches it, is made by a person instead of
the decision rule (:mod:`model.decisions`). Everything else stays the
model's: whether the campaign reaches the participant (the same exposure
draw as any user), and what a choice does (posting to followers,
recruitment attribution, the counts).

This module holds the typed records that cross that boundary and the
placement of participants on the network. The step itself is split in
:class:`model.slacktivism_model.SlacktivismModel` (``cards`` then
``step``); a model with no participants steps exactly as before.
"""

from __future__ import annotations

from collections import deque
from enum import IntEnum
from typing import Literal, NamedTuple

import numpy as np

from model.network import FollowerGraph

#: How participants are placed on the network (:func:`place`).
Placement = Literal["spread", "random", "friends"]
PLACEMENTS: tuple[str, ...] = ("spread", "random", "friends")


class Choice(IntEnum):
    """What a participant did with the campaign in its feed (one button on a card)."""

    NONE = 0  # scrolled past, or did not answer in time
    LIKE = 1
    SHARE = 2
    ACT = 3


class Decision(NamedTuple):
    """One user's choice as the model records it: like, share and act are separate (a user may do two)."""

    like: bool
    share: bool
    act: bool

    @classmethod
    def of(cls, choice: Choice) -> Decision:
        """A participant's single button as a decision."""
        return cls(choice == Choice.LIKE, choice == Choice.SHARE, choice == Choice.ACT)


NO_DECISION = Decision(False, False, False)


class Card(NamedTuple):
    """What a participant's feed shows this step: the campaign, and who in its feed posted about it.

    Attributes:
        user: the participant's node.
        step: the step the card belongs to.
        aligned: the participant saw the campaign's own framing (else only a
            distorted share of it).
        shared_by: followees whose share of the campaign is in the feed.
        liked_by: followees whose like is in the feed (0 where the platform
            does not show friends' likes).
        acted_by: followees whose action is in the feed (0 where actions
            are not public).
        like_count: the campaign's likes, where the platform shows the
            count; ``None`` where it hides it.
        asked: the campaign's reminder reached the participant this step.
        rule: what the decision rule would have chosen for this user (for
            tests and simulated stand-ins; never shown to a person).
    """

    user: int
    step: int
    aligned: bool
    shared_by: int
    liked_by: int
    acted_by: int
    like_count: int | None
    asked: bool
    rule: Decision


def place(graph: FollowerGraph, count: int, how: Placement, exclude: np.ndarray,
          rng: np.random.Generator) -> np.ndarray:
    """Nodes for ``count`` participants, in the order participants are seated.

    * ``spread``: users are sorted by followers and cut into ``count``
      equal strata; one user is drawn from each, so a class holds a few
      well-followed users and many ordinary ones, as a random sample of a
      heavy-tailed network does, but never all hubs and never all leaves.
      The order is shuffled so that the first to join is not always the hub.
    * ``random``: a uniform sample.
    * ``friends``: a breadth-first walk over follow ties (either way) from a
      random start, so the class mostly follows one another (a classroom's
      own network is clustered; McPherson, Smith-Lovin & Cook 2001). If the
      component runs out, the walk restarts at another random user.

    ``exclude`` (the organisers) are never chosen. Raises ``ValueError`` if
    there are fewer free users than ``count``.
    """
    n = graph.n_users
    free = np.ones(n, dtype=bool)
    free[np.asarray(exclude, dtype=np.int64)] = False
    candidates = np.flatnonzero(free)
    if count > len(candidates):
        raise ValueError(f"{count} participants need {count} free users, but the network has {len(candidates)}")
    if count == 0:
        return np.empty(0, dtype=np.int64)
    if how == "random":
        return rng.choice(candidates, size=count, replace=False).astype(np.int64)
    if how == "spread":
        followers = graph.n_followers[candidates]
        order = candidates[np.lexsort((rng.random(len(candidates)), followers))]
        edges = np.linspace(0, len(order), count + 1).astype(np.int64)
        picks = np.array([order[rng.integers(edges[k], edges[k + 1])] for k in range(count)], dtype=np.int64)
        return rng.permutation(picks)
    if how == "friends":
        return _walk(graph, count, free, rng)
    raise ValueError(f"placement must be one of {', '.join(PLACEMENTS)} (got {how!r})")


def _walk(graph: FollowerGraph, count: int, free: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Breadth-first over ties in either direction, from random starts, taking free users in order."""
    seen = np.zeros(graph.n_users, dtype=bool)
    taken: list[int] = []
    while len(taken) < count:
        start = int(rng.choice(np.flatnonzero(free & ~seen)))
        queue = deque([start])
        seen[start] = True
        while queue and len(taken) < count:
            u = queue.popleft()
            if free[u]:
                taken.append(u)
            ties = np.concatenate([graph.followers[graph.indptr[u]:graph.indptr[u + 1]],
                                   graph.followees[graph.followee_indptr[u]:graph.followee_indptr[u + 1]]])
            ties = np.unique(ties[~seen[ties]])
            ties = rng.permutation(ties)
            seen[ties] = True
            queue.extend(int(x) for x in ties)
    return np.asarray(taken, dtype=np.int64)
