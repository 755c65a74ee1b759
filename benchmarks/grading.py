"""Time the checks: grading each exercise's solution (from solutions/), and all checks of each notebook.

    python benchmarks/grading.py          # prints one line per exercise and a total per notebook

Budgets: a correct answer to a NumPy exercise graded in <= 0.5 s; all checks of a notebook, trained models
aside, in <= 5 s. The first Keras exercise of a run includes TensorFlow's start-up, as a learner's first check does.
"""

import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import notebook_function, notebook_of  # noqa: E402

import course  # noqa: E402
from course.grading import registry  # noqa: E402


def main() -> None:
    totals = defaultdict(float)
    for exercise_id in course.exercises():
        if registry.exercise(exercise_id).kind != "function":
            continue
        notebook = notebook_of(exercise_id)
        answer = notebook_function(notebook, exercise_id.split(".")[1])
        start = time.perf_counter()
        result = course.grade(exercise_id, answer)
        seconds = time.perf_counter() - start
        totals[notebook] += seconds
        print(f"{exercise_id:36} {seconds:6.2f} s  {'✓' if result.passed else '✗'}", flush=True)
    for notebook, seconds in totals.items():
        print(f"{notebook:36} {seconds:6.2f} s for all its checks")


if __name__ == "__main__":
    main()
