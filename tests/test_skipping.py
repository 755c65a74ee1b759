"""A learner who skips every exercise with its `course.reference(...)` line can still run the whole notebook."""

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

from course.checks import cnn, transfer_models
from course.grading import registry
from course.grading.cells import check_calls
from course.grading.engine import grade

NOTEBOOKS = [
    "01_perceptron.ipynb",
    "02_backprop.ipynb",
    "03_convolution.ipynb",
    "04_cnn.ipynb",
    "05_transfer_learning.ipynb",
    "06_rnn.ipynb",
]
# A model exercise has no reference to load: the learner skips it by handing in a model the notebook already trained,
# with the line its stub and its check's feedback for `None` show.
VALUE_SKIPS = {"04_cnn.ipynb": cnn.SKIP_LINE, "05_transfer_learning.ipynb": transfer_models.SKIP_LINE}


def skipping_every_exercise(notebook: str) -> nbformat.NotebookNode:
    """The learner's notebook (stubs only) with `name = course.reference("topic.name")` after every check cell."""
    nb = nbformat.read(ROOT / "notebooks" / notebook, as_version=4)
    ids = {e.split(".")[1]: e for e in registry.exercises() if registry.exercise(e).kind == "function"}
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("trained_model = None"):
            assert VALUE_SKIPS[notebook] in cell.source  # the stub shows the learner the line
            cell.source = VALUE_SKIPS[notebook]
        cells.append(cell)
        calls = check_calls(cell.source) if cell.cell_type == "code" else []
        if len(calls) == 1 and calls[0].answer in ids:
            name = calls[0].answer
            cells.append(nbformat.v4.new_code_cell(f'{name} = course.reference("{ids[name]}")'))
    nb.cells = cells
    return nb


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_the_learner_notebook_runs_to_the_end_with_every_exercise_skipped(notebook):
    nb = skipping_every_exercise(notebook)
    assert sum("course.reference(" in c.source for c in nb.cells) >= 5
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    ids = {e.split(".")[1] for e in registry.exercises() if registry.exercise(e).kind == "function"}
    stubs = [c for c in nb.cells if c.cell_type == "code" and {k.answer for k in check_calls(c.source)} & ids]
    assert all("not implemented yet" in "".join(o.get("text", "") for o in c.outputs) for c in stubs)


@pytest.mark.parametrize(
    "exercise, line", [("cnn.trained_model", cnn.SKIP_LINE), ("transfer.trained_model", transfer_models.SKIP_LINE)]
)
def test_the_feedback_for_a_model_left_none_shows_the_skip_line(exercise, line):
    assert f"To skip this exercise (no points), run `{line}`." in grade(exercise, None).feedback
