"""Choices given from outside the decision rule: they replace the rule's for some users when a step closes.

Class mode seats students in some users' places (:mod:`model.participants`);
their answers reach the model as :class:`Choices` handed to
``SlacktivismModel.close_step``. A student may answer a card from an earlier
step, so a user with a choice need not be among the open step's choosers.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from model.marks import Marks


class Choices(NamedTuple):
    """Choices that replace the decision rule's for some users when a step closes.

    ``users`` need not be among the open step's choosers: a choice made for
    an earlier step's card (late) enters this one.
    """

    users: np.ndarray
    like: np.ndarray
    share: np.ndarray
    act: np.ndarray


def merge(users, like, share, act, choices: Choices, acted: np.ndarray, marks: Marks):
    """The rule's choices (aligned with sorted ``users``) with ``choices``' users' replaced.

    Users of ``choices`` who are not among ``users`` are added in order; users
    who have acted already keep their state. Returns new arrays
    ``(users, like, share, act)``; the inputs are left as they were.
    """
    choices = choices._replace(users=np.asarray(choices.users, dtype=np.int64))
    extra = choices.users[~marks.among(choices.users, users)] if len(choices.users) else choices.users
    extra = extra[~acted[extra]]
    if len(extra):
        merged = marks.union(users, extra)
        keep = marks.among(merged, users)
        like2, share2, act2 = (np.zeros(len(merged), dtype=bool) for _ in range(3))
        like2[keep], share2[keep], act2[keep] = like, share, act
        users, like, share, act = merged, like2, share2, act2
    else:
        like, share, act = like.copy(), share.copy(), act.copy()
    given = ~acted[choices.users]
    where = np.searchsorted(users, choices.users[given])
    like[where], share[where], act[where] = choices.like[given], choices.share[given], choices.act[given]
    return users, like, share, act
