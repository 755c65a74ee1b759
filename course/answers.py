"""Tools for checks: call a learner's function safely and inspect what it returns."""

from __future__ import annotations

import copy
import signal
import threading
import warnings
from contextlib import contextmanager

import numpy as np

from course.grading import Mistake, NotImplementedYet

TIME_LIMIT = 5.0  # seconds one call of a learner's function may take

STUB_MESSAGE = "not implemented yet: replace `raise NotImplementedError()` with your code and run the cell."


def fmt(value: object) -> str:
    """A short, reproducible repr of an argument or result for feedback messages."""
    if isinstance(value, np.ndarray) and value.ndim == 0 or isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=4, separator=", ", threshold=12)
        return f"np.array({text})".replace("\n", "")
    if isinstance(value, float):
        return repr(value) if len(repr(value)) <= 10 else f"{value:.6g}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe_call(name: str, args: tuple) -> str:
    return f"{name}({', '.join(fmt(a) for a in args)})"


class _Timeout(BaseException):
    pass


@contextmanager
def _alarm(seconds: float):
    """Interrupt the block after `seconds` with SIGALRM (Unix, main thread)."""

    def on_alarm(signum, frame):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _run_limited(fn, args, seconds):
    """Run fn(*args) for at most `seconds`; raise _Timeout past that."""
    if hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread():
        with _alarm(seconds):
            return fn(*args)
    outcome = {}

    def target():
        try:
            outcome["value"] = fn(*args)
        except BaseException as e:  # re-raised in the caller's thread
            outcome["error"] = e

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise _Timeout
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _unchanged(before, after) -> bool:
    if isinstance(before, np.random.Generator):
        return True  # a random generator is meant to be consumed
    if isinstance(before, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and before.shape == after.shape
            and np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")
        )
    if isinstance(before, list | tuple):
        return len(before) == len(after) and all(map(_unchanged, before, after))
    try:
        return bool(before == after)
    except Exception:
        return True  # cannot compare: assume unchanged


def call(fn, *args, name: str | None = None, time_limit: float = TIME_LIMIT, allow_warnings: bool = True):
    """Call a learner's fn(*args); turn a stub, an exception, a hang, a mutation or a warning into a Mistake."""
    name = name or getattr(fn, "__name__", "your function")
    shown = describe_call(name, args)
    saved = copy.deepcopy(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with np.errstate(all="warn", under="ignore"):  # underflow to 0 is harmless
                result = _run_limited(fn, args, time_limit)
        except NotImplementedError:
            raise NotImplementedYet(STUB_MESSAGE) from None
        except _Timeout:
            raise Mistake(f"{shown} did not finish within {time_limit:g} s: is there an endless loop?") from None
        except SystemExit:
            raise Mistake(f"{shown} called exit(); return a value instead.") from None
        except RecursionError:
            raise Mistake(f"{shown} recursed without end (RecursionError).") from None
        except Exception as e:
            raise Mistake(f"{shown} raised {type(e).__name__}: {e}") from None
    for i, (before, after) in enumerate(zip(saved, args, strict=True)):
        if not _unchanged(before, after):
            raise Mistake(
                f"{shown} changed its argument #{i + 1} in place; leave inputs unchanged and return new values "
                "(write `w = w + ...`, not `w += ...`)."
            )
    numeric = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if numeric and not allow_warnings:
        raise Mistake(f"{shown} emitted a warning: {numeric[0].message}. Make the computation numerically stable.")
    return result


def to_array(value, shown: str, *, shape: tuple | None = None, kind: str | None = None) -> np.ndarray:
    """`value` as a finite ndarray of the expected shape and dtype kind ('i' integer, 'f' real), else a Mistake."""
    if value is None:
        raise Mistake(f"{shown} returned None: did you forget `return`?")
    if isinstance(value, str | bytes | dict | set) or callable(value):
        raise Mistake(f"{shown} returned a {type(value).__name__}; expected a number or a NumPy array.")
    try:
        array = np.asarray(value)
    except Exception:
        raise Mistake(f"{shown} returned {type(value).__name__}, which is not an array of numbers.") from None
    if array.dtype == object or array.dtype.kind not in "biuf":
        raise Mistake(f"{shown} returned values of type {array.dtype}; expected numbers.")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise Mistake(f"{shown} returned NaN or infinity: {fmt(array)}.")
    if shape is not None and array.shape != tuple(shape):
        raise Mistake(f"{shown} returned shape {array.shape}, expected shape {tuple(shape)}.")
    if kind == "i" and array.dtype.kind not in "biu":
        raise Mistake(f"{shown} returned {array.dtype} values; expected integers (use .astype(int)).")
    return array


def to_tuple(value, shown: str, length: int, what: str) -> tuple:
    """`value` as a tuple of `length` items, else a Mistake naming what was expected."""
    if not isinstance(value, tuple | list) or len(value) != length:
        got = f"a {type(value).__name__}" if not isinstance(value, tuple | list) else f"{len(value)} values"
        raise Mistake(f"{shown} returned {got}; expected a tuple {what}.")
    return tuple(value)


def first_difference(actual: np.ndarray, expected: np.ndarray, atol: float = 1e-8, rtol: float = 1e-6):
    """Index of the first entry where `actual` and `expected` differ, or None when they agree."""
    bad = ~np.isclose(actual, expected, atol=atol, rtol=rtol)
    if not bad.any():
        return None
    return tuple(int(i) for i in np.argwhere(bad)[0])


def same(actual, expected, atol: float = 1e-8, rtol: float = 1e-6) -> bool:
    actual, expected = np.asarray(actual), np.asarray(expected)
    return actual.shape == expected.shape and first_difference(actual, expected, atol, rtol) is None


def diagnose(actual, mistakes, atol: float = 1e-8, rtol: float = 1e-6) -> str | None:
    """The message of the first typical mistake whose output equals `actual`: `mistakes` is [(output, message)]."""
    for output, message in mistakes:
        try:
            if same(actual, output, atol, rtol):
                return message
        except Exception:
            continue
    return None
