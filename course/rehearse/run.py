"""A rehearsal from start to end: the hub, N learners started `ramp` seconds apart, the measurements, the report."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from course.rehearse.answers import skipping_every_exercise, solved
from course.rehearse.api import Hub
from course.rehearse.hub import EmbeddedHub, course_root
from course.rehearse.learner import Learner, Limits
from course.rehearse.monitor import Monitor
from course.rehearse.report import Rehearsal, Targets, write

log = logging.getLogger("course.rehearse")


def notebook_path(name: str) -> Path:
    """A learner's notebook by name (`04_cnn`, `04_cnn.ipynb`) or by path."""
    path = Path(name)
    if path.is_file():
        return path
    found = sorted((course_root() / "notebooks").glob(f"{path.stem}*.ipynb"))
    if len(found) != 1:
        raise FileNotFoundError(f"no single learner's notebook called {name!r} in notebooks/")
    return found[0]


def release(hub: Hub, name: str) -> str | None:
    """Stop a learner's server and remove the user; the error, if any, as text."""
    try:
        hub.release(name)
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return None


def rehearse(
    users: int,
    notebook: str,
    out: Path,
    ramp: float = 0.0,
    hub_url: str | None = None,
    token: str | None = None,
    limits: Limits | None = None,
    targets: Targets | None = None,
    interval: float = 1.0,
    progress: bool = True,
    answers: str = "reference",
) -> Rehearsal:
    """Run the rehearsal, write DIR/report.md, timings.csv and timeline.png, and return what was measured."""
    from tqdm import tqdm

    limits, targets = limits or Limits(), targets or Targets()
    out = Path(out)
    path = notebook_path(notebook)
    nb = solved(path) if answers == "solution" else skipping_every_exercise(path)
    names = [f"rehearsal-{i:02d}" for i in range(1, users + 1)]
    steps = 5 + sum(c.cell_type == "code" for c in nb.cells)  # login, spawn, upload, kernel, cells, shutdown
    load_before = os.getloadavg()
    embedded = EmbeddedHub(out).start() if hub_url is None else None
    hub = Hub(embedded.url, embedded.token, form_logins=True) if embedded else Hub(hub_url, token, form_logins=False)
    bar = tqdm(total=users * steps, unit="step", disable=not progress, file=sys.stderr)
    lock = threading.Lock()

    def tick(learner, phase):
        with lock:
            bar.update(1)
            bar.set_postfix_str(f"{learner.name} {phase}", refresh=False)

    t0 = time.monotonic()
    monitor = Monitor(embedded, t0, interval).start() if embedded else None
    learners = [Learner(name, hub, path.name, nb, t0, limits, tick) for name in names]
    threads = [threading.Thread(target=learner.run, name=learner.name, daemon=True) for learner in learners]
    try:
        for i, thread in enumerate(threads):
            time.sleep(max(0.0, t0 + i * ramp - time.monotonic()))
            thread.start()
        bound = (
            limits.spawn + limits.kernel + 4 * limits.request + steps * limits.cell
        )  # every wait inside a learner is bounded
        for thread in threads:
            thread.join(timeout=max(1.0, t0 + (users - 1) * ramp + bound - time.monotonic()))
        seconds = time.monotonic() - t0
        usage = monitor.stop() if monitor else None
    finally:
        bar.close()
        with ThreadPoolExecutor(max_workers=8) as pool:  # as a room leaves: servers stopped side by side
            for name, error in zip(names, pool.map(release, [hub] * users, names), strict=True):
                if error:  # the hub itself may be what broke; the embedded one is stopped below anyway
                    log.warning("could not remove %s: %s", name, error)
        processes = dict(embedded.seen) if embedded else {}
        left = embedded.stop() if embedded else []
        if left:
            log.warning("stopped %d process(es) the hub had left running: %s", len(left), left)
    where = "embedded JupyterHub on 127.0.0.1" if embedded else hub_url
    timings = sorted((t for learner in learners for t in learner.timings), key=lambda t: t.start)
    title = path.stem + (" (the solution notebook)" if answers == "solution" else "")
    result = Rehearsal(title, names, where, seconds, timings, usage, load_before, targets, processes)
    write(result, out)
    return result
