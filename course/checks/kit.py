"""The check kit: the one way to write an exercise's check.

A check calls the learner's code only through `call` (copies of its inputs, under the limits of `course.grading.limits`),
turns what comes back into arrays with `array`/`items`, and compares with `expect`, which names a recognised typical
mistake. Everything that goes wrong is a typed `Mistake`, so checks branch on types, never on message text.
"""

from __future__ import annotations

import functools

import numpy as np

from course.checks.shown import describe, fmt, label, part, returned, value_of
from course.grading import limits
from course.grading.cases import Described, Given, adapter, cases, hidden, resolve
from course.grading.engine import PRINTED, Mistake, NotImplementedYet, skip_advice

__all__ = ["Given", "Described", "Mistake", "NotImplementedYet", "Raised", "TimedOut", "Mutated", "Unstable"]
__all__ += ["NotFinite", "WrongShape", "WrongType", "Remote", "call", "expect", "array", "items", "same", "diagnose"]
__all__ += ["describe", "fmt", "label", "part", "value_of", "adapter", "cases", "hidden", "resolve", "model_of"]


class Raised(Mistake):
    """The learner's code raised an exception; `error` is its type's name, `error_types` the names along its MRO."""

    def __init__(self, message, error="", error_types=(), hint=None):
        super().__init__(message, hint)
        self.error, self.error_types = error, tuple(error_types)


class TimedOut(Mistake):
    """The call did not finish within the time limit."""


class Mutated(Mistake):
    """The call changed one of its arguments in place."""


class Unstable(Mistake):
    """The call overflowed or made an invalid value (strict calls only); `faults` names them."""

    def __init__(self, message, faults=(), hint=None):
        super().__init__(message, hint)
        self.faults = tuple(faults)


class NotFinite(Mistake):
    """The result holds NaN or infinity."""


class WrongShape(Mistake):
    """The result has the wrong shape or length."""


class WrongType(Mistake):
    """The result is of the wrong type (None, a string, a bool where an int is expected, ...)."""


class Remote:
    """Base of a stand-in for a learner's function that runs elsewhere (the batch grader's kernels).

    `run_call(args, wrap=..., time_limit=...)` gets the check's arguments (plain data or Given) and returns the
    `limits.Outcome` of the call, with the result and the arguments as plain data.
    """

    __name__ = "function"

    def run_call(self, args: tuple, *, wrap: str | None, time_limit: float, convert: bool) -> limits.Outcome:
        raise NotImplementedError


def _copy(value):
    """A copy the learner may change freely: arrays copied, lists, tuples and dicts rebuilt, other objects kept."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list | tuple):
        copied = [_copy(v) for v in value]
        return copied if isinstance(value, list) else tuple(copied)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def _unchanged(before, after) -> bool:
    if isinstance(before, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and before.shape == after.shape
            and bool(np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"))
        )
    if isinstance(before, list | tuple):
        return isinstance(after, list | tuple) and len(before) == len(after) and all(map(_unchanged, before, after))
    if isinstance(before, int | float | complex | np.number | np.bool_):
        same_number = isinstance(after, int | float | complex | np.number | np.bool_) and before == after
        return bool(same_number or before != before and after != after)  # NaN stays NaN
    if isinstance(before, str | bytes | type(None)):
        return before == after
    return True  # a generator, a function or a model: meant to be used, not compared


def _name_of(fn) -> str:
    if isinstance(fn, Remote):
        return fn.__name__
    return fn.__name__ if type(fn).__name__ == "function" else type(fn).__name__


def _run(fn, args, values, wrap, convert) -> limits.Outcome:
    if isinstance(fn, Remote):
        return fn.run_call(args, wrap=wrap, time_limit=limits.TIME_LIMIT, convert=convert)
    target = fn if wrap is None else functools.partial(resolve(wrap), fn)
    return limits.run(target, tuple(_copy(v) for v in values), convert=convert)


EXITS = {"SystemExit": "called exit()", "KeyboardInterrupt": "raised KeyboardInterrupt"}


def call(fn, *args, name=None, wrap=None, strict=False, shown=None, convert=True):
    """Call the learner's fn on copies of args under the limits; its result as plain data, or a typed Mistake.

    `wrap` is the import path of an adapter (see `adapter`), called instead of fn with fn first, where the
    learner's code runs. `strict` turns an overflow or invalid value into Unstable. `convert=False` keeps the result as it is
    (in-process only: for the course's own helpers reading a learner's model).
    """
    shown = shown or describe(name or _name_of(fn), *args)
    values = [a.value if isinstance(a, Given) else a for a in args]
    outcome = _run(fn, args, values, wrap, convert)
    if outcome.printed and not hidden():  # what a hidden case printed may show its inputs
        PRINTED.append(outcome.printed)
    if outcome.status == "stub":
        raise NotImplementedYet("not implemented yet")
    if outcome.status == "timeout":
        raise TimedOut(f"{shown} did not finish within {limits.TIME_LIMIT:g} s: is there an endless loop?")
    if outcome.status == "exit":
        verb = EXITS.get(outcome.error, f"raised {outcome.error}")
        raise Raised(f"{shown} {verb}; return a value instead.", outcome.error, outcome.error_types)
    if outcome.status == "raised":
        if outcome.error == "RecursionError":
            raise Raised(f"{shown} recursed without end (RecursionError).", outcome.error, outcome.error_types)
        message = f": {outcome.message}" if outcome.message and not hidden() else ""
        raise Raised(f"{shown} raised {outcome.error}{message}", outcome.error, outcome.error_types)
    for i, (before, after) in enumerate(zip(values, outcome.args, strict=False)):
        if not _unchanged(before, after):
            raise Mutated(
                f"{shown} changed its argument #{i + 1} in place; leave inputs unchanged and return new values "
                "(write `w = w + ...`, not `w += ...`)."
            )
    bad = [f for f in outcome.faults if f in ("overflow", "invalid")]
    if strict and bad:
        raise Unstable(f"{shown} made {' and '.join(bad)} errors in NumPy (inf or nan on the way).", bad)
    return outcome.value


def array(value, shown: str, *, shape=None, kind=None) -> np.ndarray:
    """`value` as a finite ndarray of the expected shape and kind ('i' integers, 'f' floats), else a Mistake."""
    if value is None:
        raise WrongType(f"{returned(shown)} None: did you forget `return`?")
    if isinstance(value, str | bytes | dict | limits.Opaque) or callable(value):
        raise WrongType(f"{returned(shown)} {fmt(value)}; expected a number or a NumPy array.")
    try:
        result = np.asarray(value)
    except (ValueError, TypeError):  # e.g. a ragged list
        raise WrongType(f"{returned(shown)} a {type(value).__name__} that is not an array of numbers.") from None
    if result.dtype.kind not in "biuf":
        raise WrongType(f"{returned(shown)} values of type {result.dtype}; expected numbers.")
    if result.dtype.kind == "f" and not np.all(np.isfinite(result)):
        raise NotFinite(f"{returned(shown)} NaN or infinity: {fmt(result)}.")
    if shape is not None and result.shape != tuple(shape):
        raise WrongShape(f"{returned(shown)} an array of shape {result.shape}, expected shape {tuple(shape)}.")
    if kind == "i" and result.dtype.kind not in "biu":
        raise WrongType(f"{returned(shown)} {result.dtype} values; expected integers (use .astype(int)).")
    return result


def items(value, shown: str, n: int, what: str) -> tuple:
    """`value` as a tuple of n items, else a Mistake naming what was expected."""
    if value is None:
        raise WrongType(f"{returned(shown)} None: did you forget `return`?")
    if not isinstance(value, tuple | list):
        raise WrongType(f"{returned(shown)} {fmt(value)}; expected a tuple {what}.")
    if len(value) != n:
        raise WrongShape(f"{returned(shown)} {len(value)} values; expected a tuple {what}.")
    return tuple(value)


def same(actual, expected, atol=1e-8, rtol=1e-6) -> bool:
    """Whether two arrays (or numbers) have the same shape and agree to the tolerances."""
    try:
        actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return False
    if actual.shape != expected.shape:
        return False
    with np.errstate(all="ignore"):
        return bool(
            np.all(np.isclose(actual, expected, atol=atol, rtol=rtol) | (np.isnan(actual) & np.isnan(expected)))
        )


def diagnose(actual, mistakes, atol=1e-8, rtol=1e-6, expected=None) -> str | None:
    """The message of the first typical mistake whose output equals `actual` (variants equal to `expected` skipped)."""
    for output, message in mistakes:
        if output is None or expected is not None and same(output, expected, atol, rtol):
            continue
        if same(actual, output, atol, rtol):
            return message
    return None


def expect(shown, actual, expected, mistakes=(), *, atol=1e-8, rtol=1e-6, part=None) -> None:
    """Raise a Mistake saying what `shown` gave, what was expected and, if recognised, the typical mistake."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    if same(actual, expected, atol, rtol):
        return
    gave = f"gave {part}" if part else "returned"
    if actual.shape != expected.shape:
        message = f"{shown} {gave}{' of' if part else ''} shape {actual.shape}, expected shape {expected.shape}"
    elif hidden():
        message = f"{shown} {f'gave {part}' if part else 'returned'} values that differ from the expected ones"
    elif actual.size <= 12:
        message = f"{shown} {gave}{' =' if part else ''} {fmt(actual)}, expected {fmt(expected)}"
    else:
        bad = ~np.isclose(actual.astype(float), expected.astype(float), atol=atol, rtol=rtol)
        at = tuple(int(i) for i in np.argwhere(bad)[0])
        message = f"{shown} {gave} {fmt(actual[at])} at index {at}, expected {fmt(expected[at])}"
    hint = diagnose(actual, mistakes, atol, rtol, expected)
    raise Mistake(f"{message}: {hint}" if hint else message + ".", hint)


def model_of(value, shown, skip=None):
    """`value` if it is a Keras model, else a Mistake naming what it is (with `skip`, the line that skips it)."""
    import keras

    if value is None:
        fix = "did you forget `return`?" if shown.endswith("()") else "assign your trained model to it."
        if skip:
            fix += " " + skip_advice(skip)
        raise WrongType(f"{shown} is None: {fix}")
    if isinstance(value, keras.callbacks.History):
        raise WrongType(f"{shown} is the History that fit() returns, not the model: use the model you called fit() on.")
    if not isinstance(value, keras.Model):
        raise WrongType(f"{shown} is a {type(value).__name__}; expected a Keras model (e.g. keras.Sequential([...])).")
    return value
