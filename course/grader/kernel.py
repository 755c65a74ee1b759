"""One submission's kernel: its own sandbox (course.grader.sandbox), limits, per-cell and per-notebook time limits.

`Kernel` runs the submission's cells (skipping `check(...)` cells, discarding outputs) and then answers the
grader's requests through the agent (course.grader.agent). A cell that runs past its time is interrupted and the
notebook goes on (a cell that ignores the interrupt costs the kernel, and a fresh one skips it); the whole notebook
has a total time. When the kernel dies or a request never ends, the kernel is killed; the next request starts a
fresh one and runs the notebook again. `complete` turns False whenever time ran out or the kernel died: such a
grade is shown but never cached as final.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from course.grader import shared, spec, transport
from course.grader.standin import ReferenceServer
from course.grading.cells import is_check_cell

MAX_REPLY = 64 * 2**20  # bytes of one reply (a model file is apart)
MAX_SHARED = 256 * 2**20  # bytes the kernel may leave in the folder it shares with the grader
MAX_RESTARTS = 3
INTERRUPT_GRACE = 10  # seconds a timed-out cell has to stop once interrupted
KERNEL_NAME = "course-grader"


class KernelFailed(Exception):
    """The notebook could not be run (its kernel died or a cell never ended); the message says why.

    `timed_out` tells a call that ran out of time from a kernel that died, so callers never read the message."""

    def __init__(self, message: str, *, timed_out: bool = False):
        super().__init__(message)
        self.timed_out = timed_out


def _client_class():
    from nbclient import NotebookClient

    class QuietClient(NotebookClient):
        """Keeps no outputs (megabytes of prints cost nothing); remembers the first error per cell."""

        errors: dict

        def output(self, outs, msg, display_id, cell_index):
            if msg["msg_type"] == "error" and cell_index not in self.errors:
                content = msg["content"]
                self.errors[cell_index] = f"{content.get('ename', 'Error')}: {content.get('evalue', '')}"[:200]
            return None

    return QuietClient


class Kernel:
    def __init__(
        self,
        nb,
        notebook_name: str,
        *,
        timeout: float,
        total: float | None = None,
        sandboxed: bool = True,
        threads: int = 1,
    ):
        self.cells = [c for c in nb.cells if c.cell_type == "code" and not is_check_cell(c.source)]
        self.notebook_name, self.timeout, self.sandboxed, self.threads = notebook_name, timeout, sandboxed, threads
        self.total = total or 4 * timeout
        self.root = Path(tempfile.mkdtemp(prefix="course-grade-"))
        self.agent_dir = self.root / "shared"  # the one folder the kernel shares with the grader
        self.agent_dir.mkdir()
        self.agent_dir.chmod(0o1777)  # the kernel runs as a user of its own
        self.client, self.starts, self.requests, self.errors = None, 0, 0, {}
        self.skip: set[int] = set()  # cells that ignored their interrupt: a fresh kernel does not run them again
        self.notes: list[str] = []
        self.complete = True
        self.margin = 30  # seconds past a call's own time limit before the kernel is killed (C-level loops)
        self.references = ReferenceServer(str(self.agent_dir / "references.sock"))
        self.uid = 100_000 + os.getpid() % 50_000  # a user of its own: its process limit is its own

    def start(self) -> None:
        """A fresh kernel that has run the submission's cells; KernelFailed if the notebook cannot run."""
        while not self._run_cells():
            pass  # a cell ignored its interrupt: a fresh kernel runs the notebook without it

    def _boot(self) -> None:
        import nbformat
        from jupyter_client import AsyncKernelManager
        from jupyter_client.kernelspec import KernelSpecManager

        self.stop()
        if self.starts > MAX_RESTARTS:
            raise KernelFailed("the kernel died too often while grading this notebook")
        self.starts += 1
        kernelspec = spec.kernelspec(
            sandboxed=self.sandboxed, threads=self.threads, notebook=self.notebook_name, root=self.root,
            shared=self.agent_dir, references=self.references.path, uid=self.uid,
        )  # fmt: skip
        folder = self.root / "kernels" / KERNEL_NAME
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "kernel.json").write_text(
            json.dumps(
                {**kernelspec, "display_name": "course grader", "language": "python", "interrupt_mode": "message"}
            )
        )
        specs = KernelSpecManager(kernel_dirs=[str(self.root / "kernels")])
        km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs, transport="ipc")
        km.ip = str(self.agent_dir / "ipc")
        km.connection_file = str(self.agent_dir / f"connection-{self.starts}.json")
        self.agent_cell = nbformat.v4.new_code_cell("pass")
        nb = nbformat.v4.new_notebook(cells=[*self.cells, self.agent_cell])
        client = _client_class()(nb, km=km, timeout=self.timeout, allow_errors=True, shutdown_kernel="immediate")
        client.errors = self.errors = {}
        client.log = logging.getLogger("course.grader.kernel")  # a timed-out cell is a note, not a traceback
        client.log.setLevel(logging.CRITICAL)
        self.client = client
        try:
            quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}  # TensorFlow's C++ logs, for one
            client.start_new_kernel(
                cwd=str(self.agent_dir),
                env=spec.environment(sandboxed=self.sandboxed, notebook=self.notebook_name, threads=self.threads),
                **quiet,
            )
            client.start_new_kernel_client()
        except Exception as e:
            self.stop()
            self.complete = False
            raise KernelFailed(f"the kernel did not start ({type(e).__name__}: {str(e)[:200]})") from None

    def _run_cells(self) -> bool:
        """Boot a kernel and run the cells; False when a cell ignored its interrupt (it is skipped from now on)."""
        self._boot()
        deadline = time.monotonic() + self.total
        for index, cell in enumerate(self.cells):
            if index in self.skip:
                continue
            left = deadline - time.monotonic()
            if left < 1:
                self._note(
                    f"the notebook ran past its total time ({self.total:g} s): cells from {index + 1} on were not run"
                )
                break
            if not self._run_cell(index, cell, min(self.timeout, left)):
                return False
        self._check_shared()
        return True

    def _note(self, text: str) -> None:
        self.complete = False
        if text not in self.notes:
            self.notes.append(text)

    def _run_cell(self, index: int, cell, timeout: float) -> bool:
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        where = f"code cell {index + 1} (`{_first_line(cell.source)}`)"
        self.client.timeout = max(1, int(timeout))
        try:
            self.client.execute_cell(cell, index, store_history=True)
        except DeadKernelError:
            self.stop()
            self.complete = False
            raise KernelFailed(f"the kernel died in {where} (exit, a crash or out of memory)") from None
        except CellTimeoutError:
            self._note(f"{where} did not finish within {timeout:g} s and was interrupted; grading went on")
            if not self._interrupted():
                self.skip.add(index)
                return False
        return True

    def _interrupted(self) -> bool:
        """Interrupt the running cell; whether the kernel answers again within INTERRUPT_GRACE seconds."""
        import nbformat
        from jupyter_core.utils import run_sync
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        try:
            run_sync(self.client.km.interrupt_kernel)()
            self.client.timeout = INTERRUPT_GRACE
            self.client.execute_cell(nbformat.v4.new_code_cell("pass"), len(self.cells), store_history=False)
            return True
        except (CellTimeoutError, DeadKernelError, RuntimeError):
            return False

    def _check_shared(self) -> None:
        """The kernel may write only sockets and replies into the shared folder: a kernel that floods it is stopped."""
        used = shared.size(self.agent_dir)
        if used > MAX_SHARED:
            self.stop()
            self.complete = False
            raise KernelFailed(f"the kernel wrote {used / 2**20:.0f} MB into the grader's folder")

    def request(self, request: dict, time_limit: float) -> dict:
        """Send one request to the agent; its reply as JSON data. KernelFailed when the kernel died or hung."""
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        if self.client is None:
            self.start()
        self.requests += 1
        path = self.agent_dir / f"request-{self.requests}.json"
        path.write_text(json.dumps(request))
        reply_path = Path(f"{path}.reply")
        reply_path.unlink(missing_ok=True)  # a reply written in advance by the submission is never read
        self.agent_cell.source = f"__import__('course.grader.agent', fromlist=['serve']).serve({str(path)!r})"
        self.client.timeout = max(1, int(time_limit + self.margin))
        try:
            self.client.execute_cell(self.agent_cell, len(self.cells), store_history=False)
        except CellTimeoutError:
            self.stop()
            self.complete = False
            raise KernelFailed(
                f"did not finish within {time_limit:g} s and the kernel was stopped", timed_out=True
            ) from None
        except DeadKernelError:
            self.stop()
            self.complete = False
            raise KernelFailed("ended the kernel (exit, a crash or out of memory)") from None
        self._check_shared()
        try:
            return transport.loads(shared.read_plain_file(reply_path, MAX_REPLY).decode("utf-8"))
        except (OSError, ValueError):
            raise KernelFailed("the grader's agent gave no usable reply (was the kernel tampered with?)") from None
        finally:  # read once: the folder keeps no request, so checking its size costs the same on every call
            for used in (path, reply_path):
                with contextlib.suppress(OSError):  # a folder planted there stays, and counts in the size check
                    used.unlink(missing_ok=True)

    def model_path(self, name: str) -> Path:
        """The path of a model file the agent saved: only a plain file name inside the agent folder."""
        name = str(name)
        if os.path.basename(name) != name or not name.endswith(".keras"):
            raise ValueError("malformed reply: a model outside the submission's folder")
        return self.agent_dir / name

    def stop(self) -> None:
        if self.client is not None:
            client, self.client = self.client, None
            try:
                client._cleanup_kernel()
            except Exception:
                pass

    def close(self) -> None:
        self.stop()
        self.references.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _first_line(source: str) -> str:
    line = next((x.strip() for x in source.splitlines() if x.strip()), "")
    return line if len(line) <= 40 else line[:37] + "..."
