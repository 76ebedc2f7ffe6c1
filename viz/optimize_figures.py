"""Figures of an optimisation (``slacktivism optimize``): matplotlib only, from tables, no file reading."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import numpy as np
from matplotlib.figure import Figure

from model.metrics import BY_NAME
from viz.figures import outcome_colour


def history_figure(table, objective: str, direction: str) -> Figure:
    """Each complete trial's mean with its 95% interval, in trial order, and the best so far.

    Args:
        table: the trials table (``number``, ``state``, ``<objective>_mean``, ``<objective>_half_width``).
        objective: the optimised outcome.
        direction: ``maximize`` or ``minimize``.
    """
    fig = Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = fig.subplots()
    done = table[table["state"] == "COMPLETE"].sort_values("number")
    label = BY_NAME[objective].label
    colour = outcome_colour(objective, "C0")
    if done.empty:
        _note(ax, "no complete trial yet")
    else:
        x = done["number"].to_numpy()
        y = done[f"{objective}_mean"].to_numpy(float)
        half = np.nan_to_num(done[f"{objective}_half_width"].to_numpy(float))
        ax.errorbar(x, y, yerr=half, fmt="o", ms=4, color=colour, ecolor="0.6", elinewidth=1, capsize=2,
                    label=f"trial mean, 95% interval over {int(done['replicates'].iloc[0])} replicates")
        best = np.maximum.accumulate(y) if direction == "maximize" else np.minimum.accumulate(y)
        ax.step(x, best, where="post", color="black", lw=1.5, label="best so far")
        ax.legend(frameon=False, fontsize=8)
    ax.set_xlabel("trial")
    ax.set_ylabel(f"{label} (mean)")
    ax.set_title(f"Optimisation history: {'maximising' if direction == 'maximize' else 'minimising'} {label}")
    ax.grid(alpha=0.3)
    return fig


def importance_figure(importances: dict[str, float] | None, note: str, objective: str) -> Figure:
    """Importance of each designed key for the objective (Optuna's PED-ANOVA), or a note saying why there is none."""
    fig = Figure(figsize=(7, 0.6 + 0.45 * max(3, len(importances or ()))), layout="constrained")
    ax = fig.subplots()
    if not importances:
        _note(ax, note)
    else:
        keys = list(importances)[::-1]
        ax.barh(np.arange(len(keys)), [importances[k] for k in keys], color=outcome_colour(objective, "C0"))
        ax.set_yticks(np.arange(len(keys)), keys, fontsize=8)
        ax.set_xlabel("importance (PED-ANOVA, sums to 1)")
        ax.grid(alpha=0.3, axis="x")
    ax.set_title(f"What matters for {BY_NAME[objective].label}")
    return fig


def optima_figure(results: dict[str, dict[str, tuple[float, float]]], outcomes=("liked", "acted")) -> Figure:
    """One panel per outcome: the mean of each optimum with its 95% interval.

    Args:
        results: optimum label -> outcome -> (mean, half width).
        outcomes: the panels.
    """
    fig = Figure(figsize=(4.2 * len(outcomes), 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(outcomes)))
    labels = list(results)
    for ax, outcome in zip(axes, outcomes, strict=True):
        means = [results[k][outcome][0] for k in labels]
        halves = [results[k][outcome][1] for k in labels]
        ax.bar(np.arange(len(labels)), means, yerr=halves, capsize=5, color=outcome_colour(outcome, "C0"),
               edgecolor="black", linewidth=0.6)
        ax.set_xticks(np.arange(len(labels)), [label.replace(" ", "\n", 1) for label in labels], fontsize=9)
        ax.set_title(BY_NAME[outcome].label)
        ax.set_ylabel("users (mean, 95% interval)")
        ax.grid(alpha=0.3, axis="y")
    return fig


def _note(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, transform=ax.transAxes)
    ax.set_axis_off()
