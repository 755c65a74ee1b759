"""Shared test setup: never download, keep TensorFlow quiet, draw off-screen; read functions from notebooks."""

import ast
import compileall
import json
import os
import tempfile
from functools import cache
from pathlib import Path

os.environ.setdefault("COURSE_OFFLINE", "1")  # no test downloads anything
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("COURSE_PROGRESS", os.path.join(tempfile.mkdtemp(prefix="course-test-"), "progress.json"))

ROOT = Path(__file__).resolve().parents[1]

# Compile the repository's modules now, before any test runs, so no import during the run (here, on the other worker
# or in a kernel) writes bytecode into the repository while a test checks that a grading run left it unchanged.
for _folder in ("course", "benchmarks", "tests"):
    compileall.compile_dir(ROOT / _folder, quiet=1)


def notebook_function(notebook: str, name: str, folder: str = "solutions"):
    """The function `name` as a notebook defines it, with the notebook's imports and its other functions.

    Only imports and `def`s are executed, so the test uses the solution exactly as written in the
    notebook (or the stub, from the learners' copy in `notebooks/`) without running the notebook.
    """
    namespace = notebook_definitions(folder, notebook)
    if name not in namespace:
        raise LookupError(f"{folder}/{notebook} defines no function {name!r}")
    return namespace[name]


@cache
def notebook_definitions(folder: str, notebook: str) -> dict:
    """The namespace left by a notebook's imports, function and class definitions (each notebook read once)."""
    cells = json.loads((ROOT / folder / notebook).read_text(encoding="utf-8"))["cells"]
    nodes = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        for node in ast.parse("\n".join(lines)).body:
            if isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef):
                nodes.append(node)
    namespace: dict = {}
    exec(compile(ast.Module(body=nodes, type_ignores=[]), f"{folder}/{notebook}", "exec"), namespace)
    return namespace


def notebook_of(exercise_id: str) -> str:
    """The file name of the notebook that holds an exercise, e.g. '01_perceptron.ipynb'."""
    from course.grading.registry import NOTEBOOK_TOPICS

    number = next(n for n, topic in NOTEBOOK_TOPICS.items() if topic == exercise_id.split(".")[0])
    found = sorted((ROOT / "solutions").glob(f"{number}_*.ipynb"))
    if not found:
        raise LookupError(f"no solution notebook solutions/{number}_*.ipynb holds {exercise_id}")
    return found[0].name


def failing(exercise, answer, *phrases):
    """Grade a wrong answer: it must fail, and its feedback must contain every phrase."""
    from course import grade

    result = grade(exercise, answer)
    assert not result.passed, f"{exercise} accepted a wrong answer"
    for phrase in phrases:
        assert phrase in result.feedback, result.feedback
    return result
