"""Sweeps: expansion and seeding, resumable results, executors, failures, reports."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from model import SlacktivismModel, load_scenario
from model.scenario_files import ScenarioError
from slacktivism.cli import main
from slacktivism.sweep_spec import load_sweep
from tests.conftest import ROOT, SCENARIOS, dask_cluster, free_port, run_in_terminal

BIN = Path(sys.executable).parent
SWEEPS = sorted((SCENARIOS / "sweeps").glob("*.yaml"))


def _sweep_file(tmp_path, **spec) -> Path:
    spec.setdefault("scenario", str(SCENARIOS / "baseline.yaml"))
    spec.setdefault("overrides", {"network.n_users": 300})
    spec.setdefault("seed", 11)
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def _tables(out: Path):
    runs = pd.read_parquet(out / "runs").sort_values("run_id").reset_index(drop=True)
    series = pd.read_parquet(out / "timeseries").sort_values(["run_id", "step"]).reset_index(drop=True)
    tables = [runs.drop(columns="wall_s"), series]
    if any((out / "users").glob("*.parquet")):
        tables.append(pd.read_parquet(out / "users").sort_values(["run_id", "user"]).reset_index(drop=True))
    return tables


GRID = dict(vary={"slacktivism.licensing": [1.0, 0.5], "platform.feed": ["chronological", "engagement"]},
            replicates=3)
GRID_USERS = {**GRID, "record": ["every_step", "users"]}


def _children(sequence: np.random.SeedSequence, n: int) -> list[int]:
    return [int(s.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for s in sequence.spawn(n)]


def test_grid_expansion_and_common_seeds_from_a_seed_sequence(tmp_path):
    sweep = load_sweep(_sweep_file(tmp_path, **GRID))
    runs = list(sweep.runs())
    assert sweep.n_runs == len(runs) == 12 and len(sweep.combinations) == 4
    # seeds: common (the default): replicate r has SeedSequence(11)'s child r in every combination.
    assert [r.seed for r in runs] == _children(np.random.SeedSequence(11), 3) * 4
    assert len({r.run_id for r in runs}) == 12
    independent = list(load_sweep(_sweep_file(tmp_path, **GRID, seeds="independent")).runs())
    # seeds: independent: combination c's replicates are the children of SeedSequence(11)'s child c.
    assert [r.seed for r in independent] == [s for c in range(4)
                                             for s in _children(np.random.SeedSequence(11).spawn(4)[c], 3)]
    assert len({r.seed for r in independent}) == 12 and len({r.run_id for r in independent}) == 12
    assert {(r.values["slacktivism.licensing"], r.values["platform.feed"]) for r in runs} == {
        (1.0, "chronological"), (1.0, "engagement"), (0.5, "chronological"), (0.5, "engagement")}


def test_a_row_replays_alone_with_slacktivism_run(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["sweep", str(_sweep_file(tmp_path, **GRID)), "--out", str(out), "--workers", "1"]) == 0
    row = pd.read_parquet(out / "runs").iloc[5]
    assert json.loads(row["overrides"]) == {"network.n_users": 300, "platform.feed": row["platform.feed"],
                                            "slacktivism.licensing": row["slacktivism.licensing"]}
    capsys.readouterr()
    sets = [f"--set={k}={json.dumps(v)}" for k, v in json.loads(row["overrides"]).items()]
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--json", *sets, "--seed", str(row["seed"])]) == 0
    replay = json.loads(capsys.readouterr().out)
    assert (replay["acted"], replay["liked"], replay["aware"]) == (row["acted"], row["liked"], row["aware"])


def test_replay_rebuilds_a_run_with_the_sweeps_fixed_overrides(tmp_path, capsys):
    """A 2,000-user sweep of the 5,000-user baseline: replay gives the run's world, not the base file's."""
    assert load_scenario(SCENARIOS / "baseline.yaml").network.n_users == 5000
    path = _sweep_file(tmp_path, overrides={"network.n_users": 2000, "steps": 20},
                       vary={"seeding.strategy": ["random", "hubs"]}, replicates=2)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "2"]) == 0
    runs = pd.read_parquet(out / "runs").set_index("run_id")
    run_id = runs.index[runs["seeding.strategy"] == "hubs"][1]
    capsys.readouterr()
    assert main(["replay", str(out), run_id[:10], "--json", "--out", str(tmp_path / "replayed")]) == 0
    replay = json.loads(capsys.readouterr().out)
    row = next(r for r in pq.read_table(out / "runs").to_pylist() if r["run_id"] == run_id)
    assert replay["n_users"] == 2000 and replay["steps_run"] == row["steps_run"] <= 20
    shared = sorted(set(replay) & set(row))
    assert len(shared) > 20 and {k: replay[k] for k in shared} == {k: row[k] for k in shared}
    written = json.loads((tmp_path / "replayed" / "summary.json").read_text())
    assert written["provenance"]["scenario"]["network"]["n_users"] == 2000
    assert written["provenance"]["seed"] == row["seed"]
    # An unknown id is one line and exit 2.
    assert main(["replay", str(out), "zzzz"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no run with id 'zzzz'" in err


def test_sample_designs_come_from_salib(tmp_path):
    from SALib.sample import latin, sobol

    bounds = {"slacktivism.licensing": [0.05, 1.0], "network.mean_degree": [2, 12], "seeding.count": [1, 20]}
    problem = {"num_vars": 3, "names": list(bounds), "bounds": list(bounds.values())}
    lhs = load_sweep(_sweep_file(tmp_path, sample={"method": "lhs", "n": 16, "bounds": bounds}))
    assert np.allclose(lhs.sample_matrix, latin.sample(problem, 16, seed=11))
    assert all(isinstance(c["seeding.count"], int) for c in lhs.combinations)  # integer keys are rounded
    sob = load_sweep(_sweep_file(tmp_path, sample={"method": "sobol", "n": 8, "bounds": bounds}))
    assert len(sob.combinations) == 8 * (3 + 2)  # Saltelli: N (D + 2) without second order
    assert np.allclose(sob.sample_matrix, sobol.sample(problem, 8, calc_second_order=False, seed=11))


@pytest.mark.parametrize(("spec", "message"), [
    (dict(vary={"slacktivism.licencing": [0.1]}), "did you mean slacktivism.licensing?"),
    (dict(vary={"slacktivism.licensing": [2.0]}), "slacktivism.licensing: input should be less than or equal"),
    (dict(varry={"steps": [1]}), "unknown sweep key; did you mean vary?"),
    (dict(vary={"steps": [1]}, explicit=[{"steps": 2}]), "give one of vary, sample or explicit"),
    (dict(replicates=0), "replicates: input should be greater than or equal to 1"),
    (dict(scenario="nowhere.yaml"), "no such file"),
    (dict(sample={"method": "sobol", "n": 4, "bounds": {"steps": [5, 1]}}), "low must be below high"),
])
def test_bad_sweep_files_give_one_line_and_exit_2(tmp_path, capsys, spec, message):
    path = _sweep_file(tmp_path, **spec)
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(str(path)) and message in err
    assert not (tmp_path / "out" / "runs").exists()


@pytest.mark.slow
def test_workers_and_resume_give_identical_tables(tmp_path):
    path = _sweep_file(tmp_path, **GRID_USERS)
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(["sweep", str(path), "--out", str(one), "--workers", "1"]) == 0
    assert main(["sweep", str(path), "--out", str(two), "--workers", "2"]) == 0
    for a, b in zip(_tables(one), _tables(two), strict=True):
        pd.testing.assert_frame_equal(a, b)
    # Each run's user table is its own part, and agrees with the run's row.
    runs, _, users = _tables(two)
    assert len(list((two / "users").glob("run-*.parquet"))) == 12 and len(users) == 12 * 300
    per_run = users.groupby("run_id").agg(acted=("step_acted", lambda s: int((s >= 0).sum())),
                                          recruiters=("recruits", lambda s: int((s > 0).sum())))
    joined = runs.set_index("run_id").join(per_run.add_suffix("_users"))
    assert (joined["acted"] == joined["acted_users"]).all()
    assert (joined["recruiters"] == joined["recruiters_users"]).all()
    # Rerunning a finished sweep runs nothing and duplicates nothing.
    assert main(["sweep", str(path), "--out", str(two), "--workers", "2"]) == 0
    assert len(pd.read_parquet(two / "runs")) == 12 and len(pd.read_parquet(two / "users")) == 12 * 300
    manifest = json.loads((two / "manifest.json").read_text())
    assert manifest["n_runs"] == 12 and manifest["finished"] and manifest["packages"]["mesa"].startswith("3.5")
    assert manifest["base_scenario"]["network"]["n_users"] == 300


def _spawn_sweep(path, out, *extra):
    """The sweep as a process of its own group, with Ctrl-C's default disposition.

    An ignored SIGINT is inherited across exec, and Python then leaves it ignored: a library in the test worker had
    left it so, and the sweep ran to its end. A handler, unlike SIG_IGN, is reset by exec, so one is set while the
    process starts.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen([str(BIN / "slacktivism"), "sweep", str(path), "--out", str(out), *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                start_new_session=True)  # its own process group, workers included
    finally:
        signal.signal(signal.SIGINT, previous)


def _wait_for_runs(out: Path, at_least: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(list((out / "runs").glob("*.parquet"))) >= at_least:
            return
        time.sleep(0.05)
    raise AssertionError("the sweep wrote nothing")


@pytest.mark.slow
def test_sigkill_loses_only_runs_in_flight_and_resume_completes_it(tmp_path):
    path = _sweep_file(tmp_path, vary={"slacktivism.licensing": [1.0, 0.6, 0.3, 0.1]}, replicates=15,
                       overrides={"network.n_users": 3000}, record=["every_step", "users"])
    reference, killed = tmp_path / "reference", tmp_path / "killed"
    assert main(["sweep", str(path), "--out", str(reference), "--workers", "2"]) == 0
    process = _spawn_sweep(path, killed, "--workers", "2")
    _wait_for_runs(killed, 5)
    os.killpg(process.pid, signal.SIGKILL)  # SIGKILL to the driver and its workers: no chance to clean up
    process.wait()
    saved = len(pd.read_parquet(killed / "runs"))
    assert 5 <= saved < 60
    assert main(["sweep", str(path), "--out", str(killed), "--workers", "2"]) == 0
    tables = _tables(reference), _tables(killed)
    assert len(tables[0]) == len(tables[1]) == 3 and len(tables[1][2]) == 60 * 3000  # users: one part per run
    for a, b in zip(*tables, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_record_users_is_refused_when_too_big(tmp_path, capsys):
    path = _sweep_file(tmp_path, vary={"slacktivism.licensing": [1.0, 0.5]}, replicates=600,
                       overrides={"network.n_users": 1_000_000}, record="users")
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"{path}:") and "record: users would write" in err
    assert "1,200,000,000 user rows" in err and "lower replicates" in err
    assert not (tmp_path / "out").exists()
    # The same sweep without per-user tables is fine to start.
    assert load_sweep(_sweep_file(tmp_path, vary={"slacktivism.licensing": [1.0, 0.5]}, replicates=600,
                                  overrides={"network.n_users": 1_000_000})).n_runs == 1200


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_says_how_to_resume(tmp_path):
    # 400 runs: with 80, a fast machine had finished the sweep before the signal arrived (exit 0, seen once in CI).
    path = _sweep_file(tmp_path, vary={"slacktivism.licensing": [1.0, 0.5]}, replicates=200,
                       overrides={"network.n_users": 3000})
    out = tmp_path / "out"
    process = _spawn_sweep(path, out, "--workers", "2")
    _wait_for_runs(out, 3)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    saved = len(pd.read_parquet(out / "runs"))
    assert process.returncode == 130, f"exit {process.returncode} with {saved} of 400 runs saved; stderr: {err[-600:]}"
    assert "Traceback" not in err and "rerun" in err and str(out) in err
    assert main(["sweep", str(path), "--out", str(out), "--workers", "2"]) == 0
    assert len(pd.read_parquet(out / "runs")) == 400


def test_failed_runs_are_recorded_and_the_sweep_goes_on(tmp_path, capsys):
    # The edge list's size is known only when it is read: seeding user 5000 fails at run time.
    facebook = str(SCENARIOS / "data" / "ego-facebook.txt")
    path = _sweep_file(tmp_path, overrides={"seeding.strategy": "explicit", "seeding.users": [0],
                                            "network.kind": "edgelist", "network.path": facebook,
                                            "network.n_users": None},
                       explicit=[{"seeding.users": [4000]}, {"seeding.users": [5000]}], replicates=2)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "2"]) == 1
    assert "failed" in capsys.readouterr().err
    runs = pd.read_parquet(out / "runs")
    assert sorted(runs["status"]) == ["failed", "failed", "ok", "ok"]
    failed = runs[runs["status"] == "failed"]
    assert failed["error"].str.contains("seeding.users names user 5000").all()
    assert failed["acted"].isna().all()


@pytest.mark.slow
def test_dask_cluster_gives_the_local_results(tmp_path):
    """A real `dask scheduler` and two `dask worker` processes on 127.0.0.1."""
    with dask_cluster(2) as address:
        path = _sweep_file(tmp_path, **GRID_USERS)
        local, cluster = tmp_path / "local", tmp_path / "cluster"
        assert main(["sweep", str(path), "--out", str(local), "--workers", "2"]) == 0
        assert main(["sweep", str(path), "--out", str(cluster), "--scheduler", address]) == 0
        tables = _tables(local), _tables(cluster)
        assert len(tables[0]) == len(tables[1]) == 3
        for a, b in zip(*tables, strict=True):
            pd.testing.assert_frame_equal(a, b)


def test_unreachable_scheduler_is_one_line(tmp_path, capsys):
    path = _sweep_file(tmp_path, **GRID)
    code = main(["sweep", str(path), "--out", str(tmp_path / "o"), "--scheduler", f"tcp://127.0.0.1:{free_port()}"])
    assert code == 2 and "cannot connect" in capsys.readouterr().err


def test_results_of_another_sweep_are_not_mixed(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["sweep", str(_sweep_file(tmp_path, **GRID)), "--out", str(out), "--workers", "1"]) == 0
    other = _sweep_file(tmp_path, vary={"steps": [3]})
    assert main(["sweep", str(other), "--out", str(out)]) == 2
    assert "holds another sweep" in capsys.readouterr().err


@pytest.mark.slow
def test_report_means_intervals_and_behaviorspace(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["sweep", str(_sweep_file(tmp_path, **GRID)), "--out", str(out), "--workers", "2"]) == 0
    assert main(["report", str(out)]) == 0
    report = out / "report"
    for name in ("outcomes.png", "outcomes.svg", "timeseries.png", "heatmap_acted.png", "heatmap_liked.svg"):
        assert (report / name).stat().st_size > 1000, name
    table = pd.read_csv(report / "outcomes.csv")
    runs = pd.read_parquet(out / "runs")
    group = runs[runs["combination"] == 0]["acted"].to_numpy(float)
    from scipy import stats

    half = stats.t.ppf(0.975, len(group) - 1) * group.std(ddof=1) / np.sqrt(len(group))
    row = table[table["combination"] == 0].iloc[0]
    assert row["acted_mean"] == pytest.approx(group.mean())
    assert row["acted_ci_high"] - row["acted_mean"] == pytest.approx(half)
    lines = (report / "behaviorspace.csv").read_text().splitlines()
    assert lines[0].startswith('"BehaviorSpace results')
    header = lines[6].split(",")
    assert header[0] == '"[run number]"' and '"[step]"' in header and '"acted"' in header
    series_rows = len(pd.read_parquet(out / "timeseries"))
    assert len(lines) - 7 == series_rows


@pytest.mark.slow
def test_sensitivity_indices_for_a_sobol_sweep(tmp_path):
    """Granovetter on a complete graph of 50 with threshold 10: acted = 50 if seeds >= 10 else seeds,
    whatever the random seed. A key with no effect (the engagement boost of a chronological feed) must
    get total-order index 0, and the seed count carries it all."""
    bounds = {"seeding.count": [0, 20], "platform.engagement_boost": [0.0, 2.0]}
    path = _sweep_file(tmp_path, scenario=str(SCENARIOS / "granovetter.yaml"),
                       overrides={"network.n_users": 50, "seeding.strategy": "random",
                                  "users.threshold": {"dist": "constant", "value": 10}},
                       sample={"method": "sobol", "n": 32, "bounds": bounds}, replicates=1)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "2"]) == 0
    runs = pd.read_parquet(out / "runs")
    assert (runs["acted"] == np.where(runs["seeding.count"] >= 10, 50, runs["seeding.count"])).all()
    assert main(["report", str(out)]) == 0
    indices = pd.read_csv(out / "report" / "sensitivity.csv")
    acted = indices[indices["outcome"] == "acted"].set_index("key")
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(acted.columns)
    assert acted.loc["platform.engagement_boost", "ST"] == pytest.approx(0.0, abs=1e-12)
    assert acted.loc["seeding.count", "ST"] == pytest.approx(1.0, abs=0.15)
    assert (out / "report" / "sensitivity.png").exists()


@pytest.mark.slow
@pytest.mark.parametrize("path", SWEEPS, ids=[p.stem for p in SWEEPS])
def test_shipped_sweeps_run_small(tmp_path, path):
    spec = yaml.safe_load(path.read_text())
    spec["scenario"] = str((path.parent / spec["scenario"]).resolve())
    spec["overrides"] = {**spec.get("overrides", {}), "network.n_users": 200}
    spec["replicates"] = 2
    if "sample" in spec:
        spec["sample"]["n"] = 4
    small = tmp_path / path.name
    small.write_text(yaml.safe_dump(spec, sort_keys=False))
    out = tmp_path / "out"
    assert main(["sweep", str(small), "--out", str(out), "--workers", "2"]) == 0
    assert main(["report", str(out)]) == 0
    runs = pd.read_parquet(out / "runs")
    assert (runs["status"] == "ok").all() and len(runs) == load_sweep(small).n_runs


def test_load_scenario_and_sweep_agree_on_the_resolved_scenario(tmp_path):
    sweep = load_sweep(_sweep_file(tmp_path, vary={"network.n_users": [250]}))
    run = next(sweep.runs())
    model = SlacktivismModel(load_scenario(SCENARIOS / "baseline.yaml", {"network.n_users": 250}), rng=run.seed)
    from model.scenario import Scenario

    assert SlacktivismModel(Scenario.model_validate(run.scenario)).run() == {**model.run(), "seed": run.seed}


def test_scenario_errors_inside_sweeps_are_scenario_errors(tmp_path):
    with pytest.raises(ScenarioError):
        load_sweep(_sweep_file(tmp_path, overrides={"network.n_users": -1}))


@pytest.mark.slow
def test_morris_and_lhs_reports(tmp_path):
    """Morris: a key with no effect gets mu* = 0; LHS: a scatter of outcomes over the sample."""
    bounds = {"seeding.count": [0, 20], "platform.engagement_boost": [0.0, 2.0]}
    overrides = {"network.n_users": 50, "seeding.strategy": "random",
                 "users.threshold": {"dist": "constant", "value": 10}}
    for method, n in (("morris", 6), ("lhs", 12)):
        path = _sweep_file(tmp_path, scenario=str(SCENARIOS / "granovetter.yaml"), overrides=overrides,
                           sample={"method": method, "n": n, "bounds": bounds})
        out = tmp_path / method
        assert main(["sweep", str(path), "--out", str(out), "--workers", "2"]) == 0
        assert main(["report", str(out)]) == 0
        assert (out / "report" / "outcomes.png").exists()
        if method == "morris":
            indices = pd.read_csv(out / "report" / "sensitivity.csv").set_index(["outcome", "key"])
            assert indices.loc[("acted", "platform.engagement_boost"), "mu_star"] == pytest.approx(0.0, abs=1e-12)
            assert indices.loc[("acted", "seeding.count"), "mu_star"] > 5


def test_report_of_a_directory_that_is_not_a_sweep(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "not a sweep results directory" in capsys.readouterr().err


@pytest.mark.slow
def test_progress_bar_shows_runs_eta_and_failures_on_a_terminal(tmp_path):
    path = _sweep_file(tmp_path, **GRID)
    code, text = run_in_terminal([str(BIN / "slacktivism"), "sweep", str(path), "--out", str(tmp_path / "o"),
                                  "--workers", "2"])
    assert code == 0
    assert "12/12" in text and "run" in text and "failed=0" in text and "<" in text  # tqdm: done/total [elapsed<eta]


@pytest.mark.parametrize(("bounds", "message"), [
    ({"slacktivism.licensing": [0.0, 1.0]}, "sample.bounds.slacktivism.licensing: the low bound 0 is out of range"),
    ({"seeding.count": [1, 10], "slacktivism.licensing": [0.05, 1.5]},
     "sample.bounds.slacktivism.licensing: the high bound 1.5 is out of range"),
])
def test_sampled_bounds_are_checked_at_both_ends(tmp_path, capsys, bounds, message):
    path = _sweep_file(tmp_path, sample={"method": "sobol", "n": 4, "bounds": bounds})
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert not (tmp_path / "out").exists()


def test_paired_differences_have_narrower_intervals_than_unpaired(tmp_path):
    """Common seeds: replicate r has one seed across the grid (read from the runs table), and the
    interval of a paired difference, recomputed here with scipy, is narrower than the Welch interval."""
    from scipy import stats

    path = _sweep_file(tmp_path, vary={"slacktivism.licensing": [1.0, 0.5], "platform.feed":
                                       ["chronological", "engagement"]}, replicates=6)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "2"]) == 0
    runs = pd.read_parquet(out / "runs")
    assert (runs.groupby("replicate")["seed"].nunique() == 1).all() and runs["seed"].nunique() == 6
    assert main(["report", str(out), "--outcomes", "aware,acted", "--reference",
                 "slacktivism.licensing=1.0,platform.feed=chronological"]) == 0
    table = pd.read_csv(out / "report" / "differences.csv")
    ref = runs[runs["combination"] == 0].set_index("replicate")["aware"]
    other = runs[runs["combination"] == 1].set_index("replicate")["aware"]  # engagement feed, same licensing
    diff = (other - ref).to_numpy(float)
    half = stats.t.ppf(0.975, 5) * diff.std(ddof=1) / np.sqrt(6)
    welch = stats.ttest_ind(other, ref, equal_var=False).confidence_interval()
    row = table[(table["combination"] == 1) & (table["outcome"] == "aware")].iloc[0]
    assert row["paired"] and row["difference"] == pytest.approx(diff.mean())
    assert row["ci_high"] - row["difference"] == pytest.approx(half)
    assert row["unpaired_ci_low"] == pytest.approx(welch.low)
    paired_width, unpaired_width = row["ci_high"] - row["ci_low"], welch.high - welch.low
    assert paired_width < unpaired_width, (f"paired {diff.mean():.1f} +/- {half:.1f} vs unpaired "
                                           f"[{welch.low:.1f}, {welch.high:.1f}]")


def test_a_finished_sweep_grows_without_rerunning_and_refuses_another(tmp_path, capsys):
    out = tmp_path / "out"
    small = _sweep_file(tmp_path, vary={"seeding.strategy": ["random", "hubs"]}, replicates=2)
    assert main(["sweep", str(small), "--out", str(out), "--workers", "2"]) == 0
    before = pd.read_parquet(out / "runs").set_index("run_id").drop(columns="wall_s")
    bigger = _sweep_file(tmp_path, vary={"seeding.strategy": ["random", "hubs"]}, replicates=3)
    capsys.readouterr()
    assert main(["sweep", str(bigger), "--out", str(out), "--dry-run", "--workers", "2"]) == 0
    assert f"6 runs (2 combinations x 3 replicates, seeds: common); 4 already in {out}, 2 to run" \
        in capsys.readouterr().out
    assert main(["sweep", str(bigger), "--out", str(out), "--workers", "2"]) == 0
    assert "2 runs done (4 already there)" in capsys.readouterr().out
    after = pd.read_parquet(out / "runs").set_index("run_id").drop(columns="wall_s")
    pd.testing.assert_frame_equal(after.loc[before.index], before)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sweep"]["replicates"] == 3 and manifest["grown"][0]["replicates"] == [2, 3]
    assert {"git_commit", "git_dirty", "git_diff_sha256"} <= manifest.keys()  # provenance of a dirty tree
    for spec, says in ((dict(vary={"seeding.strategy": ["random", "hubs"]}, replicates=1), "holds a larger sweep"),
                       (dict(vary={"seeding.strategy": ["random"]}, replicates=3), "its vary differ")):
        assert main(["sweep", str(_sweep_file(tmp_path, **spec)), "--out", str(out)]) == 2
        assert says in capsys.readouterr().err
        assert len(pd.read_parquet(out / "runs")) == 6  # nothing computed is lost
    # A Sobol' sample grows to a larger n (its first points are kept); a Latin hypercube cannot.
    bounds = {"seeding.count": [1, 20]}
    for method, grows in (("sobol", True), ("lhs", False)):
        folder = tmp_path / method
        assert main(["sweep", str(_sweep_file(tmp_path, sample={"method": method, "n": 4, "bounds": bounds},
                                              overrides={"network.n_users": 100, "steps": 5})),
                     "--out", str(folder), "--workers", "2"]) == 0
        code = main(["sweep", str(_sweep_file(tmp_path, sample={"method": method, "n": 8, "bounds": bounds},
                                              overrides={"network.n_users": 100, "steps": 5})),
                     "--out", str(folder), "--workers", "2"])
        assert code == (0 if grows else 2), capsys.readouterr().err


def test_dry_run_counts_estimates_and_writes_nothing(tmp_path, capsys):
    path = _sweep_file(tmp_path, **GRID)
    assert main(["sweep", str(path), "--dry-run", "--workers", "2"]) == 0
    text = capsys.readouterr().out
    assert "12 runs (4 combinations x 3 replicates, seeds: common)" in text
    assert "estimated time:" in text and "on 2 workers" in text and "timed runs" in text
    assert "estimated output:" in text
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--dry-run"]) == 0 and not out.exists()


def test_validate_accepts_sweep_files_and_scenarios(tmp_path, capsys):
    assert main(["validate", str(_sweep_file(tmp_path, **GRID)), str(SCENARIOS / "baseline.yaml")]) == 0
    text = capsys.readouterr().out
    assert "ok (sweep of baseline: 4 combinations x 3 replicates = 12 runs, seeds: common)" in text
    assert "ok (baseline)" in text
    bad = _sweep_file(tmp_path, vary={"slacktivism.licensing": [0.0]})
    assert main(["validate", str(bad)]) == 2
    assert "slacktivism.licensing" in capsys.readouterr().err


def test_python_api_from_a_plain_script_on_the_local_pool(tmp_path):
    """A script without a __main__ guard once broke the forkserver pool (BrokenProcessPool)."""
    script = tmp_path / "plain.py"
    script.write_text(
        "from slacktivism.api import sweep\n"
        f"spec = {{'scenario': {str(SCENARIOS / 'baseline.yaml')!r}, 'overrides': {{'network.n_users': 200, "
        "'steps': 10}, 'vary': {'seeding.strategy': ['random', 'hubs']}, 'replicates': 2}\n"
        f"results = sweep(spec, out={str(tmp_path / 'out')!r}, workers=2, series=True)\n"
        "print(len(results.runs), results.runs['seed'].nunique(), results.series['run_id'].nunique())\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["4", "2", "4"]


@pytest.mark.slow
def test_python_api_from_a_notebook(tmp_path):
    """The same sweep from a Jupyter kernel (nbclient), whose main module has no file."""
    import nbclient
    import nbformat

    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
            "from slacktivism.api import sweep\n"
            f"spec = {{'scenario': {str(SCENARIOS / 'baseline.yaml')!r}, 'overrides': {{'network.n_users': 200, "
            "'steps': 10}, 'vary': {'seeding.strategy': ['random', 'hubs']}, 'replicates': 2}\n"
            f"results = sweep(spec, out={str(tmp_path / 'out')!r}, workers=2)\n"
            "print(len(results.runs), results.runs['seed'].nunique())")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
                            ).execute()
    output = "".join(o.get("text", "") for o in notebook.cells[0].outputs)
    assert output.split() == ["4", "2"], notebook.cells[0].outputs


@pytest.mark.slow
def test_python_api_on_dask_gives_the_local_tables(tmp_path):
    from slacktivism.api import sweep

    spec = {"scenario": str(SCENARIOS / "baseline.yaml"), "overrides": {"network.n_users": 200, "steps": 10},
            "vary": {"seeding.strategy": ["random", "hubs"]}, "replicates": 2}
    local = sweep(spec, out=tmp_path / "local", workers=2)
    with dask_cluster(2) as address:
        cluster = sweep(spec, out=tmp_path / "cluster", scheduler=address)
    pd.testing.assert_frame_equal(local.runs.drop(columns="wall_s"), cluster.runs.drop(columns="wall_s"))


def test_provenance_records_a_dirty_tree_and_its_diff(tmp_path, monkeypatch):
    """In a checkout of its own (clean, then edited, then with a new file), git_state says dirty or not,
    and hashes the diff that ``git diff HEAD`` shows there."""
    import hashlib

    from model import run_files

    def git(*args: str) -> bytes:
        return subprocess.run(["git", "-C", str(tmp_path), *args], capture_output=True, check=True).stdout

    git("init", "-q")
    (tmp_path / "run_files.py").write_text("x = 1\n")
    git("add", "run_files.py")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "one")
    monkeypatch.setattr(run_files, "__file__", str(tmp_path / "run_files.py"))  # the folder git is asked about
    clean = run_files.git_state()
    assert clean["git_commit"] == git("rev-parse", "HEAD").decode().strip() and clean["git_dirty"] is False
    assert clean["git_diff_sha256"] == hashlib.sha256(b"").hexdigest()
    (tmp_path / "run_files.py").write_text("x = 2\n")
    edited = run_files.git_state()
    diff = git("diff", "HEAD")
    assert edited["git_dirty"] is True and diff and edited["git_diff_sha256"] == hashlib.sha256(diff).hexdigest()
    (tmp_path / "run_files.py").write_text("x = 1\n")
    (tmp_path / "new.py").write_text("")
    untracked = run_files.git_state()
    assert untracked["git_dirty"] is True and untracked["git_diff_sha256"] == clean["git_diff_sha256"]
    monkeypatch.setattr(run_files, "__file__", "/")  # outside any checkout
    assert run_files.git_state() == {"git_commit": None, "git_dirty": None, "git_diff_sha256": None}


def _doc_sweeps() -> list[tuple[str, str]]:
    """Every sweep example (a yaml block with a scenario and a design) in the README and docs/."""
    import re

    examples = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for i, block in enumerate(re.findall(r"```yaml\n(.*?)```", page.read_text(), flags=re.S)):
            data = yaml.safe_load(block)
            if isinstance(data, dict) and "scenario" in data and {"vary", "sample", "explicit"} & set(data):
                examples.append((f"{page.name}-{i}", block))
    return examples


@pytest.mark.parametrize(("name", "block"), _doc_sweeps(), ids=[n for n, _ in _doc_sweeps()])
def test_the_docs_sweep_examples_run_as_written(tmp_path, name, block):
    """Each example as written, beside the shipped sweeps; only its size is shrunk for the test."""
    spec = yaml.safe_load(block)
    spec["scenario"] = str((SCENARIOS / "sweeps" / spec["scenario"]).resolve())
    spec["overrides"] = {**spec.get("overrides", {}), "network.n_users": 150, "steps": 10}
    spec["replicates"] = 2
    if "sample" in spec:
        spec["sample"]["n"] = 2
    small = tmp_path / "example.yaml"
    small.write_text(yaml.safe_dump(spec, sort_keys=False))
    out = tmp_path / "out"
    assert main(["sweep", str(small), "--out", str(out), "--workers", "2"]) == 0
    assert main(["report", str(out)]) == 0
    assert (pd.read_parquet(out / "runs")["status"] == "ok").all()


def test_report_outcomes_and_warnings_in_one_line_each(tmp_path, capsys):
    """A Sobol' sample of n = 6 (not a power of 2): SALib's warning comes out as one line of ours, at the
    sweep and in the report; --outcomes chooses what the indices are of; a misspelt outcome is one line."""
    bounds = {"seeding.count": [0, 20], "platform.engagement_boost": [0.0, 2.0]}
    path = _sweep_file(tmp_path, scenario=str(SCENARIOS / "granovetter.yaml"),
                       overrides={"network.n_users": 50, "seeding.strategy": "random",
                                  "users.threshold": {"dist": "constant", "value": 10}},
                       sample={"method": "sobol", "n": 6, "bounds": bounds}, replicates=1)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "2"]) == 0
    err = capsys.readouterr().err
    assert "UserWarning" not in err and "warnings.warn" not in err
    assert f"{path}: warning: sample.n = 6: The balance properties of Sobol' points require n to be a power of 2." \
        in err.splitlines()
    assert main(["report", str(out), "--outcomes", "acted,engaged"]) == 0
    err = capsys.readouterr().err
    assert "UserWarning" not in err and all(line.startswith(f"{out}: warning: ") for line in err.splitlines())
    assert "power of 2" in err and "one replicate per combination" in err
    notes = (out / "report" / "warnings.txt").read_text().splitlines()
    assert len(notes) == len(err.splitlines())
    indices = pd.read_csv(out / "report" / "sensitivity.csv")
    assert sorted(set(indices["outcome"])) == ["acted", "engaged"]
    assert main(["report", str(out), "--outcomes", "actd"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "did you mean acted?" in err


def test_index_warnings_name_indices_outside_the_unit_interval_and_unresolved_ones():
    from slacktivism.report import index_warnings

    # The unpaired 128-run design: S1 = 1.18 and ST = 1.68 for mean degree.
    indices = pd.DataFrame([
        {"outcome": "acted", "key": "network.mean_degree", "S1": 1.18, "S1_conf": 0.9, "ST": 1.68, "ST_conf": 1.7},
        {"outcome": "acted", "key": "decision.cost_act", "S1": 0.45, "S1_conf": 0.1, "ST": 0.5, "ST_conf": 0.2},
        {"outcome": "acted", "key": "slacktivism.licensing", "S1": 0.02, "S1_conf": 0.07, "ST": 0.3, "ST_conf": 0.1},
    ])
    notes = index_warnings(indices, "sobol")
    assert notes == [
        "sensitivity: S1 of network.mean_degree on acted is 1.18 (+/- 0.9), outside [0, 1]: seed noise or too "
        "small a sample (raise sample.n or replicates)",
        "sensitivity: ST of network.mean_degree on acted is 1.68 (+/- 1.7), outside [0, 1]: seed noise or too "
        "small a sample (raise sample.n or replicates)",
        "sensitivity: S1 of slacktivism.licensing on acted is 0.02 (+/- 0.07): its interval is wider than the "
        "index, so it is not resolved"]


def test_common_seeds_give_a_key_without_effect_a_zero_sobol_index(tmp_path):
    """Consistency (how strongly a past action pulls the next) cannot change likes. On common seeds a
    Saltelli row that changes only consistency reruns the same worlds, so its total index on likes is 0
    exactly; on independent seeds the same design gives it seed noise."""
    bounds = {"slacktivism.consistency": [1.0, 5.0], "network.mean_degree": [4, 20]}
    totals = {}
    for seeds in ("common", "independent"):
        path = _sweep_file(tmp_path, overrides={"network.n_users": 200, "steps": 20}, seeds=seeds,
                           sample={"method": "sobol", "n": 4, "bounds": bounds}, replicates=2, record="end")
        out = tmp_path / seeds
        assert main(["sweep", str(path), "--out", str(out), "--workers", "2"]) == 0
        assert json.loads((out / "manifest.json").read_text())["seeds"] == seeds
        assert main(["report", str(out), "--outcomes", "liked"]) == 0
        indices = pd.read_csv(out / "report" / "sensitivity.csv").set_index("key")
        totals[seeds] = indices.loc["slacktivism.consistency", "ST"]
    assert totals["common"] == 0.0 and totals["independent"] > 0.01, totals


def test_run_ids_are_unique_when_combinations_coincide(tmp_path, capsys):
    sweep = load_sweep(_sweep_file(tmp_path, explicit=[{"steps": 5}, {"steps": 5}], replicates=2))
    runs = list(sweep.runs())
    assert [r.seed for r in runs[:2]] == [r.seed for r in runs[2:]]  # the same worlds, paired
    assert len({r.run_id for r in runs}) == 4
    assert main(["sweep", str(_sweep_file(tmp_path, **GRID))]) == 2
    assert "--out is required" in capsys.readouterr().err
