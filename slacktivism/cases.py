"""Real campaigns: the same statistics measured on replicate runs of a case's scenario.

A case is a scenario (``scenarios/cases/NAME.yaml``) and a data file
(``scenarios/cases/NAME.data.yaml``). The data file's records, its reader and
:func:`measure` (one statistic on one run) are in ``model/case_files.py``,
beside the model's core, because the classroom app reads cases too; they are
imported here under their old names. This module runs the replicates.

Every statistic is computed per replicate run from the run's summary, time
series and user table, so ``compare``, ``calibrate`` and the posterior
predictive checks all read the same numbers. Replicates use common random
numbers: replicate ``r`` of a case gets the same seed whatever the
parameters, so two parameter sets are compared on the same luck.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model.case_files import (
    FLAGS,
    LOG_OF_ZERO,
    USER_COLUMNS,
    CaseData,
    Clock,
    Mapping,
    Statistic,
    TakeOff,
    UsersShare,
    describe,
    finish,
    linear,
    measure,
    needs_users,
    read_case,
)
from model.scenario import Scenario
from model.scenario_files import ScenarioError

__all__ = ["FLAGS", "LOG_OF_ZERO", "TOOK_OFF", "USER_COLUMNS", "Case", "CaseData", "Clock", "Mapping", "Statistic",
           "TakeOff", "UsersShare", "describe", "finish", "linear", "load_case", "measure", "needs_users",
           "run_statistics"]


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
    data, scenario, text = read_case(path, overrides)
    return Case(Path(str(path)), data, scenario, hashlib.sha256(text.encode()).hexdigest())


#: The key of :func:`run_statistics`'s values that holds whether each run took off (not a statistic's name).
TOOK_OFF = "took off"


def run_statistics(scenario: dict, seeds: list[int], stats: list[Statistic], keep_series: str | None = None,
                   take_off: TakeOff | None = None):
    """Run the scenario once per seed; return each statistic per replicate (and, optionally, one series).

    Returns:
        ``(values, series)``: ``values`` maps each statistic's name to an
        array with one value per seed, before ``log10`` (:func:`measure`),
        and, with ``take_off``, :data:`TOOK_OFF` to a boolean array;
        ``series`` is a list of arrays of the ``keep_series`` outcome per
        step (or None).
    """
    from model import SlacktivismModel

    values = {s.name: np.empty(len(seeds)) for s in stats}
    if take_off is not None:
        values[TOOK_OFF] = np.zeros(len(seeds), dtype=bool)
    kept: list | None = [] if keep_series else None
    users_needed = needs_users(stats)
    for r, seed in enumerate(seeds):
        model = SlacktivismModel(Scenario.model_validate({**scenario, "seed": seed}))
        summary = model.run()
        frame = model.timeseries()
        users = model.user_table() if users_needed else None
        for s in stats:
            values[s.name][r] = measure(s, summary, frame, users)
        if take_off is not None:
            values[TOOK_OFF][r] = take_off.holds(summary)
        if kept is not None:
            kept.append(frame[keep_series].to_numpy(np.float64))
    return values, kept
