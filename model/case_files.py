"""A real campaign's data file as the classroom app reads it: what was observed, when, and on what scale.

A case is a scenario (``scenarios/cases/NAME.yaml``) and a data file (``NAME.data.yaml``). The command
line's case code (``slacktivism/cases.py``: ``compare``, ``calibrate``) validates the data files in full;
the classroom app may not import it (CONTRIBUTING.md, Layering), so this small reader sits beside the
model's core, as ``model/scenario_files.py`` does, and reads only what the app draws: each statistic's
observed value, tolerance and mapping, its report's timestamp turned into a step by the file's clock
(``step = round((when - start) / hours_per_step)``, the rule the file's ``clock.note`` states).
``tests/test_app_cases.py`` checks that it reads every shipped case as ``slacktivism.cases`` does.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, NamedTuple

from model.scenario_files import ScenarioError, parse_yaml, read_text


class Observed(NamedTuple):
    """One observed statistic and how a run is measured against it (the data file's ``model`` mapping).

    Exactly one of ``summary``, ``ratio``, ``series`` and ``users`` is set; ``users`` is ``(among, share)``,
    two conditions on the user table. ``step`` and ``relative_to_step`` are the clock's steps of ``at`` and
    ``relative_to_at`` where the file gives timestamps.
    """

    name: str
    observed: float
    tolerance: float
    summary: str | None = None
    ratio: tuple[str, str] | None = None
    series: str | None = None
    step: int | None = None
    relative_to_step: int | None = None
    users: tuple[str, str] | None = None
    per_user: bool = False
    complement: bool = False
    scale: float | None = None
    log10: bool = False


class CaseFile(NamedTuple):
    """A data file: the case's name, its scenario's file name (beside it), its clock's step and its statistics."""

    case: str
    scenario: str
    hours_per_step: float | None
    statistics: tuple[Observed, ...]


def read_case_file(path: str | os.PathLike) -> CaseFile:
    """The data file at ``path``; a file this reader cannot use is refused in one line (a ScenarioError)."""
    source = str(path)
    raw, lines = parse_yaml(read_text(source), source)
    key = "statistics"
    try:
        clock = raw.get("clock") or {}
        start, hours = clock.get("start"), clock.get("hours_per_step")

        def step(when: Any) -> int:
            if not isinstance(when, dt.datetime) or start is None or not hours:
                raise ValueError(f"{when!r} needs a timestamp with its time zone and the file's clock")
            return round((when - start).total_seconds() / 3600 / hours)

        statistics = []
        for k, stat in enumerate(raw["statistics"]):
            key = f"statistics.{k}"
            m = stat["model"]
            at, rel = m.get("at"), m.get("relative_to_at")
            statistics.append(Observed(
                name=str(stat["name"]), observed=float(stat["observed"]), tolerance=float(stat["tolerance"]),
                summary=m.get("summary"), ratio=tuple(m["ratio"]) if m.get("ratio") else None,
                series=m.get("series"), step=step(at) if at is not None else m.get("step"),
                relative_to_step=step(rel) if rel is not None else m.get("relative_to_step"),
                users=(m["users"]["among"], m["users"]["share"]) if m.get("users") else None,
                per_user=bool(m.get("per_user", False)), complement=bool(m.get("complement", False)),
                scale=m.get("scale"), log10=bool(m.get("log10", False))))
        return CaseFile(str(raw["case"]), str(raw["scenario"]), float(hours) if hours else None, tuple(statistics))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ScenarioError(source, lines.get(key), key, f"not a case data file the app can read ({exc})") from None
