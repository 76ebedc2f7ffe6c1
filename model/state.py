"""The users' state: one NumPy array per attribute, one row per user.

Users are rows, never Python objects, so a step over a million users is a
handful of vectorised operations (STYLE habit 7). ``UserState`` codes name the
furthest a user has gone, for display: colours live in ``viz/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

# Columns of Population.social.
ACTED, TOKEN, SHARER, IN_GROUP, FEED_SHARES, FEED_DISTORTED, FEED_LIKES, FEED_ACTS = range(8)


class UserState(IntEnum):
    """The furthest step of the participation funnel a user has reached."""

    UNAWARE = 0
    AWARE = 1
    LIKED = 2
    SHARED = 3
    ACTED = 4


@dataclass
class Population:
    """Per-user arrays. Booleans are "ever did it"; counters count followees.

    Attributes:
        theta: action threshold (Granovetter 1978; Watts 2002).
        concern: concern for the cause.
        status: status motive, the wish to be seen supporting.
        in_group: member of the campaign's identifiable in-group.
        misaligned: the user's shares carry a distorted framing.
        aware, liked, shared, acted: what the user has ever done.
        aligned: the user has seen the campaign's own framing (not only
            distorted shares).
        bits: one byte per user, what it is and what it posted last step
            (``model.spread``).
        social: eight counters per user, recounted from its followees' bits
            each step it is examined: columns ``ACTED .. IN_GROUP`` count
            followees (who acted; who liked or shared but have not acted; who
            shared but have not acted; in-group followees who engaged),
            columns ``FEED_SHARES .. FEED_ACTS`` the items in its feed
            (aligned shares, distorted shares, likes, actions).
        step_aware, step_acted: step at which the user became aware / acted
            (-1 if never).
    """

    theta: np.ndarray
    concern: np.ndarray
    status: np.ndarray
    in_group: np.ndarray
    misaligned: np.ndarray
    n: int = field(init=False)

    def __post_init__(self) -> None:
        n = self.n = len(self.theta)
        for name in ("aware", "liked", "shared", "acted", "aligned"):
            setattr(self, name, np.zeros(n, dtype=bool))
        self.bits = np.zeros(n, dtype=np.uint8)
        self.social = np.zeros((n, 8), dtype=np.int32)
        self.step_aware = np.full(n, -1, dtype=np.int32)
        self.step_acted = np.full(n, -1, dtype=np.int32)

    def codes(self) -> np.ndarray:
        """Each user's :class:`UserState` as a uint8 array."""
        code = self.aware.astype(np.uint8)
        code[self.liked] = UserState.LIKED
        code[self.shared] = UserState.SHARED
        code[self.acted] = UserState.ACTED
        return code
