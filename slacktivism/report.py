"""``slacktivism report DIR``: figures and tables from a sweep's results.

Writes into ``DIR/report/``:

* ``outcomes.csv``: per combination, the mean of each outcome with its 95%
  confidence interval (Student's t over the replicates);
* ``outcomes.png/.svg``: those means and intervals against each varied key;
* ``timeseries.png/.svg``: bands (mean and 95% interval over replicates) of
  reach, likes, shares and actions per step, per combination;
* ``heatmap_<outcome>.png/.svg``: the mean of actions, likes and reach over
  the first two varied keys;
* ``sensitivity.csv`` and ``sensitivity.png/.svg`` for ``sobol`` and
  ``morris`` sweeps (SALib's analyze functions, with confidence intervals);
* ``behaviorspace.csv``: the runs in NetLogo BehaviorSpace "table" layout.

Time series are aggregated with pyarrow per combination and step, so a large
sweep is never held in memory as one frame.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from model.metrics import FUNNEL, SUMMARY
from model.statistics import mean_ci, t_half_width

#: Outcomes drawn against the varied keys; outcomes.csv has every summary outcome.
OUTCOMES = (*FUNNEL, "conversion", "goal_reached")


class ReportError(ValueError):
    """A results directory that cannot be reported on; the message is one line."""


def write_report(root: Path) -> list[Path]:
    """Write every figure and table; return their paths."""
    from viz import report_figures as figs

    root = Path(root)
    manifest_path = root / "manifest.json"
    if not manifest_path.exists() or not (root / "runs").is_dir():
        raise ReportError(f"{root}: not a sweep results directory (no manifest.json and runs/)")
    manifest = json.loads(manifest_path.read_text())
    runs = pd.read_parquet(root / "runs")
    ok = runs[runs["status"] == "ok"]
    if ok.empty:
        raise ReportError(f"{root}: no successful runs to report on")
    keys = manifest["varied"]
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
        for outcome in ("acted", "liked", "aware"):
            written += figs.save(figs.heatmap_figure(table, keys[0], keys[1], outcome), out / f"heatmap_{outcome}")
    method = (manifest["sweep"].get("sample") or {}).get("method")
    if method in ("sobol", "morris"):
        indices = sensitivity(manifest, ok)
        written.append(_csv(indices, out / "sensitivity.csv"))
        written += figs.save(figs.sensitivity_figure(indices, method), out / "sensitivity")
    written.append(behaviorspace_csv(root, manifest, keys, out / "behaviorspace.csv"))
    return written


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


def sensitivity(manifest: dict, runs: pd.DataFrame) -> pd.DataFrame:
    """SALib indices (with 95% intervals) of acted and liked, per varied key."""
    from SALib.analyze import morris, sobol

    from slacktivism.sweep_spec import Sample, salib_problem

    sample = manifest["sweep"]["sample"]
    problem = salib_problem(Sample.model_validate(sample))
    x = np.asarray(manifest["sample_matrix"])
    means = runs.groupby("combination")[["acted", "liked"]].mean()
    if len(means) != len(x):
        raise ReportError(f"sensitivity needs every sample point ({len(means)} of {len(x)} have results)")
    rows = []
    for outcome in ("acted", "liked"):
        y = means[outcome].to_numpy(float)
        if sample["method"] == "sobol":
            result = sobol.analyze(problem, y, calc_second_order=False, seed=manifest["sweep"]["seed"])
            for i, name in enumerate(problem["names"]):
                rows.append({"outcome": outcome, "key": name, "S1": result["S1"][i],
                             "S1_conf": result["S1_conf"][i], "ST": result["ST"][i],
                             "ST_conf": result["ST_conf"][i]})
        else:
            result = morris.analyze(problem, x, y, seed=manifest["sweep"]["seed"])
            for i, name in enumerate(problem["names"]):
                rows.append({"outcome": outcome, "key": name, "mu_star": result["mu_star"][i],
                             "mu_star_conf": result["mu_star_conf"][i], "sigma": result["sigma"][i]})
    return pd.DataFrame(rows)


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
