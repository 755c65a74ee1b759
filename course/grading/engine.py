"""Grading one answer: `grade` runs an exercise's check and turns what it says into a Result; it never raises.

The checks (course/checks) raise a `Mistake` whose message is the feedback. In-notebook `check`
(course/grading/notebook.py) prints that feedback to an honest learner; marks come from the batch grader
(`python -m course grade`), which calls this same `grade` with stand-ins for the learner's functions. A real Ctrl-C
(Jupyter's interrupt) still stops a check.

An exercise whose answer calls the functions of earlier exercises declares them (`register(..., uses=...)`). When its
check fails, `grade` looks those functions up among the answer's globals (the learner's notebook) and grades each with
its own check, its own uses first: the first that fails is named ("your `mlp_backward` fails its own check: fix it
first"), since the answer cannot pass before it does. A function skipped with `course.reference` counts as right. The
batch grader's stand-ins have no globals: it grades every exercise, then gives a failed one whose used exercise
failed too the same feedback (`first_failed_use`).
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass, field

from course.grading import cases, registry, text

PRINTED: list[str] = []  # what the learner's code printed during the current grade(); the check kit appends to it


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


def skip_advice(line: str) -> str:
    """How feedback tells a learner to skip an exercise with `line` (the course's answer, or a model built already)."""
    return f"To skip this exercise (no points), run `{line}`."


def skip_line(exercise_id: str) -> str:
    """The line that fills in the course's answer of a function exercise, so the rest of the notebook runs."""
    return f'{exercise_id.split(".")[1]} = course.reference("{exercise_id}")'


REFERENCE_STAND_IN = None  # in a graded kernel: what reference() returns instead (set by course.grader.launch)


def reference_answer(exercise_id: str):
    """The course's own function for a function exercise (ValueError for any other id)."""
    spec = registry.find(exercise_id)
    if spec is None or spec.kind != "function":
        raise ValueError(f"{exercise_id!r} is not a function exercise; course.exercises() lists them.")
    return getattr(importlib.import_module(f"course.references.{spec.topic}"), spec.name)


def reference(exercise_id: str):
    """The course's implementation of a function exercise, to skip it and run the rest of the notebook (no points)."""
    if REFERENCE_STAND_IN is not None:  # a graded kernel holds no reference: the grader runs it, and knows
        return REFERENCE_STAND_IN(exercise_id)
    answer = reference_answer(exercise_id)

    @functools.wraps(answer)
    def skipped(*args, **kwargs):
        return answer(*args, **kwargs)

    skipped.__course_reference__ = exercise_id
    return skipped


def is_reference(answer) -> bool:
    """Whether `answer` is what course.reference() returned (read without running the learner's code)."""
    return type(answer).__name__ == "function" and "__course_reference__" in answer.__dict__


def _uses(spec: registry.Exercise, answer) -> list[tuple[str, object]]:
    """(exercise id, the learner's function) for each exercise the answer uses, found among its globals."""
    names = getattr(answer, "__globals__", None) if type(answer).__name__ == "function" else None
    if not isinstance(names, dict):  # a stand-in of the batch grader, a partial, a callable object
        return []
    found = [(used, names.get(used.split(".")[1])) for used in spec.uses]
    return [(used, fn) for used, fn in found if type(fn).__name__ == "function" and not is_reference(fn)]


def _passes(exercise_id: str, answer, seed: int | None) -> bool:
    """Whether `answer` passes the check of `exercise_id` (nothing recorded, nothing printed kept)."""
    try:
        with cases.seeded(exercise_id, seed):
            registry.find(exercise_id).check(answer)
    except Exception:  # a Mistake, or a check that tripped over the answer; a real Ctrl-C still stops it
        return False
    finally:
        PRINTED.clear()
    return True


def _first_failing(exercise_id: str, answer, uses, fails, seen: set) -> str | None:
    """The first exercise that `exercise_id` uses, directly or through its own uses (theirs first), that `fails`.

    `uses(exercise_id, answer)` lists (used exercise, its answer) pairs; `fails(used, its answer)` says whether it fails.
    """
    for used, fn in uses(exercise_id, answer):
        if used in seen:
            continue
        seen.add(used)
        deeper = _first_failing(used, fn, uses, fails, seen)
        if deeper is not None:
            return deeper
        if fails(used, fn):
            return used
    return None


def failing_use(exercise_id: str, answer, seed: int | None = None) -> str | None:
    """The id of the first exercise used by `answer` whose function (in the answer's globals) fails its own check.

    Each used exercise's own uses are graded before it, so the earliest cause is named; None if all pass.
    """

    def uses(used_id, fn):
        spec = registry.find(used_id)
        return _uses(spec, fn) if spec is not None else []

    return _first_failing(exercise_id, answer, uses, lambda used, fn: not _passes(used, fn, seed), set())


def _raises_not_implemented(answer) -> bool:
    """Whether the answer's own code raises NotImplementedError (the learner's stub), not a function it calls."""
    return "NotImplementedError" in getattr(getattr(answer, "__code__", None), "co_names", ("NotImplementedError",))


def grade(exercise_id: str, answer: object, *, seed: int | None = None) -> Result:
    """Grade `answer` for `exercise_id`; never raises because of the answer.

    `seed=None` runs the check's visible cases (what in-notebook `check` does); an int runs them and then hidden
    cases drawn from that seed (the batch grader passes its run's seed): the same seed and answer give the same
    Result. Feedback on a hidden case shows neither its inputs nor its expected outputs.
    """
    spec = registry.find(exercise_id)
    if spec is None:
        return Result(exercise_id, False, 0.0, 0.0, f"✗ there is no exercise called {exercise_id!r}.")
    printed = ""

    def failed(message: str, mistake: str | None = None) -> Result:
        feedback = f"✗ {exercise_id}: {text.cap(message, text.FEEDBACK)}"
        if printed:
            feedback += f"\n  (while checked, {spec.name} printed: {text.cap(printed, text.PRINTED_SHOWN)})"
        return Result(exercise_id, False, 0.0, spec.points, feedback, mistake, printed)

    if is_reference(answer):
        return failed(
            f"this is the course's reference answer (course.reference), not your work: no points. "
            f"Write your own {spec.name} to earn them."
        )
    if spec.kind == "function" and not callable(answer):
        return failed(f"expected the function you defined, got {type(answer).__name__}.")
    PRINTED.clear()
    try:
        with cases.seeded(exercise_id, seed):
            spec.check(answer)
    except NotImplementedYet:
        if not _raises_not_implemented(answer) and (used := failing_use(exercise_id, answer, seed)):
            return failed(*fix_first(spec, used))
        return failed(
            "not implemented yet: write your code in place of `raise NotImplementedError()` and run the cell. "
            + skip_advice(skip_line(exercise_id))
        )
    except Mistake as e:
        printed = "".join(PRINTED)
        used = failing_use(exercise_id, answer, seed)
        return failed(*fix_first(spec, used)) if used else failed(str(e), e.hint)
    except Exception as e:  # a check tripped over an answer we did not foresee
        return failed(f"could not check this answer ({type(e).__name__}: {text.cap(str(e), 100)}).")
    finally:
        printed = printed or "".join(PRINTED)
        PRINTED.clear()
    return Result(exercise_id, True, spec.points, spec.points, f"✓ {exercise_id}: all tests passed.", None, printed)


def fix_first(spec: registry.Exercise, used: str) -> tuple[str, str]:
    """The feedback and the mistake of an answer whose earlier exercise `used` fails its own check."""
    name = used.split(".")[1]
    return (
        f"your `{name}` fails its own check: fix it first. {spec.name} calls it, so it cannot pass before "
        f"{name} does; check({name}) says what is wrong.",
        f"{name} fails its own check",
    )


def first_failed_use(exercise_id: str, failed: set[str]) -> str | None:
    """The first exercise in `failed` that `exercise_id` uses, directly or through its uses (theirs first).

    The batch grader's counterpart of `failing_use`: there every exercise has been graded already.
    """

    def uses(used_id, _):
        return [(used, None) for used in registry.exercise(used_id).uses]

    return _first_failing(exercise_id, None, uses, lambda used, _: used in failed, set())
