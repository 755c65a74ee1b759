"""The check kit: copies for the learner, typed Mistakes, short feedback, and the recognised typical mistake."""

import numpy as np
import pytest

from course.checks import kit
from course.checks.kit import Given, Mistake, Mutated, NotImplementedYet, Raised, TimedOut, Unstable


def test_call_returns_the_result_and_the_learner_gets_copies():
    data = np.zeros(3)

    def vandal(x):
        x[:] = np.nan
        return 1

    with pytest.raises(Mutated, match=r"changed its argument #1 in place"):
        kit.call(vandal, data)
    assert not np.isnan(data).any()  # the check's own array is untouched


def test_typed_mistakes():
    def stub(x):
        raise NotImplementedError()

    with pytest.raises(NotImplementedYet):
        kit.call(stub, 1)
    with pytest.raises(Raised) as info:
        kit.call(lambda x: [][x], 1)
    assert info.value.error == "IndexError" and "Exception" in info.value.error_types
    with pytest.raises(Unstable) as info:
        kit.call(lambda z: np.exp(z), np.array([1000.0]), strict=True)
    assert info.value.faults == ("overflow",)
    assert kit.call(lambda z: np.exp(z), np.array([1000.0]))[0] == np.inf  # not strict: no complaint


def test_a_timeout_is_a_mistake(monkeypatch):
    monkeypatch.setattr(kit.limits, "TIME_LIMIT", 0.3)

    def forever(x):
        while True:
            pass

    with pytest.raises(TimedOut, match=r"forever\(1\) did not finish within 0.3 s"):
        kit.call(forever, 1)


def test_given_is_fresh_and_named():
    x = Given("numpy:arange", 3.0, name="x")
    assert x.value is not x.value
    assert kit.describe("f", x, 2) == "f(x, 2) with x = np.arange(3.0)"
    assert kit.describe("predict", Given("numpy:zeros", (10000, 784), name="the 10,000 test images")) == (
        "predict(the 10,000 test images)"
    )
    rng = Given("numpy.random:default_rng", 0)
    assert kit.call(lambda rng: rng.random(), rng) == np.random.default_rng(0).random()


def test_given_and_adapters_are_import_paths_checked_when_made():
    """No code as text: a Given or an adapter names a function of numpy or course, which must exist."""
    for path in ("np.arange(3)", "os:system", "builtins:eval", "numpy", "course.checks.inputs:no_such_builder"):
        with pytest.raises((ValueError, AttributeError, ImportError)):
            Given(path)
        with pytest.raises((ValueError, AttributeError, ImportError)):
            kit.adapter(path)
    assert not hasattr(kit, "evaluate")


def test_wrap_runs_an_adapter_around_the_learner_function():
    out, repeats = kit.call(lambda x: [v for v in range(x)], 5, wrap=kit.adapter("course.checks.adapters:loop_count"))
    assert out == [0, 1, 2, 3, 4] and repeats >= 5


def test_expect_names_the_recognised_mistake():
    with pytest.raises(Mistake) as info:
        kit.expect("f(x)", np.array([2, 3]), np.array([1, 2]), [(np.array([1, 2]), "never"), (np.array([2, 3]), "+1")])
    assert (
        str(info.value) == "f(x) returned np.array([2, 3]), expected np.array([1, 2]): +1" and info.value.hint == "+1"
    )
    kit.expect("f(x)", np.array([1.0, 2.0]), [1.0, 2.0 + 1e-12])


def test_array_and_items_reject_what_is_not_an_answer():
    for value, kind in ((None, kit.WrongType), ("1", kit.WrongType), ([1.0, np.nan], kit.NotFinite)):
        with pytest.raises(kind):
            kit.array(value, "f(x)")
    with pytest.raises(kit.WrongShape, match=r"returned shape \(2, 1\), expected shape \(2,\)"):
        kit.array(np.ones((2, 1)), "f(x)", shape=(2,))
    assert kit.items([1, 2], "f()", 2, "(a, b)") == (1, 2)
    with pytest.raises(kit.WrongShape, match="returned 3 values"):
        kit.items((1, 2, 3), "f()", 2, "(a, b)")


def test_fmt_names_big_arrays_by_their_shape():
    assert kit.fmt(np.zeros((100, 28))) == "an array of shape (100, 28)"
    assert kit.fmt(np.array([1.0, 2.0])) == "np.array([1., 2.])"
    assert kit.fmt(1 / 3) == "0.333333"
