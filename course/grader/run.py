"""Grade a class: discover the submissions, grade N at a time (each in its own process), skip unchanged ones."""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import multiprocessing
import os
from dataclasses import asdict
from pathlib import Path

from course.grader import report
from course.grader.discover import Submission, discover
from course.grader.submission import Graded, Row, _zero, exercises_of, grade_notebook

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


def _key(submission: Submission, code: str, timeout: float) -> str:
    return hashlib.sha256(submission.path.read_bytes() + f"{code} {timeout}".encode()).hexdigest()


def _load_cache(out: Path) -> dict:
    try:
        return json.loads((out / CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _from_cache(entry: dict) -> Graded:
    return Graded(entry["learner"], entry["notebook"], [Row(**r) for r in entry["rows"]], list(entry["notes"]))


def _grade(submission: Submission, timeout: float) -> Graded:
    return grade_notebook(submission.path, submission.learner, timeout=timeout)


def _crashed(submission: Submission, error: BaseException) -> Graded:
    reason = f"not graded: the grader failed on this notebook ({type(error).__name__}); run it again"
    rows = _zero(submission.learner, submission.notebook, exercises_of(submission.notebook), reason)
    return Graded(submission.learner, submission.notebook, rows, [])


def grade_class(
    root: Path, out: Path, *, workers: int | None = None, timeout: float = TIMEOUT, force: bool = False, progress=True
) -> tuple[list[Graded], list[str], int]:
    """Grade every submission under `root` into `out`; returns (graded, ignored files, how many were re-graded)."""
    from tqdm import tqdm

    submissions, ignored = discover(root)
    out.mkdir(parents=True, exist_ok=True)
    cache = {} if force else _load_cache(out)
    code = fingerprint()
    keys = {s: _key(s, code, timeout) for s in submissions}
    done: dict[Submission, Graded] = {}
    for s in submissions:
        entry = cache.get(f"{s.learner}/{s.notebook}")
        if entry and entry.get("key") == keys[s]:
            done[s] = _from_cache(entry)
    todo = [s for s in submissions if s not in done]
    fresh: set[Submission] = set()
    workers = max(1, workers or os.cpu_count() or 1)
    with tqdm(total=len(todo), desc="grading", unit="notebook", disable=not progress or not todo) as bar:
        if workers == 1 or len(todo) <= 1:
            for s in todo:
                try:
                    done[s] = _grade(s, timeout)
                    fresh.add(s)
                except Exception as e:  # a fault of the grader, not of the submission: say so, go on
                    done[s] = _crashed(s, e)
                bar.update()
        else:
            context = multiprocessing.get_context("spawn")  # a clean process: no forked TensorFlow or kernels
            with concurrent.futures.ProcessPoolExecutor(min(workers, len(todo)), mp_context=context) as pool:
                futures = {pool.submit(_grade, s, timeout): s for s in todo}
                for future in concurrent.futures.as_completed(futures):
                    s = futures[future]
                    try:
                        done[s] = future.result()
                        fresh.add(s)
                    except Exception as e:  # the grader's own worker died (e.g. loading a model crashed it)
                        done[s] = _crashed(s, e)
                    bar.update()
    graded = [done[s] for s in submissions]
    report.write_all(graded, ignored, out)
    kept = {}  # fresh grades, and those read from the cache; a notebook the grader failed on is graded again
    for s in submissions:
        name = f"{s.learner}/{s.notebook}"
        if s in fresh:
            kept[name] = {"key": keys[s], **asdict(done[s])}
        elif name in cache and cache[name].get("key") == keys[s]:
            kept[name] = cache[name]
    cache = kept
    (out / CACHE).write_text(json.dumps(cache), encoding="utf-8")
    return graded, ignored, len(fresh)
