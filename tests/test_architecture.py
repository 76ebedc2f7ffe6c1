"""The simulation core imports no YAML, files, printing, plotting or web (CONTRIBUTING.md, Layering)."""

import ast

import pytest

from tests.conftest import ROOT

CORE = ["scenario", "network", "users", "state", "spread", "feed", "decisions", "metrics", "agents",
        "randomness", "recruitment", "slacktivism_model", "participants", "memory", "media", "invitations",
        "sources"]
#: The readers beside the core: the only model modules that touch files.
READERS = ("model.edgelist", "model.scenario_files")
# pandas is allowed: Mesa's DataCollector already returns DataFrames, and user_table() is one (no file I/O).
FORBIDDEN = {"yaml", "matplotlib", "solara", "viz", "slacktivism", "pyarrow", "tqdm", "requests",
             "os", "pathlib", "io", "shutil", "subprocess"}


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module.split(".")[0]


def _calls(path, name):
    tree = ast.parse(path.read_text())
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == name]


@pytest.mark.parametrize("module", CORE)
def test_core_module_is_pure(module):
    path = ROOT / "model" / f"{module}.py"
    assert not (set(_imports(path)) & FORBIDDEN)
    assert not _calls(path, "print") and not _calls(path, "open")


def _modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("module", CORE)
def test_core_module_never_imports_the_file_readers(module):
    """The core asks for a network by kind (model.network.READERS); reading files sits beside it."""
    assert not (set(_modules(ROOT / "model" / f"{module}.py")) & set(READERS))


def test_model_never_imports_viz_or_the_shell():
    for path in (ROOT / "model").glob("*.py"):
        assert not ({"viz", "slacktivism"} & set(_imports(path))), path.name


#: pyabc draws its proposals from NumPy's global generator and offers no other; calibrate sets it per job from
#: (seed, generation, job) and restores it after the job. No other file may touch global random state.
GLOBAL_STATE_FOR_PYABC = ROOT / "slacktivism" / "calibrate.py"


def test_no_global_random_state():
    for folder in ("model", "viz", "slacktivism"):
        for path in (ROOT / folder).glob("*.py"):
            text = path.read_text()
            assert "import random" not in text, path
            if path == GLOBAL_STATE_FOR_PYABC:
                assert text.count("np.random.seed(") == 1 and "np.random.set_state(saved)" in text, path
                continue
            assert "np.random.seed" not in text and "random.seed(" not in text, path
