"""People inside the model: some users' choices come from outside (class mode).

A participatory simulation puts learners inside the system as its agents
and then shows them the whole (Wilensky & Stroup's HubNet; Colella 2000;
Klopfer, Yoon & Perry 2005). Here a *participant* is a user of the network
whose choice, when the campaign reaches it, is made by a person instead of
the decision rule (:mod:`model.decisions`). Everything else stays the
model's: whether the campaign reaches the participant (the same exposure
draw as any user), and what a choice does (posting to followers,
recruitment attribution, the counts).

This module holds the typed records that cross that boundary, the
placement of participants on the network, and :class:`Seating`, which
drives the model through its public two-half step (``open_step`` then
``close_step``); a model with no participants steps exactly as before.
"""

from __future__ import annotations

from collections import deque
from enum import IntEnum
from typing import Literal, NamedTuple

import numpy as np

from model.choices import Choices
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


class Seating:
    """Participants seated on a model's nodes, driving it through its public two-half step.

    The model knows nothing of people: it opens a step
    (:meth:`~model.slacktivism_model.SlacktivismModel.open_step`), says who
    chooses and what the rule chose, and closes it with the choices it is
    given (``close_step``). The seating turns an open step into cards for the
    participants it reaches, collects their choices (:meth:`decide`), and
    hands them back when the step closes: a participant who made none did
    nothing. A choice that arrives after its card's step has moved on counts
    at the next step, and a first engagement so made is credited to the
    recruiter the card's own feed showed (noted when the card was dealt with
    ``would_credit``, the same keyed draw as on time).

    Args:
        model: a :class:`~model.slacktivism_model.SlacktivismModel` before its
            first step, under the logit rule.
        count: participants to seat.
        placement: how they are placed (:func:`place`; its own stream,
            ``Purpose.PLACEMENT``; never the organisers).
    """

    def __init__(self, model, count: int, placement: Placement = "spread"):
        from model.randomness import Purpose, generator

        if model.steps:
            raise ValueError("participants are seated before the first step")
        if model.spec.decision.rule != "logit":
            raise ValueError("participants need the logit decision rule: under the threshold rule every examined "
                             "user chooses, but a participant gets a card only when the campaign reaches it")
        self.model = model
        self.order = place(model.graph, count, placement, model.seeds, generator(model.seed, Purpose.PLACEMENT))
        self.nodes = np.sort(self.order)
        self._cards: tuple[Card, ...] = ()
        self._cards_step = -1
        self._decided: dict[int, Decision] = {}
        self._answered: dict[int, int] = {}      # the step of the card each decided participant answered, if given
        self._credit: dict[tuple[int, int], tuple[int, int]] = {}  # (participant, card's step): (recruiter, channel)

    @property
    def decided(self) -> dict[int, Decision]:
        """The choices handed to :meth:`decide` and not yet applied, by participant (a copy)."""
        return dict(self._decided)

    @property
    def waiting(self) -> bool:
        """Choices have been handed to :meth:`decide` and not yet applied."""
        return bool(self._decided)

    def cards(self) -> tuple[Card, ...]:
        """The participants whom the next step reaches, with what their feed shows (opens the step).

        A participant gets a card when the simulated user at its node would
        choose (it saw the campaign, or was asked, and under choice memory had
        fresh luck or new evidence). Calling it again before the step closes
        returns the same cards.
        """
        m = self.model
        if not m.running:
            return ()
        opened = m.open_step()
        if self._cards_step != opened.step:
            self._cards = self._deal(opened)
            self._cards_step = opened.step
        return self._cards

    def decide(self, user: int, choice: Choice | Decision, step: int | None = None) -> None:
        """A participant's choice, to count when the step closes (the last one given for a user counts).

        A choice for a participant whom the next step's cards do not reach (it
        answered a card after its step moved on) enters that step all the
        same, as a choice made then: a late choice is counted, not lost.
        Raises ``ValueError`` for a user who is not a participant; a
        participant who has acted is done and its choice is ignored.

        ``step``: the step of the card the choice answers, so that a late
        first engagement is credited to the recruiter that card's feed showed.
        """
        user = int(user)
        i = np.searchsorted(self.nodes, user)
        if i >= len(self.nodes) or self.nodes[i] != user:
            raise ValueError(f"user {user} is not a participant")
        if self.model.pop.acted[user]:
            return
        self._decided[user] = choice if isinstance(choice, Decision) else Decision.of(choice)
        if step is None:
            self._answered.pop(user, None)
        else:
            self._answered[user] = int(step)

    def closing(self, opened) -> tuple:
        """The ``(choices, credit)`` to close the open step with; forgets the choices handed over.

        Every participant among the step's choosers gets its own choice (none
        if it made none); participants who chose late are added.
        """
        decided, self._decided = self._decided, {}
        answered, self._answered = self._answered, {}
        mine = opened.users[np.isin(opened.users, self.nodes)]
        users = np.union1d(mine, np.array(sorted(decided), dtype=np.int64))
        picks = [decided.get(int(u), NO_DECISION) for u in users]
        like, share, act = (np.array([d[k] for d in picks], dtype=bool) for k in range(3))
        credit = {}
        for user, card_step in answered.items():
            if card_step != opened.step and (user, card_step) in self._credit:
                credit[user] = self._credit[user, card_step]
        self._credit = {k: v for k, v in self._credit.items() if k[1] >= opened.step - 1}
        return Choices(users, like, share, act), credit

    def _deal(self, opened) -> tuple[Card, ...]:
        """Cards for the participants among the open step's choosers, and the credit each card's feed shows.

        A participant gets a card when the simulated user at its node would
        choose: the campaign reached it and, under choice memory, it looks
        afresh or has new evidence. (``opened.reached`` also holds those it
        reached without a new choice, for a driver that wants to deal those
        cards too.)
        """
        from model.state import Flag

        m = self.model
        pop, platform = m.pop, m.spec.platform
        mine = np.flatnonzero(np.isin(opened.reached, self.nodes))
        mine = mine[np.isin(opened.reached[mine], opened.users)]
        users = opened.reached[mine]
        if len(users):
            recruiters, channels = m.would_credit(users)
            for user, r, ch in zip(users.tolist(), recruiters.tolist(), channels.tolist(), strict=True):
                self._credit[user, opened.step] = (r, ch)
        where = np.searchsorted(opened.users, users)
        chooses = (where < len(opened.users)) & (opened.users[np.minimum(where, len(opened.users) - 1)] == users) \
            if len(opened.users) else np.zeros(len(users), dtype=bool)
        like_count = m.current["liked"] if platform.like_counts_visible else None
        cards = []
        for k, (q, user) in enumerate(zip(mine.tolist(), users.tolist(), strict=True)):
            social = pop.social[user]
            rule = (Decision(bool(opened.like[where[k]]), bool(opened.share[where[k]]), bool(opened.act[where[k]]))
                    if chooses[k] else NO_DECISION)
            cards.append(Card(
                user=user, step=opened.step, aligned=bool(pop.aligned[user]),
                shared_by=int(social[Flag.POSTED_ALIGNED]) + int(social[Flag.POSTED_DISTORTED]),
                liked_by=int(social[Flag.POSTED_LIKE]) if platform.show_friend_likes else 0,
                acted_by=int(social[Flag.POSTED_ACT]) if platform.actions_public else 0,
                like_count=like_count, asked=bool(opened.reached_asked[q]), rule=rule))
        return tuple(cards)
