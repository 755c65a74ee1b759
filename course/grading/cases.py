"""What a check runs the learner's function on: `Given` inputs named by import path, and hidden cases.

A `Given` is a call `function(*args)`: `function` an import path such as "numpy:arange" or
"course.checks.inputs:keras_input", resolved when the check module is imported (a typo fails there), and `args`
plain data. Only the path and the data cross to a submission's kernel, which builds the value itself; no code
travels as text. A `wrap` adapter of `kit.call` is named the same way (`adapter(path)`).

Hidden cases: `grade(..., seed=s)` runs each check inside `seeded(exercise_id, s)`; a check lists its cases as
`cases(visible, *draws)`, which yields the visible cases and then, with a seed, one case `draw(rng)` per draw, from a
Generator seeded by (s, the exercise). While a hidden case runs, `hidden()` names it, and the kit's feedback
(`describe`, `fmt`, `expect`, `call`) shows neither its inputs nor its expected outputs.
"""

from __future__ import annotations

import copy
import importlib
import zlib
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

PACKAGES = ("numpy", "course")  # a Given or an adapter may name functions of these packages only
SHORT = {"numpy": "np", "numpy.random": "np.random"}  # how feedback writes a module, as the notebooks import it


def resolve(path: str):
    """The function at `path` ("package.module:function"), imported; ValueError if it names anything else."""
    module, _, name = path.partition(":")
    if not name or module.split(".")[0] not in PACKAGES:
        raise ValueError(f"{path!r} is not an import path 'package.module:function' in {PACKAGES}")
    found = importlib.import_module(module)
    for part in name.split("."):
        found = getattr(found, part)
    if not callable(found):
        raise TypeError(f"{path!r} is not a function")
    return found


def adapter(path: str) -> str:
    """A `wrap` adapter's import path, checked now: `adapter(f, *args)` runs where the learner's code runs."""
    resolve(path)
    return path


class Given:
    """An input built afresh at each use by `function(*args)`, named in feedback by `name` or by its call.

    `name` is how the call shows it (`conv2d(image, kernel)` ... `with image = np.array(...)`); a name with a
    space is a description ("the 10,000 test images") shown instead of the call.
    """

    def __init__(self, function: str, *args, name: str | None = None):
        resolve(function)
        self.function, self.args, self.name = function, args, name

    @property
    def value(self):
        return resolve(self.function)(*self.args)

    @property
    def code(self) -> str:
        module, _, name = self.function.partition(":")
        return f"{SHORT.get(module, module)}.{name}({', '.join(map(repr, self.args))})"

    def __repr__(self) -> str:
        return self.name or self.code


class Described(Given):
    """A value the grader computes (e.g. from a reference), named in feedback by a description; it travels as data."""

    def __init__(self, value, name: str):
        self.function, self.args, self.name, self._value = None, (), name, value

    @property
    def value(self):
        return copy.deepcopy(self._value)

    @property
    def code(self) -> str:
        return self.name


@dataclass
class _State:
    exercise: str | None = None
    seed: int | None = None
    visible: bool = True
    label: str | None = None  # the hidden case now running, e.g. "hidden case 2 of 3"


_STATE = _State()


@contextmanager
def seeded(exercise_id: str, seed: int | None, *, visible: bool = True):
    """Run a check with hidden cases drawn from `seed` (None: visible cases only); `visible=False` skips those."""
    previous = _STATE.exercise, _STATE.seed, _STATE.visible, _STATE.label
    _STATE.exercise, _STATE.seed, _STATE.visible, _STATE.label = exercise_id, seed, visible, None
    try:
        yield
    finally:
        _STATE.exercise, _STATE.seed, _STATE.visible, _STATE.label = previous


def rng() -> np.random.Generator | None:
    """The Generator of this grade's hidden cases (the same for the same seed and exercise), or None."""
    if _STATE.seed is None:
        return None
    return np.random.default_rng([int(_STATE.seed), zlib.crc32(str(_STATE.exercise).encode())])


def hidden() -> str | None:
    """The label of the hidden case now running, or None on a visible case."""
    return _STATE.label


def cases(visible, *draws):
    """The visible cases, then (with a seed) one hidden case `draw(rng)` per draw, each under its hidden label."""
    if _STATE.visible or _STATE.seed is None:
        yield from visible
    generator = rng()
    if generator is None:
        return
    for k, draw in enumerate(draws, start=1):
        case = draw(generator)
        _STATE.label = f"hidden case {k} of {len(draws)}"
        try:
            yield case
        finally:
            _STATE.label = None
