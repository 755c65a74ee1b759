"""Grading: a registry of exercise checks, and `grade`/`check` that never raise on a learner's answer."""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass, field

TOPICS = ("perceptron", "backprop", "convolution", "cnn", "transfer", "rnn")
NOTEBOOK_TOPICS = {f"{i:02d}": t for i, t in enumerate(TOPICS, start=1)}


class Mistake(Exception):
    """Raised by a check to say what is wrong with an answer; the message is the feedback."""


class NotImplementedYet(Mistake):
    """The learner's code still raises NotImplementedError (the stub of the learner's notebook)."""


@dataclass
class Result:
    """The outcome of grading one answer."""

    exercise: str
    passed: bool
    score: float
    max_score: float
    feedback: str
    _shown: bool = field(default=False, repr=False, compare=False)

    def __str__(self) -> str:
        return self.feedback

    def _ipython_display_(self) -> None:
        # check() has already printed the feedback; don't show it twice as the cell's Out[].
        if not self._shown:
            print(self.feedback)


@dataclass(frozen=True)
class Exercise:
    id: str
    check: Callable[[object], None]
    kind: str  # "function" or "value"
    points: float


_REGISTRY: dict[str, Exercise] = {}


def exercise(exercise_id: str, kind: str = "function", points: float = 1.0):
    """Register `check(answer)` as the check of `exercise_id`; it raises Mistake when the answer is wrong."""
    topic = exercise_id.split(".")[0]
    if topic not in TOPICS or exercise_id.count(".") != 1:
        raise ValueError(f"exercise id must be '<topic>.<name>' with a topic in {TOPICS}")

    def register(check):
        _REGISTRY[exercise_id] = Exercise(exercise_id, check, kind, points)
        return check

    return register


def _load_checks() -> None:
    for topic in TOPICS:
        name = f"course.checks.{topic}"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def exercises() -> list[str]:
    """Ids of every graded exercise, in course order."""
    _load_checks()
    order = {t: i for i, t in enumerate(TOPICS)}
    return sorted(_REGISTRY, key=lambda e: order[e.split(".")[0]]) if _REGISTRY else []


def grade(exercise_id: str, answer: object) -> Result:
    """Grade `answer` for `exercise_id`; never raises because of the answer."""
    _load_checks()
    spec = _REGISTRY.get(exercise_id)
    if spec is None:
        return Result(exercise_id, False, 0.0, 0.0, f"✗ there is no exercise called {exercise_id!r}.")

    def failed(message: str) -> Result:
        return Result(exercise_id, False, 0.0, spec.points, f"✗ {exercise_id}: {message}")

    if spec.kind == "function" and not callable(answer):
        return failed(f"expected the function you defined, got {type(answer).__name__}.")
    try:
        spec.check(answer)
    except NotImplementedYet as e:
        return failed(str(e) or "not implemented yet.")
    except Mistake as e:
        return failed(str(e))
    except Exception as e:  # a check tripped over an answer we did not foresee
        return failed(f"could not check this answer ({type(e).__name__}: {e}).")
    return Result(exercise_id, True, spec.points, spec.points, f"✓ {exercise_id}: all tests passed.")


def find_exercise(answer: object) -> str:
    """The id of the exercise that `answer` (a function) answers, from its name and the notebook."""
    name = getattr(answer, "__name__", None)
    if name is None:
        raise LookupError(
            "cannot tell which exercise this value answers: name it, e.g. check(value, 'cnn.trained_model')."
        )
    matches = [e for e in exercises() if e.split(".")[1] == name]
    if len(matches) > 1:
        topic = current_topic()
        matches = [e for e in matches if e.startswith(f"{topic}.")] or matches
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise LookupError(f"no exercise is called {name!r}: keep the function name the exercise gives.")
    raise LookupError(f"several exercises are called {name!r} ({', '.join(matches)}): name one.")


def current_topic() -> str | None:
    """The topic of the running notebook, from the path Jupyter gives its kernel."""
    notebook = os.path.basename(os.environ.get("JPY_SESSION_NAME", ""))
    return NOTEBOOK_TOPICS.get(notebook[:2])


def check(answer: object, exercise_id: str | None = None) -> Result:
    """Grade an exercise in a notebook: print one line of feedback and return the Result."""
    if exercise_id is None:
        try:
            exercise_id = find_exercise(answer)
        except LookupError as e:
            result = Result("?", False, 0.0, 0.0, f"✗ {e}")
            exercise_id = None
    if exercise_id is not None:
        result = grade(exercise_id, answer)
    print(result.feedback)
    result._shown = True
    try:  # the learner's progress table; a broken progress file never breaks a check
        from course import tracking

        tracking.record(result)
    except Exception:
        pass
    return result
