"""Package hygiene: a light `import course`, and ruff-clean code."""

import importlib.util
import subprocess
import sys

import pytest
from conftest import ROOT

HEAVY = ("tensorflow", "keras", "matplotlib", "ipywidgets", "sklearn")


def test_import_course_loads_nothing_heavy():
    code = f"import sys, course; course.exercises(); print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"`import course` (and listing exercises) imported {out}"


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")
def test_ruff_lint_and_format():
    ruff = [sys.executable, "-m", "ruff"]
    assert subprocess.run([*ruff, "check", "--no-cache", "."], cwd=ROOT).returncode == 0
    assert subprocess.run([*ruff, "format", "--check", "--no-cache", "course", "tests"], cwd=ROOT).returncode == 0
