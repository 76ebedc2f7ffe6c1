"""What a study gives: the trials and runs tables, the best design as a scenario, importances, the figures."""

from __future__ import annotations

import json
import math
import warnings
from functools import partial
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
import yaml

from model.metrics import BY_NAME, FUNNEL, SUMMARY
from model.scenario import Scenario
from model.scenario_files import (
    first_line,
)
from slacktivism.design_space import Optimisation, show_value
from slacktivism.optimize import interrupted
from slacktivism.sweep_spec import resolve

_ING = {"maximize": "maximising", "minimize": "minimising"}
_ED = {"maximize": "maximised", "minimize": "minimised"}


def trials_table(study, optimisation: Optimisation) -> pd.DataFrame:
    """One row per trial: number, state, the design, and each outcome's mean and 95% interval over the replicates.

    Columns ``<outcome>_mean`` and ``<outcome>_half_width`` (Student t) for
    every outcome of :data:`model.metrics.SUMMARY`; trials a killed session
    left unfinished (run again under a new number) are left out.
    """
    rows = []
    for t in _results(study):
        row = {"number": t.number, "state": t.state.name}
        row.update({k: _shown(optimisation, k, t.params.get(k)) for k in optimisation.keys})
        runs = t.user_attrs.get("runs") or {}
        row["replicates"] = len(runs.get(optimisation.objective, []))
        for outcome in SUMMARY:
            mean, half = _mean_half(runs.get(outcome))
            row[f"{outcome}_mean"], row[f"{outcome}_half_width"] = mean, half
        row["error"] = t.user_attrs.get("error", "")
        row["duration_s"] = t.duration.total_seconds() if t.duration is not None else float("nan")
        rows.append(row)
    columns = ["number", "state", *optimisation.keys, "replicates",
               *[f"{k}_{s}" for k in SUMMARY for s in ("mean", "half_width")], "error", "duration_s"]
    return pd.DataFrame(rows, columns=columns)


def runs_table(study, optimisation: Optimisation) -> pd.DataFrame:
    """One row per run of every complete trial: number, replicate, seed, the design and every outcome."""
    seeds = optimisation.seeds()
    rows = []
    for t in _results(study):
        runs = t.user_attrs.get("runs")
        if t.state.name != "COMPLETE" or not runs:
            continue
        design = {k: _shown(optimisation, k, t.params.get(k)) for k in optimisation.keys}
        for r, seed in enumerate(seeds):
            rows.append({"number": t.number, "replicate": r, "seed": seed, **design,
                         **{k: runs[k][r] for k in SUMMARY}})
    return pd.DataFrame(rows, columns=["number", "replicate", "seed", *optimisation.keys, *SUMMARY])


def _results(study) -> list:
    stopped = interrupted(study)
    return [t for t in study.get_trials(deepcopy=False)
            if t.number not in stopped and t.state.name in ("COMPLETE", "FAIL")]


def _shown(optimisation: Optimisation, key: str, param):
    """A design value for a table: numbers and texts as they are, lists and mappings as their JSON text."""
    if param is None:
        return None
    design = next(d for d in optimisation.design if d.key == key)
    value = design.decode(param)
    return value if isinstance(value, (bool, int, float, str)) else json.dumps(value)


def _mean_half(values) -> tuple[float, float]:
    from model.statistics import t_half_width

    present = [float(v) for v in values or () if v is not None]
    if not present:
        return float("nan"), float("nan")
    mean = float(np.mean(present))
    half = float(t_half_width(np.std(present, ddof=1), len(present))) if len(present) > 1 else float("nan")
    return mean, half


def best_trial(study):
    """The best complete trial (the first of equals), or None."""
    complete = [t for t in _results(study) if t.state.name == "COMPLETE"]
    if not complete:
        return None
    sign = 1 if study.direction.name == "MAXIMIZE" else -1
    return max(complete, key=lambda t: (sign * t.value, -t.number))


def best_scenario(study, optimisation: Optimisation) -> dict:
    """The base scenario with the best design applied, validated, its provenance in its description."""
    from model.run_files import PACKAGES, git_commit, package_versions

    best = best_trial(study)
    values = optimisation.values(best.params)
    data = resolve(optimisation.base_json, values)
    mean, half = _mean_half(best.user_attrs["runs"][optimisation.objective])
    n_complete = sum(1 for t in _results(study) if t.state.name == "COMPLETE")
    packages = ", ".join(f"{k} {v}" for k, v in package_versions((*PACKAGES, "optuna")).items())
    design = ", ".join(f"{k}={show_value(v)}" for k, v in values.items())
    note = (f"Optimised with `slacktivism optimize` ({optimisation.sampler} sampler, seed {optimisation.seed}): "
            f"the best of {n_complete} complete trials at {_ING[optimisation.direction]} "
            f"{optimisation.objective} is trial {best.number}, {design}, with {optimisation.objective} "
            f"{mean:.6g} +- {half:.3g} (mean and 95% Student-t half width over {optimisation.replicates} replicates "
            f"whose seeds are in optimize.json). Base scenario {optimisation.scenario_file} "
            f"(sha256 {optimisation.scenario_sha256}). Packages: {packages}. Git commit: {git_commit()}.")
    original = data.get("description") or ""
    data["description"] = (note + ("\n\n" + original if original else ""))[:20_000]
    data["name"] = f"{data.get('name', 'unnamed')} (best {optimisation.objective})"[:200]
    Scenario.model_validate(data)
    return data


def write_outputs(study, optimisation: Optimisation, out: Path, *, figures: bool = True) -> list[Path]:
    """Write ``trials.parquet``, ``runs.parquet``, ``best.yaml`` (if a trial completed) and the two figures.

    Each file is written to a temporary name and renamed.
    """
    from model.run_files import atomic_write

    out = Path(out)
    table = trials_table(study, optimisation)
    written = [out / "trials.parquet", out / "runs.parquet"]
    atomic_write(written[0], lambda p: table.to_parquet(p, index=False))
    runs = runs_table(study, optimisation)
    atomic_write(written[1], lambda p: runs.to_parquet(p, index=False))
    if best_trial(study) is not None:
        text = yaml.safe_dump(best_scenario(study, optimisation), sort_keys=False, allow_unicode=True, width=100)
        written.append(out / "best.yaml")
        atomic_write(written[-1], lambda p: Path(p).write_text(text))
    if figures:
        from viz import optimize_figures as figs

        history = figs.history_figure(table, optimisation.objective, optimisation.direction)
        importances, note = parameter_importances(study, optimisation)
        importance = figs.importance_figure(importances, note, optimisation.objective)
        for name, fig in (("history.png", history), ("importance.png", importance)):
            written.append(out / name)
            atomic_write(written[-1], partial(fig.savefig, dpi=110, format="png"))
    return written


def parameter_importances(study, optimisation: Optimisation) -> tuple[dict[str, float] | None, str]:
    """Optuna's parameter importances, or why there are none.

    PED-ANOVA (Watanabe, Bansal & Hutter 2023), Optuna's default evaluator,
    needs no scikit-learn (fANOVA, the former default, fits a random forest
    with it).
    """
    import optuna

    complete = [t for t in _results(study) if t.state.name == "COMPLETE"]
    if len(optimisation.design) < 2:
        return None, f"only one key is designed ({optimisation.keys[0]}): there is nothing to rank it against"
    if len(complete) < 2:
        return None, f"{len(complete)} complete trial(s): too few to rank the designed keys"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return optuna.importance.get_param_importances(study), ""
        except (ValueError, RuntimeError, ZeroDivisionError) as exc:
            return None, f"no importances: {first_line(exc)}"


def describe(table: pd.DataFrame, optimisation: Optimisation) -> str:
    """The best design, its objective with the 95% interval, and the funnel's other outcomes (the cross metrics)."""
    complete = table[table["state"] == "COMPLETE"]
    failed = int((table["state"] == "FAIL").sum())
    if complete.empty:
        return f"no complete trial ({failed} failed)"
    sign = 1 if optimisation.direction == "maximize" else -1
    best = complete.loc[cast(Any, (sign * complete[f"{optimisation.objective}_mean"]).idxmax())]
    design = ", ".join(f"{k}={_format(best[k])}" for k in optimisation.keys)
    obj = optimisation.objective

    def measured(k: str) -> str:
        mean, half = best[f"{k}_mean"], best[f"{k}_half_width"]
        digits = 1 if mean == 0 or not math.isfinite(mean) else min(6, max(0, 2 - math.floor(math.log10(abs(mean)))))
        return f"{BY_NAME[k].label} {mean:,.{digits}f} ± {half:,.{digits}f}"

    cross = [k for k in (*FUNNEL, "conversion") if k != obj]
    lines = [f"best of {len(complete)} complete trials ({failed} failed): trial {int(best['number'])}, {design}",
             f"  {_ED[optimisation.direction]} {measured(obj)} "
             f"(mean ± 95% interval over {int(best['replicates'])} replicates)",
             "  with " + ", ".join(measured(k) for k in cross)]
    return "\n".join(lines)


def _format(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
