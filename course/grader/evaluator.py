"""Trained models are loaded and scored in an evaluator process of their own, sandboxed, under a time limit.

The grader copies the `.keras` file the submission's kernel saved into a fresh folder and starts
`python -m course.grader.evaluator EXERCISE MODEL --seed SEED` there (in the sandbox of course.grader.sandbox, as a
user of its own, with the test labels it scores on, without network). The evaluator loads the model with
`safe_mode=True`, runs the exercise's check on it with the run's seed, as function exercises get theirs (the
visible case, the validation split; then the hidden case, the test set), and prints its Result as one line of
JSON: only that plain data comes back. A model that cannot be loaded safely, a load or a check that runs past TIME_LIMIT, or an
evaluator that dies scores 0 with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from course.grader import sandbox

TIME_LIMIT = 600.0  # seconds to load and score one model (20,000 MNIST images: the validation split, then the test set)
MEMORY_MB = 4096
MAX_OUTPUT = 2**20


def _result(exercise_id: str, max_score: float, feedback: str) -> dict:
    return {"passed": False, "score": 0.0, "max_score": max_score, "feedback": f"✗ {exercise_id}: {feedback}"}


def grade_model(
    exercise_id: str, model: bytes, max_score: float, *, sandboxed: bool, threads: int = 1, seed: int | None = None
) -> dict:
    """The Result of `exercise_id` for the model in `model` (a `.keras` file's bytes), as plain data.

    `seed` is the run's seed of hidden cases: with it the check scores the test set after the validation split;
    None scores the validation split only, as the notebook's check does.
    """
    folder = Path(tempfile.mkdtemp(prefix="course-evaluate-"))
    try:
        folder.chmod(0o1777)
        path = folder / "model.keras"
        path.write_bytes(model)
        path.chmod(0o644)
        argv = [sys.executable, "-m", "course.grader.evaluator", exercise_id, str(path)]
        argv += [] if seed is None else ["--seed", str(int(seed))]
        uid = 100_000 + os.getpid() % 50_000
        if sandboxed:
            argv += ["--uid", str(uid)] if os.geteuid() == 0 else []
            env = sandbox.environment(threads=threads, notebook="", extra={"COURSE_TEST_LABELS": "given"})
            source = _data_dir()
            binds = [(str(source), sandbox.DATA)] if source else []
            argv = sandbox.command(argv, shared=folder, binds=binds, env=env, hidden=())
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        else:
            env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
            env["PYTHONPATH"] = os.pathsep.join(p for p in (str(sandbox.PACKAGE.parent), env.get("PYTHONPATH")) if p)
        try:
            run = subprocess.run(
                argv, cwd=folder, env=env, capture_output=True, timeout=TIME_LIMIT, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired:
            return _result(exercise_id, max_score, f"loading and scoring the model took over {TIME_LIMIT:g} s.")
        lines = run.stdout[-MAX_OUTPUT:].decode("utf-8", "replace").strip().splitlines()
        try:
            reply = json.loads(lines[-1])
            return {
                "passed": bool(reply["passed"]),
                "score": float(reply["score"]),
                "max_score": max_score,
                "feedback": str(reply["feedback"])[:2000],
                "mistake": None if reply.get("mistake") is None else str(reply["mistake"])[:200],
            }
        except (IndexError, KeyError, TypeError, ValueError):
            return _result(
                exercise_id, max_score, f"the model's evaluator ended without a result (exit {run.returncode})."
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _data_dir() -> Path | None:
    from course import data

    source = data.data_dir() or data.cache_dir()
    return source if source.is_dir() else None


def main(argv: list[str]) -> None:
    from course.grader import launch

    exercise_id, path = argv[0], argv[1]
    launch.limit(MEMORY_MB)
    if "--uid" in argv:
        launch.drop_root(int(argv[argv.index("--uid") + 1]))
    from course.grading import engine

    try:
        import keras

        model = keras.models.load_model(path, safe_mode=True, compile=False)
    except Exception as e:  # e.g. a Lambda layer or a custom class, which safe_mode refuses
        message = f"trained_model could not be loaded safely ({type(e).__name__}: {str(e)[:150]})."
        result = {"passed": False, "score": 0.0, "feedback": f"✗ {exercise_id}: {message}", "mistake": None}
    else:
        seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else None
        graded = engine.grade(exercise_id, model, seed=seed)
        result = {k: getattr(graded, k) for k in ("passed", "score", "feedback", "mistake")}
    sys.stdout.write("\n" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
