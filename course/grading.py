"""Grading: a registry of exercise checks, and `grade`/`check` that never raise on a learner's answer.

In-notebook `check` gives feedback to an honest learner: it runs in the learner's own kernel, where their code could
change anything. Marks come from the batch grader (`python -m course grade`), which runs submitted code in separate
kernels and these same checks in its own process. A real Ctrl-C (Jupyter's interrupt) still stops a check.
"""

from __future__ import annotations

import functools
import importlib
import os
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

TOPICS = ("perceptron", "backprop", "convolution", "cnn", "transfer", "rnn", "attention")
NOTEBOOK_TOPICS = {f"{i:02d}": t for i, t in enumerate(TOPICS, start=1)}
FEEDBACK_LIMIT = 300  # characters of a message; what the learner's code printed is shown apart, capped too
PRINTED_LIMIT = 200


class Mistake(Exception):
    """Raised by a check to say what is wrong with an answer; the message is the feedback.

    `hint` names the recognised typical mistake, if any: it becomes Result.mistake (counted by the batch grader).
    """

    def __init__(self, message: str = "", hint: str | None = None):
        super().__init__(message)
        self.hint = hint


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
    mistake: str | None = None  # the recognised typical mistake, if any
    printed: str = ""  # what the learner's code printed while it was checked (capped)
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
    import course.checks

    for module in pkgutil.iter_modules(course.checks.__path__):
        if module.name != "kit":
            importlib.import_module(f"course.checks.{module.name}")


def exercises() -> list[str]:
    """Ids of every graded exercise, in course order."""
    _load_checks()
    order = {t: i for i, t in enumerate(TOPICS)}
    return sorted(_REGISTRY, key=lambda e: order[e.split(".")[0]])


def reference(exercise_id: str):
    """The course's implementation of a function exercise, to skip it and run the rest of the notebook (no points)."""
    _load_checks()
    spec = _REGISTRY.get(exercise_id)
    if spec is None or spec.kind != "function":
        raise ValueError(f"{exercise_id!r} is not a function exercise; course.exercises() lists them.")
    topic, name = exercise_id.split(".")
    answer = getattr(importlib.import_module(f"course.references.{topic}"), name)

    @functools.wraps(answer)
    def skipped(*args, **kwargs):
        return answer(*args, **kwargs)

    skipped.__course_reference__ = exercise_id
    return skipped


def is_reference(answer) -> bool:
    """Whether `answer` is what course.reference() returned (read without running the learner's code)."""
    return type(answer).__name__ == "function" and "__course_reference__" in answer.__dict__


def _cap(text: str, limit: int) -> str:
    """`text` within `limit` characters: the middle (usually the inputs) gives way to the start and the verdict."""
    if len(text) <= limit:
        return text
    head = limit * 2 // 5
    return text[:head].rstrip() + " … " + text[len(text) - (limit - head - 3) :].lstrip()


def grade(exercise_id: str, answer: object) -> Result:
    """Grade `answer` for `exercise_id`; never raises because of the answer."""
    from course.checks import kit

    _load_checks()
    spec = _REGISTRY.get(exercise_id)
    if spec is None:
        return Result(exercise_id, False, 0.0, 0.0, f"✗ there is no exercise called {exercise_id!r}.")
    name = exercise_id.split(".")[1]

    def failed(message: str, mistake: str | None = None) -> Result:
        feedback = f"✗ {exercise_id}: {_cap(message, FEEDBACK_LIMIT)}"
        if printed:
            feedback += f"\n  (while checked, {name} printed: {_cap(printed, PRINTED_LIMIT)})"
        return Result(exercise_id, False, 0.0, spec.points, feedback, mistake, printed)

    printed = ""
    if is_reference(answer):
        return failed(
            f"this is the course's reference answer (course.reference), not your work: no points. "
            f"Write your own {name} to earn them."
        )
    if spec.kind == "function" and not callable(answer):
        return failed(f"expected the function you defined, got {type(answer).__name__}.")
    kit.PRINTED.clear()
    try:
        spec.check(answer)
    except NotImplementedYet:
        return failed(
            "not implemented yet: write your code in place of `raise NotImplementedError()` and run the cell. "
            f'To skip this exercise (no points), run `{name} = course.reference("{exercise_id}")`.'
        )
    except Mistake as e:
        printed = "".join(kit.PRINTED)
        return failed(str(e), e.hint)
    except Exception as e:  # a check tripped over an answer we did not foresee
        return failed(f"could not check this answer ({type(e).__name__}: {_cap(str(e), 100)}).")
    finally:
        printed = printed or "".join(kit.PRINTED)
        kit.PRINTED.clear()
    return Result(exercise_id, True, spec.points, spec.points, f"✓ {exercise_id}: all tests passed.", None, printed)


def find_exercise(answer: object) -> str:
    """The id of the exercise that `answer` (a function) answers, from its name and the notebook."""
    name = answer.__name__ if type(answer).__name__ == "function" else None
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
    if not result.passed and os.environ.get("NBGRADER_EXECUTION") == "autograde":
        raise AssertionError(result.feedback)  # nbgrader scores a test cell by whether it raises
    return result
