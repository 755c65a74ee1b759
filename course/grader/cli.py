"""`python -m course grade SUBMISSIONS --out OUT [--workers N] [--timeout S] [--seed N] [--force] [--no-sandbox]
[--scheduler ADDRESS]`."""

from __future__ import annotations

import secrets
import sys
import time


def _fail(message: str) -> int:
    print(f"course grade: error: {message}", file=sys.stderr)
    return 2


def grade(args) -> int:
    """Exit 0 when grading ran, whatever the marks; 2 with one line when the grader itself cannot run."""
    if not args.submissions.is_dir():
        return _fail(f"{args.submissions} is not a folder of submissions")
    if args.workers is not None and args.workers < 1 or args.timeout is not None and args.timeout <= 0:
        return _fail("--workers and --timeout must be positive")
    if not args.no_sandbox and not args.scheduler:  # on a cluster the workers make the sandbox, and are checked
        from course.grader import sandbox

        if sandbox.problem():
            return _fail(f"cannot make the sandbox: {sandbox.problem()}; --no-sandbox grades without it")
    try:
        import ipykernel  # noqa: F401
        import nbclient  # noqa: F401
    except ImportError as e:
        return _fail(f"{e.name} is not installed: pip install nbclient ipykernel")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / ".write-test").write_text("")
        (args.out / ".write-test").unlink()
    except OSError as e:
        return _fail(f"cannot write to {args.out} ({e.strerror})")
    if args.scheduler:
        return _on_cluster(args)
    return _grade(args)


def _on_cluster(args) -> int:
    try:
        from course.grader import cluster
    except ImportError:
        return _fail("--scheduler needs Dask: pip install 'course[cluster]'")
    try:
        executor = cluster.connect(args.scheduler, sandboxed=not args.no_sandbox)
    except OSError as e:
        return _fail(f"cannot reach the Dask scheduler at {args.scheduler} ({e})")
    except cluster.NotReady as e:
        return _fail(str(e))
    try:
        return _grade(args, executor)
    except cluster.NotReady as e:  # a worker that joined later; the notebooks graded so far are stored
        return _fail(str(e))
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def _grade(args, executor=None) -> int:
    from course.grader import run
    from course.grader.discover import NOTEBOOKS

    submissions, _ = run.discover(args.submissions)
    if not submissions:
        return _fail(
            f"no submissions in {args.submissions}: expected <learner>/{NOTEBOOKS[0]} (or nbgrader's "
            f"submitted/<learner>/<assignment>/{NOTEBOOKS[0]})"
        )
    start = time.perf_counter()
    timeout = args.timeout or run.TIMEOUT
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)  # stated in summary.md
    if args.no_sandbox:
        print("warning: grading without the sandbox: submitted code runs with your files and environment")
    graded, ignored, fresh = run.grade_class(
        args.submissions,
        args.out,
        workers=args.workers,
        timeout=timeout,
        force=args.force,
        sandboxed=not args.no_sandbox,
        seed=seed,
        executor=executor,
    )
    seconds = time.perf_counter() - start
    for name in ignored:
        print(f"ignored: {name}")
    skipped = len(graded) - fresh
    print(
        f"graded {fresh} notebook(s) in {seconds:.0f} s"
        + (f", {skipped} unchanged since the last run" if skipped else "")
        + f" (seed {seed}); wrote {args.out / 'grades.csv'}, {args.out / 'feedback'}/ and {args.out / 'summary.md'}"
    )
    return 0
