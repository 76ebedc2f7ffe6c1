"""`slacktivism joint`: one set of keys of the choice across cases, and each case predicted when left out."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from model import SlacktivismModel
from model.randomness import spawn_seeds
from model.scenario import Scenario
from slacktivism.cli import main
from tests.conftest import ROOT, SCENARIOS

TRUTH = 1.5  # decision.cost_like shared by both synthetic campaigns
WORLDS = {
    "alpha": {"network": {"kind": "barabasi_albert", "n_users": 300, "mean_degree": 20},
              "seeding": {"strategy": "random", "count": 15}},
    "beta": {"network": {"kind": "erdos_renyi", "n_users": 400, "mean_degree": 30},
             "seeding": {"strategy": "hubs", "count": 10}},
}


def _stored_generations(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("SELECT COUNT(*) FROM populations WHERE t >= 0").fetchone()[0]
    except sqlite3.Error:
        return 0


def _like_rate(scenario: dict, seeds) -> float:
    """log10 of the mean share of users reached who liked, read from the model's own runs."""
    rates = []
    for seed in seeds:
        summary = SlacktivismModel(Scenario.model_validate({**scenario, "seed": int(seed)})).run()
        rates.append(summary["liked"] / summary["aware"])
    return float(np.log10(np.mean(rates)))


def _cases(tmp_path: Path) -> list[Path]:
    """Two campaigns in different worlds whose like rates were 'observed' at the same cost of liking."""
    paths = []
    for name, world in WORLDS.items():
        scenario = {"name": name, "seed": 0, "steps": 30, **world}
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(scenario))
        truth = {**scenario, "decision": {"cost_like": TRUTH}}
        observed = _like_rate(Scenario.model_validate(truth).model_dump(mode="json"), spawn_seeds(777, 6))
        data = {"case": name, "title": f"synthetic {name}", "scenario": f"{name}.yaml",
                "sources": {"synthetic": f"the model's like rate at decision.cost_like {TRUTH}, other seeds"},
                "statistics": [{"name": "like_rate", "observed": round(observed, 4), "tolerance": 0.12,
                                "source": "synthetic", "model": {"ratio": ["liked", "aware"], "log10": True}}]}
        paths.append(tmp_path / f"{name}.data.yaml")
        paths[-1].write_text(yaml.safe_dump(data))
    return paths


@pytest.mark.slow
def test_a_shared_key_is_recovered_and_each_case_is_predicted_when_left_out(tmp_path, capsys):
    """Both cases share the true cost of liking: the joint posterior finds it, and each fold predicts the other.

    Rerun, a finished run changes nothing; killed in the middle of a fit and rerun, it gives the same table.
    """
    from slacktivism.posterior import posterior, weighted_quantile

    paths = _cases(tmp_path)
    out = tmp_path / "joint"
    args = ["joint", *map(str, paths), "--fit", "decision.cost_like=1.0:2.2", "--out", str(out), "--population", "24",
            "--generations", "3", "--replicates", "2", "--predictive", "6", "--seed", "4", "--workers", "1"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    frame = posterior(out / "all")
    w = frame["weight"].to_numpy()
    x = frame["decision.cost_like"].to_numpy()
    # Two replicates on the fit's seeds carry their luck (the posterior is conditional on them), so the check is
    # that the median lands within a sixth of the prior's width of the truth and the fit narrows the prior.
    low, median, high = (weighted_quantile(x, w, q) for q in (0.05, 0.5, 0.95))
    assert abs(median - TRUTH) < 0.2 and high - low < 0.6, (low, median, high)
    rows = pd.read_csv(out / "joint.csv")
    held = rows[rows["role"] == "held out"]
    assert sorted(held["case"]) == ["alpha", "beta"], rows
    assert (held["distance"] <= 2.0).all(), held[["case", "predictive_mean", "observed", "distance"]]
    assert "leave-one-case-out:" in printed and "| alpha | like_rate |" in printed, printed
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.csv")}
    assert main(args) == 0  # every fold is done: nothing is re-run and the table is the same
    assert pd.read_csv(out / "joint.csv").equals(rows)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("predictive.csv")} == {
        p: t for p, t in before.items() if p.name == "predictive.csv"}

    # Killed (SIGKILL) in the middle of the second fit, then rerun: the same table as the run that went through.
    killed = tmp_path / "killed"
    again = [a if a != str(out) else str(killed) for a in args]
    process = subprocess.Popen([sys.executable, "-m", "slacktivism", *again], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while _stored_generations(killed / "without-alpha" / "calibration.db") < 1:
        assert process.poll() is None, "the joint calibration ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert (killed / "all" / "predictive.csv").exists() and not (killed / "joint.csv").exists()
    assert main(again) == 0
    pd.testing.assert_frame_equal(pd.read_csv(killed / "joint.csv"), rows)


@pytest.mark.parametrize("extra, problem", [
    (["--fit", "decision.cost_act=2:3"], "decision.cost_act: a key of the case's world, kept per case"),
    (["--fit", "network.mean_degree=10:50"], "network.mean_degree: a key of the case's world"),
    (["--fit", "decision.cost_lik=1:2"], "did you mean decision.cost_like?"),
])
def test_world_keys_and_bad_fits_are_refused_in_one_line(tmp_path, capsys, extra, problem):
    cases = SCENARIOS / "cases"
    out = tmp_path / "out"
    argv = ["joint", str(cases / "save_darfur.data.yaml"), str(cases / "kony_2012.data.yaml"), *extra, "--out",
            str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert problem in err and err.count("\n") == 1, err
    assert not out.exists()


def test_one_case_is_not_a_joint_calibration(tmp_path, capsys):
    argv = ["joint", str(SCENARIOS / "cases" / "save_darfur.data.yaml"), "--fit", "decision.cost_like=1:2",
            "--out", str(tmp_path / "out")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "a joint calibration needs at least two cases" in err and err.count("\n") == 1, err


@pytest.mark.parametrize("argv, problem", [
    (["no_such.data.yaml"], "no_such.data.yaml"),
    (["--epsilon", "0"], "--epsilon: must be a positive number"),
])
def test_bad_cases_and_flags_are_one_line(tmp_path, capsys, argv, problem):
    cases = SCENARIOS / "cases"
    files = [str(cases / "save_darfur.data.yaml"), str(cases / "kony_2012.data.yaml")]
    flags = [a for a in argv if a.startswith("--") or not a.endswith(".yaml")]
    extra_files = [a for a in argv if a.endswith(".yaml")]
    out = tmp_path / "out"
    assert main(["joint", *files, *extra_files, "--fit", "decision.cost_like=1:2", *flags, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert problem in err and err.count("\n") == 1, err
    assert not out.exists()


def test_a_bad_flag_value_is_argparses_one_line(capsys):
    cases = SCENARIOS / "cases"
    with pytest.raises(SystemExit) as exit_info:
        main(["joint", str(cases / "save_darfur.data.yaml"), str(cases / "kony_2012.data.yaml"), "--fit",
              "decision.cost_like=1:2", "--population", "0", "--out", "x"])
    assert exit_info.value.code == 2
    assert "argument --population: must be >= 1 (got 0)" in capsys.readouterr().err
