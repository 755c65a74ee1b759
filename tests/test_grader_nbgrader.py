"""README's claim, proved with the real nbgrader: solutions/ feed nbgrader, and it scores like `course grade`."""

import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from course.grader.run import grade_class
from course.grader.submission import exercises_of
from course.instructor.build import nbgrader_source

nbgrader = pytest.importorskip("nbgrader")

ROOT = Path(__file__).resolve().parents[1]
WRONG_ACCURACY = "def accuracy(y_true, y_pred):\n    return float(np.sum(np.asarray(y_true) == np.asarray(y_pred)))"


def test_nbgrader_generates_and_autogrades_a_solution_notebook(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    course_dir = tmp_path / "course"
    nbgrader_source(ROOT / "solutions" / "01_perceptron.ipynb", course_dir / "source" / "ps1" / "01_perceptron.ipynb")
    config = Config()
    config.CourseDirectory.root = str(course_dir)
    config.ExecutePreprocessor.timeout = 120
    monkeypatch.chdir(course_dir)
    # nbgrader runs the `alembic` command installed beside Python; a virtual environment may not be on PATH.
    monkeypatch.setenv("PATH", os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]))
    api = NbGraderAPI(config=config)
    generated = api.generate_assignment("ps1")
    assert generated["success"], generated["log"]
    released = nbformat.read(course_dir / "release" / "ps1" / "01_perceptron.ipynb", as_version=4)
    source = nbformat.read(course_dir / "source" / "ps1" / "01_perceptron.ipynb", as_version=4)
    solution_cells = sum(bool(c.metadata.get("nbgrader", {}).get("solution")) for c in source.cells)
    stubs = [c for c in released.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(stubs) == solution_cells > 0 and all("raise NotImplementedError()" in c.source for c in stubs)
    n = len(exercises_of("01_perceptron.ipynb"))

    # A learner fills the released notebook with the solutions, one of them wrong.
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in source.cells}
    for cell in released.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = "\n".join(x for x in by_id[grade_id].split("\n") if "### " not in x)
            if "def accuracy(" in cell.source:
                cell.source = WRONG_ACCURACY
    submitted = course_dir / "submitted" / "lin" / "ps1" / "01_perceptron.ipynb"
    submitted.parent.mkdir(parents=True)
    nbformat.write(released, submitted)

    graded = api.autograde("ps1", "lin", create=True)
    assert graded["success"], graded["log"]
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission("ps1", "lin")
        nbgrader_score, nbgrader_max = submission.score, submission.max_score

    # The same submission, graded by `course grade` (nbgrader's layout is accepted as it is).
    classes = tmp_path / "class"
    shutil.copytree(course_dir / "submitted", classes / "submitted")
    [notebook], _, _ = grade_class(classes, tmp_path / "out", workers=1, progress=False)
    assert (nbgrader_score, nbgrader_max) == (n - 1, n)
    assert (sum(r.score for r in notebook.rows), sum(r.max_score for r in notebook.rows)) == (n - 1, n)
    assert [r.exercise for r in notebook.rows if r.score == 0] == ["perceptron.accuracy"]


def test_mark_for_nbgrader_on_tiny_cells():
    from course.instructor.build import mark_for_nbgrader

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("def step(z):\n    ### BEGIN SOLUTION\n    return z\n    ### END SOLUTION"),
            nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\ncheck(step)"),
            nbformat.v4.new_code_cell("check(not_an_exercise)"),
            nbformat.v4.new_code_cell("result = check(step)\nprint(result)"),
        ]
    )
    mark_for_nbgrader(nb, "01_perceptron.ipynb")
    meta = [c.metadata.get("nbgrader") for c in nb.cells]
    assert meta[0]["solution"] and not meta[0]["grade"]
    assert meta[1] == {
        "grade": True,
        "grade_id": "check-step",
        "locked": True,
        "points": 1.0,
        "schema_version": 3,
        "solution": False,
    }
    assert meta[2] is None and meta[3] is None


def test_a_failed_check_raises_only_while_nbgrader_autogrades(monkeypatch, capsys):
    from course import check

    def step(z):
        raise NotImplementedError()

    assert not check(step, "perceptron.step").passed
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError, match="not implemented yet"):
        check(step, "perceptron.step")


@pytest.mark.parametrize("notebook", sorted(p.name for p in (ROOT / "solutions").glob("*.ipynb")))
def test_nbgrader_totals_equal_course_grade_totals_for_every_notebook(notebook, tmp_path, monkeypatch):
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    from course.grading import registry

    course_dir = tmp_path / "course"
    nbgrader_source(ROOT / "solutions" / notebook, course_dir / "source" / "ps" / notebook)
    config = Config()
    config.CourseDirectory.root = str(course_dir)
    monkeypatch.chdir(course_dir)
    monkeypatch.setenv("PATH", os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]))
    generated = NbGraderAPI(config=config).generate_assignment("ps")
    assert generated["success"], generated["log"]
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        [graded] = gradebook.find_assignment("ps").notebooks
        cells = sorted(c.name for c in graded.grade_cells)
        nbgrader_max = graded.max_score
    ids = exercises_of(notebook)
    assert cells == sorted(f"check-{e.split('.')[1]}" for e in ids)
    assert nbgrader_max == sum(registry.exercise(e).points for e in ids) > 0
