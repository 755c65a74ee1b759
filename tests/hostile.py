"""Hostile answers: what a careless or mischievous learner might hand to a check. Used by tests/test_hostile.py and
benchmarks/hostile.py (which also runs them against older versions of the course, each in its own process)."""

import signal
import sys
import time
from unittest import mock

import numpy as np


class Escape(BaseException):
    pass


def raises(error):
    def answer(*args, **kwargs):
        raise error

    return answer


def returns(value_factory):
    def answer(*args, **kwargs):
        return value_factory()

    return answer


class SlowArray:
    def __array__(self, dtype=None, copy=None):
        time.sleep(60)


class ExitingArray:
    def __array__(self, dtype=None, copy=None):
        raise SystemExit


class BadRepr:
    def __repr__(self):
        raise SystemExit

    def __len__(self):
        raise GeneratorExit


class EndlessStr(Exception):
    def __str__(self):
        while True:
            pass


class Liar(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


def prints_a_lot(*args, **kwargs):
    print("✓ all tests passed\n" * 50_000)
    return None


def catch_and_go_on(*args, **kwargs):
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass


def ignore_the_alarm(*args, **kwargs):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    catch_and_go_on()


def cancel_the_timer(*args, **kwargs):
    signal.setitimer(signal.ITIMER_REAL, 0)
    while True:
        pass


HOSTILE = {
    "SystemExit": raises(SystemExit(0)),
    "exit()": lambda *a, **k: sys.exit(),
    "GeneratorExit": raises(GeneratorExit()),
    "KeyboardInterrupt raised": raises(KeyboardInterrupt()),
    "custom BaseException": raises(Escape()),
    "100 kB message": raises(ValueError("x" * 100_000)),
    "endless __str__": raises(EndlessStr()),
    "__array__ exits": returns(ExitingArray),
    "__array__ sleeps": returns(SlowArray),
    "__repr__/__len__ exit": returns(BadRepr),
    "a Mock": returns(mock.MagicMock),
    "a lying float": returns(lambda: Liar(0.5)),
    "a generator": returns(lambda: (i for i in range(3))),
    "a huge array": returns(lambda: np.zeros((3000, 3000))),
    "NaN everywhere": returns(lambda: np.full((4, 4), np.nan)),
    "prints 1 MB of fake ✓": prints_a_lot,
    "catches the timeout": catch_and_go_on,
    "ignores SIGALRM": ignore_the_alarm,
    "cancels the timer": cancel_the_timer,
}
HANGS = ("endless __str__", "__array__ sleeps", "catches the timeout", "ignores SIGALRM", "cancels the timer")
