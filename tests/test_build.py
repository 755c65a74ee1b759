"""The build: each transform on tiny in-memory cells, then the whole pipeline and `build --check`."""

import json
import shutil

import nbformat
import pytest
from conftest import ROOT

from course.__main__ import main
from course.instructor.build import (
    BuildError,
    build,
    build_text,
    clear_outputs,
    drop_test_markers,
    normalise_metadata,
    strip_solutions,
)


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(s) if kind == "code" else nbformat.v4.new_markdown_cell(s) for kind, s in cells
    ]
    return nb


def test_solution_regions_become_nbgrader_stubs_with_their_indentation():
    nb = notebook(
        (
            "code",
            "def f(x):\n    '''Doc.'''\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n\nprint(1)",
        )
    )
    strip_solutions(nb, "t.ipynb")
    assert (
        nb.cells[0].source
        == "def f(x):\n    '''Doc.'''\n    # YOUR CODE HERE\n    raise NotImplementedError()\n\nprint(1)"
    )


def test_markdown_regions_become_your_answer_here():
    nb = notebook(("markdown", "Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION"))
    strip_solutions(nb, "t.ipynb")
    assert nb.cells[0].source == "Why?\nYOUR ANSWER HERE"


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "nested"),
        ("### BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n### END SOLUTION", "without"),
    ],
)
def test_malformed_markers_name_the_notebook_and_cell(source, problem):
    nb = notebook(("markdown", "intro"), ("code", source))
    with pytest.raises(BuildError, match=rf"t.ipynb, cell 1: .*{problem}"):
        strip_solutions(nb, "t.ipynb")


def test_outputs_and_counts_are_cleared():
    nb = notebook(("code", "1 + 1"))
    nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
    nb.cells[0].execution_count = 1
    clear_outputs(nb, "t.ipynb")
    assert nb.cells[0].outputs == [] and nb.cells[0].execution_count is None


def test_nbval_markers_are_dropped():
    nb = notebook(("code", "# NBVAL_CHECK_OUTPUT\ncheck(step)"))
    drop_test_markers(nb, "t.ipynb")
    assert nb.cells[0].source == "check(step)"


def test_metadata_is_normalised():
    nb = notebook(("code", "x"), ("markdown", "y"))
    nb.metadata = {"widgets": {"state": 1}, "language_info": {"version": "3.11.7"}}
    nb.cells[0].metadata = {"execution": {"t": 1}, "tags": ["keep"]}
    nb.cells[1].metadata = {"scrolled": True}
    normalise_metadata(nb, "t.ipynb")
    assert nb.metadata == {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    assert nb.cells[0].metadata == {"tags": ["keep"]} and nb.cells[1].metadata == {}


def test_building_twice_gives_identical_bytes(tmp_path):
    solution = ROOT / "solutions" / "01_perceptron.ipynb"
    assert build_text(solution) == build_text(solution)


def test_learners_notebooks_are_built_from_the_solutions():
    for solution in sorted((ROOT / "solutions").glob("*.ipynb")):
        learner = json.loads((ROOT / "notebooks" / solution.name).read_text())
        sources = ["".join(c["source"]) for c in learner["cells"]]
        assert all(not c.get("outputs") for c in learner["cells"] if c["cell_type"] == "code"), solution.name
        assert not any("BEGIN SOLUTION" in s or "NBVAL_" in s for s in sources), solution.name
        regions = solution.read_text().count("### BEGIN SOLUTION")
        assert sum(s.count("raise NotImplementedError()") for s in sources) >= regions > 0


def test_build_check_names_every_stale_notebook(tmp_path, capsys):
    solutions, notebooks = tmp_path / "solutions", tmp_path / "notebooks"
    shutil.copytree(ROOT / "solutions", solutions)
    args = ["--solutions", str(solutions), "--notebooks", str(notebooks)]
    assert main(["build", "--check", *args]) == 1
    out = capsys.readouterr().out
    assert all(f"out of date: {notebooks / p.name}" in out for p in solutions.glob("*.ipynb"))
    assert main(["build", *args]) == 0
    assert main(["build", "--check", *args]) == 0
    (notebooks / "99_orphan.ipynb").write_text("{}")
    assert main(["build", "--check", *args]) == 1
    assert "99_orphan.ipynb (has no solution notebook)" in capsys.readouterr().out


def test_build_check_reports_malformed_solutions(tmp_path, capsys):
    (tmp_path / "s").mkdir()
    nbformat.write(notebook(("code", "### BEGIN SOLUTION")), tmp_path / "s" / "bad.ipynb")
    assert main(["build", "--check", "--solutions", str(tmp_path / "s"), "--notebooks", str(tmp_path / "n")]) == 2
    assert "bad.ipynb, cell 0" in capsys.readouterr().err


def test_the_repository_learners_notebooks_are_up_to_date():
    assert build(ROOT / "solutions", ROOT / "notebooks", check=True) == []
