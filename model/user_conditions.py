"""Conditions on a run's user table: the ``users`` statistics of a case (``model.case_statistics``).

A ``users`` statistic counts the share of users meeting one condition among
those meeting another (``among: "invited and not seed"``, ``share: "acted
and shared"``), written as pandas conditions over the user table's columns
(``model.metrics.USER_COLUMNS``) and a few flags. Conditions are checked on
an empty table when a data file is read, so a misspelt column is refused in
one line before anything runs; on a run each is evaluated once, however many
statistics read it (the Ice Bucket case's four statistics share one).
"""

from __future__ import annotations

import numpy as np

from model import metrics
from model.state import Channel

#: Flags a ``users`` statistic may use besides the user table's columns: one per funnel state, and
#: ``invited`` (a follower invited or nominated the user before it engaged, or it never engaged).
FLAGS = ("aware", "liked", "shared", "acted", "engaged", "invited")
#: Columns a ``users`` statistic may use: the user table's (``model.metrics.USER_COLUMNS``) and :data:`FLAGS`.
USER_COLUMNS = tuple(c.name for c in metrics.USER_COLUMNS) + FLAGS
#: The user table's true/false columns.
_BOOL_COLUMNS = ("in_group", "misaligned", "seed", "aligned", "misled", "token_before_act", "interested", *FLAGS)


class UserConditions:
    """A run's user table with :data:`FLAGS`, each condition evaluated once however many statistics read it."""

    def __init__(self, users):
        self.table = _with_flags(users)
        self._masks: dict[str, np.ndarray] = {}

    def mask(self, expression: str) -> np.ndarray:
        """Which users meet ``expression`` (a pandas condition on the table's columns)."""
        if expression not in self._masks:
            self._masks[expression] = self.table.eval(expression).to_numpy(dtype=bool)
        return self._masks[expression]


def _with_flags(users):
    """The user table with :data:`FLAGS` added (``reached_by`` is read as its channel's label)."""
    flags = dict(aware=users.step_aware >= 0, liked=users.step_liked >= 0, shared=users.step_shared >= 0,
                 acted=users.step_acted >= 0,
                 engaged=(users.step_liked >= 0) | (users.step_shared >= 0) | (users.step_acted >= 0))
    if "inviter" in users:
        flags["invited"] = users.inviter >= 0
    return users.assign(**flags)


def check_condition(expression: str) -> None:
    """Refuse a query that names no user-table column, does not parse, or is not a condition (on an empty table)."""
    import pandas as pd

    def column(name):
        if name == "reached_by":
            return pd.Series(pd.Categorical([], categories=[c.label for c in Channel]))
        return pd.Series(dtype=bool if name in _BOOL_COLUMNS else float)

    empty = pd.DataFrame({c: column(c) for c in USER_COLUMNS})
    try:
        result = empty.eval(expression)
        if str(getattr(result, "dtype", "")) != "bool":
            raise ValueError("not a true/false condition")
    except Exception as exc:  # noqa: BLE001 - pandas raises many kinds; all mean "no such output"
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"users query {expression!r} maps to no user-table output ({text}; columns: "
                         f"{', '.join(USER_COLUMNS)})") from None
