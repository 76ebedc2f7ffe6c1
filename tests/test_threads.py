"""Importing the model makes OpenMP's idle threads sleep, unless the user chose otherwise."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize(("given", "expected"), [(None, "passive"), ("active", "active")])
def test_openmp_threads_wait_passively_unless_told_otherwise(given, expected):
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if given is not None:
        env["OMP_WAIT_POLICY"] = given
    out = subprocess.run([sys.executable, "-c", "import os, model; print(os.environ['OMP_WAIT_POLICY'])"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == expected
