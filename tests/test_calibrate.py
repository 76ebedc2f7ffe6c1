"""`slacktivism calibrate`: ABC-SMC with pyabc, on local and Dask workers, resumable, honest by SBC."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from model.scenario_files import load_scenario
from slacktivism.cli import main
from tests.conftest import ROOT, SCENARIOS, dask_cluster, stored_generations

DARFUR = SCENARIOS / "cases" / "save_darfur.data.yaml"


def _small_case(tmp_path: Path, observed: float = -1.2, tolerance: float = 0.3) -> Path:
    """A 500-user campaign whose like rate (likes per user reached, log10) was 'observed'."""
    scenario = {"name": "small", "seed": 0, "steps": 40,
                "network": {"kind": "barabasi_albert", "n_users": 500, "mean_degree": 20},
                "seeding": {"strategy": "random", "count": 20}}
    (tmp_path / "small.yaml").write_text(yaml.safe_dump(scenario))
    data = {"case": "small", "title": "a small synthetic case", "scenario": "small.yaml",
            "sources": {"synthetic": "a value chosen for the test, inside the range the prior can produce"},
            "statistics": [{"name": "like_rate", "observed": observed, "tolerance": tolerance,
                            "source": "synthetic", "model": {"ratio": ["liked", "aware"], "log10": True}}]}
    path = tmp_path / "small.data.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _args(case: Path, out: Path, *extra: str) -> list[str]:
    return ["calibrate", str(case), "--fit", "decision.cost_like=1.2:1.9", "--out", str(out), "--population", "30",
            "--generations", "3", "--epsilon", "0.01", "--replicates", "2", "--seed", "3", "--predictive", "6",
            *extra]


@pytest.mark.slow
def test_simulation_based_calibration_covers_the_truth(tmp_path):
    """Talts et al. (2018): true values drawn from the prior fall in the 90% intervals about 90% of the time."""
    from slacktivism.executors import LocalExecutor
    from slacktivism.sbc import HIGH, LOW, run_trials

    executor = LocalExecutor(2)
    executor.start()
    try:
        trials = run_trials(6, tmp_path, executor)
    finally:
        executor.close()
    covered = sum(t.covered for t in trials)
    width = np.mean([t.high - t.low for t in trials]) / (HIGH - LOW)
    detail = ", ".join(f"{t.truth:.3f} in [{t.low:.3f}, {t.high:.3f}]" for t in trials)
    # Binomial(6, 0.9): P(at most 3 covered) = 0.016, so 4 or more is what a calibrated method gives.
    assert covered >= 4, f"90% intervals covered {covered} of 6 true values: {detail}"
    # ... and not by returning the prior: the data must narrow the interval.
    assert width < 0.6, f"mean 90% interval is {width:.0%} of the prior's width: {detail}"
    assert all(t.epsilon <= 1.0 for t in trials), "each calibration reaches the data's tolerance"


@pytest.mark.slow
def test_killed_calibration_resumes_to_the_uninterrupted_result(tmp_path):
    case = _small_case(tmp_path)
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    assert main(_args(case, whole, "--workers", "1")) == 0
    command = [sys.executable, "-m", "slacktivism", *_args(case, killed, "--workers", "1")]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 240
    while stored_generations(killed / "calibration.db") < 1:
        assert process.poll() is None, "the calibration ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    before = stored_generations(killed / "calibration.db")
    assert 1 <= before < 3, f"killed after {before} generations"
    assert not (killed / "posterior.csv").exists()
    assert main(_args(case, killed, "--workers", "1")) == 0
    a, b = pd.read_csv(whole / "posterior.csv"), pd.read_csv(killed / "posterior.csv")
    pd.testing.assert_frame_equal(a, b)
    ga, gb = pd.read_csv(whole / "generations.csv"), pd.read_csv(killed / "generations.csv")
    assert len(ga) == len(gb) == 3
    pd.testing.assert_frame_equal(ga, gb)


@pytest.mark.slow
def test_dask_cluster_and_local_pool_give_the_same_posterior(tmp_path):
    """Particles are seeded by (seed, generation, job), so the executor and its timing do not matter."""
    case = _small_case(tmp_path)
    local, cluster = tmp_path / "local", tmp_path / "cluster"
    assert main(_args(case, local, "--workers", "2")) == 0
    with dask_cluster(2) as address:
        assert main(_args(case, cluster, "--scheduler", address)) == 0
    pd.testing.assert_frame_equal(pd.read_csv(local / "posterior.csv"), pd.read_csv(cluster / "posterior.csv"))


@pytest.mark.slow
def test_outputs_of_a_calibration(tmp_path, capsys):
    case = _small_case(tmp_path)
    out = tmp_path / "out"
    assert main(_args(case, out, "--workers", "2")) == 0
    printed = capsys.readouterr().out
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert list(posterior.columns) == ["decision.cost_like", "weight"]
    assert len(posterior) == 30 and posterior["weight"].sum() == pytest.approx(1.0)
    assert posterior["decision.cost_like"].between(1.2, 1.9).all()
    pd.testing.assert_frame_equal(pd.read_csv(out / "posterior.csv"), posterior, check_exact=False, rtol=1e-12)
    predictive = pd.read_csv(out / "predictive.csv")
    assert list(predictive["role"]) == ["fitted"]
    assert (predictive["predictive_5"] <= predictive["predictive_95"]).all()
    for figure in ("pairs.png", "predictive.png"):
        assert (out / figure).stat().st_size > 10_000
    calibrated = load_scenario(out / "calibrated.yaml")
    median = calibrated.decision.cost_like
    assert 1.2 <= median <= 1.9
    assert "sha256" in calibrated.description and "pyabc" in calibrated.description
    assert "posterior predictive" in printed


@pytest.mark.slow
def test_a_fit_that_misses_on_fresh_seeds_is_rejected_not_calibrated(tmp_path, capsys):
    """Likes per user reached cannot exceed 1 (log10 0): an observed 0.5 +/- 0.1 is out of any prior's reach.

    The posterior and its predictive are still written, but the scenario is rejected.yaml, not
    calibrated.yaml, its description says which fitted statistic missed on fresh seeds, and the exit is 1.
    """
    case = _small_case(tmp_path, observed=0.5, tolerance=0.1)
    out = tmp_path / "out"
    (out).mkdir()
    assert main(_args(case, out, "--workers", "2")) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "not calibrated" in err and "like_rate" in err and "rejected.yaml" in err
    assert not (out / "calibrated.yaml").exists()
    rejected = load_scenario(out / "rejected.yaml")
    assert rejected.description.startswith("REJECTED: on fresh seeds like_rate")
    predictive = pd.read_csv(out / "predictive.csv")
    assert predictive.loc[0, "model_mean"] <= 0 and not predictive.loc[0, "passed"]
    assert (out / "posterior.parquet").exists()


def test_rank_uniformity_is_a_chi_square_test():
    """Equal counts fit a uniform exactly (p = 1); all ranks in one of four bins is chi-square 60 on 3 degrees of
    freedom, p about 6e-13."""
    from slacktivism.sbc import uniformity

    counts, p = uniformity(np.array([0.1, 0.3, 0.6, 0.9] * 5), bins=4)
    assert counts.tolist() == [5, 5, 5, 5] and p == pytest.approx(1.0)
    counts, p = uniformity(np.full(20, 0.05), bins=4)
    assert counts.tolist() == [20, 0, 0, 0] and 1e-13 < p < 1e-11


@pytest.mark.slow
def test_a_key_the_statistic_ignores_ranks_at_its_prior_quantile(tmp_path):
    """With no asks, campaign.ask_odds changes nothing, so its posterior is its prior and the truth's rank is the
    prior's CDF at the truth, (truth - 1) / 4, up to the Monte Carlo error of 60 weighted particles (sd <= 0.065).
    """
    from model.case_files import load_case
    from model.scenario_files import load_scenario as load
    from slacktivism.calibrate import Fit
    from slacktivism.executors import LocalExecutor
    from slacktivism.sbc import rank_trials

    case = load_case(_small_case(tmp_path))
    assert not load(tmp_path / "small.yaml").campaign.asks
    fits = [Fit("decision.cost_like", 1.2, 1.9, False), Fit("campaign.ask_odds", 1.0, 5.0, False)]
    executor = LocalExecutor(2)
    executor.start()
    try:
        trials = rank_trials(case, fits, ["like_rate"], 3, tmp_path / "sbc", executor, replicates=2,
                             population=60, generations=2, seed=5)
    finally:
        executor.close()
    for t in trials:
        quantile = (t.truth["campaign.ask_odds"] - 1.0) / 4.0
        assert abs(t.rank["campaign.ask_odds"] - quantile) < 0.26, (t.truth, t.rank)
        assert 0.0 <= t.rank["decision.cost_like"] <= 1.0


def test_a_prior_the_data_cannot_narrow_is_reported(tmp_path):
    """A key the statistic does not depend on keeps its prior's spread: the warning must say so."""
    from slacktivism.calibrate import Fit
    from slacktivism.posterior import warnings_for

    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.uniform(0, 1, 400), "b": rng.normal(0.5, 0.02, 400)})
    frame["weight"] = 1 / 400
    found = warnings_for(frame, [Fit("a", 0, 1, False), Fit("b", 0, 1, False)])
    assert len(found) == 1 and found[0].startswith("a: the posterior is hardly narrower"), found


def test_two_modes_and_a_trade_off_are_reported():
    from slacktivism.calibrate import Fit
    from slacktivism.posterior import warnings_for

    rng = np.random.default_rng(2)
    a = np.concatenate([rng.normal(0.2, 0.03, 200), rng.normal(0.8, 0.03, 200)])
    b = 1 - a + rng.normal(0, 0.01, 400)
    frame = pd.DataFrame({"a": a, "b": b, "weight": 1 / 400})
    found = " | ".join(warnings_for(frame, [Fit("a", 0, 1, False), Fit("b", 0, 1, False)]))
    assert "a: the posterior has 2 modes" in found and "trade off" in found, found


def test_a_ridge_of_fits_is_one_unidentified_direction_and_one_constrained():
    """Particles along the ridge a + b = 1: the open direction is (a - b), with the ridge's spread; a + b is pinned.

    On priors U(0, 1) a key's prior sd is 1/sqrt(12). Along the ridge, a is
    uniform on [0.1, 0.9], so (a - b)/sqrt(2) has sd 0.8 sqrt(2)/sqrt(12),
    which is 0.8 sqrt(2) of the prior's; across it, sd 0.01 sqrt(12).
    """
    from slacktivism.calibrate import Fit
    from slacktivism.posterior import directions, identification_notes

    rng = np.random.default_rng(5)
    a = rng.uniform(0.1, 0.9, 20_000)
    b = 1 - a + rng.normal(0, 0.01, len(a))
    frame = pd.DataFrame({"x.a": a, "x.b": b, "weight": 1 / len(a)})  # dotted, as scenario keys are
    fits = [Fit("x.a", 0, 1, False), Fit("x.b", 0, 1, False)]
    table = directions(frame, fits)
    wide, narrow = table.iloc[0], table.iloc[1]
    assert wide["sd_ratio"] == pytest.approx(0.8 * np.sqrt(2), rel=0.02), table
    assert narrow["sd_ratio"] == pytest.approx(0.01 * np.sqrt(12) / np.sqrt(2), rel=0.05), table
    assert wide["x.a"] == pytest.approx(-wide["x.b"], abs=0.01)
    assert abs(wide["x.a"]) == pytest.approx(0.5 ** 0.5, abs=0.01)
    notes = identification_notes(frame, fits, fitted=1)
    assert notes[0].startswith("2 keys fitted to 1 statistic(s): at least 1 direction"), notes
    assert "(unidentified)" in notes[1] and "(constrained)" in notes[2], notes


def test_statistics_are_conditioned_on_take_off_and_failures_counted(tmp_path):
    """With a take-off rule the simulator's statistic is the mean over the runs that took off, read from the runs."""
    from model import SlacktivismModel
    from model.case_files import TakeOff, load_case
    from model.randomness import spawn_seeds
    from model.scenario import Scenario
    from slacktivism.calibrate import CaseSimulator

    case = load_case(_small_case(tmp_path))
    base = case.scenario.model_dump(mode="json")
    seeds = spawn_seeds(11, 8)
    runs = [SlacktivismModel(Scenario.model_validate({**base, "seed": s})).run() for s in seeds]
    engaged = np.array([r["engaged_participants"] for r in runs])
    rule = TakeOff(summary="engaged_participants", at_least=float(np.median(engaged)) + 0.5)
    kept = engaged >= rule.at_least
    assert 0 < kept.sum() < len(kept), engaged  # the rule splits these runs, so conditioning changes something
    expected = np.log10(np.mean([r["liked"] / r["aware"] for r, k in zip(runs, kept, strict=True) if k]))
    out, failed = CaseSimulator(base, [], seeds, case.statistics, rule).outcomes({})
    assert out["like_rate"] == pytest.approx(expected) and failed == pytest.approx(1 - kept.mean()), (out, failed)
    never = TakeOff(summary="engaged_participants", at_least=1e9)
    assert CaseSimulator(base, [], seeds, case.statistics, never).outcomes({}) == ({"like_rate": np.inf}, 1.0)


def test_a_take_off_rule_per_user_is_a_share_of_the_population():
    """0.5% of 10,000 users is 50 engaged; of 2,000 it is 10: the rule keeps its meaning at another scale."""
    from model.case_files import TakeOff

    rule = TakeOff(summary="engaged_participants", at_least=0.005, per_user=True)
    assert rule.holds({"engaged_participants": 50, "n_users": 10_000})
    assert not rule.holds({"engaged_participants": 49, "n_users": 10_000})
    assert rule.holds({"engaged_participants": 10, "n_users": 2_000})
    counts = TakeOff(summary="engaged_participants", at_least=50)
    assert not counts.holds({"engaged_participants": 10, "n_users": 2_000})


@pytest.mark.parametrize("fit, problem", [
    ("decision.cost_lik=1:2", "not a scenario key that can be fitted; did you mean decision.cost_like?"),
    ("decision.cost_like=-1:2", "bound -1 is not allowed"),
    ("decision.cost_like=2:1", "LOW must be below HIGH"),
    ("decision.cost_like=1", "expected KEY=LOW:HIGH"),
    ("platform.feed=0:1", "only numeric keys can be fitted"),
])
def test_bad_fits_are_one_line_and_leave_nothing(tmp_path, capsys, fit, problem):
    out = tmp_path / "out"
    assert main(["calibrate", str(DARFUR), "--fit", fit, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert problem in err and err.count("\n") == 1, err
    assert not out.exists()


def test_unknown_statistic_and_bad_data_file_are_one_line(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["calibrate", str(DARFUR), "--fit", "decision.cost_act=2:3", "--statistics", "mean_gift",
                 "--out", str(out)]) == 2
    assert "mean_gift: not a statistic of this case" in capsys.readouterr().err
    bad = tmp_path / "bad.data.yaml"
    text = DARFUR.read_text().replace("summary: recruited_none_by_invitation_share", "summary: recruited_via_email")
    assert text != DARFUR.read_text()
    bad.write_text(text.replace("scenario: save_darfur.yaml", f"scenario: {DARFUR.parent / 'save_darfur.yaml'}"))
    assert main(["calibrate", str(bad), "--fit", "decision.cost_act=2:3", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "'recruited_via_email' is not a model output" in err and err.count("\n") == 1
    assert not out.exists()
    text = DARFUR.read_text().replace("summary: engaged_participants", "summary: members")
    assert text != DARFUR.read_text()
    bad.write_text(text.replace("scenario: save_darfur.yaml", f"scenario: {DARFUR.parent / 'save_darfur.yaml'}"))
    assert main(["calibrate", str(bad), "--fit", "decision.cost_act=2:3", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "take_off.summary: 'members' is not a run-level outcome" in err and err.count("\n") == 1, err
    assert not out.exists()


@pytest.mark.slow
def test_a_directory_holding_another_calibration_is_refused(tmp_path, capsys):
    case = _small_case(tmp_path)
    out = tmp_path / "out"
    assert main(_args(case, out, "--workers", "1")) == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    capsys.readouterr()
    other = ["calibrate", str(case), "--fit", "decision.cost_like=1.3:1.9", "--out", str(out)]
    assert main(other) == 2
    err = capsys.readouterr().err
    assert "holds another calibration" in err and err.count("\n") == 1
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    more = _args(case, out, "--workers", "1")
    more[more.index("--generations") + 1] = "4"
    assert main(more) == 0, "more generations continue the same calibration"
    assert len(pd.read_csv(out / "generations.csv")) == 4
    (tmp_path / "sweep").mkdir()
    (tmp_path / "sweep" / "manifest.json").write_text("{}")
    assert main(["calibrate", str(case), "--fit", "decision.cost_like=1.3:1.9", "--out", str(tmp_path / "sweep")]) == 2
    assert "holds other files" in capsys.readouterr().err


@pytest.mark.slow
def test_a_lost_worker_stops_with_one_line_and_keeps_the_generations(tmp_path):
    """Kill a pool worker mid-calibration: one line, exit 1, completed generations kept, rerun resumes."""
    import psutil

    case = _small_case(tmp_path)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "slacktivism", *_args(case, out, "--workers", "2")]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while stored_generations(out / "calibration.db") < 1:
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    forkserver = [c for c in psutil.Process(process.pid).children() if "forkserver" in " ".join(c.cmdline())]
    workers = forkserver[0].children()
    assert len(workers) == 2
    workers[0].kill()  # as the kernel's out-of-memory killer would
    _stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr
    lines = [line for line in stderr.splitlines() if not line.startswith("generation ")]
    assert len(lines) == 1 and lines[0].startswith("calibration stopped") and "resume" in lines[0], stderr
    kept = stored_generations(out / "calibration.db")
    assert kept >= 1
    assert main(_args(case, out, "--workers", "2")) == 0
    assert len(pd.read_csv(out / "generations.csv")) == 3


@pytest.mark.slow
def test_a_database_cut_short_restarts_and_an_unreadable_one_is_kept(tmp_path, capsys):
    """A database with no pyabc tables (killed while created) holds nothing completed; one that does not open
    is reported in one line and left alone, never deleted."""
    import sqlite3

    case = _small_case(tmp_path)
    out = tmp_path / "out"
    assert main(_args(case, out, "--workers", "1", "--generations", "1")) == 0
    (out / "calibration.db").unlink()
    sqlite3.connect(out / "calibration.db").close()  # an empty database file
    assert main(_args(case, out, "--workers", "1", "--generations", "1")) == 0
    assert len(pd.read_csv(out / "generations.csv")) == 1
    (out / "calibration.db").write_bytes(b"not a database" * 100)
    capsys.readouterr()
    assert main(_args(case, out, "--workers", "1", "--generations", "1")) == 2
    err = capsys.readouterr().err
    assert "cannot read the calibration database" in err and err.count("\n") == 1, err
    assert (out / "calibration.db").read_bytes() == b"not a database" * 100


def test_a_second_calibration_in_a_busy_directory_is_refused(tmp_path, capsys):
    from model.run_files import lock_directory

    case = _small_case(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    with lock_directory(out, "busy"):
        assert main(_args(case, out, "--workers", "1")) == 2
    err = capsys.readouterr().err
    assert "another calibration is running in this directory" in err and err.count("\n") == 1, err
    assert not (out / "calibration.db").exists()


@pytest.mark.parametrize(("distances", "expected"), [([0.2, 0.4, 0.6], 1.0), ([2.0, 3.0, 4.0], 3.0)])
def test_the_epsilon_schedule_is_the_weighted_median_never_below_the_target(distances, expected):
    """pyabc's median schedule (Beaumont et al. 2009) is kept, but a generation is never run tighter than the data's
    tolerance (epsilon 1): the median of 0.2, 0.4, 0.6 gives 1, that of 2, 3, 4 gives 3."""
    import pandas as pd

    from slacktivism.abc_sampler import floored_epsilon

    eps = floored_epsilon(1.0)
    frame = pd.DataFrame({"distance": distances, "w": [1 / 3] * 3})
    eps.initialize(0, lambda: frame, list, 5, {})
    assert eps(0) == pytest.approx(expected)
    eps.update(1, lambda: frame, list, 0.5, {})
    assert eps(1) == pytest.approx(expected)
