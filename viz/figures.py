"""Matplotlib figures: the vanity metrics against real impact.

Colours of user states live here, never in the model (STYLE habit 6).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

from model.state import UserState  # noqa: E402

#: One colour per state of the participation funnel.
STATE_COLOURS = {
    UserState.UNAWARE: "#d9d9d9",
    UserState.AWARE: "#9ecae1",
    UserState.LIKED: "#fdae6b",
    UserState.SHARED: "#e6550d",
    UserState.ACTED: "#31a354",
}

VANITY = (("aware", "reach (users aware)", UserState.AWARE),
          ("liked", "likes", UserState.LIKED),
          ("shared", "shares", UserState.SHARED))


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


def compare_figure(frames, *, goal_actions: int, n_users: int, titles=("What the platform shows",
                   "What the campaign achieved"), labels=None) -> Figure:
    """Vanity metrics and actions of one or two worlds, overlaid (A solid, B dashed).

    Args:
        frames: ``[(series, name), ...]``, one per world.
        goal_actions: the goal line.
        n_users: population size, for the axis limit.
        titles: the two panel titles.
        labels: words for ``aware``, ``liked``, ``shared``, ``acted`` and ``goal``.
    """
    labels = labels or {"aware": "reach", "liked": "likes", "shared": "shares", "acted": "actions", "goal": "goal"}
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    vanity, impact = fig.subplots(1, 2)
    styles = ("-", "--")
    top = goal_actions
    for (frame, name), style in zip(frames, styles, strict=False):
        for column, _, state in VANITY:
            vanity.plot(frame["step"], frame[column], style, color=STATE_COLOURS[state], lw=2,
                        label=f"{labels[column]} ({name})")
        impact.plot(frame["step"], frame["acted"], style, color=STATE_COLOURS[UserState.ACTED], lw=2.5,
                    label=f"{labels['acted']} ({name})")
        top = max(top, int(frame["acted"].max()) if len(frame) else 0)
    impact.axhline(goal_actions, color="black", ls=":", lw=1, label=f"{labels['goal']} ({goal_actions})")
    vanity.set_ylim(0, max(1, n_users) * 1.02)
    impact.set_ylim(0, max(top, 1) * 1.15)
    last = max((int(frame["step"].max()) if len(frame) else 0) for frame, _ in frames)
    for ax, title, where in ((vanity, titles[0], "upper left"), (impact, titles[1], "lower right")):
        ax.set_xlim(0, max(last, 10))
        ax.set_title(title)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
        ax.legend(loc=where, frameon=False, fontsize=7)
    return fig
