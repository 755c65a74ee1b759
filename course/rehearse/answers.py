"""The learner's copy of a notebook as a learner who skips every exercise runs it: each check, then its reference line.

After every check cell of a function exercise comes `name = course.reference("topic.name")`, so the check first
says "not implemented yet" (as it does for a learner who has not started) and the cells after it run on the course's
answer. A model exercise has no reference to load: the learner hands in a model the notebook already trained.

`solved` is the other learner, who has done every exercise: the solution notebook without its outputs, so that
every check runs its tests on a working answer.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from course.checks import attention_models, cnn, transfer_models
from course.grading import registry
from course.grading.cells import check_calls

# A model exercise has no reference to load: the learner skips it by handing in a model the notebook already built
# (trained, or in 07 the untrained GPT), with the line its stub and its check's feedback for `None` show.
VALUE_SKIPS = {
    "04_cnn.ipynb": cnn.SKIP_LINE,
    "05_transfer_learning.ipynb": transfer_models.SKIP_LINE,
    "07_attention.ipynb": attention_models.SKIP_LINE,
}


def skipping_every_exercise(notebook: Path) -> nbformat.NotebookNode:
    """The learner's notebook (stubs only) with `name = course.reference("topic.name")` after every check cell."""
    nb = nbformat.read(notebook, as_version=4)
    ids = {e.split(".")[1]: e for e in registry.exercises() if registry.exercise(e).kind == "function"}
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("trained_model = None"):
            if VALUE_SKIPS.get(notebook.name, "?") in cell.source:  # the stub shows the learner the line
                cell.source = VALUE_SKIPS[notebook.name]
            else:
                raise ValueError(f"{notebook.name}: the model exercise's stub shows no skip line")
        cells.append(cell)
        calls = check_calls(cell.source) if cell.cell_type == "code" else []
        if len(calls) == 1 and calls[0].answer in ids:
            name = calls[0].answer
            cells.append(nbformat.v4.new_code_cell(f'{name} = course.reference("{ids[name]}")'))
    nb.cells = cells
    return nb


def solved(notebook: Path) -> nbformat.NotebookNode:
    """The solution notebook of the learner's `notebook` (solutions/ beside notebooks/), its outputs cleared."""
    nb = nbformat.read(notebook.parent.parent / "solutions" / notebook.name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb
