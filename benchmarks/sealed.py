"""Time the sandbox: N complete, correct submissions of notebook 01 graded with it, without it, and by another
checkout of the grader (e.g. the one before the sandbox), each in a fresh process, one after another.

    python benchmarks/sealed.py [--n 20] [--before DIR] [--pairs 5]

First the sandbox's own cost per submission: kernels started, asked one call and closed, with and without the
sandbox in turn (`--pairs` of each), as the mean of the paired differences with its standard error.

Budgets (issue 23): the sandbox adds <= 1 s per submission; 20 submissions of notebook 01 in <= 60 s on the
course's 2-core machine. Each run is recorded in docs/results.json under "grading", with the load average before
and after it (this machine is shared: wall times grow with the load).
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = r"""
import sys
from pathlib import Path
from course.grader.run import grade_class
root, out, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
kwargs = {} if mode == "before" else {"sandboxed": mode == "sandbox", "seed": 0}
if __name__ == "__main__":
    graded = grade_class(root, out, workers=2, force=True, progress=False, **kwargs)[0]
    print(sum(r.score for g in graded for r in g.rows), sum(r.max_score for g in graded for r in g.rows))
"""


def overhead(pairs: int, path: Path) -> None:
    """The sandbox's own cost: a kernel started, one call answered and closed, with and without it, alternately."""
    import statistics

    import nbformat

    from course.checks import kit
    from course.grader.kernel import Kernel
    from course.grader.remote import RemoteFunction
    from course.instructor import results

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import numpy as np\ndef f(x):\n    return x")])
    times = {True: [], False: []}
    load = os.getloadavg()[0]
    for _ in range(pairs):
        for sandboxed in (True, False):
            start = time.perf_counter()
            with Kernel(nb, "01_perceptron.ipynb", timeout=120, sandboxed=sandboxed) as kernel:
                kit.call(RemoteFunction(kernel, "f"), 1)
            times[sandboxed].append(time.perf_counter() - start)
    differences = [a - b for a, b in zip(times[True], times[False], strict=True)]
    run = {
        "pairs": pairs,
        "mean": round(statistics.mean(differences), 2),
        "standard_error": round(statistics.stdev(differences) / pairs**0.5, 2),
        "sandboxed_median": round(statistics.median(times[True]), 2),
        "plain_median": round(statistics.median(times[False]), 2),
        "load": [round(load, 1), round(os.getloadavg()[0], 1)],
        "date": datetime.date.today().isoformat(),
        "machine": results.this_machine() + ", shared with other jobs",
    }
    results.record("sandbox overhead", "kernel start and one call", run, path=path)
    print("sandbox overhead", json.dumps(run), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--before", type=Path, help="a checkout of the grader to time as it is")
    parser.add_argument("--results", type=Path, default=ROOT / "docs" / "results.json", help="where to record")
    parser.add_argument("--pairs", type=int, default=5, help="kernels started with and without the sandbox")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT))
    from submissions import filled, write

    from course.instructor import results

    overhead(args.pairs, args.results)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        nb = filled("01_perceptron.ipynb")
        for i in range(args.n):
            write(folder / "in", f"learner{i:02d}", "01_perceptron.ipynb", nb)
        script = folder / "run.py"
        script.write_text(RUN)
        modes = [("sandbox", ROOT), ("no sandbox", ROOT)] + ([("before", args.before)] if args.before else [])
        for mode, source in modes:
            env = dict(os.environ, PYTHONPATH=str(source), TF_CPP_MIN_LOG_LEVEL="3")
            load = os.getloadavg()[0]
            start = time.perf_counter()
            cmd = [sys.executable, str(script), str(folder / "in"), str(folder / mode), mode.split()[0]]
            marks = subprocess.run(cmd, env=env, cwd=folder, capture_output=True, text=True, check=True).stdout.split()
            seconds = time.perf_counter() - start
            run = {
                "submissions": args.n,
                "seconds": round(seconds, 1),
                "per_submission": round(seconds / args.n, 2),
                "marks": f"{float(marks[0]):g} / {float(marks[1]):g}",
                "load": [round(load, 1), round(os.getloadavg()[0], 1)],
                "date": datetime.date.today().isoformat(),
                "machine": results.this_machine() + ", shared with other jobs",
                "workers": 2,
            }
            key = f"01_perceptron x{args.n}, {mode}"
            results.record("grading", key, run, path=args.results)
            print(key, json.dumps(run), flush=True)


if __name__ == "__main__":
    main()
