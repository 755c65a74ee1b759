"""Spot Python loops in a learner's function: count how often its most repeated line runs during one call."""

from __future__ import annotations

import os
import sys
from collections import Counter

from course.answers import call

# Code outside these folders is the learner's (a notebook cell, a test); the library's loops are not counted.
LIBRARY = tuple(os.path.join(os.path.abspath(d), "") for d in (sys.prefix, sys.base_prefix, sys.exec_prefix))
LIBRARY += (os.path.join(os.path.dirname(os.path.abspath(__file__)), ""),)  # the course package


def most_repeated(fn, args, name=None):
    """`answers.call(fn, *args)` and the count of the learner's line (or function call) that ran most often."""
    counts, learner = Counter(), {}

    def is_learner(code):
        if code not in learner:
            file = code.co_filename
            learner[code] = not (file.startswith("<frozen") or os.path.abspath(file).startswith(LIBRARY))
        return learner[code]

    def local(frame, event, arg):
        if event == "line":  # also sent on every jump back to a loop's first line
            counts[frame.f_code, frame.f_lineno] += 1
        return local

    def tracer(frame, event, arg):
        if event != "call" or not is_learner(frame.f_code):
            return None
        counts[frame.f_code] += 1
        return local

    def traced(*a):
        previous = sys.gettrace()  # e.g. a debugger's: put it back afterwards
        sys.settrace(tracer)
        try:
            return fn(*a)
        finally:
            sys.settrace(previous)

    out = call(traced, *args, name=name or getattr(fn, "__name__", "your function"))
    return out, max(counts.values(), default=0)
