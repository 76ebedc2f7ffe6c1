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

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import numpy as np

from model.state import Channel, Population, UserState

if TYPE_CHECKING:
    import pandas as pd


class Outcome(NamedTuple):
    """One outcome of a run: its name, type and label beside the function that computes it.

    As Mesa's ``DataCollector`` keeps each reporter's name beside its
    function, :meth:`SlacktivismModel.summary` is ``{o.name: o.compute(run)}``
    over this table, so adding an outcome touches one place.

    Attributes:
        name: the column name, everywhere (summary key, sweep column, series).
        dtype: ``int64``, ``float64`` or ``bool`` (nullable in tables: a
            failed sweep run has none).
        label: a short English label; the app translates by ``name``.
        state: the funnel state whose colour draws it (``viz`` owns colours), if any.
        per_step: also recorded at every step (the time series).
        doc: what it counts.
        compute: the function of a finished run (a :class:`Run`) that gives it;
            ``None`` for a per-step series only.
    """

    name: str
    dtype: str
    label: str
    state: UserState | None
    per_step: bool
    doc: str
    compute: Callable[[Run], Any] | None = None


class Run(Protocol):
    """What an outcome's function reads of a run (a :class:`~model.slacktivism_model.SlacktivismModel`)."""

    pop: Any
    seeds: np.ndarray
    current: dict
    spec: Any
    steps: int
    goal_step: int | None
    choices: int
    invitations_sent: int
    inviter: np.ndarray

    def recruitment(self) -> Any:
        """The recruitment forest (:func:`model.recruitment.forest`)."""


def _count(mask: np.ndarray) -> int:
    return int(np.count_nonzero(mask))


def organisers(run: Run) -> np.ndarray:
    """A mask of the organisers (the seed users)."""
    mask = np.zeros(run.pop.n, dtype=bool)
    mask[run.seeds] = True
    return mask


def event_held(run: Run) -> bool | None:
    """Collective logic: whether enough non-organisers committed for the event to take place."""
    c = run.spec.campaign
    if c.logic != "collective":
        return None
    return run.current["acted"] - len(run.seeds) >= c.event_min


def _goal_reached(run: Run) -> bool:
    return goal_reached(run.current["acted"], run.spec.campaign.goal_actions) and event_held(run) is not False


def _participants(run: Run, column: str) -> int:
    return _count(getattr(run.pop, column) & ~organisers(run))


def _engaged_participants(run: Run) -> np.ndarray:
    return run.pop.engaged() & ~organisers(run)


def _recruited_none_share(run: Run) -> float:
    engaged = _count(run.pop.engaged())
    return 1.0 - _count(run.recruitment().recruits > 0) / engaged if engaged else 0.0


def _generations(run: Run) -> np.ndarray:
    return run.recruitment().generation[run.pop.engaged()]


def _one_hop_share(run: Run) -> float:
    """Engaged participants within one hop of their tree's root (a root counts), over engaged participants."""
    mine = _engaged_participants(run)
    n = _count(mine)
    return _count(mine & (run.recruitment().generation <= 1)) / n if n else 0.0


def _singleton_share(run: Run) -> float:
    """Trees of a single user, over all trees (Goel, Watts & Goldstein 2012: most cascades are one node)."""
    sizes = run.recruitment().tree_size
    return _count(sizes == 1) / len(sizes) if len(sizes) else 0.0


def _engaged_by(channel: Channel) -> Callable[[Run], int]:
    def compute(run: Run) -> int:
        return _count(run.pop.engaged() & (run.pop.reached_by == channel))
    return compute


def _recruited_none_by_invitation(run: Run) -> float:
    """Engaged users none of whose invitations brought anyone in, over engaged users (Lewis et al. 2014)."""
    pop = run.pop
    engaged = pop.engaged()
    n = _count(engaged)
    if not n:
        return 0.0
    invited = pop.reached_by == Channel.INVITATION
    recruited = np.zeros(pop.n, dtype=bool)
    recruited[pop.recruiter[invited & (pop.recruiter >= 0)]] = True
    return 1.0 - _count(recruited & engaged) / n


def _choices_per_reached(run: Run) -> float:
    reached = _count(run.pop.aware & ~organisers(run))
    return run.choices / reached if reached else 0.0


def _current(name: str) -> Callable[[Run], Any]:
    def compute(run: Run) -> Any:
        return run.current[name]
    return compute


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("steps_run", "int64", "steps run", None, False, "steps the run took", lambda run: run.steps),
    Outcome("aware", "int64", "reach", UserState.AWARE, True, "users who saw the campaign", _current("aware")),
    Outcome("liked", "int64", "likes", UserState.LIKED, True, "users who liked it", _current("liked")),
    Outcome("shared", "int64", "shares", UserState.SHARED, True, "users who shared it (organisers included)",
            _current("shared")),
    Outcome("acted", "int64", "actions", UserState.ACTED, True, "users who took real action (organisers included)",
            _current("acted")),
    Outcome("engaged", "int64", "engaged", None, True, "users who liked, shared or acted", _current("engaged")),
    Outcome("slacktivism_gap", "int64", "token support only", None, True,
            "users who liked or shared but never acted", _current("slacktivism_gap")),
    Outcome("misled", "int64", "misled", None, True, "aware users who only ever saw a distorted framing",
            _current("misled")),
    Outcome("conversion", "float64", "actions per user reached", None, True, "acted / aware", _current("conversion")),
    Outcome("visibility", "float64", "feed visibility", None, True,
            "multiplier on every post's reach (engagement-ranked feeds)"),
    Outcome("goal_reached", "bool", "goal reached", None, False,
            "acted >= campaign.goal_actions (and, under collective logic, the event took place)", _goal_reached),
    Outcome("goal_step", "int64", "goal step", None, False,
            "first step with acted >= goal (none if never, or if a collective event failed)",
            lambda run: run.goal_step if event_held(run) is not False else None),
    Outcome("recruiters", "int64", "recruiters", None, False, "engaged users who recruited an engaged user",
            lambda run: _count(run.recruitment().recruits > 0)),
    Outcome("recruited_none_share", "float64", "share who recruited no one", None, False,
            "engaged users who recruited no one, over engaged users (Lewis et al. 2014)", _recruited_none_share),
    Outcome("max_generation", "int64", "deepest generation", None, False, "largest hop count from a root",
            lambda run: int(g.max()) if len(g := _generations(run)) else 0),
    Outcome("mean_generation", "float64", "mean generation", None, False, "mean hop count of engaged users",
            lambda run: float(g.mean()) if len(g := _generations(run)) else 0.0),
    Outcome("largest_tree", "int64", "largest recruitment tree", None, False, "users in the largest tree",
            lambda run: int(f.tree_size.max()) if len((f := run.recruitment()).tree_size) else 0),
    Outcome("structural_virality", "float64", "structural virality", None, False,
            "mean distance between pairs of users in the largest tree (Goel et al. 2016)",
            lambda run: float(run.recruitment().structural_virality)),
    Outcome("token_then_act", "int64", "token support, then action", None, False,
            "actors who liked or shared at a step before acting", lambda run: _count(token_before_act(run.pop))),
    Outcome("event_held", "bool", "event took place", None, False,
            "collective logic: actions by non-organisers >= campaign.event_min (none under other logics)", event_held),
    Outcome("in_group_users", "int64", "in-group members", None, False, "users in the identifiable in-group",
            lambda run: _count(run.pop.in_group)),
    Outcome("engaged_in_group", "int64", "in-group engaged", None, False, "in-group members who engaged",
            lambda run: _count(run.pop.engaged() & run.pop.in_group)),
    Outcome("acted_in_group", "int64", "in-group actions", None, False, "in-group members who acted",
            lambda run: _count(run.pop.acted & run.pop.in_group)),
    Outcome("acted_misaligned", "int64", "misaligned actions", None, False, "misaligned sharers who acted",
            lambda run: _count(run.pop.acted & run.pop.misaligned)),
    Outcome("acted_misled", "int64", "misled actions", None, False, "misled users who acted",
            lambda run: _count(run.pop.acted & run.pop.aware & ~run.pop.aligned)),
    Outcome("aware_participants", "int64", "reach (organisers apart)", None, False,
            "users other than the organisers who saw the campaign", lambda run: _participants(run, "aware")),
    Outcome("liked_participants", "int64", "likes (organisers apart)", None, False,
            "users other than the organisers who liked it", lambda run: _participants(run, "liked")),
    Outcome("shared_participants", "int64", "shares (organisers apart)", None, False,
            "users other than the organisers who shared it", lambda run: _participants(run, "shared")),
    Outcome("acted_participants", "int64", "actions (organisers apart)", None, False,
            "users other than the organisers who took real action", lambda run: _participants(run, "acted")),
    Outcome("engaged_participants", "int64", "engaged (organisers apart)", None, False,
            "users other than the organisers who liked, shared or acted",
            lambda run: _count(_engaged_participants(run))),
    Outcome("choices", "int64", "choices made", None, False,
            "decisions users made, one per user per step it chose (model/memory.py)", lambda run: run.choices),
    Outcome("choices_per_reached", "float64", "choices per user reached", None, False,
            "choices over users other than the organisers who saw the campaign", _choices_per_reached),
    Outcome("one_hop_share", "float64", "share within one hop of a root", None, False,
            "engaged non-organisers at generation 0 or 1, over engaged non-organisers (Goel et al. 2012)",
            _one_hop_share),
    Outcome("trees", "int64", "recruitment trees", None, False, "roots of the recruitment forest",
            lambda run: len(run.recruitment().roots)),
    Outcome("singleton_share", "float64", "share of one-user trees", None, False,
            "trees of a single user, over all trees (Goel et al. 2012)", _singleton_share),
    *(Outcome(f"engaged_by_{c.label}", "int64", f"engaged by {c.label}", None, False,
              f"engaged users whose first engagement is credited to {c.label} (reached_by)", _engaged_by(c))
      for c in Channel if c not in (Channel.NONE, Channel.ORGANISER)),
    Outcome("invitations_sent", "int64", "invitations sent", None, False,
            "invitations delivered to followers who had not acted (invitations.rate)",
            lambda run: run.invitations_sent),
    Outcome("recruited_none_by_invitation_share", "float64", "share who recruited no one by invitation", None,
            False, "engaged users whose invitations brought in no engaged user, over engaged users "
            "(Lewis et al. 2014 count invitations)", _recruited_none_by_invitation),
)

BY_NAME = {o.name: o for o in OUTCOMES}
#: Per-step series recorded by the DataCollector, in column order.
SERIES = tuple(o.name for o in OUTCOMES if o.per_step)
#: The run-level outcomes in a summary and in a sweep's ``runs`` table.
SUMMARY = tuple(o.name for o in OUTCOMES if o.compute is not None)
#: The funnel: what a platform shows, then what happened.
FUNNEL = ("aware", "liked", "shared", "acted")


def summary(run: Run) -> dict[str, Any]:
    """Every run-level outcome of :data:`OUTCOMES`, computed from a finished (or paused) run."""
    return {o.name: o.compute(run) for o in OUTCOMES if o.compute is not None}


def counts(pop: Population) -> dict[str, int]:
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


def token_before_act(pop: Population) -> np.ndarray:
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


class UserColumn(NamedTuple):
    """One column of the user table (``SlacktivismModel.user_table``, ``users.parquet``)."""

    name: str
    doc: str
    #: The column: an array, or a pandas Categorical for labelled codes.
    compute: Callable[[Run], Any]


def _attr(name: str) -> Callable[[Run], np.ndarray]:
    def compute(run: Run) -> np.ndarray:
        return getattr(run.pop, name)
    return compute


def _reached_by(run: Run) -> pd.Categorical[str]:
    import pandas as pd

    labels = pd.Index([c.label for c in Channel])
    return pd.Categorical.from_codes(run.pop.reached_by.astype(np.int8), categories=labels)


#: The user table's columns, in order; the column list in docs/getting-started.md and the case mappings read this.
USER_COLUMNS: tuple[UserColumn, ...] = (
    UserColumn("user", "node index", lambda run: np.arange(run.pop.n, dtype=np.int64)),
    UserColumn("threshold", "action threshold theta", _attr("theta")),
    UserColumn("concern", "concern for the cause", _attr("concern")),
    UserColumn("status_motive", "wish to be seen supporting", _attr("status")),
    UserColumn("in_group", "member of the identifiable in-group", _attr("in_group")),
    UserColumn("misaligned", "a misaligned sharer", _attr("misaligned")),
    UserColumn("seed", "an organiser (a seed user)", organisers),
    UserColumn("step_aware", "step it first saw the campaign (-1 never)", _attr("step_aware")),
    UserColumn("step_liked", "step it liked (-1 never)", _attr("step_liked")),
    UserColumn("step_shared", "step it first shared (-1 never)", _attr("step_shared")),
    UserColumn("step_acted", "step it acted (-1 never)", _attr("step_acted")),
    UserColumn("aligned", "saw the campaign's own framing", _attr("aligned")),
    UserColumn("misled", "aware, only ever saw a distorted framing", lambda run: run.pop.aware & ~run.pop.aligned),
    UserColumn("recruiter", "who brought it in at its first engagement (-1 none)", _attr("recruiter")),
    UserColumn("generation", "hops from its tree's root (-1 never engaged)",
               lambda run: run.recruitment().generation),
    UserColumn("recruits", "engaged users it recruited", lambda run: run.recruitment().recruits),
    UserColumn("token_before_act", "liked or shared at a step before acting", lambda run: token_before_act(run.pop)),
    UserColumn("interested", "interested in the cause (users.interested)", _attr("interested")),
    UserColumn("reached_by", "channel credited with its first engagement: " + ", ".join(c.label for c in Channel),
               _reached_by),
    UserColumn("inviter", "the last follower who invited it before it first engaged (-1 none)",
               lambda run: run.inviter),
)
