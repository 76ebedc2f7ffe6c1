"""`slacktivism optimize`: known optima, common random numbers, resume after SIGKILL, Dask, bad input."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest
import yaml
from PIL import Image
from scipy import stats

from model import SlacktivismModel, load_scenario
from slacktivism import design_space, optimize, optimize_outputs
from slacktivism.cli import main
from slacktivism.executors import LocalExecutor
from tests.conftest import ROOT, SCENARIOS, dask_cluster, free_port

BIN = Path(sys.executable).parent
COST = "decision.cost_act"


def _scenario(tmp_path, n_users: int = 500) -> Path:
    """The baseline campaign on a small network (each run takes milliseconds)."""
    data = yaml.safe_load((SCENARIOS / "baseline.yaml").read_text())
    data["network"]["n_users"] = n_users
    path = tmp_path / f"small{n_users}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _seeds(master: int, n: int) -> list[int]:
    """The runs' seeds, derived here as the sweep tests do, independently of the code under test."""
    children = np.random.SeedSequence(master).spawn(n)
    return [int(s.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for s in children]


def _direct(path: Path, values: dict, seeds, outcome: str) -> list:
    """The outcome of plain model runs of the scenario with ``values``, one per seed."""
    scenario = load_scenario(path, values)
    return [SlacktivismModel(scenario, rng=seed).run()[outcome] for seed in seeds]


def _complete(out: Path) -> pd.DataFrame:
    table = pd.read_parquet(out / "trials.parquet")
    return table[table["state"] == "COMPLETE"].reset_index(drop=True)


def _complete_trials_read_only(db: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("SELECT COUNT(*) FROM trials WHERE state = 'COMPLETE'").fetchone()[0]
    except sqlite3.Error:  # the schema is not there yet
        return 0


def _study_trials(out: Path):
    """(number, params, value) of each complete trial in the study, in order."""
    study = optuna.load_study(study_name=optimize.STUDY_NAME, storage=f"sqlite:///{out / 'optuna.db'}")
    return [(t.number, t.params, t.value) for t in study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))]


@pytest.mark.slow
@pytest.mark.parametrize("direction", ["maximize", "minimize"])
def test_actions_fall_with_their_cost_so_the_optimum_is_at_the_right_end(tmp_path, capsys, direction):
    """Under the logit rule actions fall monotonically with decision.cost_act: maximising finds the cheap
    end of the range, minimising the dear end, and the optimum beats the midpoint evaluated directly."""
    path = _scenario(tmp_path)
    out = tmp_path / "out"
    low, high, replicates, seed = 1.0, 3.0, 4, 5
    argv = ["optimize", str(path), "--objective", "acted", "--design", f"{COST}={low}:{high}", "--trials", "16",
            "--replicates", str(replicates), "--seed", str(seed), "--out", str(out), "--workers", "1"]
    if direction == "minimize":
        argv += ["--minimize", "--sampler", "random"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    table = _complete(out)
    assert len(table) == 16 and (table["replicates"] == replicates).all()
    sign = 1 if direction == "maximize" else -1
    best = table.loc[(sign * table["acted_mean"]).idxmax()]
    end = low if direction == "maximize" else high
    assert abs(best[COST] - end) <= 0.25 * (high - low)
    # Actions fall with the cost across the trials (rank correlation), and the optimum beats the midpoint.
    assert stats.spearmanr(table[COST], table["acted_mean"]).statistic < -0.8
    seeds = _seeds(seed, replicates)
    middle = np.mean(_direct(path, {COST: (low + high) / 2}, seeds, "acted"))
    assert sign * best["acted_mean"] >= sign * middle
    # The best trial's numbers are those of plain runs with its design and the shared seeds.
    runs = {k: _direct(path, {COST: float(best[COST])}, seeds, k) for k in ("acted", "liked", "aware")}
    assert best["acted_mean"] == pytest.approx(np.mean(runs["acted"]), rel=1e-12)
    assert best["liked_mean"] == pytest.approx(np.mean(runs["liked"]), rel=1e-12)  # the cross metric
    half = stats.t.ppf(0.975, replicates - 1) * np.std(runs["acted"], ddof=1) / np.sqrt(replicates)
    assert best["acted_half_width"] == pytest.approx(half, rel=1e-9)
    per_run = pd.read_parquet(out / "runs.parquet")
    mine = per_run[per_run["number"] == best["number"]].sort_values("replicate")
    assert mine["seed"].tolist() == seeds and mine["aware"].tolist() == runs["aware"]
    # best.yaml: a valid scenario with the best design and its provenance.
    scenario = load_scenario(out / "best.yaml")
    assert scenario.decision.cost_act == best[COST] and scenario.network.n_users == 500
    assert hashlib.sha256(path.read_bytes()).hexdigest() in scenario.description
    assert f"trial {int(best['number'])}" in scenario.description and "optuna 5" in scenario.description
    record = json.loads((out / "optimize.json").read_text())
    assert record["spec"]["direction"] == direction and record["seeds"] == seeds
    assert record["spec"]["sampler"] == ("tpe" if direction == "maximize" else "random")
    for name in ("history.png", "importance.png"):  # one designed key: the importance figure says so
        with Image.open(out / name) as image:
            assert image.format == "PNG"
    assert f"{COST}={best[COST]:.4g}" in printed and "likes" in printed and "reach" in printed


def test_common_random_numbers_make_equal_designs_score_equally(tmp_path):
    """The same design enqueued twice scores exactly the same, run for run; another design does not."""
    path = _scenario(tmp_path)
    plan = design_space.build_optimisation(path, "liked", [f"{COST}=1:3", "seeding.strategy=random,hubs"],
                                       replicates=3, seed=9)
    same = {COST: 2.2, "seeding.strategy": "hubs"}
    other = {COST: 2.2, "seeding.strategy": "random"}
    out = tmp_path / "out"
    counts = optimize.optimise(plan, out, LocalExecutor(1), 3, enqueue=[same, other, same])
    assert counts == {"complete": 3, "failed": 0, "told": 3, "batch": 2}
    study = optimize.load_study(out)
    first, second, third = study.get_trials(deepcopy=False)
    assert first.params == third.params == same and second.params == other
    assert first.value == third.value and first.user_attrs["runs"] == third.user_attrs["runs"]
    assert first.user_attrs["runs"]["liked"] != second.user_attrs["runs"]["liked"]
    assert first.user_attrs["runs"]["liked"] == _direct(path, same, _seeds(9, 3), "liked")


def test_a_failed_run_fails_its_trial_and_the_search_goes_on(tmp_path):
    """A design whose runs raise (an edge list that is not there) is a failed trial with the run's error."""
    path = _scenario(tmp_path, 300)
    plan = design_space.build_optimisation(path, "acted", ["network.kind=barabasi_albert,edgelist"], replicates=2,
                                       seed=2, sampler="random",
                                       overrides={"network.path": str(tmp_path / "missing.csv")})
    out = tmp_path / "out"
    counts = optimize.optimise(plan, out, LocalExecutor(1), 2,
                               enqueue=[{"network.kind": "edgelist"}, {"network.kind": "barabasi_albert"}])
    # The search goes on until the trials wanted are complete, or as many have failed.
    assert counts["failed"] >= 1 and 2 in (counts["complete"], counts["failed"])
    table = optimize_outputs.trials_table(optimize.load_study(out), plan)
    assert table.loc[0, "state"] == "FAIL" and "missing.csv" in table.loc[0, "error"]
    assert np.isnan(table.loc[0, "acted_mean"]) and table.loc[1, "state"] == "COMPLETE"
    assert (table["state"] == "FAIL").sum() == counts["failed"]
    assert set(table.loc[table["state"] == "FAIL", "network.kind"]) == {"edgelist"}
    assert set(table.loc[table["state"] == "COMPLETE", "network.kind"]) == {"barabasi_albert"}
    assert optimize.optimise(plan, out, LocalExecutor(1), 2)["told"] == 0  # a failed trial is not run again


@pytest.mark.slow
def test_trials_do_not_depend_on_the_workers_for_a_given_batch(tmp_path):
    """Told in the order asked, the trials are a function of the seed and the batch, not of timing."""
    path = _scenario(tmp_path, 300)
    plan = design_space.build_optimisation(path, "acted", [f"{COST}=1:3", "campaign.framing=0:1"], replicates=2,
                                       seed=4)
    tables = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        optimize.optimise(plan, out, LocalExecutor(workers), 12, batch=3)
        tables.append(optimize_outputs.trials_table(optimize.load_study(out), plan).drop(columns="duration_s"))
    pd.testing.assert_frame_equal(*tables)
    assert len(set(tables[0][COST])) == 12  # the batch's trials differ, even before TPE has data
    # More trials later continue the study; the first twelve stay as they were.
    counts = optimize.optimise(plan, out, LocalExecutor(2), 14, batch=3)
    assert counts["complete"] == 14 and counts["told"] == 2
    longer = optimize_outputs.trials_table(optimize.load_study(out), plan).drop(columns="duration_s")
    pd.testing.assert_frame_equal(longer.iloc[:12], tables[1])
    assert optimize.optimise(plan, out, LocalExecutor(2), 14)["told"] == 0  # nothing left to do


def _spawn(argv):
    return subprocess.Popen([sys.executable, "-m", "slacktivism", *argv], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


@pytest.mark.slow
def test_sigkill_loses_no_trial_and_resuming_equals_an_uninterrupted_run(tmp_path, capsys):
    path = _scenario(tmp_path, 1000)
    killed, reference = tmp_path / "killed", tmp_path / "reference"

    def argv(out):
        return ["optimize", str(path), "--objective", "liked", "--design", f"{COST}=1:3",
                "--design", "seeding.strategy=random,hubs,periphery", "--replicates", "5", "--trials", "8",
                "--seed", "3", "--workers", "1", "--out", str(out)]

    process = _spawn(argv(killed))
    deadline = time.monotonic() + 120
    before = []
    while time.monotonic() < deadline and process.poll() is None:
        # Read-only: opening the study with Optuna while the optimiser creates it would race its schema set-up.
        if (killed / "optuna.db").exists() and _complete_trials_read_only(killed / "optuna.db") >= 3:
                os.killpg(process.pid, signal.SIGKILL)  # the driver and its workers: no chance to clean up
                break
        time.sleep(0.05)
    _, err = process.communicate()
    assert process.returncode == -signal.SIGKILL, (
        f"the optimisation ended (exit {process.returncode}) before it could be killed: {err[-2000:]}")
    before = _study_trials(killed)  # what the killed process had committed
    assert 3 <= len(before) < 8
    assert main(argv(killed)) == 0  # the same command resumes
    assert main(argv(reference)) == 0
    capsys.readouterr()
    after, uninterrupted = _study_trials(killed), _study_trials(reference)
    assert len(after) == len(uninterrupted) == 8
    assert all(trial in after for trial in before)  # no complete trial lost or changed, numbers included
    assert [(p, v) for _, p, v in after] == [(p, v) for _, p, v in uninterrupted]
    study = optimize.load_study(killed)
    interrupted = [t for t in study.get_trials(deepcopy=False) if t.number in optimize.interrupted(study)]
    assert interrupted and all(t.state.name == "FAIL" for t in interrupted)
    table = pd.read_parquet(killed / "trials.parquet")
    assert len(table) == 8 and (table["state"] == "COMPLETE").all()  # the interrupted ones are not results


class _InterruptingExecutor(LocalExecutor):
    """A local pool that raises KeyboardInterrupt (as Ctrl-C would) in its third wait."""

    def __init__(self, workers):
        super().__init__(workers)
        self.waits = 0

    def wait(self, futures):
        self.waits += 1
        if self.waits == 3:
            raise KeyboardInterrupt
        return super().wait(futures)


@pytest.mark.slow
def test_ctrl_c_leaves_a_study_that_resumes_to_the_same_trials(tmp_path, capsys, monkeypatch):
    path = _scenario(tmp_path, 300)
    plan = design_space.build_optimisation(path, "acted", [f"{COST}=1:3"], replicates=2, seed=1)
    stopped, reference = tmp_path / "stopped", tmp_path / "reference"
    with pytest.raises(KeyboardInterrupt):
        optimize.optimise(plan, stopped, _InterruptingExecutor(1), 6)
    left = optimize.load_study(stopped).get_trials(deepcopy=False)
    assert any(t.state.name == "RUNNING" for t in left)
    optimize.optimise(plan, stopped, LocalExecutor(1), 6)
    optimize.optimise(plan, reference, LocalExecutor(1), 6)
    assert [(p, v) for _, p, v in _study_trials(stopped)] == [(p, v) for _, p, v in _study_trials(reference)]
    # The command line says where the results are and how to resume, with exit code 130.

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(optimize, "optimise", interrupted)
    argv = ["optimize", str(path), "--objective", "acted", "--design", f"{COST}=1:3", "--trials", "6",
            "--replicates", "2", "--seed", "1", "--workers", "1", "--out", str(stopped)]
    assert main(argv) == 130
    err = capsys.readouterr().err
    assert str(stopped / "optuna.db") in err and "to resume" in err and "--design" in err
    # A lost worker (or any other failure of the machinery) is one line too, with exit code 1.

    def lost_worker(*args, **kwargs):
        from concurrent.futures.process import BrokenProcessPool

        raise BrokenProcessPool("A process in the process pool was terminated abruptly\nwhile running")

    monkeypatch.setattr(optimize, "optimise", lost_worker)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "BrokenProcessPool" in err and "to resume" in err


def test_a_directory_in_use_is_refused(tmp_path, capsys):
    path = _scenario(tmp_path, 300)
    plan = design_space.build_optimisation(path, "acted", [f"{COST}=1:3"], replicates=1)
    out = tmp_path / "out"
    out.mkdir()
    optimize._write_record(plan, out)
    handle = optimize._lock(out)
    try:
        with pytest.raises(optimize.BusyError):
            optimize.optimise(plan, out, LocalExecutor(1), 1)
        assert main(["optimize", str(path), "--objective", "acted", "--design", f"{COST}=1:3", "--trials", "1",
                     "--replicates", "1", "--workers", "1", "--out", str(out)]) == 2
        assert "another optimisation is running" in capsys.readouterr().err
    finally:
        handle.close()


BAD = {
    "not_an_outcome": (["--objective", "likes"], "did you mean liked?"),
    "nullable_outcome": (["--objective", "goal_step"], "can be missing"),
    "unknown_key": (["--design", "decision.cost_akt=1:2"], "did you mean decision.cost_act?"),
    "above_the_range": (["--design", f"{COST}=5:12"], "less than or equal to 10"),
    "below_the_range": (["--design", "campaign.ask_odds=0.5:3"], "greater than or equal to 1"),
    "low_not_below_high": (["--design", f"{COST}=3:1"], "LOW must be below HIGH"),
    "equal_bounds": (["--design", f"{COST}=2:2"], "LOW must be below HIGH"),
    "no_equals": (["--design", f"{COST}"], "expected KEY=LOW:HIGH"),
    "empty_value": (["--design", f"{COST}="], "expected KEY=LOW:HIGH"),
    "bad_yaml": (["--design", "seeding.strategy=[random"], "not valid YAML"),
    "bad_choice": (["--design", "seeding.strategy=random,hubbs"], "not an allowed value"),
    "yaml_alias": (["--design", "seeding.strategy=&a random,*a"], "anchors and aliases are not allowed"),
    "fraction_of_an_int": (["--design", "seeding.count=1.5:4"], "whole numbers"),
    "range_of_a_word": (["--design", "platform.feed=0:1"], "is not a number"),
    "a_section": (["--design", "network=0:1"], "cannot"),
    "the_seed": (["--design", "seed=1:9"], "cannot"),
    "twice": (["--design", f"{COST}=1:2", "--design", f"{COST}=2:3"], "designed twice"),
    "no_design": ([], "--design"),
    "bad_set": (["--set", "network.n_userz=10"], "did you mean network.n_users?"),
    "unreachable_scheduler": (["--scheduler", "tcp://127.0.0.1:{port}"], "cannot connect"),
    "workers_and_scheduler": (["--workers", "1", "--scheduler", "tcp://127.0.0.1:1"], "not allowed with"),
    "zero_trials": (["--trials", "0"], "must be >= 1"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_exit_2_and_creates_nothing(tmp_path, capsys, case):
    path = _scenario(tmp_path, 300)
    extra, expected = BAD[case]
    extra = [a.replace("{port}", str(free_port())) for a in extra]
    out = tmp_path / "out"
    argv = ["optimize", str(path), "--objective", "acted", "--trials", "2", "--out", str(out)]
    if case not in ("no_design",) and not any(a == "--design" for a in extra):
        argv += ["--design", f"{COST}=1:3"]
    # A later flag wins for --objective and --trials; --design is repeatable.
    try:
        code = main([*argv, *extra])
    except SystemExit as exc:  # argparse's errors (also one line, exit 2)
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and expected in err and "Traceback" not in err
    assert not out.exists()


def test_a_directory_with_another_optimisation_is_refused_untouched(tmp_path, capsys):
    path = _scenario(tmp_path, 300)
    out = tmp_path / "out"
    base = ["optimize", str(path), "--trials", "1", "--replicates", "1", "--workers", "1", "--out", str(out)]
    assert main([*base, "--objective", "acted", "--design", f"{COST}=1:3"]) == 0
    capsys.readouterr()
    files = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    for other in (["--objective", "liked", "--design", f"{COST}=1:3"],
                  ["--objective", "acted", "--design", f"{COST}=1:2"],
                  ["--objective", "acted", "--design", f"{COST}=1:3", "--seed", "2"]):
        assert main([*base, *other]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "holds another optimisation" in err
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == files
    sweep_like = tmp_path / "sweep"
    sweep_like.mkdir()
    (sweep_like / "manifest.json").write_text("{}")
    assert main([*base[:-1], str(sweep_like), "--objective", "acted", "--design", f"{COST}=1:3"]) == 2
    assert "holds other files, not an optimisation" in capsys.readouterr().err


@pytest.mark.slow
def test_dask_cluster_gives_the_local_trials(tmp_path, capsys):
    """A real `dask scheduler` and two `dask worker --nthreads 1` on 127.0.0.1, as the sweep tests start them."""
    with dask_cluster(2) as address:
        path = _scenario(tmp_path, 500)
        local, cluster = tmp_path / "local", tmp_path / "cluster"
        argv = ["optimize", str(path), "--objective", "acted", "--design", f"{COST}=1:3",
                "--design", "campaign.asks=[],[5],[5,10]", "--trials", "6", "--replicates", "2", "--seed", "6"]
        assert main([*argv, "--out", str(local), "--workers", "2"]) == 0
        assert main([*argv, "--out", str(cluster), "--scheduler", address]) == 0  # two workers: the same batch
        capsys.readouterr()
        tables = [pd.read_parquet(out / "trials.parquet").drop(columns="duration_s") for out in (local, cluster)]
        pd.testing.assert_frame_equal(*tables)
        best = tables[1].loc[tables[1]["acted_mean"].idxmax()]
        values = {COST: float(best[COST]), "campaign.asks": json.loads(best["campaign.asks"])}
        assert best["acted_mean"] == pytest.approx(np.mean(_direct(path, values, _seeds(6, 2), "acted")), rel=1e-12)
