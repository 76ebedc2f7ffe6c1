"""``slacktivism report DIR``: figures and tables from a sweep's results.

Writes into ``DIR/report/``:

* ``outcomes.csv``: per combination, the mean of each outcome with its 95%
  confidence interval (Student's t over the replicates);
* ``outcomes.png/.svg``: those means and intervals against each varied key;
* ``timeseries.png/.svg``: bands (mean and 95% interval over replicates) of
  reach, likes, shares and actions per step, per combination;
* ``heatmap_<outcome>.png/.svg``: the mean of actions, likes and reach (or
  the ``outcomes`` asked for) over the first two varied keys;
* ``differences.csv`` and ``differences.png/.svg`` (grids and explicit
  designs): each combination minus a
  reference combination, per outcome, with a 95% Student-t interval over the
  paired replicates (replicate *r* of both ran on the same seed, the default
  ``seeds: common``) and, beside it, the unpaired (Welch) interval of the
  same runs, so the gain from pairing is visible;
* ``sensitivity.csv`` and ``sensitivity.png/.svg`` for ``sobol`` and
  ``morris`` sweeps (SALib's analyze functions, with confidence intervals),
  of acted and liked or the ``outcomes`` asked for;
* ``warnings.txt``: one line per doubt about the results (indices outside
  [0, 1] or with intervals wider than themselves, SALib's own warnings, a
  single replicate), also returned for the command to print;
* ``behaviorspace.csv``: the runs in NetLogo BehaviorSpace "table" layout.

Time series are aggregated with pyarrow per combination and step, so a large
sweep is never held in memory as one frame.
"""

from __future__ import annotations

import csv
import json
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from model.metrics import BY_NAME, FUNNEL, SUMMARY
from model.statistics import mean_ci, t_half_width

#: Outcomes drawn against the varied keys; outcomes.csv has every summary outcome.
OUTCOMES = (*FUNNEL, "conversion", "goal_reached")
#: The default outcomes of the sensitivity indices, the heatmaps and the paired differences.
SENSITIVITY, HEATMAPS, DIFFERENCES = ("acted", "liked"), ("acted", "liked", "aware"), FUNNEL
#: Outcomes ``--outcomes`` may name: the numeric run-level outcomes (goal_step is undefined where the goal is not met).
NUMERIC = tuple(k for k in SUMMARY if BY_NAME[k].dtype in ("int64", "float64", "bool") and k != "goal_step")


class ReportError(ValueError):
    """A results directory that cannot be reported on; the message is one line."""


@dataclass(frozen=True)
class Written:
    """What a report wrote, and its warnings (one line each)."""

    paths: list[Path]
    warnings: list[str]


def write_report(root: Path, *, outcomes: list[str] | None = None, reference: str | None = None) -> Written:
    """Write every figure and table; return their paths and the report's warnings.

    Args:
        root: a sweep's results directory.
        outcomes: the outcomes of the sensitivity indices, heatmaps and differences (default: see above).
        reference: the combination differences are taken against: its number, or ``KEY=VALUE,...`` naming
            its varied values (default: combination 0).
    """
    from viz import report_figures as figs

    root = Path(root)
    manifest_path = root / "manifest.json"
    if not manifest_path.exists() or not (root / "runs").is_dir():
        raise ReportError(f"{root}: not a sweep results directory (no manifest.json and runs/)")
    if outcomes is not None:
        check_outcomes(outcomes)
    manifest = json.loads(manifest_path.read_text())
    runs = pd.read_parquet(root / "runs")
    ok = runs[runs["status"] == "ok"]
    if ok.empty:
        raise ReportError(f"{root}: no successful runs to report on")
    keys = manifest["varied"]
    notes = [f"sweep: {w}" for w in manifest.get("warnings", [])]
    if manifest["sweep"]["replicates"] < 2:
        notes.append("one replicate per combination: no intervals over replicates, and no paired differences")
    out = root / "report"
    out.mkdir(exist_ok=True)
    written: list[Path] = []

    table = outcome_table(ok, keys)
    written.append(_csv(table, out / "outcomes.csv"))
    sampled = manifest["sweep"].get("sample") is not None
    figure = figs.scatter_figure(table, keys) if sampled else figs.outcomes_figure(table, keys, OUTCOMES)
    written += figs.save(figure, out / "outcomes")
    bands = series_bands(root / "timeseries")
    if bands is not None:
        written += figs.save(figs.timeseries_figure(bands, table, keys), out / "timeseries")
    if len(keys) >= 2 and not sampled:
        for outcome in outcomes or HEATMAPS:
            written += figs.save(figs.heatmap_figure(table, keys[0], keys[1], outcome), out / f"heatmap_{outcome}")
    if not sampled and len(table) > 1 and manifest["sweep"]["replicates"] >= 2:
        base = reference_combination(table, keys, reference)
        differences = paired_differences(ok, keys, list(outcomes or DIFFERENCES), base)
        written.append(_csv(differences, out / "differences.csv"))
        written += figs.save(figs.differences_figure(differences, keys), out / "differences")
        if not differences["paired"].all():
            notes.append("differences: some combinations share no seeds with the reference (seeds: independent), "
                         "so their intervals are unpaired (Welch)")
    method = (manifest["sweep"].get("sample") or {}).get("method")
    if method in ("sobol", "morris"):
        indices, caught = sensitivity(manifest, ok, outcomes or SENSITIVITY)
        notes += caught + index_warnings(indices, method)
        if manifest.get("seeds", "independent") == "independent":
            notes.append("seeds: independent: every sample point ran on other seeds, so the indices carry seed "
                         "noise (seeds: common pairs them)")
        written.append(_csv(indices, out / "sensitivity.csv"))
        written += figs.save(figs.sensitivity_figure(indices, method), out / "sensitivity")
    written.append(behaviorspace_csv(root, manifest, keys, out / "behaviorspace.csv"))
    notes = list(dict.fromkeys(notes))
    (out / "warnings.txt").write_text("".join(f"{n}\n" for n in notes))
    written.append(out / "warnings.txt")
    return Written(written, notes)


def check_outcomes(outcomes: list[str]) -> None:
    """Refuse an outcome that is not a numeric run-level outcome, with the closest name."""
    import difflib

    for name in outcomes:
        if name not in NUMERIC:
            close = difflib.get_close_matches(name, NUMERIC, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise ReportError(f"--outcomes: {name!r} is not a numeric run outcome{hint} "
                              f"(allowed: {', '.join(NUMERIC)})")
    if not outcomes:
        raise ReportError("--outcomes: name at least one outcome, e.g. --outcomes acted,liked")


def reference_combination(table: pd.DataFrame, keys: list[str], reference: str | None) -> int:
    """The combination named by ``reference``: a number, or ``KEY=VALUE,...`` of varied values (YAML values)."""
    import yaml

    combos = table["combination"].tolist()
    if reference is None:
        return combos[0]
    if reference.strip().isdigit():
        if int(reference) not in combos:
            raise ReportError(f"--reference: no combination {reference} (there are {min(combos)} to {max(combos)})")
        return int(reference)
    wanted = {}
    for part in reference.split(","):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in keys:
            raise ReportError(f"--reference: expected a combination number or KEY=VALUE,... of the varied keys "
                              f"({', '.join(keys)}) (got {part.strip()!r})")
        wanted[key] = yaml.safe_load(value)
    match = table
    for key, value in wanted.items():
        column = match[key]
        match = match[column.astype(str) == str(value)] if column.dtype == object else match[column == value]
    if len(match) != 1:
        raise ReportError(f"--reference: {reference!r} names {len(match)} combinations; name one")
    return int(match["combination"].iloc[0])


def paired_differences(runs: pd.DataFrame, keys: list[str], outcomes: list[str], reference: int) -> pd.DataFrame:
    """Each combination minus ``reference``, per outcome, with paired and unpaired 95% intervals.

    Pairs are the replicates both combinations ran, on the same seed; with
    ``seeds: independent`` there are none, ``paired`` is false and the
    interval is the unpaired (Welch) one.
    """
    from scipy import stats

    base = runs[runs["combination"] == reference].set_index("replicate")
    rows = []
    for combination, rows_of in runs.groupby("combination", sort=True):
        if combination == reference:
            continue
        group = rows_of.set_index("replicate")
        shared = base.index.intersection(group.index)
        shared = shared[(base.loc[shared, "seed"] == group.loc[shared, "seed"]).to_numpy()]
        for outcome in outcomes:
            a, b = group[outcome].astype(float), base[outcome].astype(float)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # identical values: the interval is nan, said by the nan
                welch = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95) \
                    if min(len(a), len(b)) > 1 else (np.nan, np.nan)
            row = {"combination": combination, **{k: group[k].iloc[0] for k in keys}, "outcome": outcome,
                   "reference": reference, "mean": float(a.mean()), "reference_mean": float(b.mean()),
                   "paired": len(shared) >= 2, "n": len(shared) if len(shared) >= 2 else len(a)}
            if row["paired"]:
                diff, low, high = mean_ci((a.loc[shared] - b.loc[shared]).to_numpy())
            else:
                diff, (low, high) = float(a.mean() - b.mean()), welch
            row.update(difference=diff, ci_low=low, ci_high=high, unpaired_ci_low=float(welch[0]),
                       unpaired_ci_high=float(welch[1]))
            rows.append(row)
    return pd.DataFrame(rows)


def index_warnings(indices: pd.DataFrame, method: str) -> list[str]:
    """A line for each index outside [0, 1] (Sobol') or with a 95% interval wider than the index itself."""
    notes = []
    names = (("S1", "S1_conf"), ("ST", "ST_conf")) if method == "sobol" else (("mu_star", "mu_star_conf"),)
    for row in indices.itertuples(index=False):
        for name, conf in names:
            value, half = getattr(row, name), getattr(row, conf)
            where = f"sensitivity: {name} of {row.key} on {row.outcome} is {value:.3g} (+/- {half:.2g})"
            if method == "sobol" and not -1e-9 <= value <= 1 + 1e-9:
                notes.append(f"{where}, outside [0, 1]: seed noise or too small a sample (raise sample.n or "
                             f"replicates)")
            elif np.isfinite(half) and half > abs(value):
                notes.append(f"{where}: its interval is wider than the index, so it is not resolved")
    return notes


def outcome_table(runs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per combination: n, and mean, ci_low, ci_high of each outcome (t interval at 95%)."""
    rows = []
    for combination, group in runs.groupby("combination", sort=True):
        row = {"combination": combination, **{k: group[k].iloc[0] for k in keys}, "n": len(group)}
        for outcome in (k for k in SUMMARY if k in group and k != "goal_step"):
            mean, low, high = mean_ci(group[outcome].astype(float).to_numpy())
            row.update({f"{outcome}_mean": mean, f"{outcome}_ci_low": low, f"{outcome}_ci_high": high})
        rows.append(row)
    return pd.DataFrame(rows)


def series_bands(folder: Path) -> pd.DataFrame | None:
    """Mean and 95% interval per combination and step.

    A run that stopped early stays where it stopped (nothing changes after
    a quiet step), so its last counts are carried to the combination's last
    step before averaging. One combination is read at a time, so memory is
    bounded by the largest combination, not the sweep.
    """
    if not folder.is_dir() or not any(folder.glob("*.parquet")):
        return None
    import pyarrow.dataset as ds

    data = ds.dataset(folder, format="parquet")
    combos = sorted(set(data.to_table(columns=["combination"]).column("combination").to_pylist()))
    columns = list(FUNNEL)
    frames = []
    for combo in combos:
        part = data.to_table(columns=["run_id", "step", *columns],
                             filter=ds.field("combination") == combo).to_pandas()
        band = pd.DataFrame({"step": np.arange(part["step"].max() + 1)})
        band["combination"] = combo
        for column in columns:
            wide = part.pivot_table(index="step", columns="run_id", values=column).reindex(band["step"]).ffill()
            values = wide.to_numpy(float)
            n = values.shape[1]
            mean = values.mean(axis=1)
            half = t_half_width(values.std(axis=1, ddof=1), n) if n > 1 else 0.0
            band[f"{column}_mean"], band[f"{column}_low"], band[f"{column}_high"] = mean, mean - half, mean + half
        frames.append(band)
    return pd.concat(frames, ignore_index=True)


def sensitivity(manifest: dict, runs: pd.DataFrame, outcomes=SENSITIVITY) -> tuple[pd.DataFrame, list[str]]:
    """SALib indices (with 95% intervals) of ``outcomes``, per varied key, and SALib's warnings as one-liners."""
    from slacktivism.sweep_spec import Sample, salib_problem

    sample = manifest["sweep"]["sample"]
    problem = salib_problem(Sample.model_validate(sample))
    x = np.asarray(manifest["sample_matrix"])
    means = runs.groupby("combination")[list(outcomes)].mean()
    if len(means) != len(x):
        raise ReportError(f"sensitivity needs every sample point ({len(means)} of {len(x)} have results)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = _indices(problem, sample, x, means, outcomes, manifest["sweep"]["seed"])
    notes = [f"SALib: {' '.join(str(w.message).split())}" for w in caught]
    return pd.DataFrame(rows), notes


def _indices(problem, sample, x, means, outcomes, seed) -> list[dict]:
    from SALib.analyze import morris, sobol

    rows = []
    for outcome in outcomes:
        y = means[outcome].to_numpy(float)
        if sample["method"] == "sobol":
            result = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
            for i, name in enumerate(problem["names"]):
                rows.append({"outcome": outcome, "key": name, "S1": result["S1"][i],
                             "S1_conf": result["S1_conf"][i], "ST": result["ST"][i],
                             "ST_conf": result["ST_conf"][i]})
        else:
            result = morris.analyze(problem, x, y, seed=seed)
            for i, name in enumerate(problem["names"]):
                rows.append({"outcome": outcome, "key": name, "mu_star": result["mu_star"][i],
                             "mu_star_conf": result["mu_star_conf"][i], "sigma": result["sigma"][i]})
    return rows


def behaviorspace_csv(root: Path, manifest: dict, keys: list[str], path: Path) -> Path:
    """The runs in NetLogo BehaviorSpace "table" layout: a header block, then one row per run and step."""
    runs = pd.read_parquet(root / "runs").sort_values(["combination", "replicate"]).reset_index(drop=True)
    number = {run_id: i + 1 for i, run_id in enumerate(runs["run_id"])}
    metrics = list(FUNNEL)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(["BehaviorSpace results (slacktivism; NetLogo BehaviorSpace table format)"])
        writer.writerow([manifest.get("sweep_file", "")])
        writer.writerow(["sweep"])
        writer.writerow([datetime.now(UTC).strftime("%m/%d/%Y %H:%M:%S:000 +0000")])
        writer.writerow(["min-pxcor", "max-pxcor", "min-pycor", "max-pycor"])
        writer.writerow(["0", "0", "0", "0"])
        writer.writerow(["[run number]", *keys, "replicate", "seed", "[step]", *metrics])
        series_dir = root / "timeseries"
        if series_dir.is_dir() and any(series_dir.glob("*.parquet")):
            series = pd.read_parquet(series_dir, columns=["run_id", "step", *metrics])
        else:  # runs that failed have no series; record the final counts as the last step
            series = runs[runs["status"] == "ok"][["run_id", "steps_run", *metrics]].rename(
                columns={"steps_run": "step"})
        merged = series.merge(runs[["run_id", *keys, "replicate", "seed"]], on="run_id")
        merged["number"] = merged["run_id"].map(number)
        merged = merged.sort_values(["number", "step"])
        writer.writerows(merged[["number", *keys, "replicate", "seed", "step", *metrics]].to_numpy().tolist())
    return path


def _csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path
