"""How the campaign reaches users other than through the feed: its reminders, the outside channels, invitations.

A post in the feed reaches a user through a followee (:mod:`model.feed`).
Three other channels reach users directly, and a user reached only by one of
them has no feed recruiter:

- **reminders** (``campaign.asks``): at an ask step the campaign asks its
  token supporters, or anyone on its list (``campaign.ask_to``), to act now;
- **the outside channels** (``media``; :mod:`model.media`): mass media and
  search, Bass's (1969) innovation term;
- **invitations** (``invitations``; :mod:`model.invitations`): a supporter
  asks some of its followers personally, and is their recruiter.

:class:`Channels` holds what these need between steps (the list, who waits
for an invitation) so that the model class keeps its one job.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from model import invitations, media
from model.network import FollowerGraph
from model.randomness import Purpose, generator, stream_key, uniforms
from model.scenario import Scenario
from model.state import Channel, Population

_EMPTY = np.empty(0, dtype=np.int64)
_ASK, _MEDIA, _INVITATION = int(Channel.ASK), int(Channel.MEDIA), int(Channel.INVITATION)


class Outside(NamedTuple):
    """One step's users reached other than by a post they saw in the feed (each sorted)."""

    seen: np.ndarray      # saw a followee's post in the feed
    media: np.ndarray     # shown the campaign by the outside channels (``model.media``)
    invited: np.ndarray   # invited by a follower at the step before (``model.invitations``)
    inviter: np.ndarray   # aligned with ``invited``
    asked: np.ndarray     # reached by the campaign's reminder


NO_OUTSIDE = Outside(_EMPTY, _EMPTY, _EMPTY, _EMPTY, _EMPTY)


class Channels:
    """The campaign's reminders, the outside channels and the invitations of one run.

    Args:
        scenario: the run's scenario.
        seed: the run's seed (each channel draws from its own purpose's stream).
        graph: the follower graph.
        organisers: the seed users, sorted (``campaign.ask_to: followers`` asks their followers).
    """

    def __init__(self, scenario: Scenario, seed: int, graph: FollowerGraph, organisers: np.ndarray):
        self.spec = scenario
        n = graph.n_users
        self._graph = graph
        self._asks = frozenset(scenario.campaign.asks)
        self._ask_key = stream_key(seed, Purpose.ASK)
        self._media_key = stream_key(seed, Purpose.MEDIA)
        self.ask_list = self._mailing_list(seed, organisers)
        inv = scenario.invitations
        self._propensity = invitations.propensities(inv.spread, n, seed, Purpose.INVITE_PROPENSITY) \
            if inv.rate > 0 else None
        self._invitation_keys = invitations.InvitationKeys(stream_key(seed, Purpose.INVITE_COUNT),
                                                           stream_key(seed, Purpose.INVITE_PICK))
        # Who invited each user at the last step, to arrive at this one (-1: no one); None: no invitations.
        self._invited_by = np.full(n, -1, dtype=np.int32) if inv.rate > 0 else None
        # The users invited at the last step (those with an inviter in ``_invited_by``), so that no step scans them all.
        self._arriving = _EMPTY
        #: The last follower who invited each user before it first engaged (-1: none).
        self.inviter = np.full(n, -1, dtype=np.int32)
        #: Invitations sent so far.
        self.sent = 0

    def _mailing_list(self, seed: int, organisers: np.ndarray) -> np.ndarray | None:
        """Whom the campaign's reminders can reach besides its supporters (``campaign.ask_to``), as a mask.

        ``followers``: everyone who follows an organiser (the campaign's own
        audience); ``list``: each user independently with chance
        ``campaign.ask_list`` (its own stream), supporter or not: the control
        arm of the sequential-request experiments (Kristofferson, White &
        Peloza 2014). ``None`` for ``supporters``.
        """
        c, n = self.spec.campaign, self._graph.n_users
        if c.ask_to == "supporters":
            return None
        if c.ask_to == "list":
            return generator(seed, Purpose.ASK_LIST).random(n) < c.ask_list
        audience = np.zeros(n, dtype=bool)
        for j in organisers:
            audience[self._graph.followers_of(int(j))] = True
        return audience

    @property
    def lists(self) -> bool:
        """Whether reminders go to a list (not only to token supporters)."""
        return self.ask_list is not None

    def asked(self, t: int, pop: Population) -> np.ndarray:
        """Users (sorted, none has acted) whom the campaign's reminder reaches at step ``t``.

        At each step of ``campaign.asks`` the campaign asks everyone who liked
        or shared (or is on its list) and has not acted to act now; each is
        reached with chance ``campaign.ask_reach`` (its own stream).
        """
        if t not in self._asks:
            return _EMPTY
        listed = (pop.liked | pop.shared) if self.ask_list is None else self.ask_list
        asked = np.flatnonzero(listed & ~pop.acted)
        reach = self.spec.campaign.ask_reach
        if reach < 1:
            asked = asked[uniforms(self._ask_key, asked, t) < reach]
        return asked

    def outside(self, t: int, asked: np.ndarray, pop: Population) -> Outside:
        """Users whom the outside channels reach at ``t``, and those invited at the step before."""
        reached = _EMPTY
        h = media.hazard(self.spec.media, t)
        if h > 0:
            reached = media.reached(pop.acted, h, self._media_key, t)
        invited: np.ndarray = _EMPTY
        inviter: np.ndarray = _EMPTY
        if self._invited_by is not None:
            few = len(self._arriving) * 64 < len(self._invited_by)  # sorting a few beats scanning everyone
            invited = np.sort(self._arriving) if few else np.flatnonzero(self._invited_by >= 0)
            self._arriving = _EMPTY
            inviter = self._invited_by[invited].copy()
            self._invited_by[invited] = -1
            fresh = ~(pop.liked[invited] | pop.shared[invited] | pop.acted[invited])
            self.inviter[invited[fresh]] = inviter[fresh]
            keep = ~pop.acted[invited]
            invited, inviter = invited[keep], inviter[keep]
        return Outside(_EMPTY, reached, invited, inviter, asked)

    def still_to_come(self, t: int) -> bool:
        """Whether something after step ``t`` can still reach users when nothing changed at ``t``.

        An ask or a news report still to come (one after the last step never
        comes), a standing media hazard, or invitations waiting to arrive.
        """
        last = self.spec.steps
        m = self.spec.media
        return (any(t < a <= last for a in self._asks) or media.hazard(m, t + 1) > 0
                or any(t < e.step <= last for e in m.events)
                or len(self._arriving) > 0)

    def credit(self, first: np.ndarray, outside: Outside, pop: Population) -> None:
        """Credit the channel to each of ``first`` (first engaged now) whom a channel other than the feed reached.

        An invitation credits its inviter, whatever the feed showed; a user
        reached only by the outside channels, or only by the campaign's own
        reminder, has no recruiter and starts a tree of its own.
        """
        if len(first) > 1 and (first[1:] < first[:-1]).any():
            first = np.sort(first)  # the credit walks along sorted arrays (a step's users are sorted already)
        _credit(first, outside.seen, outside.asked, outside.media, outside.invited, outside.inviter, pop.recruiter,
                pop.reached_by)

    def invite(self, first: np.ndarray, pop: Population, t: int) -> None:
        """Users engaging for the first time at ``t`` send their invitations, to arrive at ``t + 1``."""
        if self._invited_by is not None and len(first):
            delivered = invitations.send(first, self._propensity, self.spec.invitations.rate,
                                         self._graph.follower_rows, pop.acted, self._invitation_keys, t,
                                         self._invited_by)
            self._arriving = np.concatenate([self._arriving, delivered]) if len(self._arriving) else delivered
            self.sent += len(delivered)


@numba.njit(cache=True, inline="always")
def _advance(group, k, user):
    """Move ``k`` along the sorted ``group`` to the first entry not below ``user``."""
    while k < len(group) and group[k] < user:
        k += 1
    return k


@numba.njit(cache=True)
def _credit(first, seen, asked, media, invited, inviter, recruiter, reached_by):
    """:meth:`Channels.credit` as one walk along the sorted arrays (``first`` sorted too)."""
    s = a = m = v = 0
    for i in first:
        s, a, m, v = _advance(seen, s, i), _advance(asked, a, i), _advance(media, m, i), _advance(invited, v, i)
        if not (s < len(seen) and seen[s] == i):
            if a < len(asked) and asked[a] == i:
                recruiter[i] = -1
                reached_by[i] = _ASK
            if m < len(media) and media[m] == i:
                recruiter[i] = -1
                reached_by[i] = _MEDIA
        if v < len(invited) and invited[v] == i:
            recruiter[i] = inviter[v]
            reached_by[i] = _INVITATION
