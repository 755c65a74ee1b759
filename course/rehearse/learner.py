"""One simulated learner: log in, spawn a server, upload the notebook, start its kernel, run every cell, shut it down.

Every phase is timed into `Timing` rows; the first failure ends the learner's run (what follows would fail for the
same reason) and is recorded with its reason. Cells run over the kernel's websocket through a maintained client,
`jupyter-kernel-client`, on a session created as JupyterLab creates one when a notebook is opened.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass

import nbformat
import requests

from course.grading.cells import is_check_cell

log = logging.getLogger("course.rehearse")
PHASES = ("login", "spawn", "upload", "kernel", "cell", "check", "shutdown")


@dataclass
class Timing:
    """One timed step of one learner (a row of timings.csv); `start` counts from the rehearsal's start."""

    learner: str
    phase: str
    cell: int | None
    start: float
    seconds: float
    ok: bool
    reason: str = ""


@dataclass(frozen=True)
class Limits:
    """Every wait is bounded: seconds for a spawn, a kernel's first answer, one cell, and one HTTP request."""

    spawn: float = 300.0
    kernel: float = 120.0  # JupyterLab waits on; the server gives a kernel 60 s to answer before it connects anyway
    cell: float = 600.0
    request: float = 60.0


class Stop(Exception):
    """A phase failed: the learner stops here (the reason is in its Timing row)."""


def error_reason(reply: dict) -> str:
    """The error a cell raised, as `Name: message`, from its outputs."""
    for output in reply.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename')}: {output.get('evalue', '')}"[:300]
    return f"status {reply.get('status')}"


class Learner:
    """A learner on a hub: `run()` goes through every phase and leaves its timings in `self.timings`."""

    def __init__(self, name, hub, notebook_name, notebook: nbformat.NotebookNode, t0, limits=None, tick=None):
        self.name, self.hub, self.notebook_name, self.notebook = name, hub, notebook_name, notebook
        self.t0, self.limits, self.tick = t0, limits or Limits(), tick or (lambda learner, phase: None)
        self.timings: list[Timing] = []
        self.token: str | None = None

    @contextmanager
    def phase(self, phase: str, cell: int | None = None):
        start = time.monotonic()
        try:
            yield
        except Exception as e:
            reason = str(e) if isinstance(e, Stop) else f"{type(e).__name__}: {e}"
            self.timings.append(
                Timing(self.name, phase, cell, start - self.t0, time.monotonic() - start, False, reason)
            )
            self.tick(self, phase)
            raise Stop(reason) from e
        self.timings.append(Timing(self.name, phase, cell, start - self.t0, time.monotonic() - start, True))
        self.tick(self, phase)

    def run(self) -> list[Timing]:
        try:
            self._run()
        except Stop:
            pass
        return self.timings

    def _run(self) -> None:
        from jupyter_kernel_client import JupyterKernelClient

        server = f"{self.hub.url}/user/{self.name}"
        with self.phase("login"):
            self.token = self.hub.login(self.name)
        http = requests.Session()
        http.headers["Authorization"] = f"token {self.token}"
        with self.phase("spawn"):
            self.hub.spawn(self.name, self.token, self.limits.spawn)
        with self.phase("upload"):
            model = {"type": "notebook", "format": "json", "content": self.notebook}
            url = f"{server}/api/contents/{self.notebook_name}"
            http.put(url, json=model, timeout=self.limits.request).raise_for_status()
        with self.phase("kernel"):
            session = {"path": self.notebook_name, "name": self.notebook_name, "type": "notebook"}
            reply = http.post(
                f"{server}/api/sessions", json={**session, "kernel": {"name": "python3"}}, timeout=self.limits.request
            )
            reply.raise_for_status()
            session_id, kernel_id = reply.json()["id"], reply.json()["kernel"]["id"]
            kernel = JupyterKernelClient(
                server_url=server,
                token=self.token,
                kernel_id=kernel_id,
                # the hub ignores ?token= on a websocket without a browser's headers; the token goes in a header
                client_kwargs={"headers": {"Authorization": f"token {self.token}"}, "timeout": self.limits.kernel},
                log=log,
            )
            kernel.start(timeout=self.limits.request)
            ready = kernel.execute("", silent=True, store_history=False, timeout=self.limits.kernel)
            if ready.get("status") != "ok":
                raise Stop(f"the kernel's first answer: {error_reason(ready)}")
        try:
            cells = [c for c in self.notebook.cells if c.cell_type == "code"]
            for index, cell in enumerate(cells, start=1):
                with self.phase("check" if is_check_cell(cell.source) else "cell", cell=index):
                    reply = kernel.execute(cell.source, timeout=self.limits.cell)
                    if reply.get("status") != "ok":
                        raise Stop(error_reason(reply))
        finally:
            try:
                with self.phase("shutdown"):  # as File > Shut Down Kernel: the server ends the session and kernel
                    http.delete(f"{server}/api/sessions/{session_id}", timeout=self.limits.request).raise_for_status()
            finally:
                kernel.stop(shutdown_kernel=False)  # the client's own websocket thread: not the hub's time
