"""Figures of a sweep report (``slacktivism report``): matplotlib only, no file reading."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
from matplotlib.figure import Figure

from model.metrics import FUNNEL
from viz.figures import outcome_colour

SERIES_COLOURS = {name: outcome_colour(name) for name in FUNNEL}


def save(fig: Figure, stem: Path) -> list[Path]:
    """Save as PNG and SVG."""
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    fig.savefig(paths[0], dpi=110)
    fig.savefig(paths[1])
    return paths


def _label(row, keys) -> str:
    return ", ".join(f"{k.split('.')[-1]}={_short(row[k])}" for k in keys) or "all runs"


def _short(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, str) and value.startswith("{"):  # a mapping value, e.g. a distribution
        try:
            return " ".join(str(v) for v in json.loads(value).values())
        except ValueError:
            return value
    return str(value)


def _order(values):
    """Numbers by value; mappings by their contents; everything else as given."""
    def key(v):
        if isinstance(v, str) and v.startswith("{"):
            try:
                return (1, tuple((0, x, "") if isinstance(x, (int, float)) else (1, 0, str(x))
                                 for x in json.loads(v).values()))
            except ValueError:
                return (2, v)
        return (0, v) if isinstance(v, (int, float)) else (2, str(v))
    return sorted(values, key=key)


def outcomes_figure(table, keys, outcomes) -> Figure:
    """Mean and 95% interval of each outcome against the first varied key (one line per other combination)."""
    cols = min(3, len(outcomes))
    rows = int(np.ceil(len(outcomes) / cols))
    fig = Figure(figsize=(4.2 * cols, 3.2 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    x_key = keys[0] if keys else None
    groups = table.groupby(list(keys[1:]), sort=True) if len(keys) > 1 else [((), table)]
    for ax, outcome in zip(axes, outcomes, strict=False):
        for name, unsorted in groups:
            group = unsorted.sort_values(x_key) if x_key else unsorted
            x = group[x_key].astype(str) if x_key and group[x_key].dtype == object else (
                group[x_key] if x_key else np.zeros(len(group)))
            mean = group[f"{outcome}_mean"]
            err = np.vstack([mean - group[f"{outcome}_ci_low"], group[f"{outcome}_ci_high"] - mean])
            label = ", ".join(_short(v) for v in (name if isinstance(name, tuple) else (name,))) or None
            ax.errorbar(x, mean, yerr=err, marker="o", capsize=3, label=label)
        ax.set_title(outcome)
        ax.set_xlabel(x_key or "")
        ax.grid(alpha=0.3)
    if len(keys) > 1:
        axes[len(outcomes) - 1].legend(title=", ".join(k.split(".")[-1] for k in keys[1:]), fontsize=7, frameon=False)
    fig.suptitle("Outcomes: mean and 95% confidence interval over replicates")
    return fig


def scatter_figure(table, keys, outcomes=("acted", "liked")) -> Figure:
    """For sampled designs: each outcome's mean against each sampled key, one point per sample."""
    fig = Figure(figsize=(3.2 * len(keys), 2.8 * len(outcomes)), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(outcomes), len(keys), squeeze=False))
    for r, outcome in enumerate(outcomes):
        for c, key in enumerate(keys):
            ax = axes[r, c]
            ax.scatter(table[key], table[f"{outcome}_mean"], s=6, alpha=0.6,
                       color=SERIES_COLOURS.get(outcome, "C0"))
            ax.set_xlabel(key, fontsize=8)
            ax.grid(alpha=0.3)
        axes[r, 0].set_ylabel(f"mean {outcome}")
    fig.suptitle("Outcomes over the sampled design (one point per sample)")
    return fig


def timeseries_figure(bands, table, keys, max_panels: int = 12) -> Figure:
    """Per combination, the mean and 95% band of reach, likes, shares and actions over steps."""
    combos = sorted(bands["combination"].unique())[:max_panels]
    cols = min(4, len(combos))
    rows = int(np.ceil(len(combos) / cols))
    fig = Figure(figsize=(3.6 * cols, 2.8 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, sharey=True)).ravel()
    # Actions are tens where reach is thousands: a symmetric log axis (linear below 10) shows both.
    axes[0].set_yscale("symlog", linthresh=10)
    labels = {r["combination"]: _label(r, keys) for _, r in table.iterrows()}
    for ax, combo in zip(axes, combos, strict=False):
        part = bands[bands["combination"] == combo]
        for column, colour in SERIES_COLOURS.items():
            ax.plot(part["step"], part[f"{column}_mean"], color=colour, label=column)
            ax.fill_between(part["step"], part[f"{column}_low"], part[f"{column}_high"], color=colour, alpha=0.25)
        ax.set_title(labels.get(combo, str(combo)), fontsize=8)
        ax.grid(alpha=0.3)
    for ax in axes[len(combos):]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7, frameon=False)
    fig.suptitle("Over time: mean and 95% band over replicates (log scale above 10)")
    return fig


def heatmap_figure(table, x_key, y_key, outcome) -> Figure:
    """Mean of an outcome over two varied keys (averaged over any others)."""
    grid = table.pivot_table(index=y_key, columns=x_key, values=f"{outcome}_mean", aggfunc="mean")
    grid = grid.reindex(index=_order(grid.index), columns=_order(grid.columns))
    fig = Figure(figsize=(5.5, 4.2), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(grid.shape[1]), [_short(v) for v in grid.columns], rotation=45, fontsize=8)
    ax.set_yticks(range(grid.shape[0]), [_short(v) for v in grid.index], fontsize=8)
    ax.set_xlabel(x_key)
    ax.set_ylabel(y_key)
    for (i, j), value in np.ndenumerate(grid.to_numpy()):
        text = f"{value:.0f}" if abs(value) >= 10 else f"{value:.2g}"
        ax.text(j, i, text, ha="center", va="center", fontsize=7, color="white")
    fig.colorbar(image, ax=ax, label=f"mean {outcome}")
    return fig


def sensitivity_figure(indices, method) -> Figure:
    """Sensitivity indices with 95% intervals, one panel per outcome."""
    outcomes = list(dict.fromkeys(indices["outcome"]))
    fig = Figure(figsize=(5 * len(outcomes), 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(outcomes)))
    for ax, outcome in zip(axes, outcomes, strict=True):
        part = indices[indices["outcome"] == outcome]
        y = np.arange(len(part))
        if method == "sobol":
            ax.barh(y - 0.2, part["S1"], 0.4, xerr=part["S1_conf"], label="first order S1", capsize=3)
            ax.barh(y + 0.2, part["ST"], 0.4, xerr=part["ST_conf"], label="total ST", capsize=3)
        else:
            ax.barh(y, part["mu_star"], 0.6, xerr=part["mu_star_conf"], label="mu*", capsize=3)
        ax.set_yticks(y, part["key"], fontsize=8)
        ax.set_title(f"what drives {outcome}")
        ax.grid(alpha=0.3, axis="x")
        ax.legend(fontsize=7, frameon=False)
    return fig


def differences_figure(differences, keys) -> Figure:
    """Each combination minus the reference, per outcome, with the paired 95% interval (one panel per outcome)."""
    outcomes = list(dict.fromkeys(differences["outcome"]))
    fig = Figure(figsize=(4.2 * len(outcomes), 0.9 + 0.35 * differences["combination"].nunique()),
                 layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(outcomes), sharey=True))
    for ax, outcome in zip(axes, outcomes, strict=True):
        part = differences[differences["outcome"] == outcome].reset_index(drop=True)
        y = np.arange(len(part))
        err = np.vstack([part["difference"] - part["ci_low"], part["ci_high"] - part["difference"]])
        ax.errorbar(part["difference"], y, xerr=err, fmt="o", capsize=3, color=outcome_colour(outcome))
        ax.axvline(0, color="0.4", linewidth=0.8)
        ax.set_yticks(y, [_label(r, keys) for _, r in part.iterrows()], fontsize=7)
        ax.set_title(f"{outcome}: difference")
        ax.grid(alpha=0.3, axis="x")
    reference = differences["reference"].iloc[0]
    fig.suptitle(f"Each combination minus combination {reference}: mean and 95% interval over paired replicates")
    return fig
