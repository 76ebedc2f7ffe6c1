"""The package installs as a library: shipped scenarios by name, and the built wheel in a fresh venv.

The wheel is built from a copy of the sources with ``pip wheel --no-build-isolation`` (the dev extra
pins setuptools, so the build needs no download). The fresh venv is made without
``--system-site-packages``, and the wheel's dependencies are installed into it by pip from the
package index with the pinned ``constraints.txt``, as a user would (pip's cache makes that quick on a
machine that has run ``make setup``). Nothing of the checkout is on the venv's path: the commands run
in an empty folder with ``PYTHONPATH`` unset, so the scenarios and lessons they read are the wheel's
package data.
"""

import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from model import load_scenario, shipped_scenarios
from model.scenario_files import ScenarioError
from slacktivism.cli import main
from tests.conftest import ROOT

#: What the wheel is built from (a copy, so that the build leaves nothing in the checkout).
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "model", "viz", "slacktivism", "scenarios"]

PROBE = """
import json, model, scenarios
from model import SlacktivismModel, load_scenario, shipped_scenarios
from viz.i18n import glossary, lessons
summary = SlacktivismModel(load_scenario("cases/save_darfur", {"network.n_users": 300, "steps": 5})).run()
print(json.dumps({"model": model.__file__, "scenarios": scenarios.__file__, "shipped": shipped_scenarios(),
                  "lesson": len(lessons()["lesson"]), "glossary": len(glossary()), "n_users": summary["n_users"]}))
"""


def _run(args, **kwargs):
    result = subprocess.run(args, check=False, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{args[:3]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_shipped_scenarios_are_every_scenario_file_and_load_by_name(tmp_path, monkeypatch, capsys):
    on_disk = sorted([p.stem for p in (ROOT / "scenarios").glob("*.yaml")]
                     + [f"cases/{p.name[:-5]}" for p in (ROOT / "scenarios" / "cases").glob("*.yaml")
                        if not p.name.endswith(".data.yaml")])
    assert shipped_scenarios() == on_disk
    monkeypatch.chdir(tmp_path)  # no scenarios/ folder here: the name is looked up in the package
    assert load_scenario("baseline") == load_scenario(ROOT / "scenarios" / "baseline.yaml")
    assert load_scenario("cases/save_darfur.yaml") == load_scenario(ROOT / "scenarios" / "cases" / "save_darfur.yaml")
    assert main(["run", "baseline", "--set", "network.n_users=300", "--steps", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_users"] == 300


def test_a_file_on_disk_wins_over_a_shipped_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "baseline").write_text("steps: 7\n")
    assert load_scenario("baseline").steps == 7


def test_an_unknown_name_is_one_line_with_the_closest_shipped_scenario(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError, match=r"^basline: no such file or shipped scenario \(did you mean 'baseline'\?"):
        load_scenario("basline")
    assert main(["run", "basline"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did you mean 'baseline'" in err and "Traceback" not in err
    with pytest.raises(ScenarioError, match=r"no such file$"):
        load_scenario("nowhere/baseline.yaml")  # a path, not a name: the usual one-line error


@pytest.mark.slow
def test_the_wheel_runs_a_shipped_scenario_outside_the_checkout(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.nbi", "*.nbc")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-build-isolation", "--no-deps", "-w", dist, source])
    (wheel,) = dist.glob("slacktivism-*.whl")

    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / "scenarios").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    sources = {p.relative_to(ROOT).as_posix() for folder in ("model", "viz", "slacktivism")
               for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts}
    for name in shipped | sources | {"model/ODD.md", "viz/lessons.yaml", "viz/glossary.yaml", "viz/app.css",
                                     "viz/class.css"}:
        assert name in names, f"{name} is not in the wheel"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv])
    python, cli = venv / "bin" / "python", venv / "bin" / "slacktivism"
    _run([python, "-m", "pip", "install", "--quiet", "-c", ROOT / "constraints.txt", wheel])

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    out = _run([cli, "run", "baseline", "--set", "network.n_users=400", "--steps", "8", "--json", "--out", "run"],
               cwd=elsewhere, env=env)
    summary = json.loads(out)
    assert summary["scenario"] == "baseline" and summary["n_users"] == 400
    assert (elsewhere / "run" / "summary.json").is_file() and (elsewhere / "run" / "users.parquet").is_file()

    probe = json.loads(_run([python, "-c", PROBE], cwd=elsewhere, env=env))
    site = str(venv)
    assert probe["model"].startswith(site) and probe["scenarios"].startswith(site), probe
    assert not probe["model"].startswith(str(ROOT))
    assert {"baseline", "facebook_ego", "cases/save_darfur"} <= set(probe["shipped"])
    assert probe["n_users"] == 300 and probe["lesson"] > 0 and probe["glossary"] > 0

    # A scenario that reads a shipped data file (the ego-Facebook edge list) by a path relative to itself.
    out = _run([cli, "run", "facebook_ego", "--steps", "2", "--json"], cwd=elsewhere, env=env)
    assert json.loads(out)["n_users"] == 4039
