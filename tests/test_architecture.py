"""Layers and purity: the table in CONTRIBUTING.md ("Layering") is what the imports do.

Every import in every source file counts, at the top of a module or inside a
function, and imports are followed transitively, so a forbidden edge hidden
behind an allowed module fails too.
"""

import ast
import re
from functools import cache

import pytest

from tests.conftest import ROOT

PACKAGES = ("model", "viz", "slacktivism", "bench", "tests")
#: The modules beside the core (CONTRIBUTING.md, Layering): the only model modules that touch files, and
#: model.case_statistics, which reads the records of model.case_files.
BESIDE = {"model.edgelist", "model.scenario_files", "model.run_files", "model.case_files", "model.case_statistics"}
# pandas is allowed: Mesa's DataCollector already returns DataFrames, and user_table() is one (no file I/O).
FORBIDDEN = {"yaml", "matplotlib", "solara", "viz", "slacktivism", "pyarrow", "tqdm", "requests",
             "os", "pathlib", "io", "shutil", "subprocess"}


def _layer_table() -> dict[str, set[str]]:
    """The Layering table of CONTRIBUTING.md: package -> the packages it may import."""
    text = (ROOT / "CONTRIBUTING.md").read_text()
    section = text[text.index("## Layering"):]
    section = section[:section.index("\n## ", 3)]
    table = {}
    for row in re.findall(r"^\| `(\w+)` \| (.*) \|$", section, re.M):
        table[row[0]] = set(re.findall(r"`(\w+)`", row[1].split("(")[0]))
    return table


def _module_name(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _sources() -> dict[str, object]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


@cache
def _imports(module: str) -> frozenset[str]:
    """Every module ``module`` imports, by full dotted name (relative imports resolved)."""
    tree = ast.parse(_sources()[module].read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")[: -node.level] if not str(_sources()[module]).endswith(
                    "__init__.py") else module.split(".")[: len(module.split(".")) - node.level + 1]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                # ``from pkg import submodule`` depends on the submodule; ``from pkg import name`` on pkg itself.
                full = f"{base}.{alias.name}"
                names.add(full if full in _sources() else base)
    return frozenset(names)


def _ours(name: str) -> str | None:
    """The source module ``name`` refers to (a package's __init__ for ``from pkg import x``), or None."""
    while name:
        if name in _sources():
            return name
        name = name.rpartition(".")[0]
    return None


@cache
def _reach(module: str) -> frozenset[str]:
    """Our modules that importing ``module`` imports, transitively."""
    seen, todo = set(), [module]
    while todo:
        for name in _imports(todo.pop()):
            target = _ours(name)
            if target is not None and target not in seen:
                seen.add(target)
                todo.append(target)
    return frozenset(seen - {module})


def test_the_layer_table_names_every_package_and_has_no_cycles():
    table = _layer_table()
    assert set(table) == set(PACKAGES), f"CONTRIBUTING.md's Layering table lists {sorted(table)}"
    closed, order = set(), []
    while len(closed) < len(table):
        ready = [p for p in table if p not in closed and table[p] <= closed]
        assert ready, f"the layer table has a cycle among {sorted(set(table) - closed)}"
        closed.update(ready)
        order += ready


@pytest.mark.parametrize("module", sorted(_sources()))
def test_every_import_respects_the_layer_table(module):
    table = _layer_table()
    package = module.split(".")[0]
    allowed = table[package] | {package}
    bad = sorted(m for m in _reach(module) if m.split(".")[0] not in allowed)
    assert not bad, f"{module} ({package} may import {sorted(table[package])}) reaches {bad}"


def test_the_checker_catches_a_hidden_forbidden_import(tmp_path, monkeypatch):
    """viz importing a model module that imports slacktivism must fail: the check is transitive."""
    (tmp_path / "model").mkdir()
    (tmp_path / "viz").mkdir()
    (tmp_path / "model" / "innocent.py").write_text("def f():\n    from slacktivism.cli import main\n")
    (tmp_path / "viz" / "page.py").write_text("from model.innocent import f\n")
    (tmp_path / "slacktivism").mkdir()
    (tmp_path / "slacktivism" / "cli.py").write_text("")
    sources = {"model.innocent": tmp_path / "model" / "innocent.py", "viz.page": tmp_path / "viz" / "page.py",
               "slacktivism.cli": tmp_path / "slacktivism" / "cli.py"}
    for f in (_sources, _imports, _reach):
        f.cache_clear()
    monkeypatch.setattr(f"{__name__}._sources", lambda: sources)
    try:
        assert _reach("viz.page") == {"model.innocent", "slacktivism.cli"}
    finally:
        for f in (_imports, _reach):
            f.cache_clear()


CORE = sorted(m for m in _sources() if m.startswith("model.") and m not in BESIDE)


@pytest.mark.parametrize("module", CORE)
def test_core_module_is_pure(module):
    top = {name.split(".")[0] for name in _imports(module)}
    assert not (top & FORBIDDEN), f"{module} imports {sorted(top & FORBIDDEN)}"
    tree = ast.parse(_sources()[module].read_text())
    calls = {getattr(n.func, "id", None) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert not ({"print", "open"} & calls), module


@pytest.mark.parametrize("module", CORE)
def test_core_never_reaches_the_modules_that_touch_files(module):
    """The core asks for a network by kind (model.network.READERS); reading and writing files sits beside it."""
    assert not (_reach(module) & BESIDE), f"{module} reaches {sorted(_reach(module) & BESIDE)}"


#: pyabc draws its proposals from NumPy's global generator and offers no other; the sampler sets it per job from
#: (seed, generation, job) and restores it after the job. No other file may touch global random state.
GLOBAL_STATE_FOR_PYABC = ROOT / "slacktivism" / "abc_sampler.py"


def test_no_global_random_state():
    for folder in ("model", "viz", "slacktivism"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            assert "import random" not in text, path
            if path == GLOBAL_STATE_FOR_PYABC:
                assert text.count("np.random.seed(") == 1 and "np.random.set_state(saved)" in text, path
                continue
            assert "np.random.seed" not in text and "random.seed(" not in text, path
