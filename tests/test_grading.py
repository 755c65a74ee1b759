"""grade/check/exercises: ids, feedback, and never raising because of a learner's answer."""

import types

import numpy as np
import pytest

from course import check, exercise, exercises, grade
from course.checks import kit
from course.grading import limits, notebook, registry
from course.grading.engine import Mistake, Result


@pytest.fixture
def temporary():
    """Register exercises for one test only."""
    added = []

    def add(exercise_id, check, kind="function", points=1.0, uses=()):
        registry.register(exercise_id, kind, points, uses)(check)
        added.append(exercise_id)

    yield add
    for exercise_id in added:
        registry.unregister(exercise_id)


def test_exercise_ids_are_topic_dot_name_and_function_names_unique():
    ids = exercises()
    assert {"perceptron.step", "perceptron.accuracy", "perceptron.train_perceptron"} <= set(ids)
    for exercise_id in ids:
        topic, name = exercise_id.split(".")
        assert topic in registry.TOPICS and name.isidentifier()
    functions = [e.split(".")[1] for e in ids if exercise(e).kind == "function"]
    assert len(functions) == len(set(functions)), "check(fn) finds a function's exercise by its name: keep them unique"


def test_exercises_are_in_course_order():
    topics = [registry.TOPICS.index(e.split(".")[0]) for e in exercises()]
    assert topics == sorted(topics)


def test_grade_returns_a_result_for_a_correct_answer():
    result = grade("perceptron.step", lambda z: (np.asarray(z) > 0).astype(int))
    assert isinstance(result, Result)
    assert (result.passed, result.score, result.max_score) == (True, 1.0, 1.0)
    assert result.feedback.startswith("✓ perceptron.step")


def test_grade_unknown_exercise_does_not_raise():
    result = grade("perceptron.nope", print)
    assert not result.passed and "no exercise called 'perceptron.nope'" in result.feedback


def test_grade_a_value_where_a_function_is_expected():
    result = grade("perceptron.step", 3)
    assert not result.passed and "expected the function you defined, got int" in result.feedback


def test_a_check_that_trips_over_an_answer_still_returns_a_result(temporary):
    def broken_check(answer):
        raise KeyError("boom")

    temporary("perceptron.broken", broken_check, points=2.0)
    result = grade("perceptron.broken", print)
    assert not result.passed and result.max_score == 2.0
    assert "could not check this answer (KeyError" in result.feedback


def test_check_prints_one_line_and_is_not_shown_twice(capsys):
    def step(z):
        return (np.asarray(z) > 0).astype(int)

    result = check(step)
    assert capsys.readouterr().out == "✓ perceptron.step: all tests passed.\n"
    result._ipython_display_()  # what Jupyter calls for the cell's Out[]
    assert capsys.readouterr().out == ""
    assert result.passed and result.exercise == "perceptron.step"


def test_check_with_explicit_id(capsys):
    result = check(lambda z: np.zeros_like(z, dtype=int), "perceptron.step")
    assert not result.passed
    assert capsys.readouterr().out.startswith("✗ perceptron.step: step(2.5) returned 0, expected 1")


def test_check_of_an_unknown_function_or_a_bare_value(capsys):
    def my_step(z):
        return z

    assert not check(my_step).passed
    assert "no exercise is called 'my_step'" in capsys.readouterr().out
    assert not check(0.99).passed
    assert "name it, e.g. check(value, 'cnn.trained_model')" in capsys.readouterr().out


def test_ambiguous_names_are_resolved_by_the_notebook(monkeypatch, temporary):
    for topic in ("backprop", "rnn"):
        temporary(f"{topic}.twin", lambda a: None)

    def twin():
        pass

    with pytest.raises(LookupError, match="several exercises are called 'twin'"):
        notebook.find_exercise(twin)
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/me/course/notebooks/06_rnn.ipynb")
    assert notebook.current_topic() == "rnn"
    assert notebook.find_exercise(twin) == "rnn.twin"


def test_exercise_ids_are_validated():
    with pytest.raises(ValueError):
        registry.register("poetry.rhyme")
    with pytest.raises(ValueError):
        registry.register("perceptron")


def test_mistake_feedback_is_reported(temporary):
    def check_always_wrong(answer):
        raise Mistake("it is wrong because of X.")

    temporary("perceptron.always_wrong", check_always_wrong, kind="value")
    result = grade("perceptron.always_wrong", 42)
    assert result.feedback == "✗ perceptron.always_wrong: it is wrong because of X."


def doubles_check(answer):
    if kit.call(answer, 2) != 4:
        raise Mistake("double(2) should be 4.", "not doubled")


def plus_one_check(answer):
    if kit.call(answer, 2) != 5:
        raise Mistake("plus_one(2) should be 5.", "not plus one")


def double(x):
    return x * 3  # wrong


def plus_one(x):
    return double(x) + 1  # right, given a right double


def in_namespace(namespace, fn):
    """`fn` as a notebook defines it: its global names are looked up in `namespace`."""
    namespace[fn.__name__] = types.FunctionType(fn.__code__, namespace, fn.__name__)
    return namespace[fn.__name__]


@pytest.fixture
def two_exercises(temporary):
    temporary("perceptron.double", doubles_check)
    temporary("perceptron.plus_one", plus_one_check, uses=("double",))
    assert registry.exercise("perceptron.plus_one").uses == ("perceptron.double",)


def test_a_failing_answer_whose_earlier_exercise_fails_says_fix_that_first(two_exercises):
    namespace = {}
    in_namespace(namespace, double)
    result = grade("perceptron.plus_one", in_namespace(namespace, plus_one))
    assert not result.passed and result.mistake == "double fails its own check"
    assert "your `double` fails its own check: fix it first" in result.feedback
    namespace["double"] = lambda x: 2 * x  # fixed: plus_one passes
    assert grade("perceptron.plus_one", namespace["plus_one"]).passed
    namespace["plus_one"] = in_namespace(namespace, double)  # wrong itself, its use right: its own feedback
    namespace["double"] = lambda x: 2 * x
    result = grade("perceptron.plus_one", namespace["plus_one"])
    assert result.mistake == "not plus one" and "fix it first" not in result.feedback


class FailingStandIn(kit.Remote):
    """The batch grader's stand-in for a learner's function: it has no globals to look the uses up in."""

    __name__ = "plus_one"

    def __call__(self, *args):
        raise TypeError("runs only through kit.call")

    def run_call(self, args, *, wrap=None, time_limit=limits.TIME_LIMIT, convert=True):
        return limits.Outcome(status="raised", error="ValueError", message="wrong shapes")


def test_a_stand_in_of_the_batch_grader_gets_its_own_feedback(two_exercises):
    result = grade("perceptron.plus_one", FailingStandIn())
    assert not result.passed and "plus_one(2) raised ValueError: wrong shapes" in result.feedback


def test_uses_must_be_a_tuple_of_names():
    with pytest.raises(TypeError):
        registry.register("perceptron.nope", uses="step")
