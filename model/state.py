"""The users' state: one NumPy array per attribute, one row per user.

Users are rows, never Python objects, so a step over a million users is a
handful of compiled loops over arrays. The arrays travel together as one
:class:`Population` record, which the numba kernels take as it is.

:class:`Flag` is the one list of what a user's state byte records; the bit
masks and the columns of the followee counters both derive from it.
``UserState`` codes name the furthest a user has gone, for display (colours
live in ``viz/``).
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

import numpy as np


class Flag(IntEnum):
    """Bits of a user's state byte, and the columns of ``Population.social`` that count them.

    The first four say what a user *is* (acted; gave token support and has
    not acted; shared and has not acted; an in-group member who engaged);
    the last four what it *posted* in the last step (an aligned share, a
    distorted share, a like, an action). Counting followees' bits gives, per
    user, how many followees are each of the first and how many feed items of
    each of the last.
    """

    ACTED = 0
    TOKEN = 1
    SHARER = 2
    IN_GROUP = 3
    POSTED_ALIGNED = 4
    POSTED_DISTORTED = 5
    POSTED_LIKE = 6
    POSTED_ACT = 7

    @property
    def mask(self) -> int:
        """The flag's bit in the state byte."""
        return 1 << self.value


#: Bits that say what a user is (kept from step to step); the others are last step's posts.
STATE_BITS = Flag.ACTED.mask | Flag.TOKEN.mask | Flag.SHARER.mask | Flag.IN_GROUP.mask
#: Any post in the last step.
POSTED_BITS = 0xFF ^ STATE_BITS
#: Number of counters per user (one per flag).
N_COUNTS = len(Flag)

#: The type of every per-user step record (``step_aware`` ... ``luck_step``): 16 bits, so a national population's
#: step records take 10 bytes a user instead of 20. ``steps`` is declared up to its largest value
#: (``model.scenario``), and -1 means "never".
STEP = np.int16
#: The last step a run may reach.
MAX_STEPS = int(np.iinfo(STEP).max)


class Channel(IntEnum):
    """How a user came to the campaign: the channel credited with its first engagement (``reached_by``).

    A share, a like or an action is a followee's post in the feed
    (``model.recruitment``); an invitation a follower's personal ask
    (``invitations.*``); media the outside channels (``media.*``), which
    credit no recruiter; an ask the campaign's own reminder reaching a user
    with nothing in its feed; unprompted an instigator who acted with no
    post at all. Numbers are part of every result: never renumber, only add.
    """

    NONE = 0
    ORGANISER = 1
    SHARE = 2
    LIKE = 3
    ACTION = 4
    INVITATION = 5
    MEDIA = 6
    ASK = 7
    UNPROMPTED = 8

    @property
    def label(self) -> str:
        """The channel's name as the user table and result columns spell it."""
        return self.name.lower()


class UserState(IntEnum):
    """The furthest step of the participation funnel a user has reached."""

    UNAWARE = 0
    AWARE = 1
    LIKED = 2
    SHARED = 3
    ACTED = 4


class Population(NamedTuple):
    """Per-user arrays. Booleans are "ever did it"; steps are -1 for "never".

    Attributes:
        theta: action threshold (Granovetter 1978; Watts 2002).
        concern: concern for the cause.
        status: status motive, the wish to be seen supporting.
        in_group: member of the campaign's identifiable in-group.
        misaligned: the user's shares carry a distorted framing.
        aware, liked, shared, acted: what the user has ever done.
        aligned: the user has seen the campaign's own framing (not only
            distorted shares).
        bits: one state byte per user (:class:`Flag`).
        social: one counter per :class:`Flag` per user, recounted from its
            followees' bits each step it is examined (``model.spread``).
        step_aware, step_liked, step_shared, step_acted: the step at which
            the user became aware, liked, shared, acted.
        recruiter: the followee whose post (or invitation) brought the user
            in, at the step it first engaged (-1: none; ``model.recruitment``).
        interested: interested in the cause (``users.interested``).
        reached_by: the :class:`Channel` credited with the user's first
            engagement (``NONE`` if it never engaged).
        luck_step: the step whose uniforms the user's choices read under
            choice memory (``model.memory``; -1 before its first choice).
        evidence: what the user had seen when it last chose
            (:func:`model.memory.evidence`).
    """

    theta: np.ndarray
    concern: np.ndarray
    status: np.ndarray
    in_group: np.ndarray
    misaligned: np.ndarray
    aware: np.ndarray
    liked: np.ndarray
    shared: np.ndarray
    acted: np.ndarray
    aligned: np.ndarray
    bits: np.ndarray
    social: np.ndarray
    step_aware: np.ndarray
    step_liked: np.ndarray
    step_shared: np.ndarray
    step_acted: np.ndarray
    recruiter: np.ndarray
    interested: np.ndarray
    reached_by: np.ndarray
    luck_step: np.ndarray
    evidence: np.ndarray

    @classmethod
    def start(cls, theta, concern, status, in_group, misaligned, interested=None) -> Population:
        """A population with these attributes, before the campaign (everyone interested by default)."""
        n = len(theta)

        def never() -> np.ndarray:
            return np.zeros(n, dtype=bool)

        def no_step() -> np.ndarray:
            return np.full(n, -1, dtype=STEP)

        def nobody() -> np.ndarray:
            return np.full(n, -1, dtype=np.int32)

        return cls(theta=theta, concern=concern, status=status, in_group=in_group, misaligned=misaligned,
                   aware=never(), liked=never(), shared=never(), acted=never(), aligned=never(),
                   bits=np.zeros(n, dtype=np.uint8), social=np.zeros((n, N_COUNTS), dtype=np.int32),
                   step_aware=no_step(), step_liked=no_step(), step_shared=no_step(), step_acted=no_step(),
                   recruiter=nobody(), interested=np.ones(n, dtype=bool) if interested is None else interested,
                   reached_by=np.zeros(n, dtype=np.uint8), luck_step=no_step(), evidence=np.zeros(n, dtype=np.int32))

    @property
    def n(self) -> int:
        """Number of users."""
        return len(self.theta)

    def engaged(self) -> np.ndarray:
        """Users who liked, shared or acted."""
        return self.liked | self.shared | self.acted

    def first_engaged(self) -> np.ndarray:
        """The step of each user's first like, share or action (-1 if never)."""
        never = np.iinfo(np.int32).max
        first = np.full(self.n, never, dtype=np.int32)
        for steps in (self.step_liked, self.step_shared, self.step_acted):
            np.minimum(first, np.where(steps >= 0, steps.astype(np.int32), never), out=first)
        first[first == never] = -1
        return first

    def codes(self) -> np.ndarray:
        """Each user's :class:`UserState` as a uint8 array."""
        code = self.aware.astype(np.uint8)
        code[self.liked] = UserState.LIKED
        code[self.shared] = UserState.SHARED
        code[self.acted] = UserState.ACTED
        return code
