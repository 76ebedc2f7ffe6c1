"""Intervals over replicates, shared by reports, case comparisons, optimisation and the app.

Replicates of a stochastic model are independent draws of an outcome, so a
mean's uncertainty is the Student-t interval (any statistics text, e.g.
Law 2015, *Simulation Modeling and Analysis*, ch. 9), and a share of
replicates (cascades that failed) has the exact binomial interval of
Clopper & Pearson (1934).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats


def t_half_width(sd: ArrayLike, n: int, level: float = 0.95) -> Any:
    """Half the width of the Student-t confidence interval of a mean of ``n`` values with standard deviation ``sd``."""
    return stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n)


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval; the interval is the mean itself for one value."""
    mean = float(np.mean(values))
    if len(values) < 2:
        return mean, mean, mean
    half = t_half_width(np.std(values, ddof=1), len(values), level)
    return mean, mean - half, mean + half


def binomial_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper-Pearson) interval of a share of ``k`` in ``n`` independent replicates."""
    interval = stats.binomtest(k, n).proportion_ci(level, method="exact")
    return float(interval.low), float(interval.high)
