"""Grade on a Dask cluster: `python -m course grade SUBMISSIONS --out OUT --scheduler ADDRESS`.

The grader's loop (course.grader.run.grade_class) takes any concurrent.futures.Executor; `connect` gives it one whose
tasks run on a Dask cluster's workers (Client.get_executor, pure=False: two equal submissions are two tasks). A task
is one submission: its notebook travels as bytes (the workers need not see the grader's disk), it is graded in the
sandbox of the worker that takes it, and its rows come back as plain data.

Faults. A worker that dies in the middle of a submission costs nothing: the scheduler gives the task to another
worker (a task may lose `distributed.scheduler.allowed-failures` workers, 3 by default, before it is reported as
failed; `retries` would re-run tasks that raised, and the grading of one submission never raises because of the
submission, so none are asked for). A worker that cannot grade as the grader's machine would (another version of
the course or of NumPy/TensorFlow/Keras, no data at COURSE_DATA_DIR, no bubblewrap) fails its first task, and the
workers present at `connect` fail a check before any task, with one line that stops the run. A worker without the
course at all cannot even unpack a task: present at `connect`, the check names it; joining later, it leaves the
cluster at its first task (its log says `No module named 'course'`) and the task goes to another worker.
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import inspect
import tempfile
from dataclasses import dataclass
from pathlib import Path

from course.grader.discover import Submission

CONNECT_TIMEOUT = 30  # seconds to reach the scheduler
NO_COURSE = (
    "the course package there is missing or another version: install the grader's (pip install 'course[cluster]')"
)


class NotReady(BaseException):
    """A worker cannot grade. A BaseException: it is no fault of one notebook, so it stops the run instead of
    being reported against the submission whose task found it."""


class WorkerNotReady(Exception):
    """Raised on a worker by its first task when it cannot grade; becomes NotReady where the grader waits."""


@dataclass(frozen=True)
class Shipped:
    """A submission as it travels to a worker: its names and its notebook's bytes."""

    learner: str
    notebook: str
    content: bytes

    def unpack(self, folder: Path) -> Submission:
        path = Path(folder) / self.learner / self.notebook
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.content)
        return Submission(self.learner, self.notebook, path)


def readiness(fingerprint: str, sandboxed: bool) -> str | None:
    """Run on a worker: None when it grades as the grader's machine would, else one line naming what it lacks."""
    from course.data import ChecksumError, DataNotFound, checksums, data_dir
    from course.data import path as data_path
    from course.grader import run, sandbox

    for module in ("nbclient", "ipykernel", "nbformat"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install nbclient ipykernel)"
    if run.fingerprint() != fingerprint:
        return "its course package or NumPy/TensorFlow/Keras differ from the grader's: install the same versions"
    for name in checksums():
        try:
            data_path(name, download=False)
        except (DataNotFound, ChecksumError):
            where = data_dir() or "COURSE_DATA_DIR is not set"
            return f"the course's data is not complete at COURSE_DATA_DIR ({where}): {name} is missing or differs"
    if sandboxed and sandbox.problem():
        return sandbox.problem()
    return None


_ready: set[tuple[str, bool]] = set()  # on a worker: the checks it has passed


def on_worker(fn, fingerprint: str, sandboxed: bool, args: tuple, kwargs: dict):
    """A task: `fn(*args, **kwargs)` on a worker, once it is known to be ready; Shipped arguments unpacked into a
    folder of its own, and a `threads` argument set to this worker's share of its own CPUs."""
    from distributed import get_worker

    from course.runtime import cpus

    worker = get_worker()
    if (fingerprint, sandboxed) not in _ready:
        problem = readiness(fingerprint, sandboxed)
        if problem:
            raise WorkerNotReady(f"worker {worker.address} cannot grade: {problem}")
        _ready.add((fingerprint, sandboxed))
    with tempfile.TemporaryDirectory(prefix="course-grade-") as folder:
        args = tuple(a.unpack(folder) if isinstance(a, Shipped) else a for a in args)
        bound = inspect.signature(fn).bind(*args, **kwargs)
        if "threads" in bound.arguments:
            bound.arguments["threads"] = max(1, cpus.available() // worker.state.nthreads)
        return fn(*bound.args, **bound.kwargs)


def _relay(inner: concurrent.futures.Future, outer: concurrent.futures.Future) -> None:
    if not outer.set_running_or_notify_cancel():
        return
    error = inner.exception() if not inner.cancelled() else concurrent.futures.CancelledError()
    if isinstance(error, WorkerNotReady):
        outer.set_exception(NotReady(str(error)))
    elif isinstance(error, RuntimeError) and "deserialization of the task graph" in str(error):
        outer.set_exception(NotReady(f"the Dask scheduler cannot unpack the grader's tasks: {NO_COURSE}"))
    elif error is not None:
        outer.set_exception(error)
    else:
        outer.set_result(inner.result())


class ClusterExecutor(concurrent.futures.Executor):
    """Tasks on a Dask cluster, behind the concurrent.futures API the grader's loop uses."""

    def __init__(self, client, *, sandboxed: bool = True):
        from course.grader.run import fingerprint

        self.client = client
        self.fingerprint = fingerprint()
        self.sandboxed = sandboxed
        self.inner = client.get_executor(pure=False)

    def check(self) -> None:
        """The workers present now, checked before any task (Client.run); NotReady names the first that fails."""
        replies = self.client.run(readiness, self.fingerprint, self.sandboxed, on_error="return")
        for address, reply in sorted(replies.items()):
            if isinstance(reply, BaseException) and "No module named 'course" in str(reply):  # or course.grader...
                reply = NO_COURSE
            elif isinstance(reply, BaseException):
                reply = f"its check failed ({type(reply).__name__}: {reply})"
            if reply:
                raise NotReady(f"worker {address} cannot grade: {reply}")

    def submit(self, fn, /, *args, **kwargs):
        shipped = tuple(
            Shipped(a.learner, a.notebook, a.path.read_bytes()) if isinstance(a, Submission) else a for a in args
        )
        inner = self.inner.submit(on_worker, fn, self.fingerprint, self.sandboxed, shipped, kwargs)
        outer = concurrent.futures.Future()
        inner.add_done_callback(lambda done: _relay(done, outer))
        return outer

    def shutdown(self, wait=True, *, cancel_futures=False):
        self.inner.shutdown(wait=wait and not cancel_futures)
        self.client.close()


def connect(address: str, *, sandboxed: bool = True) -> ClusterExecutor:
    """An executor on the Dask scheduler at `address`, its present workers checked; OSError when it cannot be
    reached, NotReady when a worker cannot grade."""
    from distributed import Client

    client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    executor = ClusterExecutor(client, sandboxed=sandboxed)
    try:
        executor.check()
    except BaseException:
        client.close()
        raise
    return executor
