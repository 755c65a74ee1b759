"""Build submitted notebooks from the learners' notebooks: filled with the solutions, partly wrong, or hostile."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
STUB = "raise NotImplementedError()"


def filled(notebook: str, replace: dict[str, str] | None = None, extra: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    """notebooks/<notebook> with each exercise cell filled from solutions/ (or from `replace`, by function name),
    and `extra` cells inserted after the Setup cell."""
    nb = nbformat.read(ROOT / "notebooks" / notebook, as_version=4)
    solution = nbformat.read(ROOT / "solutions" / notebook, as_version=4)
    replace = replace or {}
    for cell, sol in zip(nb.cells, solution.cells, strict=True):
        if cell.cell_type == "code" and STUB in cell.source:
            source = "\n".join(line for line in sol.source.split("\n") if "### " not in line)
            for name, new in replace.items():
                if f"def {name}(" in source:
                    source = new
            cell.source = source
    setup = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells[setup + 1 : setup + 1] = [nbformat.v4.new_code_cell(s) for s in extra]
    return nb


def write(folder: Path, learner: str, notebook: str, nb) -> Path:
    path = folder / learner / notebook
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, str):
        path.write_text(nb, encoding="utf-8")
    else:
        nbformat.write(nb, path)
    return path


WRONG_STEP = "def step(z):\n    return (np.asarray(z) >= 0).astype(int)"
WRONG_ACCURACY = "def accuracy(y_true, y_pred):\n    return float(np.sum(np.asarray(y_true) == np.asarray(y_pred)))"

# Tricks that make wrong answers pass when checks run in the learner's own kernel.
TAMPER = {
    "replaces_grade": "import course\nfrom course.grading import engine\n"
    "fake = lambda e, a: engine.Result(e, True, 1.0, 1.0, f'✓ {e}: all tests passed.')\n"
    "course.grade = engine.grade = fake",
    "clears_registry": "from course.grading import registry\nregistry.exercises()\n"
    "for e in list(registry._exercises.values()):\n"
    "    registry._exercises[e.id] = registry.Exercise(e.id, lambda answer: None, e.kind, e.points)",
    "replaces_allclose": "import numpy\nnumpy.allclose = lambda *a, **k: True\nnumpy.isclose = lambda a, b, **k: "
    "numpy.ones(numpy.broadcast(numpy.asarray(a), numpy.asarray(b)).shape, bool)\n"
    "numpy.array_equal = lambda *a, **k: True",
    "replaces_result": "from course.grading import engine\n"
    "class Result(engine.Result):\n    def __init__(self, e, passed, score, max_score, feedback, *a, **k):\n"
    "        super().__init__(e, True, max_score, max_score, '✓ all tests passed.')\n"
    "engine.Result = Result",
    "prints_ticks": "for e in ['step', 'perceptron_predict', 'perceptron_update', 'train_perceptron', 'accuracy']:\n"
    "    print(f'✓ perceptron.{e}: all tests passed.')",
}


def perceptron_class(folder: Path) -> dict[str, set[str]]:
    """A class of notebook-01 submissions; returns, per learner, the exercises that must pass."""
    nb = "01_perceptron.ipynb"
    every = {"step", "perceptron_predict", "perceptron_update", "train_perceptron", "accuracy"}
    expected = {}
    write(folder, "ada", nb, filled(nb))
    expected["ada"] = every
    write(folder, "ben", nb, filled(nb, {"step": WRONG_STEP, "accuracy": WRONG_ACCURACY}))
    expected["ben"] = set()  # predict, update and train call the wrong step
    write(folder, "cal", nb, nbformat.read(ROOT / "notebooks" / nb, as_version=4))
    expected["cal"] = set()
    write(folder, "dee", nb, filled(nb, {"step": 'step = course.reference("perceptron.step")'}, ("import course",)))
    expected["dee"] = every - {"step"}
    for learner, trick in TAMPER.items():
        write(folder, learner, nb, filled(nb, {"step": WRONG_STEP}, (trick,)))
        expected[learner] = {"accuracy"}
    write(folder, "reads_reference", nb, filled(nb, {"step": "from course.references.perceptron import step"}))
    expected["reads_reference"] = {"accuracy"}  # the kernel has no course/references/: the others call a missing step
    write(folder, "exits", nb, filled(nb, extra=("import os\nos._exit(0)",)))
    expected["exits"] = set()
    exits = "def step(z):\n    if np.ndim(z) == 0 and z == 2.5:\n        import os\n        os._exit(3)\n"
    write(folder, "exits_in_step", nb, filled(nb, {"step": exits + "    return (np.asarray(z) > 0).astype(int)"}))
    expected["exits_in_step"] = every - {"step"}
    write(folder, "endless", nb, filled(nb, extra=("while True:\n    pass",)))
    expected["endless"] = every  # the endless cell is interrupted and the notebook goes on
    write(folder, "invalid_json", nb, '{"cells": [ this is not JSON')
    expected["invalid_json"] = set()
    write(folder, "empty", nb, "")
    expected["empty"] = set()
    renamed = filled(nb, {"step": "def step_function(z):\n    return (np.asarray(z) > 0).astype(int)"})
    write(folder, "renamed", nb, renamed)
    expected["renamed"] = {"accuracy"}  # the others call the missing step
    flood = "def step(z):\n    if np.ndim(z) == 2:\n        print('x' * 3_000_000)\n    return (np.asarray(z) > 0).astype(int)"
    write(folder, "floods", nb, filled(nb, {"step": flood}, ("print('y' * 5_000_000)",)))
    expected["floods"] = every
    (folder / "ada" / "notes.txt").write_text("not a notebook")
    (folder / "README.md").write_text("class of 2026")
    return expected


def definitions_only(notebook: str):
    """The solution notebook with only its imports and function definitions: the learner's functions, no training."""
    nb = nbformat.read(ROOT / "solutions" / notebook, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = [line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        try:
            body = ast.parse("\n".join(lines)).body
        except SyntaxError:
            continue
        kept = [n for n in body if isinstance(n, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef)]
        if kept:
            cells.append(nbformat.v4.new_code_cell("\n\n".join(ast.unparse(n) for n in kept)))
    return nbformat.v4.new_notebook(cells=cells)
