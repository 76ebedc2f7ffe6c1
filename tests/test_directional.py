"""Directions the literature predicts, averaged over seeds (references in model/ODD.md)."""

import numpy as np
import pytest

from model import SlacktivismModel
from tests.conftest import scenario

SEEDS = range(40)
BASE = dict(network={"kind": "barabasi_albert", "n_users": 3000, "mean_degree": 10}, seeding={"count": 10})


def _mean(key: str, **sections) -> float:
    merged = {**BASE, **sections}
    return float(np.mean([SlacktivismModel(scenario(**merged), rng=s).run()[key] for s in SEEDS]))


def _means(**sections) -> dict:
    merged = {**BASE, **sections}
    runs = [SlacktivismModel(scenario(**merged), rng=s).run() for s in SEEDS]
    means = {k: float(np.mean([r[k] for r in runs])) for k in ("aware", "liked", "shared", "acted")}
    means["organic_acted"] = float(np.mean([r["acted"] - r["n_seeds"] for r in runs]))
    return means


def test_licensing_lowers_actions_while_likes_stay():
    """Kristofferson et al. (2014); Schumann & Klein (2015): public token support substitutes for action."""
    base, licensed = _means(), _means(slacktivism={"licensing": 0.8})
    assert licensed["organic_acted"] < 0.85 * base["organic_acted"]
    assert licensed["liked"] == pytest.approx(base["liked"], rel=0.05)


def test_consistency_raises_actions():
    """Lee & Hsieh (2013): token support as a stepping stone."""
    assert _mean("acted", slacktivism={"consistency": 0.6}) > 1.3 * _mean("acted")


def test_engagement_ranked_feed_raises_reach():
    """Popularity bias: an engagement-ranked feed amplifies what already has engagement."""
    assert _mean("aware", platform={"feed": "engagement"}) > 1.2 * _mean("aware")


def test_hubs_seeding_beats_random_seeding_in_reach_on_a_scale_free_graph():
    assert _mean("aware", seeding={"strategy": "hubs", "count": 10}) > 1.2 * _mean("aware")


def test_hidden_like_counts_lower_likes():
    """Instagram's hidden like counts remove the status payoff and the bandwagon of visible numbers."""
    assert _mean("liked", platform={"like_counts_visible": False}) < 0.8 * _mean("liked")
