"""A real campaign in the classroom app: its observed points over the run's chart, its other figures beside it.

A case is a scenario and a data file in ``scenarios/cases/``, read and validated by ``model/case_files.py``
as the command line's ``compare`` reads it. The app runs the case's scenario, at its own size, and shows what
was observed in two ways:

- a statistic read at one step of a series the chart draws (the KPK group's members on 30 October at
  21:20, mapped to a step by the data file's clock) is a point over the chart, at that step, with its
  tolerance as a bar: :func:`time_points`;
- any other statistic (the rally's head count per member, a poll's share) is a row beside the chart,
  the observed value next to the run's value as it stands, measured as ``compare`` measures a finished run
  (``model/case_statistics.py``): :func:`figures`.

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

from model.case_files import Case, Statistic, load_case
from model.case_statistics import finish, measure, needs_users
from model.user_conditions import UserConditions
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
    model: float | None  # None until the run has a value for it; LOG_OF_ZERO for none at all on a log10 scale


def case_names() -> list[str]:
    """The shipped cases, by file name (``kpk_2009`` for ``scenarios/cases/kpk_2009.data.yaml``)."""
    return sorted(p.name.removesuffix(".data.yaml") for p in CASES.glob("*.data.yaml"))


@cache
def shipped_case(name: str) -> Case:
    """A shipped case's data and scenario, validated (frozen, so every session may share them)."""
    return load_case(CASES / f"{name}.data.yaml")


def case_log_scale(name: str) -> bool:
    """Whether a case's time points are compared on a log scale (the chart then opens on one)."""
    return any(is_time_point(s) and s.model.log10 for s in shipped_case(name).statistics)


def is_time_point(stat: Statistic) -> bool:
    """Whether a statistic is read at one step of a series the chart can draw."""
    return stat.model.series in POINT_SERIES and stat.model.step is not None


def time_points(case: Case, n_users: int, series: dict[str, list[int]] | None = None) -> list[Point]:
    """The case's time points in people of a run of ``n_users``; ``series`` is the run's so far (for anchors).

    A point relative to a step that neither the file nor the run gives a count for yet is left out.
    """
    points = {s.name: s for s in case.statistics if is_time_point(s)}
    out: list[Point] = []
    for stat in points.values():
        m = stat.model
        anchor: float | None = 1.0
        if m.relative_to_step is not None:
            anchor = _anchor(points.values(), m.series or "", m.relative_to_step, n_users, series)
        if anchor is None:
            continue
        ends = sorted(_people(stat, v, n_users) * anchor for v in (stat.observed - stat.tolerance,
                                                                   stat.observed + stat.tolerance))
        out.append(Point(stat.name, m.series or "", int(m.step or 0),
                         _people(stat, stat.observed, n_users) * anchor, max(ends[0], 0.0), ends[1]))
    return out


def figures(case: Case, model) -> list[Figure]:
    """The statistics that are not time points, each with the run's value as it stands (``model`` is a run).

    Each is :func:`~model.case_statistics.measure` on the run so far, on the statistic's own scale
    (:func:`~model.case_statistics.finish`, a run being its own mean); a series read at a step the run has not
    reached yet, or a ratio of 0 to 0, has no value yet.
    """
    stats = [s for s in case.statistics if not is_time_point(s)]
    if not stats:
        return []
    summary = model.summary()
    frame = model.timeseries() if any(s.model.series for s in stats) else None
    users = UserConditions(model.user_table()) if needs_users(stats) else None
    out = []
    for stat in stats:
        value = measure(stat, summary, frame, users) if _reached(stat, model) else math.nan
        ends = sorted((stat.observed - stat.tolerance, stat.observed + stat.tolerance))
        out.append(Figure(stat.name, stat.observed, ends[0], ends[1],
                          None if math.isnan(value) else float(finish(stat, value))))
    return out


def _reached(stat: Statistic, model) -> bool:
    """Whether a run has a value for the statistic: it has reached the steps a series is read at, or settled."""
    m = stat.model
    return m.series is None or not model.running or model.steps >= max(m.step or 0, m.relative_to_step or 0)


def _people(stat: Statistic, value: float, n_users: int) -> float:
    """A value on the statistic's scale as people of the run: its mapping undone (``linear``, then ``log10``)."""
    m = stat.model
    if m.log10:
        value = 10.0 ** value
    if m.scale is not None:
        value = value / m.scale
    if m.complement:
        value = 1.0 - value
    if m.per_user:
        value = value * n_users
    return value


def _anchor(stats, series: str, step: int, n_users: int, run: dict[str, list[int]] | None) -> float | None:
    """The count of ``series`` at ``step``: an observed figure there (not itself relative), else the run's."""
    for s in stats:
        if s.model.series == series and s.model.step == step and s.model.relative_to_step is None:
            return _people(s, s.observed, n_users)
    if run is not None and len(run.get(series, [])) > step:
        return float(run[series][step])
    return None
