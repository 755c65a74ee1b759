"""The registry of graded exercises: each check registers itself under `<topic>.<name>`, in course order."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

TOPICS = ("perceptron", "backprop", "convolution", "cnn", "transfer", "rnn", "attention")
NOTEBOOK_TOPICS = {f"{i:02d}": t for i, t in enumerate(TOPICS, start=1)}


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: its id, its check, whether the answer is a function or a value, and its points.

    `uses` holds the ids of earlier exercises whose functions the answer calls in its notebook, directly or through
    the notebook's other helpers: when its check fails, the engine grades those first (course.grading.engine).
    """

    id: str
    check: Callable[[object], None]
    kind: str  # "function" or "value"
    points: float
    uses: tuple[str, ...] = ()

    @property
    def topic(self) -> str:
        return self.id.split(".")[0]

    @property
    def name(self) -> str:
        return self.id.split(".")[1]

    @property
    def notebook(self) -> str:
        """The two-digit number of the notebook that teaches it."""
        return next(n for n, t in NOTEBOOK_TOPICS.items() if t == self.topic)


_exercises: dict[str, Exercise] = {}


def register(exercise_id: str, kind: str = "function", points: float = 1.0, uses: tuple[str, ...] = ()):
    """Decorator: register `check(answer)` as the check of `exercise_id`; it raises Mistake when the answer is wrong.

    `uses` names the exercises of the same notebook whose functions the answer calls (e.g. train_epoch uses
    mlp_backward), in course order: "mlp_backward" or "backprop.mlp_backward".
    """
    topic = exercise_id.split(".")[0]
    if topic not in TOPICS or exercise_id.count(".") != 1:
        raise ValueError(f"exercise id must be '<topic>.<name>' with a topic in {TOPICS}")
    if isinstance(uses, str):
        raise TypeError("uses is a tuple of exercise names, e.g. uses=('step',)")
    used = tuple(u if "." in u else f"{topic}.{u}" for u in uses)

    def add(check):
        _exercises[exercise_id] = Exercise(exercise_id, check, kind, points, used)
        return check

    return add


def _load() -> None:
    """Import every module of course/checks but the kit: each registers its checks (plugins found by name)."""
    checks = importlib.import_module("course.checks")
    for module in pkgutil.iter_modules(checks.__path__):
        if module.name != "kit":
            importlib.import_module(f"course.checks.{module.name}")


def exercises() -> list[str]:
    """Ids of every graded exercise, in course order."""
    _load()
    order = {t: i for i, t in enumerate(TOPICS)}
    return sorted(_exercises, key=lambda e: order[e.split(".")[0]])


def exercise(exercise_id: str) -> Exercise:
    """The exercise called `exercise_id` (its check, kind, points, topic and notebook); KeyError if there is none."""
    _load()
    return _exercises[exercise_id]


def find(exercise_id: str) -> Exercise | None:
    """The exercise called `exercise_id`, or None."""
    _load()
    return _exercises.get(exercise_id)


def unregister(exercise_id: str) -> None:
    """Remove a registered exercise (a temporary one, e.g. in a test)."""
    _exercises.pop(exercise_id, None)
