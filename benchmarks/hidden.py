"""What hidden cases cost in the grader's path: each exercise graded through a kernel, without and with a seed.

    python benchmarks/hidden.py [01 02 ...]   # one line per exercise, a total per notebook

The kernel runs only the solution notebook's imports and function definitions (no training), so what is timed is
the grading itself: each call of the learner's function is a request to the kernel. Budget: hidden cases add
<= 0.5 s per notebook. Times vary with the machine's load: run it on a quiet machine, note `uptime` beside them.
"""

import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import notebook_of  # noqa: E402

import course  # noqa: E402
from course.grader.kernel import Kernel  # noqa: E402
from course.grader.remote import RemoteFunction  # noqa: E402
from course.grading import engine, registry  # noqa: E402

SEED = 1


def definitions_only(notebook: str):
    """The solution notebook with only its imports and function definitions: the learner's functions, no training."""
    import ast

    import nbformat

    nb = nbformat.read(ROOT / "solutions" / notebook, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = [line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        try:
            body = ast.parse("\n".join(lines)).body
        except SyntaxError:
            continue
        kept = [n for n in body if isinstance(n, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef)]
        if kept:
            cells.append(nbformat.v4.new_code_cell("\n\n".join(ast.unparse(n) for n in kept)))
    return nbformat.v4.new_notebook(cells=cells)


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
        print(
            f"{notebook:36} visible only: {totals[None, 'calls'] / 2:.0f} calls {visible:.2f} s; with hidden cases: "
            f"{totals[SEED, 'calls'] / 2:.0f} calls {hidden:.2f} s; hidden cases add {hidden - visible:+.2f} s",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
