"""Command line: `python -m course build [--check]`, `python -m course data download|status`,
`python -m course execute [--all | NOTEBOOK ...]`, `python -m course doctor`, `python -m course progress`,
`python -m course grade SUBMISSIONS --out OUT`,
`python -m course rehearse --users N --notebook NAME [--ramp S] [--hub URL --token TOKEN] --out DIR`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path.cwd()


def cmd_build(args) -> int:
    from course.instructor.build import BuildError, build

    if args.nbgrader:
        from course.instructor.build import nbgrader_source

        for solution in sorted(args.solutions.glob("*.ipynb")):
            nbgrader_source(solution, args.nbgrader / solution.name)
            print(f"wrote {args.nbgrader / solution.name}")
        return 0
    try:
        stale = build(args.solutions, args.notebooks, check=args.check)
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.check:
        for name in stale:
            print(f"out of date: {args.notebooks / name}")
        if stale:
            print("Run `python -m course build` and commit the learners' notebooks.", file=sys.stderr)
        return 1 if stale else 0
    for name in stale:
        print(f"wrote {args.notebooks / name}")
    print(f"{len(stale)} learner notebook(s) rebuilt." if stale else "Learners' notebooks are up to date.")
    return 0


def cmd_data(args) -> int:
    from course import data

    names = args.names or list(data.DATASETS)
    unknown = sorted(set(names) - set(data.DATASETS))
    if unknown:
        print(f"unknown dataset(s): {', '.join(unknown)}; choose from {', '.join(data.DATASETS)}", file=sys.stderr)
        return 2
    failed = 0
    for name in names:
        files = data.files(name)
        try:
            where = {data.path(f, download=args.action == "download").parent for f in files}
            print(f"{name:14} ok       {len(files):4} file(s) in {min(map(str, where))}")
        except (OSError, data.ChecksumError) as e:
            failed += 1
            print(f"{name:14} MISSING  {e}")
    return 1 if failed else 0


def cmd_execute(args) -> int:
    """Run solution notebooks top to bottom, save their outputs, and print each one's run time and peak memory."""
    from course.instructor.execute import execute, record, table

    notebooks = args.notebooks or sorted(Path("solutions").glob("*.ipynb"))
    if args.all:
        notebooks = sorted(Path("solutions").glob("*.ipynb"))
    runs = []
    for notebook in notebooks:
        runs.append(execute(notebook, timeout=args.timeout, save=not args.no_save))
        record(runs[-1])
        print(f"{notebook}: executed in {runs[-1].seconds:.1f} s", flush=True)
    print(table(runs))
    return 0


def cmd_docs(args) -> int:
    """Redraw every `<!-- results: NAME -->` block of README.md and docs/*.md from docs/results.json."""
    from course.instructor import results

    measured = results.load(ROOT / results.FILE)
    stale = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        drawn = results.redraw(text, measured)
        if drawn != text:
            stale.append(path.name)
            if not args.check:
                path.write_text(drawn, encoding="utf-8")
    print(f"{len(stale)} doc(s) {'out of date' if args.check else 'redrawn'}{': ' if stale else ''}{', '.join(stale)}")
    return 1 if args.check and stale else 0


def cmd_doctor(args) -> int:
    from course.instructor import doctor

    return doctor.run(lambda line: print(line, flush=True), timeout=args.timeout)


def cmd_progress(args) -> int:
    from course.grading import progress

    print(progress.progress())
    print(f"(kept in {progress.location()}; set COURSE_PROGRESS to use another file)")
    return 0


def cmd_grade(args) -> int:
    """Grade submitted notebooks, each in its own kernel; write grades.csv, feedback/ and summary.md."""
    from course.grader.cli import grade

    return grade(args)


def cmd_rehearse(args) -> int:
    """N simulated learners run a notebook through a hub; write report.md, timings.csv and timeline.png."""
    from course.rehearse.learner import Limits
    from course.rehearse.report import Targets, summary, verdict
    from course.rehearse.run import rehearse

    if (args.hub is None) != (args.token is None):
        print("error: --hub and --token go together (an admin's API token of that hub)", file=sys.stderr)
        return 2
    result = rehearse(
        args.users,
        args.notebook,
        args.out,
        ramp=args.ramp,
        hub_url=args.hub,
        token=args.token,
        limits=Limits(spawn=args.spawn_timeout, kernel=args.kernel_timeout, cell=args.cell_timeout),
        targets=Targets(spawn_p95=args.target_spawn, check_p95=args.target_check),
        answers=args.answers,
    )
    print(summary(result))
    print(f"(report.md, timings.csv and timeline.png in {args.out})")
    return 0 if all(ok for ok, _ in verdict(result)) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="build notebooks/ from solutions/")
    p.add_argument("--check", action="store_true", help="only report learners' notebooks that are out of date")
    p.add_argument("--solutions", type=Path, default=ROOT / "solutions")
    p.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    p.add_argument("--nbgrader", type=Path, metavar="DIR", help="write the solutions as nbgrader's source into DIR")
    p.set_defaults(run=cmd_build)

    p = sub.add_parser("data", help="download or locate the course's data")
    p.add_argument("action", choices=["download", "status"])
    p.add_argument("names", nargs="*", help="datasets (default: all)")
    p.set_defaults(run=cmd_data)

    p = sub.add_parser("execute", help="execute solution notebooks in place, keeping outputs")
    p.add_argument("notebooks", nargs="*", type=Path)
    p.add_argument("--all", action="store_true", help="every notebook in solutions/ (the default without names)")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    p.add_argument("--no-save", action="store_true", help="measure only: leave the notebooks' outputs as they are")
    p.set_defaults(run=cmd_execute)

    p = sub.add_parser("docs", help="redraw the docs' tables of measured figures from docs/results.json")
    p.add_argument("--check", action="store_true", help="only report docs whose tables differ from the results")
    p.set_defaults(run=cmd_docs)

    p = sub.add_parser("doctor", help="check this machine for the course: versions, data, kernel, widgets, speed")
    p.add_argument("--timeout", type=float, default=27.0, help="seconds for the kernel's checks (default 27)")
    p.set_defaults(run=cmd_doctor)

    p = sub.add_parser("progress", help="the learner's progress: every exercise passed, tried or not started")
    p.set_defaults(run=cmd_progress)

    p = sub.add_parser("grade", help="grade a class's submitted notebooks")
    p.add_argument("submissions", type=Path, help="SUBMISSIONS/<learner>/<notebook>.ipynb (or nbgrader's submitted/)")
    p.add_argument("--out", type=Path, required=True, help="folder for grades.csv, feedback/ and summary.md")
    p.add_argument("--workers", type=int, default=None, help="notebooks graded at a time (default: the usable CPUs)")
    p.add_argument("--timeout", type=float, default=None, help="seconds per cell of a submission (default 600)")
    p.add_argument("--seed", type=int, default=None, help="seed of the hidden cases (default: a fresh one)")
    p.add_argument("--force", action="store_true", help="grade again notebooks already graded and unchanged")
    p.add_argument("--no-sandbox", action="store_true", help="grade without the sandbox (warned in summary.md)")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786)",
    )
    p.set_defaults(run=cmd_grade)

    p = sub.add_parser("rehearse", help="rehearse a workshop: N simulated learners through a JupyterHub")
    p.add_argument("--users", type=int, required=True, help="simulated learners")
    p.add_argument("--notebook", required=True, help="a learner's notebook, e.g. 01_perceptron or 04_cnn")
    p.add_argument("--ramp", type=float, default=0.0, help="seconds between two learners' starts (default 0)")
    p.add_argument("--hub", help="a running hub's URL (default: start one on 127.0.0.1)")
    p.add_argument("--token", help="an admin's API token of --hub")
    p.add_argument("--out", type=Path, required=True, help="folder for report.md, timings.csv and timeline.png")
    p.add_argument(
        "--answers",
        choices=["reference", "solution"],
        default="reference",
        help="each exercise skipped with its reference line (default), or the solution notebook: every check runs",
    )
    p.add_argument("--spawn-timeout", type=float, default=300.0, help="seconds a server may take to start")
    p.add_argument("--kernel-timeout", type=float, default=120.0, help="seconds a new kernel may take to answer")
    p.add_argument("--cell-timeout", type=float, default=600.0, help="seconds one cell may take")
    p.add_argument("--target-spawn", type=float, default=30.0, help="the spawn p95 to meet, seconds (default 30)")
    p.add_argument("--target-check", type=float, default=2.0, help="the check p95 to meet, seconds (default 2)")
    p.set_defaults(run=cmd_rehearse)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
