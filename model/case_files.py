"""Real campaigns' observed-data files: validated, frozen records, read by the command line and the app alike.

A case is a scenario (``scenarios/cases/NAME.yaml``) and a data file
(``scenarios/cases/NAME.data.yaml``). The data file lists what was observed
in the real campaign: each statistic's value, its source, the tolerance it
carries (press figures are approximate, and marked so), and how it maps onto
model outputs. Counts of a real campaign are rarely comparable with a model
of a smaller population, so most statistics are ratios or shapes: a share
of users (``ratio``, ``users``), or a series value relative to another step
(``series`` with ``relative_to_step``). ``scale`` multiplies a model count
when the scenario runs at a known fraction of the real population. A
report's timestamp (``at``) becomes a step by the file's clock.

Loading is the scenario's pipeline (read, validate, freeze): :func:`load_case`
refuses a bad file in one line before anything runs. How a statistic is
measured on a run is ``model/case_statistics.py``; ``compare`` and
``calibrate`` (``slacktivism/``) and the classroom app (``viz/case_view.py``)
all read the cases through these records.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, Field, ValidationError, model_validator

from model.metrics import SERIES, SUMMARY
from model.scenario import Frozen, Scenario
from model.scenario_files import ScenarioError, first_error, load_scenario, parse_yaml, read_text
from model.user_conditions import check_condition


class UsersShare(Frozen):
    """The share of users matching ``share`` among those matching ``among`` (pandas query expressions)."""

    among: str = Field(description="which users count, e.g. 'engaged and not seed'")
    share: str = Field(description="which of them the statistic counts, e.g. 'recruiter >= 0'")


class Mapping(Frozen):
    """How one observed statistic is measured on a model run: exactly one of four sources."""

    summary: str | None = Field(None, description="a run outcome (model/metrics.py OUTCOMES)")
    ratio: list[str] | None = Field(None, min_length=2, max_length=2, description="[numerator, denominator] outcomes")
    series: str | None = Field(None, description="a per-step outcome, read at `step` (or at the step of `at`)")
    step: int | None = Field(None, ge=0, description="the step a series is read at")
    relative_to_step: int | None = Field(None, ge=0, description="divide the series by its value at this step")
    at: AwareDatetime | None = Field(None, strict=False,
                                     description="when the figure was reported; the file's clock maps it to `step`")
    relative_to_at: AwareDatetime | None = Field(
        None, strict=False, description="divide by the series when this was reported (mapped to `relative_to_step`)")
    users: UsersShare | None = Field(None, description="a share of the user table")
    per_user: bool = Field(False, description="divide by the run's number of users (a penetration)")
    complement: bool = Field(False, description="report 1 - value (e.g. never donated = 1 - donors' share)")
    scale: float | None = Field(None, gt=0, description="multiply by this (a model count to the real population)")
    log10: bool = Field(False, description="compare on a log10 scale (for values spanning orders of magnitude)")

    @model_validator(mode="after")
    def _one_source(self) -> Mapping:
        given = [k for k in ("summary", "ratio", "series", "users") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of summary, ratio, series or users (got {given or 'none'})")
        for name in ([self.summary] if self.summary else []) + list(self.ratio or []):
            if name not in SUMMARY:
                raise ValueError(f"{name!r} is not a model output (outputs: {', '.join(SUMMARY)})")
        if self.series is not None:
            if self.series not in SERIES:
                raise ValueError(f"{self.series!r} is not a per-step output (series: {', '.join(SERIES)})")
            if (self.step is None) == (self.at is None):
                raise ValueError("a series statistic needs step or at (one of them)")
            if self.relative_to_step is not None and self.relative_to_at is not None:
                raise ValueError("give relative_to_step or relative_to_at, not both")
        elif any(v is not None for v in (self.step, self.relative_to_step, self.at, self.relative_to_at)):
            raise ValueError("step, relative_to_step, at and relative_to_at apply to a series only")
        if self.users is not None:
            check_condition(self.users.among)
            check_condition(self.users.share)
        return self


class Statistic(Frozen):
    """One observed statistic of a real campaign."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="a short snake_case name")
    observed: float = Field(description="the observed value, on the scale the model's value is compared on")
    tolerance: float = Field(gt=0, description="how far the model may be and still match (same scale)")
    source: str = Field(description="a key of the file's sources")
    approximate: bool = Field(False, description="a press or rough figure rather than a measured one")
    note: str = Field("", description="what the figure is and how the mapping reads it")
    model: Mapping


class Clock(Frozen):
    """How the case's timestamps map onto steps: ``step = round((when - start) / hours_per_step)``."""

    start: AwareDatetime = Field(strict=False,
                                 description="the moment of step 0, with its time zone (e.g. when a group was created)")
    hours_per_step: float = Field(gt=0, description="hours of real time in one step")
    note: str = Field("", description="what step 0 is and where its time comes from")

    def step(self, when) -> int:
        """The step of a timestamp (the nearest)."""
        return round((when - self.start).total_seconds() / 3600 / self.hours_per_step)


class TakeOff(Frozen):
    """When a run counts as a campaign that took off: ``summary >= at_least``.

    A real campaign that is a case at all took off; a model run whose cascade
    died at its seeds is a different outcome, not a noisy draw of the same
    one. Mixing the two in a mean compares the data with a blend of two
    modes (the bimodality of cascade sizes, Watts 2002), so a calibration
    conditions its statistics on the runs that took off and reports the
    share that did not.
    """

    summary: str = Field(description="a run-level outcome (model.metrics), e.g. engaged_participants")
    at_least: float = Field(description="the outcome's least value in a run that took off")
    per_user: bool = Field(False, description="compare the outcome divided by the population (scale-free)")
    note: str = Field("", description="why this threshold")

    @model_validator(mode="after")
    def _known_outcome(self) -> TakeOff:
        if self.summary not in SUMMARY:
            raise ValueError(f"take_off.summary {self.summary!r} is not a run-level outcome")
        return self

    def holds(self, summary: dict) -> bool:
        """Whether a run with this summary took off."""
        value = float(summary[self.summary])
        return (value / summary["n_users"] if self.per_user else value) >= self.at_least

    def describe(self) -> str:
        """The rule in words."""
        return f"{self.summary}{' per user' if self.per_user else ''} >= {self.at_least:g}"


class CaseData(Frozen):
    """An observed-data file."""

    case: str = Field(description="the case's name")
    title: str
    scenario: str = Field(description="the case's scenario file, relative to this file")
    clock: Clock | None = Field(None, description="maps the statistics' timestamps (`at`) onto steps")
    sources: dict[str, str] = Field(min_length=1, description="key -> full citation")
    statistics: list[Statistic] = Field(min_length=1)
    context: list[str] = Field(default_factory=list, description="observed facts the model has no output for")
    take_off: TakeOff | None = Field(None, description="when a run counts as a cascade that took off (calibration "
                                                       "conditions on it)")

    @model_validator(mode="after")
    def _sources_known(self) -> CaseData:
        names = [s.name for s in self.statistics]
        if len(set(names)) != len(names):
            raise ValueError("statistic names must be unique")
        for stat in self.statistics:
            if stat.source not in self.sources:
                raise ValueError(f"statistic {stat.name}: source {stat.source!r} is not in sources")
        return self

    @model_validator(mode="after")
    def _timestamps_to_steps(self) -> CaseData:
        """Map every ``at`` to its step; refuse timestamps before step 0 or out of order in the file."""
        last = None
        mapped = []
        for stat in self.statistics:
            m = stat.model
            if m.at is None and m.relative_to_at is None:
                mapped.append(stat)
                continue
            if self.clock is None:
                raise ValueError(f"statistic {stat.name}: a timestamp (at) needs the file's clock")
            for when in (m.at, m.relative_to_at):
                if when is not None and when < self.clock.start:
                    raise ValueError(f"statistic {stat.name}: {when.isoformat()} is before the clock's start "
                                     f"({self.clock.start.isoformat()})")
            if m.at is not None:
                if last is not None and m.at < last[1]:
                    raise ValueError(f"statistic {stat.name}: reported at {m.at.isoformat()}, before "
                                     f"{last[0]} ({last[1].isoformat()}): timestamps must be in order")
                last = (stat.name, m.at)
            steps = {"step": self.clock.step(m.at) if m.at is not None else m.step,
                     "relative_to_step": (self.clock.step(m.relative_to_at) if m.relative_to_at is not None
                                          else m.relative_to_step)}
            mapped.append(stat.model_copy(update={"model": m.model_copy(update=steps)}))
        object.__setattr__(self, "statistics", mapped)
        return self


@dataclass(frozen=True)
class Case:
    """A validated case: its data, its scenario and where they came from."""

    path: Path
    data: CaseData
    scenario: Scenario
    sha256: str

    @property
    def statistics(self) -> list[Statistic]:
        """The observed statistics, in file order."""
        return self.data.statistics

    def pick(self, names: list[str] | None) -> list[Statistic]:
        """The statistics named (all when ``names`` is None); unknown names raise ScenarioError."""
        if names is None:
            return list(self.statistics)
        known = {s.name: s for s in self.statistics}
        for name in names:
            if name not in known:
                raise ScenarioError(str(self.path), None, name,
                                    f"not a statistic of this case (statistics: {', '.join(known)})")
        return [known[n] for n in names]


def load_case(path: str | Path, overrides: dict[str, Any] | None = None) -> Case:
    """Read and validate a data file and its scenario (with ``overrides``); errors are one-line ScenarioErrors."""
    source = str(path)
    text = read_text(source)
    raw, lines = parse_yaml(text, source)
    try:
        data = CaseData.model_validate(raw)
    except ValidationError as exc:
        raise first_error(exc, source, lines) from None
    scenario_path = Path(source).resolve().parent / data.scenario
    if not scenario_path.is_file():
        raise ScenarioError(source, lines.get("scenario"), "scenario", f"no such scenario file ({data.scenario})")
    scenario = load_scenario(scenario_path, overrides)
    for stat in data.statistics:
        m = stat.model
        for step in (m.step, m.relative_to_step):
            if step is not None and step > scenario.steps:
                raise ScenarioError(source, None, f"statistics.{stat.name}",
                                    f"step {step} is after the scenario's last step ({scenario.steps})")
    return Case(Path(source), data, scenario, hashlib.sha256(text.encode()).hexdigest())
