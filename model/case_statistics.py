"""A case's statistics measured on a model run, on the scale they are compared with what was observed.

Every statistic of a data file (``model/case_files.py``) is computed per run
from the run's summary, time series and user table (:func:`measure`), so
``compare``, ``calibrate``, the posterior predictive checks and the
classroom app all read the same numbers. The mapping's linear part
(``per_user``, ``complement``, ``scale``) is applied per run; ``log10`` is
applied to the mean over replicates (:func:`finish`).
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np

from model.case_files import Statistic, UsersShare
from model.user_conditions import UserConditions


def measure(stat: Statistic, summary: dict, series, users) -> float:
    """The statistic on one run, before any ``log10``; NaN where it is undefined (a ratio of 0 to 0).

    ``series`` is the run's time series frame, ``users`` its user table (or None). A run that stopped
    early holds its last counts: a quiet step changes nothing. ``log10`` is applied to the mean over
    replicates (:func:`finish`), not to each run, so a replicate with a zero count lowers the mean as it
    should instead of sinking it to minus infinity.
    """
    m = stat.model
    if m.summary is not None:
        value = float(summary[m.summary])
    elif m.ratio is not None:
        num, den = (float(summary[k]) for k in m.ratio)
        value = num / den if den else math.nan
    elif m.series is not None:
        column = series[m.series].to_numpy(np.float64)
        value = column[min(cast(int, m.step), len(column) - 1)]
        if m.relative_to_step is not None:
            base = column[min(m.relative_to_step, len(column) - 1)]
            value = value / base if base else math.nan
    else:
        share = cast(UsersShare, m.users)  # the measure's validator requires exactly one of its kinds
        view = users if isinstance(users, UserConditions) else UserConditions(users)
        among = view.mask(share.among)
        count = int(among.sum())
        value = float((among & view.mask(share.share)).sum() / count) if count else math.nan
    return linear(stat, value, summary["n_users"])


def linear(stat: Statistic, value, n_users: int):
    """The mapping's linear part: ``per_user``, ``complement``, ``scale`` (works on arrays too)."""
    m = stat.model
    if m.per_user:
        value = value / n_users
    if m.complement:
        value = 1.0 - value
    if m.scale is not None:
        value = value * m.scale
    return value


#: What a log10 statistic reads for a mean of zero: far below any observed value.
LOG_OF_ZERO = -9.0


def finish(stat: Statistic, mean):
    """The value compared with the observation: the replicates' mean, on a log10 scale if the mapping says so."""
    if not stat.model.log10:
        return mean
    mean = np.asarray(mean, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(mean > 0, np.log10(np.where(mean > 0, mean, 1.0)), LOG_OF_ZERO)
    return float(out) if out.ndim == 0 else out


def needs_users(stats: list[Statistic]) -> bool:
    """Whether any statistic reads the user table (which costs a little per run)."""
    return any(s.model.users is not None for s in stats)


def describe(stat: Statistic) -> str:
    """A short reading of a mapping, for tables."""
    m = stat.model
    if m.summary:
        text = m.summary
    elif m.ratio:
        text = f"{m.ratio[0]}/{m.ratio[1]}"
    elif m.series:
        text = f"{m.series}[{m.step}]" + (f"/{m.series}[{m.relative_to_step}]" if m.relative_to_step is not None
                                          else "")
    else:
        share = cast(UsersShare, m.users)
        text = f"share({share.share} | {share.among})"
    if m.per_user:
        text = f"{text}/n_users"
    if m.complement:
        text = f"1-{text}"
    if m.scale:
        text = f"{text}*{m.scale:g}"
    return f"log10({text})" if m.log10 else text
