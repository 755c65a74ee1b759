"""How feedback shows the values and calls of a check, and hides those of a hidden case."""

from __future__ import annotations

import numpy as np

from course.grading import limits
from course.grading.cases import Given, hidden


def fmt(value) -> str:
    """A short, reproducible text of a value for feedback; arrays over 12 entries are named by their shape.

    On a hidden case every value is "…": neither its inputs nor what they give are shown.
    """
    if hidden():
        return "…"
    if isinstance(value, np.ndarray) and value.ndim == 0 or isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray):
        if value.size > 12:
            return f"an array of shape {value.shape}"
        text = np.array2string(value, precision=4, separator=", ", threshold=12)
        return f"np.array({text})".replace("\n", "")
    if isinstance(value, float):
        return repr(value) if len(repr(value)) <= 10 else f"{value:.6g}"
    if isinstance(value, Given):
        return repr(value)
    text = repr(value) if isinstance(value, int | str | bool | complex | type(None) | limits.Opaque) else None
    if text is None:
        text = f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def describe(name: str, *args) -> str:
    """How feedback names a call: `conv2d(image, kernel) with image = np.arange(12).reshape(3, 4), kernel = ...`."""
    if hidden():
        return label(name, "")
    text = f"{name}({', '.join(map(fmt, args))})"
    named = [a for a in args if isinstance(a, Given) and a.name and " " not in a.name]
    if named:
        text += " with " + ", ".join(f"{a.name} = {a.code}" for a in named)
    return text


def label(name: str, text: str) -> str:
    """`text`, a check's own words for a call, or on a hidden case `name(…) on hidden case k of n`."""
    case = hidden()
    return f"{name}(…) on {case} (its inputs are not shown)" if case else text


class Part(str):
    """How feedback names one element of a call's result: the whole call, then `returned[0] (dW1)`."""


def part(shown: str, index: str, name: str | None = None) -> Part:
    """`shown` followed by which element of its result is meant, e.g. part(shown, "[0]", "dW1")."""
    return Part(f"{shown}: its result{index}" + (f" ({name})" if name else ""))


def returned(shown: str) -> str:
    """`<call> returned` for a whole result, `<call>: its result[0] is` for one element of it."""
    return f"{shown} is" if isinstance(shown, Part) else f"{shown} returned"


def value_of(arg):
    """The value of a case's input: a Given built afresh, a plain (e.g. hidden) value as it is."""
    return arg.value if isinstance(arg, Given) else arg
