"""The command line: each flag reaches the core; outputs are complete and readable."""

import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from PIL import Image

from slacktivism.cli import main
from tests.conftest import ROOT, run_in_terminal

BASELINE = str(ROOT / "scenarios" / "baseline.yaml")
SMALL = ["--set", "network.n_users=1500"]

KEYS = {"scenario", "seed", "n_users", "steps_run", "aware", "liked", "shared", "acted", "goal_actions",
        "goal_reached", "goal_step", "recruiters", "recruited_none_share", "max_generation", "mean_generation",
        "largest_tree", "structural_virality", "token_then_act", "acted_in_group", "acted_misaligned",
        "acted_misled"}


def _json_run(capsys, *argv):
    assert main(["run", BASELINE, "--json", *SMALL, *argv]) == 0
    out, err = capsys.readouterr()
    assert err == ""  # no progress bar when stderr is not a terminal
    lines = out.strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_json_prints_exactly_one_object_with_the_fixed_keys(capsys):
    summary = _json_run(capsys)
    assert summary.keys() >= KEYS
    assert summary["scenario"] == "baseline" and summary["n_users"] == 1500
    assert summary["goal_reached"] == (summary["acted"] >= summary["goal_actions"])


def test_flags_reach_the_core(capsys):
    assert _json_run(capsys, "--seed", "7")["seed"] == 7
    assert _json_run(capsys, "--steps", "3")["steps_run"] == 3
    assert _json_run(capsys, "--set", "campaign.goal_actions=5")["goal_actions"] == 5
    mapping = _json_run(capsys, "--set", "seeding={strategy: none}", "--set", "media={hazard: 0}")
    assert mapping["aware"] == 0 and mapping["acted"] == 0
    assert _json_run(capsys, "--seed", "7") == _json_run(capsys, "--set", "seed=7")


def test_out_writes_series_summary_and_figure(tmp_path, capsys):
    out = tmp_path / "result"
    assert main(["run", BASELINE, *SMALL, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "vanity" in printed and "impact" in printed
    csv = pd.read_csv(out / "timeseries.csv")
    parquet = pd.read_parquet(out / "timeseries.parquet")
    assert csv.columns.tolist() == parquet.columns.tolist()
    assert {"step", "aware", "liked", "shared", "acted"} <= set(csv.columns)
    assert csv["step"].tolist() == list(range(len(csv)))
    assert csv.equals(parquet)
    summary = json.loads((out / "summary.json").read_text())
    assert summary.keys() >= KEYS
    assert summary["acted"] == csv["acted"].iloc[-1] and summary["steps_run"] == csv["step"].iloc[-1]
    prov = summary["provenance"]
    assert len(prov["scenario_sha256"]) == 64 and prov["seed"] == 42
    assert prov["packages"]["mesa"].startswith("3.5")
    assert prov["scenario"]["network"]["n_users"] == 1500
    assert {"git_commit", "git_dirty", "git_diff_sha256"} <= prov.keys()  # what git_state gives (test_sweeps)
    with Image.open(out / "figure.png") as image:
        assert image.format == "PNG" and image.size[0] > 600
    users = pd.read_parquet(out / "users.parquet")
    assert len(users) == 1500 and (users["step_acted"] >= 0).sum() == summary["acted"]
    assert (users["recruits"] > 0).sum() == summary["recruiters"]
    assert {"recruiter", "generation", "token_before_act", "step_liked", "step_shared"} <= set(users.columns)


def test_scenario_hash_changes_with_the_scenario(tmp_path, capsys):
    digests = []
    for n in (1500, 1600):
        out = tmp_path / str(n)
        assert main(["run", BASELINE, "--set", f"network.n_users={n}", "--out", str(out), "--json"]) == 0
        digests.append(json.loads((out / "summary.json").read_text())["provenance"]["scenario_sha256"])
    capsys.readouterr()
    assert digests[0] != digests[1]


def test_out_that_is_a_file_is_refused_before_running(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["run", BASELINE, *SMALL, "--out", str(target)]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_progress_bar_on_a_terminal_only(tmp_path):
    """A real pseudo-terminal gets a progress bar; a pipe does not."""
    cmd = [sys.executable, "-m", "slacktivism", "run", BASELINE, *SMALL]
    piped = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True)
    assert piped.stderr == ""
    code, text = run_in_terminal(cmd)
    assert code == 0
    assert "/60" in text and "step" in text  # tqdm's "k/60 [..., step/s]"


def test_console_script_is_installed():
    script = os.path.join(os.path.dirname(sys.executable), "slacktivism")
    if not os.path.exists(script):
        pytest.skip("not installed as a package (run through make test)")
    result = subprocess.run([script, "validate", BASELINE], check=False, capture_output=True, text=True)
    assert result.returncode == 0 and "ok" in result.stdout


def _registered():
    from slacktivism.commands import COMMANDS

    return COMMANDS


@pytest.mark.parametrize("command", _registered(), ids=[c.name for c in _registered()])
def test_every_command_lists_its_options_with_help(command, capsys):
    """The README's `slacktivism COMMAND --help`: exit 0, and every option the command takes is listed."""
    import argparse

    with pytest.raises(SystemExit) as done:
        main([command.name, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: slacktivism {command.name}")
    parser = argparse.ArgumentParser(add_help=False, parents=list(command.parents))
    command().add_arguments(parser)
    options = {o for action in parser._actions for o in action.option_strings}
    assert all(o in text for o in options), sorted(o for o in options if o not in text)
