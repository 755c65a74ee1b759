"""Grade one submitted notebook: run it in its own kernel, then every exercise of its topic with course.grade."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path

from course.grader import evaluator, transport
from course.grader.kernel import Kernel, KernelFailed
from course.grader.remote import RemoteFunction
from course.grader.shared import read_plain_file
from course.grading import engine, registry

AGENT_TIME = 120.0  # seconds for the agent to list the answers or save a trained model
MAX_MODEL = 256 * 2**20  # bytes of a trained model's file


@dataclass
class Row:
    learner: str
    notebook: str
    exercise: str
    score: float
    max_score: float
    feedback: str
    mistake: str | None = None


@dataclass
class Graded:
    """One learner's notebook: a row per exercise, and notes for the learner (cells that raised errors).

    `complete` is False when time ran out or a kernel died: the grade is reported but not kept as final.
    """

    learner: str
    notebook: str
    rows: list[Row]
    notes: list[str]
    complete: bool = True


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


USES_REFERENCE = "uses the course's reference answer (course.reference), not your work: no points."


def _grade(exercise_id: str, answer, seed: int | None) -> engine.Result:
    """course.grade, with the hidden cases of `seed` where this version of the checks has them."""
    if seed is not None and "seed" in inspect.signature(engine.grade).parameters:
        return engine.grade(exercise_id, answer, seed=seed)
    return engine.grade(exercise_id, answer)


def _kind(found) -> str | None:
    """What the kernel's inventory says a name holds: "function", "value", "reference", or None."""
    return found.get("kind") if isinstance(found, dict) else None


def _grade_one(kernel: Kernel, exercise_id: str, found: dict, seed: int | None):
    name = exercise_id.split(".")[1]
    kind = _kind(found)
    if kind == "reference":
        return engine.grade(exercise_id, _reference_stand_in(exercise_id))
    if kind not in ("function", "value"):
        return None
    if registry.exercise(exercise_id).kind == "function":
        before = kernel.references.runs[exercise_id]
        result = _grade(exercise_id, RemoteFunction(kernel, name), seed)
        if kernel.references.runs[exercise_id] > before:  # its own reference ran during the call, however wrapped
            return engine.Result(exercise_id, False, 0.0, result.max_score, f"✗ {exercise_id}: {USES_REFERENCE}")
        return result
    try:
        reply = kernel.request({"op": "value", "name": name}, AGENT_TIME)
        if "agent_error" in reply:
            raise ValueError(reply["agent_error"])
        data = reply["value"]
        if isinstance(data, dict) and "keras" in data:  # a model: loaded and scored apart (course.grader.evaluator)
            model = read_plain_file(kernel.model_path(data["keras"]), MAX_MODEL)
            fields = evaluator.grade_model(
                exercise_id, model, points(exercise_id), sandboxed=kernel.sandboxed, seed=seed
            )
            return engine.Result(exercise_id, **fields)
        answer = transport.decode(data)
    except KernelFailed as e:
        return engine.Result(exercise_id, False, 0.0, points(exercise_id), f"✗ {exercise_id}: {name} {e}.")
    except (OSError, ValueError, TypeError, KeyError) as e:  # a reply that is not plain data, a model file that is not
        message = f"{name} could not be read ({type(e).__name__}: {str(e)[:150]})"
        return engine.Result(exercise_id, False, 0.0, points(exercise_id), f"✗ {exercise_id}: {message}.")
    return _grade(exercise_id, answer, seed)


def grade_notebook(
    path: Path, learner: str, *, timeout: float, sandboxed: bool = True, threads: int = 1, seed: int | None = None
) -> Graded:
    """Every exercise of the notebook at `path` graded; never raises because of the submission.

    `sandboxed=False` runs the kernel without the sandbox (course.grader.sandbox); `threads` caps its thread
    pools; `seed` picks the hidden cases (None: the visible cases only): of the function exercises, and of a trained
    model, whose hidden case is the test set (its visible case is the notebook's validation split).
    """
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
    with Kernel(nb, notebook, timeout=timeout, sandboxed=sandboxed, threads=threads) as kernel:
        try:
            kernel.start()
            names = [e.split(".")[1] for e in ids]
            inventory = kernel.request({"op": "inventory", "names": names}, AGENT_TIME)
            if not isinstance(inventory, dict):
                raise KernelFailed("the grader's agent gave no usable reply")
        except KernelFailed as e:
            rows = _zero(learner, notebook, ids, f"not graded: {e}.")
            return Graded(learner, notebook, rows, list(kernel.notes), complete=False)
        notes = [f"code cell {i + 1} raised {error}" for i, error in sorted(kernel.errors.items())]
        rows = []
        for exercise_id in ids:
            name = exercise_id.split(".")[1]
            result = _grade_one(kernel, exercise_id, inventory.get(name, {}), seed)
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
        notes += [n for n in kernel.notes if n not in notes]
        complete = kernel.complete
    skipped = {e for e in ids if _kind(inventory.get(e.split(".")[1])) == "reference"}
    return Graded(learner, notebook, _fix_first(rows, skipped), notes, complete)


def _fix_first(rows: list[Row], skipped: set[str]) -> list[Row]:
    """Rows where a failed exercise's feedback names the earlier exercise it uses that failed too, as `check` does.

    An exercise skipped with course.reference scores nothing but runs right: it is not named.
    """
    failed = {r.exercise for r in rows if r.score < r.max_score} - skipped
    for row in rows:
        used = engine.first_failed_use(row.exercise, failed) if row.exercise in failed else None
        if used is not None:
            message, row.mistake = engine.fix_first(registry.exercise(row.exercise), used)
            row.feedback = f"✗ {row.exercise}: {message}"
    return rows
