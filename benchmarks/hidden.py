"""What hidden cases cost in the grader's path: each exercise graded through a kernel, without and with a seed.

    python benchmarks/hidden.py [01 02 ...]   # one line per exercise, a total per notebook, kept in docs/results.json

The kernel runs only the solution notebook's imports and function definitions (no training), so what is timed is
the grading itself: each call of the learner's function is a request to the kernel. Budget: hidden cases add
<= 0.5 s per notebook. Times vary with the machine's load: run it on a quiet machine, note `uptime` beside them.
"""

import datetime
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import notebook_of  # noqa: E402
from submissions import definitions_only  # noqa: E402

import course  # noqa: E402
from course.grader.kernel import Kernel  # noqa: E402
from course.grader.remote import RemoteFunction  # noqa: E402
from course.grading import engine, registry  # noqa: E402
from course.instructor import results  # noqa: E402

SEED = 1


class Counted(RemoteFunction):
    """The learner's function in the kernel, counting the calls the check makes."""

    calls = 0

    def run_call(self, *args, **kwargs):
        Counted.calls += 1
        return super().run_call(*args, **kwargs)


def main(prefixes: list[str]) -> None:
    ids = [e for e in course.exercises() if registry.exercise(e).kind == "function"]
    by_notebook = defaultdict(list)
    for exercise_id in ids:
        by_notebook[notebook_of(exercise_id)].append(exercise_id)
    for notebook, exercises in by_notebook.items():
        if prefixes and notebook[:2] not in prefixes:
            continue
        totals = defaultdict(float)
        with Kernel(definitions_only(notebook), notebook, timeout=600) as kernel:
            for exercise_id in exercises:
                name = exercise_id.split(".")[1]
                line = f"{exercise_id:36}"
                engine.grade(exercise_id, Counted(kernel, name), seed=SEED)  # warm-up: imports, caches, first calls
                for seed in (None, SEED, None, SEED):  # each twice, alternating, against the machine's drift in load
                    Counted.calls = 0
                    start = time.perf_counter()
                    result = engine.grade(exercise_id, Counted(kernel, name), seed=seed)
                    seconds = time.perf_counter() - start
                    if not result.passed:
                        print(result.feedback)
                    totals[seed, "s"] += seconds
                    totals[seed, "calls"] += Counted.calls
                    line += f" {'seed' if seed else 'none'}: {Counted.calls:4d} calls {seconds:6.2f} s {'✓' if result.passed else '✗'}"
                print(line, flush=True)
        visible, hidden = totals[None, "s"] / 2, totals[SEED, "s"] / 2
        run = {
            "visible_calls": round(totals[None, "calls"] / 2),
            "hidden_calls": round(totals[SEED, "calls"] / 2),
            "visible_seconds": round(visible, 2),
            "hidden_seconds": round(hidden, 2),
            "load": round(os.getloadavg()[0], 1),
            "machine": results.this_machine(),
            "date": datetime.date.today().isoformat(),
        }
        results.record("hidden_cases", notebook.removesuffix(".ipynb"), run, ROOT / results.FILE)
        print(
            f"{notebook:36} visible only: {totals[None, 'calls'] / 2:.0f} calls {visible:.2f} s; with hidden cases: "
            f"{totals[SEED, 'calls'] / 2:.0f} calls {hidden:.2f} s; hidden cases add {hidden - visible:+.2f} s",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
