"""Hostile answers never crash, hang or flood a check: each comes back as a short, failed Result."""

import numpy as np
import pytest
from hostile import HANGS, HOSTILE

import course
from course import grade
from course.grading import limits, registry, text

EXERCISES = course.exercises()
FUNCTIONS = [e for e in EXERCISES if registry.exercise(e).kind == "function"]
QUICK = [name for name in HOSTILE if name not in HANGS]


@pytest.fixture(autouse=True)
def short_limit(monkeypatch):
    monkeypatch.setattr(limits, "TIME_LIMIT", 0.5)


def assert_held(exercise_id, answer):
    numpy_state = np.geterr(), np.geterrcall()
    result = grade(exercise_id, answer)
    assert (np.geterr(), np.geterrcall()) == numpy_state, "NumPy's error state was left changed"
    assert isinstance(result, course.Result) and not result.passed and result.score == 0
    message, _, printed = result.feedback.partition("\n")
    assert len(message) <= text.FEEDBACK + len(exercise_id) + 5, result.feedback
    assert len(printed) <= text.PRINTED_SHOWN + 60, result.feedback
    return result


@pytest.mark.parametrize("exercise_id", FUNCTIONS)
@pytest.mark.parametrize("hostile", QUICK)
def test_hostile_answers_are_held(exercise_id, hostile):
    assert_held(exercise_id, HOSTILE[hostile])


@pytest.mark.parametrize("hostile", HANGS)
@pytest.mark.parametrize("exercise_id", ["perceptron.step", "backprop.softmax", "convolution.conv2d"])
def test_hangs_end_within_the_limit(exercise_id, hostile):
    result = assert_held(exercise_id, HOSTILE[hostile])
    assert "did not finish within 0.5 s" in result.feedback


def test_prints_are_shown_capped():
    result = assert_held("perceptron.step", HOSTILE["prints 1 MB of fake ✓"])
    assert "step printed: ✓ all tests passed" in result.feedback and "more characters" in result.feedback
