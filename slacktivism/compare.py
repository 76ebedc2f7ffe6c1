"""``slacktivism compare CASE.data.yaml``: a real campaign's statistics beside the model's.

Each observed statistic is printed beside the model's mean over replicate
runs and its 95% confidence interval (Student's t), with a mark: ``pass``
when the mean lies within the statistic's tolerance of the observed value,
``miss`` otherwise. The same rows are written as a table, and a figure shows
each statistic's distance in tolerances and, when the case has a series
statistic (a member curve), the model's band against the observed points.

A case with a take-off rule (``take_off`` in its data file) is compared on
the replicates that took off, as its calibration is: the data describe a
campaign that took off, and a cascade that died at its seeds is another
outcome, not a noisy draw of this one. How many replicates failed is
reported beside the table, with its exact interval.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, cast

import numpy as np

from model.case_files import Case, Statistic, TakeOff
from model.case_statistics import describe, finish, linear
from model.randomness import spawn_seeds
from model.statistics import binomial_interval, t_half_width
from slacktivism.cases import TOOK_OFF, run_statistics


class Row(NamedTuple):
    """One observed statistic against the model.

    ``undefined``: replicates in which the statistic selects no one (an
    empty denominator: ``users.among`` matched nobody, or a ratio of 0 to 0);
    the mean is over the rest, and a statistic undefined in every replicate
    has no mean and never passes.
    """

    statistic: str
    observed: float
    tolerance: float
    approximate: bool
    mapping: str
    model_mean: float
    model_low: float
    model_high: float
    passed: bool
    role: str
    undefined: int = 0


class Band(NamedTuple):
    """A series statistic's curve over replicates: mean and 95% interval per step, and the observed points."""

    label: str
    steps: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    points: list[tuple[int, float, float]]


def rows_for(stats: list[Statistic], values: dict[str, np.ndarray], roles: dict[str, str] | None = None) -> list[Row]:
    """The comparison rows from per-replicate values (``roles`` marks e.g. fitted and held-out statistics)."""
    rows = []
    for s in stats:
        defined = ~np.isnan(values[s.name])
        x = values[s.name][defined]
        mean = float(np.mean(x)) if len(x) else float("nan")
        half = float(t_half_width(np.std(x, ddof=1), len(x))) if len(x) > 1 else float("nan")
        value, low, high = (finish(s, v) for v in (mean, mean - half, mean + half))
        rows.append(Row(s.name, s.observed, s.tolerance, s.approximate, describe(s), value, low, high,
                        bool(len(x)) and abs(value - s.observed) <= s.tolerance, (roles or {}).get(s.name, ""),
                        int((~defined).sum())))
    return rows


def undefined_lines(rows: list[Row], replicates: int) -> list[str]:
    """One line for each statistic that selects no one in some replicate (by name; empty if none)."""
    lines = []
    for r in rows:
        if r.undefined:
            what = "it has no value and cannot pass" if r.undefined == replicates else "its mean is over the rest"
            lines.append(f"statistic {r.statistic}: {r.mapping} selects no one (an empty denominator) in "
                         f"{r.undefined} of {replicates} replicates; {what}")
    return lines


class Comparison(NamedTuple):
    """A case against the model: the rows, the curve (if any), and the replicates run and counted.

    ``counted``: the replicates the rows are over (those that took off,
    under the case's take-off rule; all of them without one).
    """

    rows: list[Row]
    band: Band | None
    replicates: int
    counted: int
    take_off: TakeOff | None


def compare_case(case: Case, replicates: int, seed: int | None = None) -> Comparison:
    """Run the case's scenario ``replicates`` times and measure every statistic (over the runs that took off)."""
    stats = case.statistics
    curve = [s for s in stats if s.model.series is not None]
    seeds = spawn_seeds(case.scenario.seed if seed is None else seed, replicates)
    rule = case.data.take_off
    values, kept = run_statistics(case.scenario.model_dump(mode="json"), seeds, stats,
                                  keep_series=curve[0].model.series if curve else None, take_off=rule)
    took = values.pop(TOOK_OFF, np.ones(replicates, dtype=bool))
    values = {name: v[took] for name, v in values.items()}
    kept = [k for k, t in zip(kept, took, strict=True) if t] if kept is not None else []
    n_users = case.scenario.network.n_users or 0
    band = _band(curve, kept, case.scenario.steps, n_users) if curve and kept else None
    return Comparison(rows_for(stats, values), band, replicates, int(took.sum()), rule)


def take_off_line(c: Comparison) -> str | None:
    """How many replicates did not take off, with the exact interval of that share (None without a rule)."""
    if c.take_off is None:
        return None
    failed = c.replicates - c.counted
    low, high = binomial_interval(failed, c.replicates)
    rest = "the statistics are over the rest" if c.counted else "no replicate is left to measure"
    return (f"{failed} of {c.replicates} replicates did not take off (the rule: {c.take_off.describe()}; "
            f"95% interval of the share {low:.0%} to {high:.0%}): {rest}")


def _band(curve: list[Statistic], kept: list[np.ndarray], steps: int, n_users: int) -> Band:
    """The first series statistic's mapping applied at every step (the statistics sharing its mapping as points)."""
    first = curve[0].model
    same = [s for s in curve if s.model.model_dump(exclude={"step", "at"}) == first.model_dump(exclude={"step", "at"})]
    padded = np.array([np.pad(k, (0, steps + 1 - len(k)), mode="edge") for k in kept])
    if first.relative_to_step is not None:
        base = padded[:, [first.relative_to_step]]
        padded = np.divide(padded, base, out=np.full_like(padded, np.nan), where=base > 0)
    padded = linear(same[0], padded, n_users)
    mean = np.nanmean(padded, axis=0)
    half = t_half_width(np.nanstd(padded, axis=0, ddof=1), len(padded)) if len(padded) > 1 else np.zeros_like(mean)
    low = np.maximum(mean - half, 0) if first.log10 else mean - half
    label = describe(same[0]).replace(f"[{first.step}]", "[step]")
    points = [(cast(int, s.model.step), s.observed, s.tolerance) for s in same]
    return Band(label, np.arange(steps + 1), finish(same[0], mean), finish(same[0], low),
                finish(same[0], mean + half), points)


def format_rows(rows: list[Row], replicates: int, interval: str = "95% interval") -> str:
    """The comparison as a text table (``interval`` names what the model's interval is)."""
    width = max(len(r.statistic) for r in rows)
    head = (f"{'statistic':<{width}}  {'observed':>10}  {'tolerance':>9}  {'model mean':>10}  "
            f"{interval:>21}  mark")
    lines = [head, "-" * len(head)]
    for r in rows:
        mark = "pass" if r.passed else ("UNDEFINED" if r.undefined == replicates else "MISS")
        approx = " ~" if r.approximate else ""
        role = f"  ({r.role})" if r.role else ""
        lines.append(f"{r.statistic:<{width}}  {r.observed:>10.4g}  {r.tolerance:>9.3g}  {r.model_mean:>10.4g}  "
                     f"[{r.model_low:>9.4g}, {r.model_high:>9.4g}]  {mark}{approx}{role}")
    passed = sum(r.passed for r in rows)
    lines.append(f"{passed} of {len(rows)} statistics within tolerance over {replicates} replicates "
                 f"(~ marks an approximate observed figure)")
    return "\n".join(lines)


def write_comparison(rows: list[Row], band: Band | None, out: Path, title: str) -> list[Path]:
    """Write ``comparison.csv`` and ``comparison.png`` into ``out``."""
    import pandas as pd

    from model.run_files import atomic_write
    from viz.case_figures import comparison_figure

    out.mkdir(parents=True, exist_ok=True)
    table, figure_path = out / "comparison.csv", out / "comparison.png"
    frame = pd.DataFrame(rows, columns=Row._fields)
    atomic_write(table, lambda p: frame.to_csv(p, index=False))
    figure = comparison_figure(rows, band, title=title)
    atomic_write(figure_path, lambda p: figure.savefig(p, dpi=120, format="png"))
    return [table, figure_path]
