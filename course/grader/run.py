"""Grade a class: discover the submissions, grade N at a time (each in its own process), skip unchanged ones.

The grading of one submission is a plain function returning plain data (`grade_one`), run through a
`concurrent.futures.Executor`: by default `pool()`, a pebble process pool whose workers each grade one notebook
and exit (max_tasks=1: nothing a notebook leaves in a worker reaches the next). Pebble rather than the standard
ProcessPoolExecutor because a worker that dies there breaks the whole pool and fails every pending notebook; in
pebble it fails only its own task. Any other Executor (a cluster's) can be passed instead.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import multiprocessing
import os
from dataclasses import asdict
from pathlib import Path

from course.grader import copies, report
from course.grader.discover import Submission, discover
from course.grader.submission import Graded, Row, _zero, exercises_of, grade_notebook
from course.runtime import cpus

CACHE = ".grades-cache.json"
TIMEOUT = 600  # seconds per cell, as `course execute`: honest notebook 04 needs over 300 s for LeNet on a busy machine


def fingerprint() -> str:
    """A hash of everything that decides a grade: the whole package's source and the versions of NumPy, TensorFlow
    and Keras. New code or new libraries regrade everything."""
    from importlib import metadata

    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")) + [package / "data" / "SHA256SUMS"]:
        digest.update(str(path.relative_to(package)).encode() + path.read_bytes())
    for library in ("numpy", "tensorflow", "keras"):
        try:
            digest.update(f"{library} {metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} absent".encode())
    return digest.hexdigest()


def _key(submission: Submission, code: str, settings: str) -> str:
    return hashlib.sha256(submission.path.read_bytes() + f"{code} {settings}".encode()).hexdigest()


def _load_cache(out: Path) -> dict:
    try:
        return json.loads((out / CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_cache(out: Path, cache: dict) -> None:
    """Written whole, then renamed: an interrupted run leaves the previous file or the new one, never half of one."""
    partial = out / (CACHE + ".partial")
    partial.write_text(json.dumps(cache), encoding="utf-8")
    os.replace(partial, out / CACHE)


def _from_cache(entry: dict) -> Graded:
    return Graded(entry["learner"], entry["notebook"], [Row(**r) for r in entry["rows"]], list(entry["notes"]))


def grade_one(submission: Submission, timeout: float, sandboxed: bool, threads: int, seed: int | None) -> dict:
    """One submission graded, as plain data (a Graded's fields): what a worker sends back."""
    graded = grade_notebook(
        submission.path, submission.learner, timeout=timeout, sandboxed=sandboxed, threads=threads, seed=seed
    )
    return asdict(graded)


def _crashed(submission: Submission, error: BaseException) -> Graded:
    reason = f"not graded: the grader failed on this notebook ({type(error).__name__}); run it again"
    rows = _zero(submission.learner, submission.notebook, exercises_of(submission.notebook), reason)
    return Graded(submission.learner, submission.notebook, rows, [], complete=False)


class _Pool(concurrent.futures.Executor):
    """pebble's ProcessPool as a concurrent.futures.Executor: one notebook per worker process."""

    def __init__(self, workers: int):
        import pebble

        context = multiprocessing.get_context("spawn")  # a clean process: no forked TensorFlow or kernels
        self.pool = pebble.ProcessPool(max_workers=workers, max_tasks=1, context=context)

    def submit(self, fn, /, *args, **kwargs):
        return self.pool.schedule(fn, args=args, kwargs=kwargs)

    def shutdown(self, wait=True, *, cancel_futures=False):
        if cancel_futures:
            self.pool.stop()
        else:
            self.pool.close()
        if wait:
            self.pool.join()


def pool(workers: int) -> concurrent.futures.Executor:
    return _Pool(workers)


def grade_class(
    root: Path,
    out: Path,
    *,
    workers: int | None = None,
    timeout: float = TIMEOUT,
    force: bool = False,
    progress=True,
    sandboxed: bool = True,
    seed: int | None = None,
    executor: concurrent.futures.Executor | None = None,
) -> tuple[list[Graded], list[str], int]:
    """Grade every submission under `root` into `out`; returns (graded, ignored files, how many were re-graded).

    Each notebook's grade is stored as soon as it is known, so an interrupted run resumes; a grade that is not
    complete (time ran out, a kernel or a worker died) is reported but graded again next time.
    """
    from tqdm import tqdm

    submissions, ignored = discover(root)
    out.mkdir(parents=True, exist_ok=True)
    cache = {} if force else _load_cache(out)
    code = fingerprint()
    settings = f"{timeout} {'sandboxed' if sandboxed else 'unsandboxed'} {seed}"
    keys = {s: _key(s, code, settings) for s in submissions}
    done: dict[Submission, Graded] = {}
    kept = {}
    for s in submissions:
        name = f"{s.learner}/{s.notebook}"
        entry = cache.get(name)
        if entry and entry.get("key") == keys[s]:
            done[s], kept[name] = _from_cache(entry), entry
    todo = [s for s in submissions if s not in done]
    workers = max(1, workers or cpus.available())
    threads = max(1, cpus.available() // min(workers, max(1, len(todo))))  # each kernel's share of the CPUs
    fresh: set[Submission] = set()
    own = executor is None and bool(todo)
    executor = pool(min(workers, len(todo))) if own else executor
    try:
        with tqdm(total=len(todo), desc="grading", unit="notebook", disable=not progress or not todo) as bar:
            futures = {executor.submit(grade_one, s, timeout, sandboxed, threads, seed): s for s in todo}
            for future in concurrent.futures.as_completed(futures):
                s = futures[future]
                try:
                    fields = future.result()
                    done[s] = Graded(**{**fields, "rows": [Row(**r) for r in fields["rows"]]})
                    fresh.add(s)
                except Exception as e:  # a fault of the grader's worker (it died, or the grader itself failed)
                    done[s] = _crashed(s, e)
                if done[s].complete:
                    kept[f"{s.learner}/{s.notebook}"] = {"key": keys[s], **asdict(done[s])}
                    _save_cache(out, kept)
                bar.update()
    finally:
        if own:
            executor.shutdown(wait=True)
    graded = [done[s] for s in submissions]
    similar = copies.pairs(submissions, exercises_of)
    report.write_all(graded, ignored, out, seed=seed, sandboxed=sandboxed, copies=similar)
    _save_cache(out, kept)
    return graded, ignored, len(fresh)
