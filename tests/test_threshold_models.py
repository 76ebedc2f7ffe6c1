"""The model reduces exactly to the classic threshold models (references in model/ODD.md)."""

import math

import numpy as np
import pytest
from scipy import optimize, stats

from model import SlacktivismModel
from tests.conftest import dense_followee_matrix, threshold_scenario


def test_granovetter_riot_everyone_acts():
    """Granovetter (1978): thresholds 0..99 on a complete graph: all 100 act, one a step."""
    model = SlacktivismModel(threshold_scenario({"kind": "complete", "n_users": 100}, range(100)))
    summary = model.run()
    assert summary["acted"] == 100
    # The domino effect: the user with threshold k acts at step k + 1.
    assert list(model.pop.step_acted) == [k + 1 for k in range(100)]


def test_granovetter_riot_one_change_one_actor():
    """Replace the threshold-1 user by a threshold-2 user: only the instigator acts."""
    thresholds = list(range(100))
    thresholds[1] = 2
    summary = SlacktivismModel(threshold_scenario({"kind": "complete", "n_users": 100}, thresholds)).run()
    assert summary["acted"] == 1
    # The instigator acts at step 1; followers learn of it at step 2; step 3 changes nothing: stop.
    assert summary["steps_run"] == 3


def test_instigators_act_at_step_one_with_no_one_else():
    thresholds = [0, 0, 5, 5, 5, -1.0]
    model = SlacktivismModel(threshold_scenario({"kind": "complete", "n_users": 6}, thresholds))
    model.step()
    assert model.pop.acted.tolist() == [True, True, False, False, False, True]
    assert model.current["acted"] == 3


def test_updates_are_synchronous_one_hop_per_step():
    """On a ring with count threshold 1, a user at distance d acts at step d exactly."""
    n = 41
    model = SlacktivismModel(threshold_scenario(
        {"kind": "ring_lattice", "n_users": n, "mean_degree": 2}, [1] * n,
        seeding={"strategy": "explicit", "users": [0]}))
    model.run()
    distance = np.minimum(np.arange(n), n - np.arange(n))
    assert model.pop.step_acted.tolist() == distance.tolist()


@pytest.mark.parametrize("kind", ["count", "fraction"])
@pytest.mark.parametrize("seed", range(5))
def test_matches_the_definition_on_random_graphs(kind, seed):
    """Against a direct dense-matrix implementation of the synchronous threshold rule."""
    rng = np.random.default_rng(seed)
    n = 60
    if kind == "count":
        thresholds = rng.integers(0, 4, n).astype(float)
    else:
        thresholds = rng.uniform(0.0, 0.5, n)
    sc = threshold_scenario({"kind": "erdos_renyi", "n_users": n, "mean_degree": 4, "directed": bool(seed % 2)},
                            thresholds, kind=kind, seeding={"strategy": "random", "count": 2}, steps=200)
    model = SlacktivismModel(sc, rng=seed)
    a = dense_followee_matrix(model.graph)
    acted = model.pop.acted.copy()
    history = [acted.copy()]
    while True:
        count = a @ acted
        k = a.sum(axis=1)
        proof = count if kind == "count" else np.where(k > 0, count / np.maximum(k, 1), 0.0)
        nxt = acted | (proof >= thresholds)
        if (nxt == acted).all():
            break
        acted = nxt
        history.append(acted.copy())
    model.run()
    assert model.pop.acted.tolist() == acted.tolist()
    # The changing steps, a step in which the last actions are seen, and the quiet step that stops the run.
    assert len(history) <= model.steps <= len(history) + 1
    for step, state in enumerate(history):
        assert ((model.pop.step_acted >= 0) & (model.pop.step_acted <= step)).tolist() == state.tolist()


def _watts_global_cascade_probability(z: float, phi: float) -> float:
    """Probability that one random seed triggers a global cascade (Watts 2002, generating functions).

    A neighbour with degree k is vulnerable if 1/k >= phi. Let u be the chance
    that an edge does not lead into the infinite vulnerable cluster:
    u = 1 - sum_k q_k rho_{k+1} (1 - u^k), q_k the excess-degree distribution
    of a Poisson(z) graph. The seed acts, and a global cascade follows if any
    of its edges leads into that cluster: 1 - G0(u) = 1 - exp(z (u - 1)).
    """
    kmax = 60
    k = np.arange(kmax)
    q = stats.poisson.pmf(k, z)  # excess degree of a Poisson graph is Poisson
    vulnerable = np.array([1.0 if (kk + 1) * phi <= 1 else 0.0 for kk in k])

    def f(u):
        return 1 - np.sum(q * vulnerable * (1 - u ** k)) - u

    u = optimize.brentq(f, 0.0, 1.0 - 1e-12) if f(0.0) > 0 > f(1.0 - 1e-9) else 1.0
    return 1.0 - math.exp(z * (u - 1.0))


@pytest.mark.slow
@pytest.mark.parametrize("z", [2.0, 3.0, 4.0, 8.0])
def test_watts_cascade_window(z):
    """Watts (2002): the frequency of global cascades from one seed, phi = 0.18, n = 10,000."""
    phi, n, runs = 0.18, 10_000, 60
    sc = threshold_scenario({"kind": "erdos_renyi", "n_users": n, "mean_degree": z},
                            {"dist": "constant", "value": phi}, kind="fraction",
                            seeding={"strategy": "random", "count": 1})
    sizes = np.array([SlacktivismModel(sc, rng=seed).run()["acted"] / n for seed in range(runs)])
    frequency = np.mean(sizes > 0.1)
    expected = _watts_global_cascade_probability(z, phi)
    tolerance = 3.5 * math.sqrt(max(expected * (1 - expected), 0.01) / runs) + 0.05
    assert abs(frequency - expected) <= tolerance, (frequency, expected)
    if z == 8.0:
        assert expected < 0.01 and frequency <= 1 / runs  # beyond the window's upper edge (~5.7)
    else:
        # Inside the window a global cascade fills (nearly) the giant component, S = 1 - exp(-z S).
        giant = optimize.brentq(lambda s: 1 - math.exp(-z * s) - s, 1e-6, 1.0)
        assert 0.95 * giant <= np.mean(sizes[sizes > 0.1]) <= giant + 0.01


def test_watts_window_edges_from_theory():
    """The analytic window for phi = 0.18 runs from z ~ 1 to z ~ 5.7 (Watts 2002, Fig. 1)."""
    assert _watts_global_cascade_probability(0.8, 0.18) == pytest.approx(0.0, abs=1e-9)
    assert _watts_global_cascade_probability(3.0, 0.18) > 0.5
    assert _watts_global_cascade_probability(6.5, 0.18) == pytest.approx(0.0, abs=1e-9)


def test_centola_macy_complex_contagion_needs_clustering():
    """Centola & Macy (2007): with threshold 2, a ring lattice spreads fully; random ties stop it."""
    n = 400
    seeds = {"strategy": "explicit", "users": [0, 1]}
    lattice = threshold_scenario({"kind": "ring_lattice", "n_users": n, "mean_degree": 4}, [2] * n, seeding=seeds)
    assert SlacktivismModel(lattice).run()["acted"] == n
    rewired = threshold_scenario({"kind": "watts_strogatz", "n_users": n, "mean_degree": 4, "rewire_prob": 1.0},
                                 [2] * n, seeding=seeds)
    fractions = [SlacktivismModel(rewired, rng=s).run()["acted"] / n for s in range(20)]
    assert np.mean(fractions) < 0.1


def test_centola_macy_long_ties_speed_simple_contagion():
    """With threshold 1 the lattice needs ceil((n-2)/4) steps; a few long ties make it much faster."""
    n = 400
    seeds = {"strategy": "explicit", "users": [0, 1]}
    lattice = SlacktivismModel(threshold_scenario(
        {"kind": "ring_lattice", "n_users": n, "mean_degree": 4}, [1] * n, seeding=seeds))
    lattice.run()
    assert lattice.pop.step_acted.max() == math.ceil((n - 2) / 4)
    times = []
    for s in range(10):
        m = SlacktivismModel(threshold_scenario(
            {"kind": "watts_strogatz", "n_users": n, "mean_degree": 4, "rewire_prob": 0.1}, [1] * n,
            seeding=seeds), rng=s)
        m.run()
        if m.pop.acted.all():
            times.append(m.pop.step_acted.max())
    assert len(times) >= 8 and np.mean(times) < 0.5 * math.ceil((n - 2) / 4)


@pytest.mark.parametrize(("sd", "low"), [(6.0, True), (18.0, False)])
def test_granovetter_normal_crowds(sd, low):
    """Granovetter (1978): N = 100, thresholds ~ Normal(25, sd): a handful act below sd ~ 12, nearly all above."""
    sc = threshold_scenario({"kind": "complete", "n_users": 100}, {"dist": "normal", "mean": 25, "sd": sd})
    outcomes = np.array([SlacktivismModel(sc, rng=s).run()["acted"] for s in range(40)])
    if low:
        assert np.mean(outcomes) < 10
    else:
        assert np.mean(outcomes) > 90
