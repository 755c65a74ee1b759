"""A learner who skips every exercise with its `course.reference(...)` line can still run the whole notebook."""

import pytest
from conftest import ROOT
from nbclient import NotebookClient

from course.checks import attention_models, cnn, transfer_models
from course.grading import registry
from course.grading.cells import check_calls
from course.grading.engine import grade
from course.rehearse.answers import skipping_every_exercise

NOTEBOOKS = [
    "01_perceptron.ipynb",
    "02_backprop.ipynb",
    "03_convolution.ipynb",
    "04_cnn.ipynb",
    "05_transfer_learning.ipynb",
    "06_rnn.ipynb",
    "07_attention.ipynb",
]


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_the_learner_notebook_runs_to_the_end_with_every_exercise_skipped(notebook):
    nb = skipping_every_exercise(ROOT / "notebooks" / notebook)
    assert sum("course.reference(" in c.source for c in nb.cells) >= 5
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    ids = {e.split(".")[1] for e in registry.exercises() if registry.exercise(e).kind == "function"}
    stubs = [c for c in nb.cells if c.cell_type == "code" and {k.answer for k in check_calls(c.source)} & ids]
    assert all("not implemented yet" in "".join(o.get("text", "") for o in c.outputs) for c in stubs)


@pytest.mark.parametrize(
    "exercise, line",
    [
        ("cnn.trained_model", cnn.SKIP_LINE),
        ("transfer.trained_model", transfer_models.SKIP_LINE),
        ("attention.trained_model", attention_models.SKIP_LINE),
    ],
)
def test_the_feedback_for_a_model_left_none_shows_the_skip_line(exercise, line):
    assert f"To skip this exercise (no points), run `{line}`." in grade(exercise, None).feedback
