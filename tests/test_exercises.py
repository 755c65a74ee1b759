"""Every registered exercise, found by itself: the solution passes, the stub fails kindly, odd answers get named
feedback, an in-place vandal corrupts nothing, and the reference answer passes its own check."""

import json
import types

import numpy as np
import pytest
from conftest import ROOT, notebook_definitions, notebook_function, notebook_of

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


def names_in(code: types.CodeType) -> set[str]:
    """The global names a function's code reads, its nested functions' included."""
    found = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= names_in(const)
    return found


def exercises_called(exercise_id: str) -> set[str]:
    """The exercises whose functions the solution calls in its notebook, directly, through the notebook's other
    functions or as a default argument (e.g. act=relu)."""
    topic, name = exercise_id.split(".")
    namespace = notebook_definitions("solutions", notebook_of(exercise_id))
    names = {e.split(".")[1] for e in FUNCTIONS if e.startswith(f"{topic}.")}
    found, seen, todo = set(), set(), [namespace[name]]
    while todo:
        fn = todo.pop()
        if fn in seen:
            continue
        seen.add(fn)
        called = [namespace[n] for n in names_in(fn.__code__) if n in namespace]
        for f in called + list(fn.__defaults__ or ()):
            if not isinstance(f, types.FunctionType) or f.__globals__ is not namespace or f.__name__ == name:
                continue
            if f.__name__ in names:
                found.add(f"{topic}.{f.__name__}")
            else:
                todo.append(f)
    return found


@pytest.mark.parametrize("exercise_id", FUNCTIONS)
def test_uses_declares_every_earlier_exercise_the_solution_calls(exercise_id):
    """When an answer fails, the engine names a failing exercise it uses: `uses` must list them all, and only them."""
    uses = registry.exercise(exercise_id).uses
    assert set(uses) == exercises_called(exercise_id)
    assert len(uses) == len(set(uses))
