"""Hidden cases: an answer that replays the visible cases fails with a seed, hidden feedback shows no hidden value,
the same seed gives the same Result, the reference passes whatever the seed, and recognised mistakes stay named."""

import importlib
import inspect
import json
import re

import conftest
import numpy as np
import pytest
from conftest import ROOT, notebook_function, notebook_of

import course
from course.grader import transport
from course.grading import cases, registry
from course.grading.engine import Mistake

SEED = 20261204
FUNCTIONS = [e for e in course.exercises() if registry.exercise(e).kind == "function"]
NOTEBOOKS = sorted({notebook_of(e) for e in FUNCTIONS})
NO_INPUTS = {"cnn.build_dense_model", "cnn.build_lenet"}  # nothing to vary: the same model is the right answer
# transformer_block builds a Keras block from three numbers; a hidden block would cost a build and runs per submission.
NO_INPUTS |= {"attention.transformer_block"}
# Judged by what they do to the objects they are given (a model trained, layers built on an input, a classifier the
# check unfreezes to read it), so a table of returned objects fails already on the visible cases.
ACTS_ON_ITS_INPUTS = {"cnn.compile_and_fit", "transfer.residual_block", "transfer.build_classifier"}
KERAS = NO_INPUTS | ACTS_ON_ITS_INPUTS | {"transfer.unfreeze_top"}


def solution(exercise_id):
    return notebook_function(notebook_of(exercise_id), exercise_id.split(".")[1])


def key(args) -> str:
    """The arguments of a call as text: arrays by their bytes, a Generator by its state, other objects by type."""
    return json.dumps(transport.encode(tuple(args)), sort_keys=True)


def recorded(exercise_id, seed=None):
    """The solution's outputs per input on the cases grade() runs, and whether it passed."""
    answer, table = solution(exercise_id), {}

    def recorder(*args):
        called = key(args)  # before the call, which may draw from a Generator among the arguments
        table[called] = out = answer(*args)
        return out

    recorder.__name__ = answer.__name__
    result = course.grade(exercise_id, recorder, seed=seed)
    assert result.passed, result.feedback
    return table


def replaying(exercise_id):
    """A cheat: a table of the visible cases' inputs and outputs; anything else gets the first output."""
    table = recorded(exercise_id)
    first = next(iter(table.values()))

    def replay(*args):
        return table.get(key(args), first)

    return replay


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_a_replaying_answer_passes_the_visible_cases_and_fails_the_hidden_ones(notebook):
    for exercise_id in (e for e in FUNCTIONS if notebook_of(e) == notebook and e not in NO_INPUTS):
        cheat = replaying(exercise_id)
        if exercise_id in ACTS_ON_ITS_INPUTS:
            assert not course.grade(exercise_id, cheat).passed, exercise_id
            continue
        visible = course.grade(exercise_id, cheat)
        assert visible.passed, visible.feedback
        hidden = course.grade(exercise_id, cheat, seed=SEED)
        assert not hidden.passed, f"{exercise_id} passed a table of its visible cases with seed {SEED}"
        assert "hidden case" in hidden.feedback, hidden.feedback


def test_in_notebook_check_runs_only_the_visible_cases(capsys):
    calls = []

    def step(z):
        calls.append(z)
        return (np.asarray(z) > 0).astype(int)

    assert course.check(step, "perceptron.step").passed
    visible = len(calls)
    assert course.grade("perceptron.step", step, seed=SEED).passed and len(calls) > 2 * visible


def numbers_in(value) -> set[str]:
    """How the non-integer numbers in a value could be written in feedback (repr, 4 and 6 significant digits)."""
    found = set()
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        for v in value:
            found |= numbers_in(v)
        return found
    if isinstance(value, np.ndarray | float | np.floating) and np.asarray(value).dtype.kind == "f":
        for v in np.asarray(value, dtype=float).ravel()[:200]:
            if np.isfinite(v) and v != round(v):
                found |= {repr(float(v)), f"{v:.4g}", f"{v:.6g}", np.format_float_positional(v, precision=4)}
    return found


def perturbed(value):
    """A wrong version of an answer: numbers off, the same shapes."""
    if isinstance(value, tuple | list):
        return type(value)(perturbed(v) for v in value)
    if isinstance(value, bool | np.bool_):
        return value
    if isinstance(value, int | np.integer):
        return value + 1
    if isinstance(value, float | np.floating | np.ndarray):
        return np.asarray(value) * 1.37 + 0.11 if np.ndim(value) else float(value) * 1.37 + 0.11
    return value


@pytest.mark.parametrize("exercise_id", [e for e in FUNCTIONS if e not in KERAS])
def test_hidden_feedback_shows_no_hidden_input_or_output(exercise_id):
    """An answer right on the visible cases that, on hidden ones, prints and echoes its inputs and returns wrong
    values: the feedback names the hidden case and the kind of error, and holds none of its numbers."""
    answer, visible = solution(exercise_id), recorded(exercise_id)
    hidden_values = set()

    def leaky(*args):
        called = key(args)
        out = answer(*args)
        if called in visible:
            return out
        hidden_values.update(numbers_in(args) | numbers_in(out))
        print("my inputs:", args, "my output:", out)
        if len(hidden_values) % 2:
            raise KeyError(repr(args))
        return perturbed(out)

    leaky.__name__ = answer.__name__
    result = course.grade(exercise_id, leaky, seed=SEED)
    assert not result.passed and "hidden case" in result.feedback, result.feedback
    shown = result.feedback + result.printed
    assert "my inputs" not in shown
    leaked = sorted(v for v in hidden_values if len(v.strip("-0.")) >= 2 and v in shown)
    assert not leaked, f"{leaked} in {shown}"


@pytest.mark.parametrize(
    "exercise_id", ["perceptron.step", "backprop.softmax", "convolution.conv2d", "rnn.make_windows"]
)
def test_the_same_seed_gives_the_same_result_and_another_seed_other_cases(exercise_id):
    cheat = replaying(exercise_id)
    first, again = course.grade(exercise_id, cheat, seed=SEED), course.grade(exercise_id, cheat, seed=SEED)
    assert first == again and first.feedback == again.feedback
    assert set(recorded(exercise_id, SEED)) != set(recorded(exercise_id, SEED + 1))


@pytest.mark.parametrize("exercise_id", [e for e in FUNCTIONS if e not in NO_INPUTS])
def test_the_reference_passes_its_hidden_cases_whatever_the_seed(exercise_id):
    topic, name = exercise_id.split(".")
    reference = getattr(importlib.import_module(f"course.references.{topic}"), name)
    check = registry.exercise(exercise_id).check
    for seed in range(2 if exercise_id in KERAS else 12):
        with cases.seeded(exercise_id, seed, visible=False):
            check(reference)  # raises a Mistake if the reference fails a hidden case


TOPIC_TESTS = ["test_perceptron", "test_backprop", "test_mlp", "test_convolution", "test_rnn", "test_cnn"]


def typical_mistakes():
    """Every (exercise, wrong answer) that the topic tests grade with `failing`, found by running those tests."""
    found = []

    def collect(exercise, answer, *phrases):
        exercise_id = exercise if "." in exercise else f"backprop.{exercise}"
        found.append((exercise_id, answer))
        return original(exercise_id, answer, *phrases)

    original = conftest.failing
    conftest.failing = collect
    try:
        for name in TOPIC_TESTS:
            module = importlib.import_module(name)
            if getattr(module, "failing", None) is original:
                module.failing = collect
            try:
                for test_name, test in vars(module).items():
                    if test_name.startswith("test_") and "mistake" in test_name and not SLOW.search(test_name):
                        for params in parameters(test):
                            test(*params)
            finally:
                if module.failing is collect:
                    module.failing = original
    finally:
        conftest.failing = original
    return [(e, a) for e, a in found if e in FUNCTIONS and e not in KERAS]


SLOW = re.compile("lenet|dense_model|trained_model")  # the Keras models' tests: slow; no hidden cases but the test sets


def parameters(test):
    """The argument tuples a test runs with: its pytest.mark.parametrize values, or one empty call."""
    marks = [m for m in getattr(test, "pytestmark", []) if m.name == "parametrize"]
    if not marks:
        return [()] if not inspect.signature(test).parameters else []
    values = marks[0].args[1]
    return [v if isinstance(v, tuple) else (v,) for v in (getattr(p, "values", p) for p in values)]


@pytest.fixture(scope="module")
def mistakes():
    return typical_mistakes()


@pytest.mark.parametrize("seed", [SEED, *range(1, 6)])
def test_every_recognised_mistake_is_still_named_on_the_hidden_cases(mistakes, seed):
    """A wrong answer whose mistake the visible cases name gets the same name from the hidden cases alone."""
    unnamed = []
    for exercise_id, answer in mistakes:
        named = course.grade(exercise_id, answer).mistake
        if named is None:
            continue
        try:
            with cases.seeded(exercise_id, seed, visible=False):
                registry.exercise(exercise_id).check(answer)
            unnamed.append(f"{exercise_id}: passed the hidden cases ({named})")
        except Mistake as e:
            if e.hint != named:
                unnamed.append(f"{exercise_id}: {named!r} on visible, {e.hint!r} on hidden: {str(e)[:200]}")
    assert not unnamed, "\n".join(unnamed)


def test_hidden_labels_say_which_case_without_values():
    with cases.seeded("perceptron.step", SEED, visible=False):
        labels = [cases.hidden() for _ in cases.cases([1, 2], lambda rng: rng.normal(), lambda rng: rng.normal())]
    assert labels == ["hidden case 1 of 2", "hidden case 2 of 2"] and cases.hidden() is None
    assert not re.search(r"\d\.\d", " ".join(labels))


def test_the_docs_count_the_exercises_with_hidden_cases():
    without = NO_INPUTS | ACTS_ON_ITS_INPUTS
    text = " ".join((ROOT / "docs" / "grading.md").read_text(encoding="utf-8").split())
    assert f"{len(FUNCTIONS) - len(without)} of the {len(FUNCTIONS)} function exercises have hidden cases" in text
    assert all(e.split(".")[1] in text for e in without)  # the docs name each exercise without them
