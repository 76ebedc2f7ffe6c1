"""Compile the model's kernels once, before anyone waits for them.

The kernels are numba functions cached on disk (``cache=True``) beside their source. In a fresh checkout or
install the cache is empty, and the first step of the first model compiles every kernel it meets: about 20 s
on a 2-core machine, more when the machine is busy. Left to the app, that is the first press of Step in
front of a class, or a browser test that times out. ``make setup`` and ``slacktivism app`` call
:func:`compile_kernels` first; once the cache holds the kernels, a call only loads them (a second or two).

Every shipped scenario runs at a small size, so that every mechanism's kernels (and their integer widths)
are met: the scenarios between them switch on every mechanism the model has. Some steps switch to a kernel
on all cores above a size (``model.spread``); one scenario runs again with those sizes at zero, so that a
large population's first explosive step does not stop for seconds to compile them.
"""

from __future__ import annotations

import time

from model import SlacktivismModel, spread
from model.scenario_files import load_scenario, shipped_scenarios

#: Small enough to take well under a second a scenario once compiled; big enough that each mechanism fires.
USERS, STEPS = 400, 12


def compile_kernels(users: int = USERS, steps: int = STEPS) -> float:
    """Run every shipped scenario on ``users`` users for ``steps`` steps; returns the seconds it took."""
    started = time.perf_counter()
    for name in shipped_scenarios():
        scenario = load_scenario(name)
        overrides = {"steps": min(steps, scenario.steps)}
        if scenario.network.kind not in ("edgelist", "complete"):
            overrides["network.n_users"] = users
        _run(load_scenario(name, overrides))
    sizes = spread.PARALLEL_MIN_EDGES, spread.PARALLEL_MIN_USERS
    spread.PARALLEL_MIN_EDGES = spread.PARALLEL_MIN_USERS = 0
    try:
        _run(load_scenario("baseline", {"steps": steps, "network.n_users": users}))
    finally:
        spread.PARALLEL_MIN_EDGES, spread.PARALLEL_MIN_USERS = sizes
    return time.perf_counter() - started


def _run(scenario) -> None:
    model = SlacktivismModel(scenario)
    while model.running:
        model.step()


def main() -> int:
    """``python -m slacktivism.warm``: compile (or load) the kernels and say how long it took."""
    print(f"slacktivism: model kernels ready in {compile_kernels():.1f} s")  # noqa: T201 - run by make setup, for the person waiting
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
