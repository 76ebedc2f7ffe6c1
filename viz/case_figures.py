"""Figures that set a real campaign's observed statistics against the model."""

from __future__ import annotations

import textwrap
import warnings

import matplotlib

matplotlib.use("Agg")
import numpy as np
from matplotlib.figure import Figure


def comparison_figure(rows, band=None, *, title: str = "", interval: str = "95% interval") -> Figure:
    """Each statistic's distance from the observed value in tolerances; and a series band, if given.

    Args:
        rows: records with ``statistic``, ``observed``, ``tolerance``,
            ``model_mean``, ``model_low``, ``model_high``, ``passed`` and ``role``.
        band: a record with ``label``, ``steps``, ``mean``, ``low``, ``high``
            and ``points`` (step, observed, tolerance), or None.
    """
    panels = 2 if band is not None else 1
    figure = Figure(figsize=(6.5 * panels, 0.45 * len(rows) + 2.2), layout="constrained")
    axes = figure.subplots(1, panels, squeeze=False)[0]
    ax = axes[0]
    y = np.arange(len(rows))[::-1]
    for yi, r in zip(y, rows, strict=True):
        centre = (r.model_mean - r.observed) / r.tolerance
        low, high = (r.model_low - r.observed) / r.tolerance, (r.model_high - r.observed) / r.tolerance
        colour = "#31a354" if r.passed else "#d95f0e"
        ax.plot([low, high], [yi, yi], color=colour, lw=3, solid_capstyle="butt")
        ax.plot(centre, yi, "o", color=colour)
    ax.axvspan(-1, 1, color="#d9d9d9", alpha=0.6, lw=0, label="within tolerance")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [f"{r.statistic}" + (f" ({r.role})" if r.role else "") for r in rows])
    ax.set_xlabel(f"(model - observed) / tolerance\nmodel mean and {interval}")
    ax.set_title("Statistics against observation")
    ax.legend(loc="lower right", fontsize="small")
    if band is not None:
        ax = axes[1]
        ax.fill_between(band.steps, band.low, band.high, color="#9ecae1", alpha=0.7, lw=0, label="model 95% interval")
        ax.plot(band.steps, band.mean, color="#3182bd", label="model mean")
        steps, observed, tolerance = (np.array(v, dtype=float) for v in zip(*band.points, strict=True))
        ax.errorbar(steps, observed, yerr=tolerance, fmt="s", color="black", capsize=3,
                    label="observed (+/- tolerance)")
        ax.set_xlabel("step")
        ax.set_ylabel(band.label)
        ax.set_title("Curve against observation")
        ax.legend(loc="lower right", fontsize="small")
    if title:
        figure.suptitle(textwrap.fill(title, 60 * panels))
    return figure


def pairs_figure(frame, fits, *, title: str = "") -> Figure:
    """The posterior's 1- and 2-d marginals (pyabc's weighted kernel density matrix), on the priors' ranges."""
    from pyabc.visualization import plot_kde_matrix

    keys = [f.key for f in fits]
    size = 2.6 * len(keys)
    figure = Figure(figsize=(size + 1, size))
    axes = figure.subplots(len(keys), len(keys), squeeze=False)
    limits = {f.key: (f.low, f.high) for f in fits}
    with warnings.catch_warnings():  # pyabc calls tight_layout on a figure that lays itself out
        warnings.simplefilter("ignore", UserWarning)
        plot_kde_matrix(frame[keys], frame["weight"].to_numpy(), limits=limits, arr_ax=axes, colorbar=False)
    if title:
        figure.suptitle(title)
    figure.tight_layout(rect=(0, 0, 1, 0.96))
    return figure


def rank_figure(ranks: dict, bins: int, pvalues: dict, *, title: str = "") -> Figure:
    """Simulation-based calibration's rank histograms, one panel per fitted key (Talts et al. 2018).

    Args:
        ranks: key -> the true value's posterior rank in each trial (in [0, 1]).
        bins: histogram bins; the band is the 99% range of a bin's count under uniform ranks (binomial).
        pvalues: key -> the chi-square test's p-value against uniform.
    """
    from scipy import stats

    keys = list(ranks)
    figure = Figure(figsize=(3.4 * len(keys), 3.0), layout="constrained")
    axes = figure.subplots(1, len(keys), squeeze=False)[0]
    for ax, key in zip(axes, keys, strict=True):
        r = np.clip(np.asarray(ranks[key], dtype=float), 0.0, 1.0)
        n = len(r)
        low, high = stats.binom.ppf([0.005, 0.995], n, 1.0 / bins)
        ax.axhspan(low, high, color="#d9d9d9", alpha=0.7, lw=0, label="99% under uniform ranks")
        ax.axhline(n / bins, color="black", lw=0.8)
        ax.hist(r, bins=bins, range=(0.0, 1.0), color="#3182bd", edgecolor="white")
        ax.set_title(f"{key}\nchi-square p = {pvalues[key]:.3g}", fontsize="medium")
        ax.set_xlabel("rank of the true value in its posterior")
    axes[0].set_ylabel(f"trials (of {len(next(iter(ranks.values())))})")
    axes[0].legend(loc="upper left", fontsize="x-small")
    if title:
        figure.suptitle(title)
    return figure
