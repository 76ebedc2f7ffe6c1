"""Runs a real campaign's scenario once per replicate and measures its statistics on each run.

The data files and their records are ``model/case_files.py``, and how a
statistic is read off one run is ``model/case_statistics.py``; this module
runs the replicates for ``compare``, ``calibrate``, ``joint`` and the
simulation-based checks. Replicates use common random numbers: replicate
``r`` of a case gets the same seed whatever the parameters, so two parameter
sets are compared on the same luck, and each seed's network is built once
per process (``slacktivism/graph_cache.py``).
"""

from __future__ import annotations

import numpy as np

from model.case_files import Statistic, TakeOff
from model.case_statistics import measure, needs_users
from model.scenario import Scenario
from model.user_conditions import UserConditions

#: The key of :func:`run_statistics`'s values that holds whether each run took off (not a statistic's name).
TOOK_OFF = "took off"


def run_statistics(scenario: dict, seeds: list[int], stats: list[Statistic], keep_series: str | None = None,
                   take_off: TakeOff | None = None):
    """Run the scenario once per seed; return each statistic per replicate (and, optionally, one series).

    Returns:
        ``(values, series)``: ``values`` maps each statistic's name to an
        array with one value per seed, before ``log10`` (:func:`model.case_statistics.measure`),
        and, with ``take_off``, :data:`TOOK_OFF` to a boolean array;
        ``series`` is a list of arrays of the ``keep_series`` outcome per
        step (or None).

    Each seed's network is built once per process and kept for the next
    parameters (:mod:`slacktivism.graph_cache`): a calibration's particles
    share their seeds.
    """
    from slacktivism.graph_cache import GRAPHS

    values = {s.name: np.empty(len(seeds)) for s in stats}
    if take_off is not None:
        values[TOOK_OFF] = np.zeros(len(seeds), dtype=bool)
    kept: list | None = [] if keep_series else None
    users_needed = needs_users(stats)
    for r, seed in enumerate(seeds):
        model = GRAPHS.model(Scenario.model_validate({**scenario, "seed": seed}))
        summary = model.run()
        frame = model.timeseries()
        users = UserConditions(model.user_table()) if users_needed else None
        for s in stats:
            values[s.name][r] = measure(s, summary, frame, users)
        if take_off is not None:
            values[TOOK_OFF][r] = take_off.holds(summary)
        if kept is not None:
            kept.append(frame[keep_series].to_numpy(np.float64))
    return values, kept
