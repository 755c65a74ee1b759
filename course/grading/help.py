"""Help on demand in a notebook, as Kaggle Learn gives it: `course.hint(step)`, `course.hint(step, 2)` and
`course.solution(step)`. Each use is kept in the learner's progress; the batch grader ignores them (its kernels have
no references, so `solution` says it is not available there)."""

from __future__ import annotations

import importlib
import inspect

from course.grading import progress, registry
from course.grading.notebook import find_exercise

LEVELS = 2  # 1: the idea; 2: the shape of the key line


def _exercise_id(exercise) -> str:
    """The id of an exercise given as its function (the learner's own, or a stub) or as "topic.name"."""
    if isinstance(exercise, str) and "." in exercise:
        return exercise
    return find_exercise(exercise)


def hints_of(exercise_id: str) -> tuple[str, ...]:
    """The hints of an exercise, from course/hints/<topic>.py; () if it has none."""
    spec = registry.exercise(exercise_id)
    try:
        module = importlib.import_module(f"course.hints.{spec.topic}")
    except ModuleNotFoundError:
        return ()
    return tuple(module.HINTS.get(spec.name, ()))


def hint(exercise, level: int = 1) -> None:
    """Print hint `level` (1: the idea, 2: the key line's shape) of an exercise, e.g. `course.hint(step)`."""
    try:
        exercise_id = _exercise_id(exercise)
        hints = hints_of(exercise_id)
    except (LookupError, KeyError) as e:
        print(f"✗ {e}")
        return
    if not hints:
        print(f"{exercise_id} has no hints; the check's feedback names the first thing that is wrong.")
        return
    level = min(max(int(level), 1), len(hints))
    more = (
        f" For the next: course.hint({exercise_id.split('.')[1]}, {level + 1})."
        if level < len(hints)
        else f" Still stuck? course.solution({exercise_id.split('.')[1]}) shows the course's answer."
    )
    print(f"Hint {level} of {len(hints)} for {exercise_id}: {hints[level - 1]}{more}")
    _note(progress.record_help, exercise_id, hint=level)


def solution(exercise) -> None:
    """Print the course's answer to an exercise (its reference's source), e.g. `course.solution(step)`."""
    try:
        exercise_id = _exercise_id(exercise)
        spec = registry.exercise(exercise_id)
    except (LookupError, KeyError) as e:
        print(f"✗ {e}")
        return
    if spec.kind != "function":
        print(f"{exercise_id} is a trained model: the notebook's own recipe above it is the course's answer.")
        return
    try:
        source = inspect.getsource(getattr(importlib.import_module(f"course.references.{spec.topic}"), spec.name))
    except (ImportError, AttributeError, OSError):
        print(f"The course's answer to {exercise_id} is not available here (it never is while a notebook is graded).")
        return
    print(f"The course's answer to {exercise_id} (read it, then write your own: a copy earns no points):\n\n{source}")
    _note(progress.record_help, exercise_id, solution=True)


def _note(record, exercise_id: str, **used) -> None:
    try:  # a broken progress file never breaks help
        record(exercise_id, **used)
    except Exception:
        pass
