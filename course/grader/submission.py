"""Grade one submitted notebook: run it in its own kernel, then every exercise of its topic with course.grade."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from course.grader.kernel import Kernel, KernelFailed
from course.grader.remote import RemoteFunction, decode_reply
from course.grading import engine, registry

AGENT_TIME = 120.0  # seconds for the agent to list the answers or save a trained model


@dataclass
class Row:
    learner: str
    notebook: str
    exercise: str
    score: float
    max_score: float
    feedback: str
    mistake: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Graded:
    """One learner's notebook: a row per exercise, and notes for the learner (cells that raised errors)."""

    learner: str
    notebook: str
    rows: list[Row]
    notes: list[str]


def exercises_of(notebook: str) -> list[str]:
    """Ids of the exercises of a course notebook, from its number: `01_perceptron.ipynb` -> perceptron.*"""
    topic = registry.NOTEBOOK_TOPICS.get(notebook[:2])
    return [e for e in registry.exercises() if e.split(".")[0] == topic]


def points(exercise_id: str) -> float:
    return registry.exercise(exercise_id).points


def _zero(learner, notebook, ids, reason) -> list[Row]:
    return [Row(learner, notebook, e, 0.0, points(e), f"✗ {e}: {reason}") for e in ids]


def _reference_stand_in(exercise_id: str):
    """A local function marked as course.reference() marks it, so grade() gives the course's own feedback."""

    def skipped(*args):
        raise TypeError("the course's reference is not run by the grader")

    skipped.__course_reference__ = exercise_id
    return skipped


def _grade_one(kernel: Kernel, exercise_id: str, found: dict):
    name = exercise_id.split(".")[1]
    kind = found.get("kind") if isinstance(found, dict) else None
    if kind == "reference":
        return engine.grade(exercise_id, _reference_stand_in(exercise_id))
    if kind not in ("function", "value"):
        return None
    if registry.exercise(exercise_id).kind == "function":
        return engine.grade(exercise_id, RemoteFunction(kernel, name))
    try:
        reply = kernel.request({"op": "value", "name": name}, AGENT_TIME)
        if "agent_error" in reply:
            raise ValueError(reply["agent_error"])
        answer = decode_reply(kernel, reply["value"])
    except KernelFailed as e:
        return engine.Result(exercise_id, False, 0.0, points(exercise_id), f"✗ {exercise_id}: {name} {e}.")
    except Exception as e:  # e.g. a model with custom code, which safe_mode refuses to load
        message = f"{name} could not be loaded safely ({type(e).__name__}: {str(e)[:150]})"
        return engine.Result(exercise_id, False, 0.0, points(exercise_id), f"✗ {exercise_id}: {message}.")
    return engine.grade(exercise_id, answer)


def grade_notebook(path: Path, learner: str, *, timeout: float, memory_mb: int | None = None) -> Graded:
    """Every exercise of the notebook at `path` graded; never raises because of the submission."""
    import nbformat

    notebook = path.name
    ids = exercises_of(notebook)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as e:
        reason = f"the notebook could not be read ({type(e).__name__}): is it a valid .ipynb file?"
        return Graded(learner, notebook, _zero(learner, notebook, ids, reason), [])
    if not any(c.get("cell_type") == "code" and c.get("source", "").strip() for c in nb.get("cells", [])):
        return Graded(learner, notebook, _zero(learner, notebook, ids, "the notebook has no code."), [])
    kwargs = {"memory_mb": memory_mb} if memory_mb else {}
    with Kernel(nb, notebook, timeout=timeout, **kwargs) as kernel:
        try:
            kernel.start()
            names = [e.split(".")[1] for e in ids]
            inventory = kernel.request({"op": "inventory", "names": names}, AGENT_TIME)
            if not isinstance(inventory, dict):
                raise KernelFailed("the grader's agent gave no usable reply")
        except KernelFailed as e:
            return Graded(learner, notebook, _zero(learner, notebook, ids, f"not graded: {e}."), [])
        notes = [f"code cell {i + 1} raised {error}" for i, error in sorted(kernel.errors.items())]
        rows = []
        for exercise_id in ids:
            name = exercise_id.split(".")[1]
            result = _grade_one(kernel, exercise_id, inventory.get(name, {}))
            if result is None:
                feedback = (
                    f"✗ {exercise_id}: the notebook defines no `{name}` (renamed or deleted?); "
                    "keep the name the exercise gives."
                )
                rows.append(Row(learner, notebook, exercise_id, 0.0, points(exercise_id), feedback))
            else:
                rows.append(
                    Row(learner, notebook, exercise_id, result.score, result.max_score, result.feedback, result.mistake)
                )
    return Graded(learner, notebook, rows, notes)
