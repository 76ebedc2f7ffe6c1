"""Sorted sets of users as marks on one scratch mask: a union or a membership test in one pass, not a sort.

Every group of users the step handles (who saw the campaign, who was asked,
who was invited) is a sorted array of user ids. ``numpy.union1d`` and
``numpy.isin`` sort; at a million users a sort costs more than marking the
groups on a mask of one byte per user and reading it back, which gives the
same sorted result.
"""

from __future__ import annotations

import numpy as np


class Marks:
    """A scratch mask over ``n`` users, left all ``False`` between calls."""

    def __init__(self, n: int):
        self.mask = np.zeros(n, dtype=bool)

    def union(self, *groups: np.ndarray) -> np.ndarray:
        """The sorted union of sorted user arrays (equal to ``numpy.union1d`` of them)."""
        nonempty = [g for g in groups if len(g)]
        if len(nonempty) <= 1:
            return nonempty[0] if nonempty else groups[0]
        mask = self.mask
        for g in nonempty:
            mask[g] = True
        union = np.flatnonzero(mask)
        mask[union] = False
        return union

    def among(self, users: np.ndarray, subset: np.ndarray) -> np.ndarray:
        """Whether each of ``users`` is in ``subset`` (aligned with ``users``)."""
        self.mask[subset] = True
        marked = self.mask[users]
        self.mask[subset] = False
        return marked
