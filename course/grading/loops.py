"""Spot Python loops in a learner's function: count how often its most repeated line runs during one call."""

from __future__ import annotations

import os
import sys
from collections import Counter

# Code outside these folders is the learner's (a notebook cell, a test); the library's loops are not counted.
LIBRARY = tuple(os.path.join(os.path.abspath(d), "") for d in (sys.prefix, sys.base_prefix, sys.exec_prefix))
LIBRARY += (os.path.join(os.path.dirname(os.path.abspath(__file__)), ""),)  # the course package


class _Enough(Exception):
    """Stops a traced call once one of its lines has run `limit` times: it loops, whatever comes next."""


def most_repeated(fn, *args, limit=None):
    """fn(*args), and the count of the learner's line (or function call) that ran most often during it.

    With `limit`, the call is stopped (its result is then None) once a line has run `limit` times: tracing every
    line is slow. Call it under the limits, e.g. as a check kit `wrap`: "lambda f, *a: course.grading.loops.most_repeated(f,
    *a, limit=1000)".
    """
    counts, learner = Counter(), {}

    def is_learner(code):
        if code not in learner:
            file = code.co_filename
            learner[code] = not (file.startswith(("<frozen", "<string>")) or os.path.abspath(file).startswith(LIBRARY))
        return learner[code]

    def local(frame, event, arg):
        if event == "line":  # also sent on every jump back to a loop's first line
            key = frame.f_code, frame.f_lineno
            counts[key] += 1
            if limit is not None and counts[key] >= limit:
                raise _Enough
        return local

    def tracer(frame, event, arg):
        if event != "call" or not is_learner(frame.f_code):
            return None
        counts[frame.f_code] += 1
        return local

    previous = sys.gettrace()  # e.g. a debugger's: put it back afterwards
    sys.settrace(tracer)
    try:
        out = fn(*args)
    except _Enough:
        out = None
    finally:
        sys.settrace(previous)
    return out, max(counts.values(), default=0)
