"""call() turns every way a learner's code can go wrong into a Mistake; to_array checks results."""

import threading

import numpy as np
import pytest

from course.answers import call, diagnose, fmt, to_array, to_tuple
from course.grading import Mistake, NotImplementedYet


def test_call_returns_the_result():
    assert call(lambda x, y: x + y, 2, 3) == 5


def test_stub_is_not_implemented_yet():
    def stub(x):
        raise NotImplementedError()

    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        call(stub, 1)


def test_exception_names_the_call_and_the_error():
    def f(x):
        return 1 / x

    with pytest.raises(Mistake, match=r"f\(0\) raised ZeroDivisionError: division by zero"):
        call(f, 0)


def test_endless_loop_is_stopped():
    def spin(x):
        while True:
            x += 1

    with pytest.raises(Mistake, match=r"spin\(0\) did not finish within 0.2 s"):
        call(spin, 0, time_limit=0.2)


def test_endless_loop_is_stopped_outside_the_main_thread():
    errors = []

    def spin(x):
        while True:
            x += 1

    def worker():
        try:
            call(spin, 0, time_limit=0.2)
        except Mistake as e:
            errors.append(str(e))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(5)
    assert errors and "did not finish" in errors[0]


def test_endless_recursion():
    def forever(x):
        return forever(x)

    with pytest.raises(Mistake, match="recursed without end"):
        call(forever, 1)


def test_exit_is_a_mistake():
    def quits(x):
        raise SystemExit(1)

    with pytest.raises(Mistake, match="called exit"):
        call(quits, 1)


def test_mutating_an_argument_is_a_mistake():
    def scale(w):
        w *= 2
        return w

    with pytest.raises(Mistake, match="changed its argument #1 in place"):
        call(scale, np.ones(3))
    assert call(lambda w: w * 2, np.ones(3)).tolist() == [2, 2, 2]


def test_consuming_a_random_generator_is_not_a_mutation():
    assert call(lambda rng: rng.random(), np.random.default_rng(0)) < 1


def test_numeric_warnings_can_be_forbidden():
    def overflow(z):
        return 1 / (1 + np.exp(-z))

    z = np.array([-1000.0, 1000.0])
    assert call(overflow, z).shape == (2,)
    with pytest.raises(Mistake, match="overflow"):
        call(overflow, z, allow_warnings=False)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "returned None: did you forget `return`?"),
        ("1", "returned a str"),
        ([1, "a"], "expected numbers"),
        (np.array([1.0, np.nan]), "returned NaN or infinity"),
        (np.ones((2, 1)), "returned shape (2, 1), expected shape (2,)"),
    ],
)
def test_to_array_rejects(value, message):
    with pytest.raises(Mistake) as info:
        to_array(value, "f(x)", shape=(2,))
    assert message in str(info.value)


def test_to_array_kinds():
    assert to_array([1, 2], "f(x)", kind="i").dtype.kind == "i"
    with pytest.raises(Mistake, match="expected integers"):
        to_array([1.0, 2.0], "f(x)", kind="i")


def test_to_tuple():
    assert to_tuple([1, 2], "f()", 2, "(a, b)") == (1, 2)
    with pytest.raises(Mistake, match="returned 3 values; expected a tuple"):
        to_tuple((1, 2, 3), "f()", 2, "(a, b)")
    with pytest.raises(Mistake, match="returned a int; expected a tuple"):
        to_tuple(1, "f()", 2, "(a, b)")


def test_fmt_is_short_and_reproducible():
    assert fmt(0.0) == "0.0"
    assert fmt(np.float64(0.75)) == "0.75"
    assert fmt(np.array(3)) == "3"
    assert fmt(np.array([1.0, 2.0])) == "np.array([1., 2.])"
    assert fmt(1 / 3) == "0.333333"
    assert len(fmt("x" * 200)) == 60


def test_diagnose_names_the_matching_mistake():
    mistakes = [(np.array([1, 2]), "first"), (np.array([3, 4]), "second")]
    assert diagnose(np.array([3, 4]), mistakes) == "second"
    assert diagnose(np.array([5, 6]), mistakes) is None
    assert diagnose(np.array([1, 2, 3]), mistakes) is None
