"""limits.run: every way learner code can misbehave comes back as an Outcome; hangs end; a real Ctrl-C still stops."""

import os
import signal
import sys
import threading
import time

import numpy as np
import pytest

from course.grading import limits, text


@pytest.fixture(autouse=True)
def short_limit(monkeypatch):
    monkeypatch.setattr(limits, "TIME_LIMIT", 0.5)


def test_a_value_comes_back_as_plain_data():
    outcome = limits.run(lambda x: (x * 2, [1, 2.5], "ok"), (np.ones(2),))
    assert outcome.status == "ok" and outcome.value[0].tolist() == [2, 2] and outcome.value[1:] == ([1, 2.5], "ok")


def test_the_arguments_come_back_as_the_call_left_them():
    outcome = limits.run(lambda w: w.__iadd__(1), (np.zeros(2),))
    assert outcome.args[0].tolist() == [1, 1]


@pytest.mark.parametrize(
    ("raise_it", "status", "error"),
    [
        (lambda: exec("raise NotImplementedError()"), "stub", "NotImplementedError"),
        (lambda: 1 / 0, "raised", "ZeroDivisionError"),
        (lambda: sys.exit(3), "exit", "SystemExit"),
        (lambda: exec("raise GeneratorExit"), "exit", "GeneratorExit"),
        (lambda: exec("raise KeyboardInterrupt"), "exit", "KeyboardInterrupt"),  # raised by the code, not Ctrl-C
    ],
)
def test_every_exception_is_reported(raise_it, status, error):
    outcome = limits.run(raise_it)
    assert (outcome.status, outcome.error) == (status, error)


def test_a_custom_base_exception_and_a_broken_str_are_reported():
    class Escape(BaseException):
        def __str__(self):
            raise SystemExit

    def escape():
        raise Escape

    outcome = limits.run(escape)
    assert outcome.status == "exit" and outcome.error == "Escape" and "could not be shown" in outcome.message


def test_messages_and_prints_are_capped():
    def noisy():
        print("x" * 100_000)
        raise ValueError("y" * 100_000)

    outcome = limits.run(noisy)
    assert len(outcome.message) <= text.MESSAGE
    assert len(outcome.printed) <= text.PRINTED_KEPT + 40 and "more characters" in outcome.printed


def test_numeric_faults_are_named():
    outcome = limits.run(lambda: (np.exp(np.array([1000.0])), np.zeros(1) / 0))
    assert outcome.faults == ("invalid", "overflow")


def spin():
    while True:
        pass


def catch_and_go_on():
    while True:
        try:
            spin()
        except BaseException:
            pass


def ignore_the_alarm():
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    catch_and_go_on()


def cancel_the_timer():
    signal.setitimer(signal.ITIMER_REAL, 0)
    spin()


class SlowArray:
    def __array__(self, dtype=None, copy=None):
        time.sleep(30)


@pytest.mark.parametrize(
    "hang",
    [spin, catch_and_go_on, ignore_the_alarm, cancel_the_timer, lambda: time.sleep(30), lambda: SlowArray()],
    ids=["loop", "catches the timeout", "ignores SIGALRM", "cancels the timer", "sleeps", "slow __array__"],
)
def test_hangs_end(hang):
    outcome = limits.run(hang)
    assert outcome.status == "timeout"
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None) or callable(signal.getsignal(signal.SIGALRM))
    assert sys.gettrace() is None and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_hang_outside_the_main_thread_ends_too():
    results = []
    thread = threading.Thread(target=lambda: results.append(limits.run(catch_and_go_on)))
    thread.start()
    thread.join(30)
    assert results and results[0].status == "timeout"


def test_a_real_ctrl_c_still_stops_the_call():
    threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt):
        limits.run(lambda: time.sleep(5), time_limit=3)


def test_plain_drops_what_is_not_data():
    class Liar(float):
        def __eq__(self, other):
            return True

    assert type(limits.plain(Liar(2.0))) is float
    assert isinstance(limits.plain(object()), limits.Opaque)
    assert limits.plain((np.float64(1.5), [None, "s"])) == (1.5, [None, "s"])
