"""Matplotlib figures: the vanity metrics against real impact.

Colours of user states live here, never in the model (CONTRIBUTING.md, Layering).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure

from model.metrics import BY_NAME, FUNNEL
from model.state import UserState

#: One colour per state of the participation funnel. Each reached state's colour has at least 4.5:1 contrast on
#: white (WCAG AA for text), so the same colour serves for a line, a dot and its label on a projector; the old
#: light blue and light orange had 1.75:1 and 1.84:1 (tests/test_contrast.py computes the ratios). Not reached
#: stays a light grey: it is the background the campaign has not touched.
STATE_COLOURS = {
    UserState.UNAWARE: "#d9d9d9",
    UserState.AWARE: "#2166ac",
    UserState.LIKED: "#b35806",
    UserState.SHARED: "#7f2704",
    UserState.ACTED: "#1b7837",
}

#: What a platform shows: (outcome, label, state) from the outcome table.
#: The platform's numbers: (outcome, label, funnel state) for every funnel outcome but actions.
VANITY: tuple[tuple[str, str, UserState], ...] = tuple(
    (name, BY_NAME[name].label, state)
    for name in FUNNEL if name != "acted" and (state := BY_NAME[name].state) is not None)


def outcome_colour(name: str, default: str = "C0") -> str:
    """The colour of an outcome: its funnel state's colour, if it has one."""
    state = BY_NAME[name].state if name in BY_NAME else None
    return STATE_COLOURS[state] if state is not None else default


def campaign_figure(frame, *, goal_actions: int, n_users: int, title: str = "") -> Figure:
    """Two panels: what the platform shows (left) and what the campaign achieved (right).

    Args:
        frame: per-step series with ``step``, ``aware``, ``liked``, ``shared``, ``acted``.
        goal_actions: the campaign's goal, drawn as a line.
        n_users: population size, for the axis limit.
        title: figure title.
    """
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    vanity, impact = fig.subplots(1, 2)
    for column, label, state in VANITY:
        vanity.plot(frame["step"], frame[column], label=label, color=STATE_COLOURS[state], lw=2)
    vanity.set_title("What the platform shows")
    vanity.set_ylim(0, max(1, n_users) * 1.02)
    impact.plot(frame["step"], frame["acted"], label="real actions", color=STATE_COLOURS[UserState.ACTED], lw=2.5)
    impact.axhline(goal_actions, color="black", ls="--", lw=1, label=f"goal ({goal_actions})")
    top = max(goal_actions, int(frame["acted"].max()) if len(frame) else 0, 1)
    impact.set_ylim(0, top * 1.15)
    impact.set_title("What the campaign achieved")
    for ax, where in ((vanity, "upper left"), (impact, "lower right")):
        ax.set_xlabel("step")
        ax.set_ylabel("users")
        ax.grid(alpha=0.3)
        ax.legend(loc=where, frameon=False)
    if title:
        fig.suptitle(title)
    return fig



def write_campaign_figure(model, path: Path) -> Path:
    """Draw :func:`campaign_figure` of a finished model and write it atomically to ``path`` (PNG)."""
    from model.run_files import atomic_write

    figure = campaign_figure(model.timeseries(), goal_actions=model.spec.campaign.goal_actions,
                             n_users=model.n_users, title=model.spec.name)
    atomic_write(path, lambda p: figure.savefig(p, dpi=120, format="png"))
    return Path(path)
