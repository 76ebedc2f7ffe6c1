"""Campaign outcomes: one table of names that everything reads, and the functions behind them.

:data:`OUTCOMES` is the one list of outcome names: the DataCollector, the
run summary (``slacktivism run --json``), sweep tables, reports and the app
all take their columns, types and labels from it. Counts are users who
*ever* did a thing. The vanity metrics (reach, likes, shares) are what a
platform shows; actions are the campaign's real impact (Klandermans &
Oegema 1987: most sympathisers never act; Lewis, Gray & Meierhenrich 2014:
99.76% of Save Darfur's members never donated).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from model.state import UserState


class Outcome(NamedTuple):
    """One outcome of a run.

    Attributes:
        name: the column name, everywhere (summary key, sweep column, series).
        dtype: ``int64``, ``float64`` or ``bool`` (nullable in tables: a
            failed sweep run has none).
        label: a short English label; the app translates by ``name``.
        state: the funnel state whose colour draws it (``viz`` owns colours), if any.
        per_step: also recorded at every step (the time series).
        doc: what it counts.
    """

    name: str
    dtype: str
    label: str
    state: UserState | None
    per_step: bool
    doc: str


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("steps_run", "int64", "steps run", None, False, "steps the run took"),
    Outcome("aware", "int64", "reach", UserState.AWARE, True, "users who saw the campaign"),
    Outcome("liked", "int64", "likes", UserState.LIKED, True, "users who liked it"),
    Outcome("shared", "int64", "shares", UserState.SHARED, True, "users who shared it"),
    Outcome("acted", "int64", "actions", UserState.ACTED, True, "users who took real action"),
    Outcome("engaged", "int64", "engaged", None, True, "users who liked, shared or acted"),
    Outcome("slacktivism_gap", "int64", "token support only", None, True,
            "users who liked or shared but never acted"),
    Outcome("misled", "int64", "misled", None, True, "aware users who only ever saw a distorted framing"),
    Outcome("conversion", "float64", "actions per user reached", None, True, "acted / aware"),
    Outcome("visibility", "float64", "feed visibility", None, True,
            "multiplier on every post's reach (engagement-ranked feeds)"),
    Outcome("goal_reached", "bool", "goal reached", None, False,
            "acted >= campaign.goal_actions (and, under collective logic, the event took place)"),
    Outcome("goal_step", "int64", "goal step", None, False,
            "first step with acted >= goal (none if never, or if a collective event failed)"),
    Outcome("recruiters", "int64", "recruiters", None, False, "engaged users who recruited an engaged user"),
    Outcome("recruited_none_share", "float64", "share who recruited no one", None, False,
            "engaged users who recruited no one, over engaged users (Lewis et al. 2014)"),
    Outcome("max_generation", "int64", "deepest generation", None, False, "largest hop count from a root"),
    Outcome("mean_generation", "float64", "mean generation", None, False, "mean hop count of engaged users"),
    Outcome("largest_tree", "int64", "largest recruitment tree", None, False, "users in the largest tree"),
    Outcome("structural_virality", "float64", "structural virality", None, False,
            "mean distance between pairs of users in the largest tree (Goel et al. 2016)"),
    Outcome("token_then_act", "int64", "token support, then action", None, False,
            "actors who liked or shared at a step before acting"),
    Outcome("event_held", "bool", "event took place", None, False,
            "collective logic: actions by non-organisers >= campaign.event_min (none under other logics)"),
    Outcome("in_group_users", "int64", "in-group members", None, False, "users in the identifiable in-group"),
    Outcome("engaged_in_group", "int64", "in-group engaged", None, False, "in-group members who engaged"),
    Outcome("acted_in_group", "int64", "in-group actions", None, False, "in-group members who acted"),
    Outcome("acted_misaligned", "int64", "misaligned actions", None, False, "misaligned sharers who acted"),
    Outcome("acted_misled", "int64", "misled actions", None, False, "misled users who acted"),
)

BY_NAME = {o.name: o for o in OUTCOMES}
#: Per-step series recorded by the DataCollector, in column order.
SERIES = tuple(o.name for o in OUTCOMES if o.per_step)
#: The run-level outcomes in a summary and in a sweep's ``runs`` table.
SUMMARY = tuple(o.name for o in OUTCOMES if o.name != "visibility")
#: The funnel: what a platform shows, then what happened.
FUNNEL = ("aware", "liked", "shared", "acted")


def counts(pop) -> dict[str, int]:
    """Users who ever became aware, liked, shared, acted; and derived counts.

    ``engaged`` is any like, share or action; ``slacktivism_gap`` the users
    who gave token support but never acted; ``misled`` the aware users who
    only ever saw a distorted framing.
    """
    token = pop.liked | pop.shared
    return {
        "aware": int(np.count_nonzero(pop.aware)),
        "liked": int(np.count_nonzero(pop.liked)),
        "shared": int(np.count_nonzero(pop.shared)),
        "acted": int(np.count_nonzero(pop.acted)),
        "engaged": int(np.count_nonzero(token | pop.acted)),
        "slacktivism_gap": int(np.count_nonzero(token & ~pop.acted)),
        "misled": int(np.count_nonzero(pop.aware & ~pop.aligned)),
    }


def token_before_act(pop) -> np.ndarray:
    """Users who liked or shared at a step before the step they acted."""
    acted = pop.step_acted
    return (acted >= 0) & (((pop.step_liked >= 0) & (pop.step_liked < acted))
                           | ((pop.step_shared >= 0) & (pop.step_shared < acted)))


def conversion(acted: int, aware: int) -> float:
    """Actions per user reached (0 when no one was reached)."""
    return acted / aware if aware else 0.0


def goal_reached(acted: int, goal_actions: int) -> bool:
    """Whether the campaign's goal of real actions is met."""
    return acted >= goal_actions
