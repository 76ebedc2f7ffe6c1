"""A real campaign in the classroom app: its observed points over the run's chart, its other figures beside it.

A case is a scenario and a data file in ``scenarios/cases/`` (read by ``model/case_files.py``; the command
line's ``compare`` reads the same file through ``slacktivism/cases.py``). The app runs the case's scenario,
at its own size, and shows what was observed in two ways:

- a statistic read at one step of a series the chart draws (the KPK group's members on 30 October at
  21:20, mapped to a step by the data file's clock) is a point over the chart, at that step, with its
  tolerance as a bar: :func:`time_points`;
- any other statistic (the rally's head count per member, a poll's share) is a row beside the chart,
  the observed value next to the run's value as it stands: :func:`figures`.

A data file gives most of its figures on a scale the model can match at a smaller size (a log10 share
of a later count, a share of the users); a point is drawn in the chart's own unit, people of the run,
by undoing the statistic's mapping. A figure relative to a later step takes that step's own observed
count when the file gives one (the KPK group's 1,000,000 members on 7 November, as a share of the users),
else the run's count there once the run has reached it. The words (each case's name, its one-sentence
story, each statistic's source and date) are in ``viz/lessons.yaml`` under ``cases``.
"""

from __future__ import annotations

import math
from functools import cache
from typing import NamedTuple

import numpy as np

from model import load_scenario
from model.case_files import CaseFile, Observed, read_case_file
from model.scenario import Scenario
from viz.controls import SCENARIOS
from viz.world import SERIES_INT

#: Where the cases are: ``NAME.yaml`` (the scenario) beside ``NAME.data.yaml`` (what was observed).
CASES = SCENARIOS / "cases"
#: The series a time point may lie on: those the app keeps per step (counts of people).
POINT_SERIES = tuple(name for name in SERIES_INT if name != "step")


class Point(NamedTuple):
    """An observed figure at one step, in people of the run: ``value``, and ``low``-``high`` its tolerance."""

    statistic: str
    series: str
    step: int
    value: float
    low: float
    high: float


class Figure(NamedTuple):
    """A figure beside the chart, on the statistic's own scale: observed, its tolerance's ends, and the run's."""

    statistic: str
    observed: float
    low: float
    high: float
    model: float | None  # None until the run has a value for it; -inf for none at all on a log10 scale


def case_names() -> list[str]:
    """The shipped cases, by file name (``kpk_2009`` for ``scenarios/cases/kpk_2009.data.yaml``)."""
    return sorted(p.name.removesuffix(".data.yaml") for p in CASES.glob("*.data.yaml"))


@cache
def case_files(name: str) -> tuple[CaseFile, Scenario]:
    """A shipped case's data and scenario, validated (frozen, so every session may share them)."""
    data = read_case_file(CASES / f"{name}.data.yaml")
    return data, load_scenario(CASES / data.scenario)


def case_log_scale(name: str) -> bool:
    """Whether a case's time points are compared on a log scale (the chart then opens on one)."""
    return any(is_time_point(s) and s.log10 for s in case_files(name)[0].statistics)


def is_time_point(stat: Observed) -> bool:
    """Whether a statistic is read at one step of a series the chart can draw."""
    return stat.series in POINT_SERIES and stat.step is not None


def time_points(data: CaseFile, n_users: int, series: dict[str, list[int]] | None = None) -> list[Point]:
    """The case's time points in people of a run of ``n_users``; ``series`` is the run's so far (for anchors).

    A point relative to a step that neither the file nor the run gives a count for yet is left out.
    """
    points = {s.name: s for s in data.statistics if is_time_point(s)}
    out: list[Point] = []
    for stat in points.values():
        anchor: float | None = 1.0
        if stat.relative_to_step is not None:
            anchor = _anchor(points.values(), stat.series or "", stat.relative_to_step, n_users, series)
        if anchor is None:
            continue
        ends = sorted(_people(stat, v, n_users) * anchor for v in (stat.observed - stat.tolerance,
                                                                   stat.observed + stat.tolerance))
        out.append(Point(stat.name, stat.series or "", int(stat.step or 0),
                         _people(stat, stat.observed, n_users) * anchor, max(ends[0], 0.0), ends[1]))
    return out


def figures(data: CaseFile, model) -> list[Figure]:
    """The statistics that are not time points, each with the run's value as it stands (``model`` is a run)."""
    stats = [s for s in data.statistics if not is_time_point(s)]
    if not stats:
        return []
    summary = model.summary()
    users = _flagged(model.user_table()) if any(s.users for s in stats) else None
    out = []
    for stat in stats:
        value = _on_scale(stat, _measure(stat, summary, model, users), model.n_users)  # NaN: nothing to read yet
        ends = sorted((stat.observed - stat.tolerance, stat.observed + stat.tolerance))
        out.append(Figure(stat.name, stat.observed, ends[0], ends[1], None if math.isnan(value) else float(value)))
    return out


def _measure(stat: Observed, summary: dict, model, users) -> float:
    """The statistic on the run as it stands, before its mapping's last part (NaN where it has no value yet)."""
    if stat.summary is not None:
        return float(summary[stat.summary])
    if stat.ratio is not None:
        num, den = (float(summary[k]) for k in stat.ratio)
        return num / den if den else math.nan
    if stat.users is not None:
        among = users.eval(stat.users[0]).to_numpy(bool)
        share = users.eval(stat.users[1]).to_numpy(bool)
        return float((among & share).sum() / among.sum()) if among.any() else math.nan
    rows = model.timeseries()[stat.series].to_numpy(np.float64)
    if len(rows) <= max(stat.step or 0, stat.relative_to_step or 0):
        return math.nan  # the run has not reached the step yet
    value = rows[stat.step or 0]
    if stat.relative_to_step is not None:
        base = rows[stat.relative_to_step]
        value = value / base if base else math.nan
    return float(value)


def _on_scale(stat: Observed, value: float, n_users: int) -> float:
    """A run's value on the statistic's own scale: per user, complement, scale, log10 (-inf for a log of 0)."""
    if math.isnan(value):
        return value
    if stat.per_user:
        value = value / n_users
    if stat.complement:
        value = 1.0 - value
    if stat.scale is not None:
        value = value * stat.scale
    if stat.log10:
        return math.log10(value) if value > 0 else -math.inf
    return value


#: The user table's steps that make each flag a ``users`` condition may name (``engaged``: any of the three).
FLAG_STEPS = {"aware": ("step_aware",), "liked": ("step_liked",), "shared": ("step_shared",),
              "acted": ("step_acted",), "engaged": ("step_liked", "step_shared", "step_acted")}


def _flagged(users):
    """The user table with the flags a ``users`` condition may name (``invited``: a follower invited the user)."""
    flags = {name: np.logical_or.reduce([users[c].to_numpy() >= 0 for c in columns])
             for name, columns in FLAG_STEPS.items()}
    if "inviter" in users:
        flags["invited"] = users["inviter"].to_numpy() >= 0
    return users.assign(**flags)


def _people(stat: Observed, value: float, n_users: int) -> float:
    """A value on the statistic's scale as people of the run: the mapping (:func:`_on_scale`) undone."""
    if stat.log10:
        value = 10.0 ** value
    if stat.scale is not None:
        value = value / stat.scale
    if stat.complement:
        value = 1.0 - value
    if stat.per_user:
        value = value * n_users
    return value


def _anchor(stats, series: str, step: int, n_users: int, run: dict[str, list[int]] | None) -> float | None:
    """The count of ``series`` at ``step``: an observed figure there (not itself relative), else the run's."""
    for s in stats:
        if s.series == series and s.step == step and s.relative_to_step is None:
            return _people(s, s.observed, n_users)
    if run is not None and len(run.get(series, [])) > step:
        return float(run[series][step])
    return None
