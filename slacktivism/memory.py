"""Refusing a population that will not fit, before anything is built (the estimate is ``model.footprint``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from model.footprint import BASE_BYTES, estimate
from model.scenario import Scenario

if TYPE_CHECKING:
    from slacktivism.sweep_spec import Sweep


def available_bytes() -> int | None:
    """Memory the system can give a new process now (Linux's MemAvailable), or None where it cannot tell."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def too_big(scenario: Scenario, available: int | None = None) -> str | None:
    """One line saying why ``scenario`` will not fit in memory, with how to shrink it; None if it fits."""
    footprint = estimate(scenario.network)
    available = available_bytes() if available is None else available
    if footprint is None or available is None or footprint.bytes <= available:
        return None
    net = scenario.network
    fits = max(1, int((available - BASE_BYTES) / max(footprint.bytes - BASE_BYTES, 1) * footprint.users))
    return (f"network.n_users={footprint.users:,} at network.mean_degree={net.mean_degree:g} needs about "
            f"{footprint.bytes / 1e9:.1f} GB and this machine has {available / 1e9:.1f} GB available; "
            f"use fewer users (about {fits:,} fit) or a lower network.mean_degree")


def sweep_too_big(sweep: Sweep, workers: int, available: int | None = None) -> str | None:
    """One line saying why ``workers`` runs of ``sweep`` at once will not fit in memory; None if they fit.

    Each local worker is a process of its own that runs one run at a time, so
    the peak is the largest combination's estimate times the workers.
    """
    from model.scenario import Network
    from slacktivism.sweep_spec import resolve

    base = sweep.base.model_dump(mode="json")
    largest = None
    for values in sweep.combinations:
        footprint = estimate(Network.model_validate(resolve(base, values)["network"]))
        if footprint is not None and (largest is None or footprint.bytes > largest.bytes):
            largest = footprint
    available = available_bytes() if available is None else available
    if largest is None or available is None or largest.bytes * workers <= available:
        return None
    fit = available // largest.bytes
    advice = f"use --workers {fit}" if fit >= 1 else "use fewer users (network.n_users)"
    return (f"the largest run (network.n_users={largest.users:,}) needs about {largest.bytes / 1e9:.1f} GB, "
            f"{workers} workers at once {workers * largest.bytes / 1e9:.1f} GB, and this machine has "
            f"{available / 1e9:.1f} GB available; {advice} or a smaller design")
