"""Every registered exercise, found by itself: the solution passes, the stub fails kindly, odd answers get named
feedback, an in-place vandal corrupts nothing, and the reference answer passes its own check."""

import json

import numpy as np
import pytest
from conftest import ROOT, notebook_function, notebook_of

import course
from course import grade
from course.grading import registry, text

EXERCISES = course.exercises()
FUNCTIONS = [e for e in EXERCISES if registry.exercise(e).kind == "function"]
VALUES = [e for e in EXERCISES if registry.exercise(e).kind == "value"]


def solution(exercise_id, folder="solutions"):
    return notebook_function(notebook_of(exercise_id), exercise_id.split(".")[1], folder)


@pytest.mark.parametrize("exercise_id", FUNCTIONS)
def test_solution_passes(exercise_id):
    result = grade(exercise_id, solution(exercise_id))
    assert result.passed, result.feedback
    assert result.score == result.max_score == 1.0


@pytest.mark.parametrize("exercise_id", FUNCTIONS)
def test_stub_fails_kindly_and_says_how_to_skip(exercise_id):
    result = grade(exercise_id, solution(exercise_id, "notebooks"))
    assert not result.passed and result.score == 0.0
    name = exercise_id.split(".")[1]
    assert "not implemented yet" in result.feedback
    assert f'{name} = course.reference("{exercise_id}")' in result.feedback


@pytest.mark.parametrize("exercise_id", FUNCTIONS)
@pytest.mark.parametrize("answer", [lambda *a, **k: None, lambda *a, **k: "text"], ids=["None", "a string"])
def test_odd_answers_get_named_feedback(exercise_id, answer):
    result = grade(exercise_id, answer)
    assert not result.passed
    assert "could not check" not in result.feedback, result.feedback
    assert len(result.feedback) <= text.FEEDBACK + len(exercise_id) + 5


def vandal(*args, **kwargs):
    """Writes NaN into every array it is given (also inside lists), then returns garbage."""
    for arg in (*args, *kwargs.values()):
        for item in arg if isinstance(arg, list | tuple) else [arg]:
            if isinstance(item, np.ndarray) and item.dtype.kind == "f":
                item[...] = np.nan
    return "garbage"


@pytest.mark.parametrize("exercise_id", FUNCTIONS)
def test_a_vandal_cannot_corrupt_the_next_check(exercise_id):
    assert not grade(exercise_id, vandal).passed
    result = grade(exercise_id, solution(exercise_id))
    assert result.passed, result.feedback


@pytest.mark.parametrize("exercise_id", FUNCTIONS)
def test_the_reference_passes_its_check_but_earns_nothing(exercise_id):
    skipped = course.reference(exercise_id)
    registry.exercise(exercise_id).check(skipped)  # raises a Mistake if the reference fails its own check
    result = grade(exercise_id, skipped)
    assert not result.passed and result.score == 0 and "course's reference answer" in result.feedback


@pytest.mark.parametrize("exercise_id", VALUES)
def test_value_exercises_are_checked_in_their_executed_solution(exercise_id):
    """A trained model is only made by running the notebook: nbval re-runs this check cell and compares its ✓."""
    cells = json.loads((ROOT / "solutions" / notebook_of(exercise_id)).read_text(encoding="utf-8"))["cells"]
    checks = [c for c in cells if c["cell_type"] == "code" and f'"{exercise_id}")' in "".join(c["source"])]
    assert checks, f"no check cell for {exercise_id}"
    assert "# NBVAL_CHECK_OUTPUT" in "".join(checks[0]["source"])
    outputs = "".join("".join(o.get("text", "")) for o in checks[0]["outputs"])
    assert f"✓ {exercise_id}" in outputs


@pytest.mark.parametrize("exercise_id", VALUES)
def test_value_exercises_name_a_missing_value(exercise_id):
    assert "is None" in grade(exercise_id, None).feedback
    assert "could not check" not in grade(exercise_id, "text").feedback


def test_every_exercise_is_in_a_notebook():
    for exercise_id in EXERCISES:
        assert notebook_of(exercise_id)
