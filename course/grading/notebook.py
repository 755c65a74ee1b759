"""`check(answer)` in a notebook: grade it, print one line of feedback, record the learner's progress."""

from __future__ import annotations

import os

from course.grading import progress, registry
from course.grading.engine import Result, grade


def find_exercise(answer: object) -> str:
    """The id of the exercise that `answer` (a function) answers, from its name and the notebook."""
    name = answer.__name__ if type(answer).__name__ == "function" else None
    if name is None:
        raise LookupError(
            "cannot tell which exercise this value answers: name it, e.g. check(value, 'cnn.trained_model')."
        )
    matches = [e for e in registry.exercises() if e.split(".")[1] == name]
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
    return registry.NOTEBOOK_TOPICS.get(notebook[:2])


def hint_line(exercise_id: str) -> str:
    """Where help is, shown under a second failed check."""
    name = exercise_id.split(".")[1]
    return f"course.hint({name}) gives a hint, course.hint({name}, 2) a second one, course.solution({name}) the answer."


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
        if not result.passed and progress.load().get(result.exercise, {}).get("tries", 0) >= 1:
            print(f"  Stuck? {hint_line(result.exercise)}")
        progress.record(result)
    except Exception:
        pass
    if not result.passed and os.environ.get("NBGRADER_EXECUTION") == "autograde":
        raise AssertionError(result.feedback)  # nbgrader scores a test cell by whether it raises
    return result
