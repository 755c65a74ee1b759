"""Run a learner's code under the course's limits and report what happened as plain data.

`run(fn, args)` never raises because of the learner's code (a real Ctrl-C still stops the cell). It runs in the
notebook's kernel for in-notebook checks, and inside a submission's kernel for the batch grader, which only ever
receives the `Outcome` as plain data.

The time limit is enforced three ways, so that a call ends within about twice the limit: SIGALRM (interrupts a
blocking call such as `time.sleep`), an asynchronous exception sent from a watchdog thread (works when the learner's
code ignores SIGALRM or cancels the timer), and, once the limit has passed, a trace function that raises again on
every line (ends a loop that catches the timeout and carries on). What cannot be stopped in-process: a loop inside C
code that never returns to Python (e.g. `sum(itertools.count())`, or an endless `tf.while_loop`), a blocking call
outside the main thread, and code that both catches the timeout and removes the trace function. The batch grader
runs submissions in their own kernels, whose per-cell timeout ends those too.
"""

from __future__ import annotations

import ctypes
import signal
import sys
import threading
import time
import warnings
from dataclasses import dataclass

import numpy as np

from course.grading.text import MESSAGE, PRINTED_KEPT, STRING, cap

TIME_LIMIT = 20.0  # seconds for any one call of learner code; the slowest honest call measured takes about 3 s

FAULTS = {1: "divide", 2: "overflow", 8: "invalid"}  # NumPy's floating-point error flags (underflow is harmless)


@dataclass
class Outcome:
    """What one call of learner code did, as plain data."""

    status: str = "ok"  # "ok", "stub" (NotImplementedError), "raised", "timeout", "exit" (any other BaseException)
    value: object = None
    args: tuple = ()
    error: str = ""
    error_types: tuple = ()
    message: str = ""
    faults: tuple = ()
    printed: str = ""
    seconds: float = 0.0


class Opaque:
    """Stands for a returned object that is not plain data; only its type name and a short repr are kept."""

    def __init__(self, type_name: str, text: str = ""):
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return self.text or f"<{self.type_name}>"


class _Timeout(BaseException):
    """Raised into learner code past its time limit; creating one arms the trace function that raises again."""

    def __init__(self, *args):
        super().__init__(*args)
        _arm_killer()


_states: list[_Watchdog] = []  # the calls running now, innermost last


def _killer(frame, event, arg):
    state = _states[-1] if _states else None
    if state is None or state.done or frame.f_globals.get("__name__") == __name__:
        return None
    if event == "line":
        raise _Timeout
    return _killer


def _arm_killer() -> None:
    state = _states[-1] if _states else None
    if state is None or state.done or state.thread != threading.get_ident():
        return
    sys.settrace(_killer)
    frame = sys._getframe(1)
    while frame is not None and frame is not state.frame:
        frame.f_trace = _killer
        frame = frame.f_back


def _async_raise(thread_id: int, exception) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), exception)


class _Watchdog:
    """Ends the call running in this thread once `seconds` have passed, however the learner's code resists."""

    def __init__(self, seconds: float, frame):
        self.seconds, self.frame, self.thread = seconds, frame, threading.get_ident()
        self.done, self.sigint, self.lock = False, False, threading.Lock()
        self.main = self.thread == threading.main_thread().ident and hasattr(signal, "SIGALRM")
        self.trace, self.handlers = sys.gettrace(), {}
        self.wake = threading.Event()

    def start(self) -> None:
        if self.main:
            self.handlers[signal.SIGALRM] = signal.signal(signal.SIGALRM, self._on_alarm)
            self.handlers[signal.SIGINT] = signal.signal(signal.SIGINT, self._on_sigint)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        _states.append(self)
        threading.Thread(target=self._watch, daemon=True, name="course-limits").start()

    def _on_alarm(self, signum, frame):
        raise _Timeout

    def _on_sigint(self, signum, frame):
        self.sigint = True  # a real Ctrl-C: it stops the cell, as Jupyter users expect
        raise KeyboardInterrupt

    def _watch(self) -> None:
        if self.wake.wait(self.seconds):
            return
        while not self.wake.wait(0.05):
            with self.lock:
                if self.done:
                    return
                _async_raise(self.thread, ctypes.py_object(_Timeout))
                if self.main:
                    signal.pthread_kill(self.thread, signal.SIGALRM)  # interrupts a blocking call

    def stop(self) -> None:
        """Idempotent: stop watching, then undo every change to signals and tracing."""
        with self.lock:  # a timeout sent before this lock was taken is raised at the next line: _stop retries
            self.done = True
        self.wake.set()
        if self in _states:
            _states.remove(self)
        if self.main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            for number, handler in self.handlers.items():
                signal.signal(number, handler)
            self.handlers = {}
        sys.settrace(self.trace)


class _Printed:
    """A stand-in for sys.stdout/sys.stderr that keeps the first PRINTED_KEPT characters."""

    def __init__(self):
        self.parts, self.size = [], 0

    def write(self, text) -> int:
        text = str.__str__(text) if isinstance(text, str) else ""
        if self.size < PRINTED_KEPT:
            self.parts.append(text[: PRINTED_KEPT - self.size])
        self.size += len(text)
        return len(text)

    def flush(self) -> None:
        pass

    def text(self) -> str:
        kept = "".join(self.parts)
        return kept + (f"… ({self.size - len(kept):,} more characters)" if self.size > len(kept) else "")


def plain(value, depth: int = 0):
    """`value` as plain data: Python numbers, NumPy arrays (copies), str, None, and tuples, lists and dicts of them.

    A Keras model, a random Generator or a function stays itself (checks handle them only through the kit);
    any other object becomes an Opaque. Runs learner code (`__array__`, `__float__`), so call it under the limits.
    """
    if depth > 20:
        return Opaque("deeply nested value")
    if value is None or type(value) in (bool, int, float, complex) or isinstance(value, np.generic | bool):
        return value
    for base, exact in ((int, int.__int__), (float, float.__float__), (complex, complex.__complex__)):
        if isinstance(value, base):  # a subclass could lie in __eq__: keep only the number
            return exact(value)
    if isinstance(value, str | bytes):
        return cap(str.__str__(value) if isinstance(value, str) else bytes.__bytes__(value), STRING)
    if isinstance(value, tuple | list):
        items = [plain(v, depth + 1) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        return {plain(k, depth + 1): plain(v, depth + 1) for k, v in dict.items(value)}
    if _kept_as_is(value):
        return value
    if isinstance(value, np.ndarray) or hasattr(type(value), "__array__"):
        array = np.array(value, copy=True, subok=False)
        if array.dtype.kind in "biufcSU":
            return array
        return Opaque("array of objects")
    return Opaque(type(value).__name__, cap(object.__repr__(value), 60))


def _kept_as_is(value) -> bool:
    if isinstance(value, np.random.Generator) or callable(value) and type(value).__name__ == "function":
        return True
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(value, keras.Model | keras.KerasTensor | keras.layers.Layer)


def _error(outcome: Outcome, error: BaseException) -> None:
    """Fill in the exception's names and message (learner code: `__str__` may misbehave; we are under the limits)."""
    kind = type(error)
    outcome.error = kind.__name__
    outcome.error_types = tuple(c.__name__ for c in kind.__mro__)
    try:
        outcome.message = cap(str(error), MESSAGE)
    except _Timeout:
        raise
    except BaseException:
        outcome.message = "(its message could not be shown)"


def _guarded(fn, args, outcome: Outcome, convert: bool) -> None:
    try:
        value = fn(*args)
        outcome.value = plain(value) if convert else value  # runs the learner's __array__, __float__ ...
        outcome.args = tuple(plain(a) for a in args) if convert else args
    except _Timeout:
        raise
    except NotImplementedError as e:
        outcome.status, outcome.value = "stub", None
        _error(outcome, e)
    except Exception as e:
        outcome.status, outcome.value = "raised", None
        _error(outcome, e)
    except BaseException as e:  # SystemExit, GeneratorExit, KeyboardInterrupt raised by the code, custom ones
        if isinstance(e, KeyboardInterrupt) and _states and _states[-1].sigint:
            raise
        outcome.status, outcome.value = "exit", None
        _error(outcome, e)


def run(fn, args: tuple = (), *, time_limit: float | None = None, convert: bool = True) -> Outcome:
    """Call fn(*args) under the limits and report the Outcome; `convert=False` keeps the value as it is."""
    outcome, faults, printed = Outcome(), set(), _Printed()
    numpy_state = np.geterr(), np.geterrcall()  # restored below: a timeout can land inside errstate's own exit
    watchdog = _Watchdog(TIME_LIMIT if time_limit is None else time_limit, sys._getframe())
    streams = sys.stdout, sys.stderr
    start = time.perf_counter()

    def on_fault(kind, flag):
        faults.update(name for bit, name in FAULTS.items() if flag & bit)

    try:
        try:
            with warnings.catch_warnings(), np.errstate(all="call", under="ignore", call=on_fault):
                warnings.simplefilter("ignore")
                sys.stdout = sys.stderr = printed
                watchdog.start()
                _guarded(fn, args, outcome, convert)
        finally:
            _stop(watchdog)
            sys.stdout, sys.stderr = streams
            np.seterr(**numpy_state[0])
            np.seterrcall(numpy_state[1])
    except _Timeout:
        _stop(watchdog)
        np.seterr(**numpy_state[0])
        np.seterrcall(numpy_state[1])
        outcome.status, outcome.value, outcome.args = "timeout", None, ()  # args unread: they may hold learner objects
    except KeyboardInterrupt:
        if watchdog.sigint:
            raise
        outcome.status, outcome.error = "exit", "KeyboardInterrupt"
    outcome.faults, outcome.printed = tuple(sorted(faults)), printed.text()
    outcome.seconds = time.perf_counter() - start
    return outcome


def _stop(watchdog: _Watchdog) -> None:
    for _ in range(100):  # a timeout may still land while stopping: stop again until it holds
        try:
            watchdog.stop()
            return
        except _Timeout:
            continue
