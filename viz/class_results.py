"""What class mode shows about a room: the class's funnel beside the crowd's, and what each share led to.

Small pure functions of the model's state and the students' nodes (as
``model.metrics`` is for the whole run), shared by the projector, the
phones' debrief, the export and the tests.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Funnel(NamedTuple):
    """How far a group of users went: counts out of ``n``."""

    n: int
    reached: int
    liked: int
    shared: int
    acted: int
    liked_not_acted: int  # liked or shared, and never acted

    def percent(self, name: str) -> float:
        """A count as a percentage of those reached (0 if none was)."""
        return 100.0 * getattr(self, name) / self.reached if self.reached else 0.0


def funnel_of(model, users: np.ndarray) -> Funnel:
    """The funnel of ``users`` (node numbers)."""
    pop = model.pop
    users = np.asarray(users, dtype=np.int64)
    token = pop.liked[users] | pop.shared[users]
    acted = pop.acted[users]
    return Funnel(len(users), int(pop.aware[users].sum()), int(pop.liked[users].sum()), int(pop.shared[users].sum()),
                  int(acted.sum()), int((token & ~acted).sum()))


def crowd(model, students: np.ndarray) -> np.ndarray:
    """The simulated users: everyone but the students and the organisers (who act by design)."""
    simulated = np.ones(model.n_users, dtype=bool)
    simulated[np.asarray(students, dtype=np.int64)] = False
    simulated[model.seeds] = False
    return np.flatnonzero(simulated)


class Outcome(NamedTuple):
    """What one student's choices led to."""

    liked: bool
    shared: bool
    acted: bool
    followers: int  # accounts that follow the student
    reached_after: int  # of them, those who first saw the campaign after the student shared it
    recruited: int  # users the student's posts brought in, directly or through others (its recruitment subtree)
    recruited_acted: int  # of them, those who acted


def children(model) -> dict[int, list[int]]:
    """Each recruiter's recruits (``model.recruitment``: who brought whom in)."""
    recruiter = model.pop.recruiter
    kids: dict[int, list[int]] = {}
    for i in np.flatnonzero(recruiter >= 0).tolist():
        kids.setdefault(int(recruiter[i]), []).append(i)
    return kids


def descendants(kids: dict[int, list[int]], root: int) -> list[int]:
    """Everyone below ``root`` in the recruitment forest."""
    out, stack = [], list(kids.get(root, []))
    while stack:
        u = stack.pop()
        out.append(u)
        stack.extend(kids.get(u, []))
    return out


def outcome(model, node: int, kids: dict[int, list[int]] | None = None) -> Outcome:
    """What the student at ``node`` did, and what followed from it."""
    pop = model.pop
    kids = children(model) if kids is None else kids
    followers = model.graph.followers_of(node)
    reached_after = 0
    if pop.shared[node]:
        when = pop.step_shared[node]
        reached_after = int(np.count_nonzero(pop.step_aware[followers] > when))
    below = descendants(kids, node)
    return Outcome(bool(pop.liked[node]), bool(pop.shared[node]), bool(pop.acted[node]), len(followers),
                   reached_after, len(below), int(np.count_nonzero(pop.acted[below])) if below else 0)


class TreeNode(NamedTuple):
    """A node of the class's recruitment tree: a user, whether it acted, and its recruits."""

    user: int
    acted: bool
    recruits: tuple


def class_tree(model, students: np.ndarray, limit: int = 60) -> list[TreeNode]:
    """The recruitment trees below the students who brought anyone in, at most ``limit`` users in all.

    Largest first; each tree keeps its recruits in order of their first engagement. Each user appears
    once: a student brought in by another student's post is drawn inside that student's tree, not again
    as a tree of its own.
    """
    kids = children(model)
    pop = model.pop
    first = pop.first_engaged()
    budget = [limit]
    seen: set[int] = set()

    def grow(u: int) -> TreeNode:
        budget[0] -= 1
        seen.add(u)
        below = sorted(kids.get(u, []), key=lambda k: (first[k], k))
        grown = []
        for k in below:
            if budget[0] <= 0:
                break
            grown.append(grow(k))
        return TreeNode(u, bool(pop.acted[u]), tuple(grown))

    roots = sorted((int(s) for s in students if kids.get(int(s))), key=lambda s: -len(descendants(kids, s)))
    trees = []
    for s in roots:
        if budget[0] <= 0:
            break
        if s not in seen:
            trees.append(grow(s))
    return trees
