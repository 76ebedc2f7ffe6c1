"""The app's opening campaign (scenarios/classroom.yaml): in the published funnel, and a control moves actions.

In the old opening campaign about 0.7 participants acted per run, so no control could show a class an
effect on actions. These checks use tests/test_directional.py's style: 20 seeds, paired arms (common random
numbers), pooled funnel ratios with a bootstrap interval that must sit inside the published range, and the
paired difference's 95% t interval in every message.
"""

import numpy as np
import pytest

from model import SlacktivismModel, load_scenario
from tests.conftest import SCENARIOS
from tests.test_directional import FUNNEL_RANGES, _funnel, _paired, _ratio_of_means
from viz.controls import DEFAULT_SCENARIO

pytestmark = pytest.mark.slow

SEEDS = range(20)


def _runs(overrides=None):
    """(summary, participants' actions by step 2) per seed."""
    spec = load_scenario(SCENARIOS / f"{DEFAULT_SCENARIO}.yaml", overrides or {})
    out = []
    for seed in SEEDS:
        model = SlacktivismModel(spec, rng=seed)
        summary = model.run()
        early = int(model.timeseries()["acted"].iloc[2]) - summary["n_seeds"]
        out.append((summary, early))
    return out


@pytest.fixture(scope="module")
def default_runs():
    return _runs()


def test_the_opening_campaign_sits_in_the_published_funnel(default_runs):
    for name, (num, den) in _funnel([(r, None) for r, _ in default_runs]).items():
        low, high = FUNNEL_RANGES[name]
        ratio, lo, hi = _ratio_of_means(num, den)
        assert low <= lo and hi <= high, \
            f"{name} {ratio:.4f} (95% bootstrap CI {lo:.4f} to {hi:.4f}, {len(num)} seeds), published {low} to {high}"


def test_easier_acting_visibly_moves_participants_actions_within_two_steps(default_runs):
    easier = _runs({"decision.cost_act": 2.0})
    final_a = [r["acted_participants"] for r, _ in default_runs]
    final_b = [r["acted_participants"] for r, _ in easier]
    _mean, low, _high, text = _paired(final_a, final_b)
    assert low > 5 and np.mean(final_b) > 3 * np.mean(final_a), f"participants' actions at the end: {text}"
    _early_mean, early_low, _h, early = _paired([e for _, e in default_runs], [e for _, e in easier])
    assert early_low > 2, f"participants' actions by step 2: {early}"
    # Likes do not move: actions answer the cost of acting, likes do not (the lesson's point).
    _m, like_low, like_high, likes = _paired([r["liked"] for r, _ in default_runs], [r["liked"] for r, _ in easier])
    assert like_low > -10 and like_high < 10, f"likes: {likes}"


def test_the_default_world_b_halves_likes_and_leaves_actions(default_runs):
    call = _runs({"campaign.framing": 1.0})
    _m, _lo, high, likes = _paired([r["liked"] for r, _ in default_runs], [r["liked"] for r, _ in call])
    assert high < -0.4 * np.mean([r["liked"] for r, _ in default_runs]), f"likes: {likes}"
    _m, low, high, acts = _paired([r["acted_participants"] for r, _ in default_runs],
                                  [r["acted_participants"] for r, _ in call])
    assert low < 1 and high > -1, f"participants' actions: {acts}"
