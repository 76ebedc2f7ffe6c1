"""The docs: the site builds strictly, generated blocks each live in one page, the README stays a front page."""

import json
import os
import re
import subprocess
import sys

from slacktivism.readme import block_file, documents
from tests.conftest import ROOT

#: Blocks that the benches and ``make docs`` write (``replace_block(..., "name", ...)``), read from their source.
WRITERS = [*sorted(ROOT.glob("bench/*.py")), ROOT / "slacktivism" / "readme.py"]


def _written_blocks() -> set[str]:
    names = set()
    for path in WRITERS:
        names |= set(re.findall(r'replace_block\([^,]+,\s*"([\w-]+)"', path.read_text()))
    return names


def test_every_generated_block_lives_in_exactly_one_page():
    names = _written_blocks()
    assert {"params", "bench", "claims", "cases", "darfur", "class-bench"} <= names  # the scan finds them
    for name in names:
        path = block_file(ROOT, name)  # raises unless exactly one document holds the markers
        text = path.read_text()
        assert text.count(f"<!-- {name}:start -->") == 1 and text.count(f"<!-- {name}:end -->") == 1, name
    for path in documents(ROOT):
        found = set(re.findall(r"^<!-- ([\w-]+):start -->$", path.read_text(), re.M))
        assert found <= names, f"{path.name}: blocks no bench writes: {found - names}"


def test_the_readme_is_a_front_page_whose_links_resolve():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) <= 350, "the README grew: move the long sections into docs/*.md"
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if "://" not in t]
    assert "docs/getting-started.md" in local and "docs/tutorial.ipynb" in local
    for target in local:
        assert (ROOT / target).exists(), f"README links to {target}, which does not exist"


def test_the_api_reference_has_every_model_module():
    page = (ROOT / "docs" / "reference" / "model.md").read_text()
    modules = {p.stem for p in (ROOT / "model").glob("*.py")} - {"__init__"}
    assert modules == set(re.findall(r"^::: model\.(\w+)$", page, re.M))


def test_the_docs_site_builds_with_strict(tmp_path):
    """``mkdocs build --strict``: a broken link, a missing page or a bad docstring reference fails it."""
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], check=False,
                            cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr[-4000:]
    odd = (site / "odd" / "index.html").read_text()
    assert "Purpose and patterns" in odd  # model/ODD.md was included, not left as a snippet marker
    assert "--8&lt;--" not in odd and "--8<--" not in odd
    reference = (site / "reference" / "model" / "index.html").read_text()
    assert "SlacktivismModel" in reference and "load_scenario" in reference
    assert "write_run" in (site / "reference" / "slacktivism" / "index.html").read_text()
    assert (site / "tutorial.ipynb").is_file()
    assert "network.n_users" in (site / "parameters" / "index.html").read_text()


def test_the_readmes_python_example_runs_as_written():
    """The README's Python block, executed as it stands: a shipped scenario by name, a run, the tables."""
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "the README has no Python example"
    for block in blocks:
        scope: dict = {}
        exec(compile(block, "README.md", "exec"), scope)  # the README's own example
        if "summary" in scope:
            assert scope["summary"]["n_users"] == len(scope["users"]), "the summary and the user table disagree"


def test_the_readmes_first_result_is_what_make_run_prints_now(capsys):
    """``make run``'s summary as the README shows it, and the numbers its next sentence quotes, from a run now."""
    from slacktivism.cli import main

    text = (ROOT / "README.md").read_text()
    section = text[text.index("## A first result"):]
    shown = re.search(r"```\n(.*?)```", section, re.S).group(1)
    assert main(["run", str(ROOT / "scenarios" / "baseline.yaml")]) == 0  # the Makefile's SCENARIO
    assert capsys.readouterr().out.startswith(shown), "re-run `make run` and update the README's first result"
    assert main(["run", str(ROOT / "scenarios" / "baseline.yaml"), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    said = (f"Of the {s['n_users']:,} users, {s['aware']} saw the campaign and {s['slacktivism_gap']} liked or "
            f"shared it without ever acting; the only actions are the {s['acted']} organisers' own, and the goal of "
            f"{s['goal_actions']} is {'reached' if s['goal_reached'] else 'missed'}.")
    assert said in " ".join(section.split()), said


def test_the_readmes_layout_names_every_folder_and_module():
    """The README says where things live: every folder git tracks at the top, and every module of the packages."""
    text = (ROOT / "README.md").read_text()
    layout = re.search(r"```\n(.*?)```", text[text.index("## Layout"):], re.S).group(1)
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    folders = {line.split("/")[0] for line in tracked.splitlines() if "/" in line and not line.startswith(".")}
    described = set(re.findall(r"^(\w+)/ ", layout, re.M))
    assert folders <= described, f"folders the Layout leaves out: {sorted(folders - described)}"
    words = set(re.findall(r"\w+", layout))
    for package in ("model", "slacktivism", "viz"):
        modules = {p.stem for p in (ROOT / package).glob("*.py")} - {"__init__", "__main__"}
        assert modules <= words, f"{package}/ modules the Layout leaves out: {sorted(modules - words)}"
