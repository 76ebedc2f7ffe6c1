"""Campaign outcomes as small pure functions of the model state.

Shared by the DataCollector, the command-line summary, sweep tables, the
tests and the app (STYLE habit 4). Counts are users who *ever* did a thing.
The vanity metrics (reach, likes, shares) are what a platform shows; actions
are the campaign's real impact (Klandermans & Oegema 1987: most sympathisers
never act; Lewis, Gray & Meierhenrich 2014: 99.76% of Save Darfur's members
never donated).
"""

from __future__ import annotations

import numpy as np

#: Per-step series recorded by the DataCollector, in column order.
SERIES = ("aware", "liked", "shared", "acted", "engaged", "slacktivism_gap",
          "misled", "conversion", "visibility")


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


def conversion(acted: int, aware: int) -> float:
    """Actions per user reached (0 when no one was reached)."""
    return acted / aware if aware else 0.0


def goal_reached(acted: int, goal_actions: int) -> bool:
    """Whether the campaign's goal of real actions is met."""
    return acted >= goal_actions
