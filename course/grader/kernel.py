"""One submission's kernel: its own process, temporary folder, memory limit, per-cell time limit, no network.

`Kernel` runs the submission's cells (skipping `check(...)` cells, discarding outputs) and then answers the
grader's requests through the agent (course.grader.agent). When the kernel dies or a request never ends,
the kernel is killed; the next request starts a fresh one and runs the notebook again.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from course.grader import transport
from course.grading.cells import is_check_cell

MEMORY_MB = 4096  # address space of one kernel; TensorFlow and notebook 04 fit in 3 GiB
MAX_REPLY = 64 * 2**20  # bytes of one reply (a model file is apart)
MAX_RESTARTS = 3
KERNEL_NAME = "course-grader"


class KernelFailed(Exception):
    """The notebook could not be run (its kernel died or a cell never ended); the message says why."""


@functools.cache
def network_isolation() -> list[str]:
    """The command prefix that starts the kernel without network (`unshare -rn`), or [] where the OS refuses."""
    if sys.platform.startswith("linux") and shutil.which("unshare"):
        if subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0:
            return ["unshare", "-rn"]
    return []


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
    def __init__(self, nb, notebook_name: str, *, timeout: float, memory_mb: int = MEMORY_MB):
        self.cells = [c for c in nb.cells if c.cell_type == "code" and not is_check_cell(c.source)]
        self.notebook_name, self.timeout, self.memory_mb = notebook_name, timeout, memory_mb
        self.root = Path(tempfile.mkdtemp(prefix="course-grade-"))
        self.agent_dir = self.root / "agent"
        self.client, self.starts, self.requests, self.errors = None, 0, 0, {}
        self.margin = 30  # seconds past a call's own time limit before the kernel is killed (C-level loops)
        self._write_kernelspec()

    def _write_kernelspec(self) -> None:
        argv = [*network_isolation(), sys.executable, "-m", "course.grader.launch"]
        argv += ["--memory-mb", str(self.memory_mb), "-f", "{connection_file}"]
        spec = {"argv": argv, "display_name": "course grader", "language": "python"}
        folder = self.root / "kernels" / KERNEL_NAME
        folder.mkdir(parents=True)
        (folder / "kernel.json").write_text(json.dumps(spec))

    def _env(self) -> dict:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="agg", JPY_SESSION_NAME=self.notebook_name)
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        if env.get("COURSE_DATA_DIR"):
            env["COURSE_DATA_DIR"] = os.path.abspath(env["COURSE_DATA_DIR"])
        return env

    def start(self) -> None:
        """A fresh kernel that has run the submission's cells; KernelFailed if the notebook cannot run."""
        import nbformat
        from jupyter_client import AsyncKernelManager
        from jupyter_client.kernelspec import KernelSpecManager
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        self.stop()
        if self.starts > MAX_RESTARTS:
            raise KernelFailed("the kernel died too often while grading this notebook")
        self.starts += 1
        work = self.root / f"work-{self.starts}"
        work.mkdir()
        self.agent_dir.mkdir(exist_ok=True)
        specs = KernelSpecManager(kernel_dirs=[str(self.root / "kernels")])
        km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs, transport="ipc")
        km.ip = str(self.root / "ipc")
        self.agent_cell = nbformat.v4.new_code_cell("pass")
        nb = nbformat.v4.new_notebook(cells=[*self.cells, self.agent_cell])
        client = _client_class()(nb, km=km, timeout=self.timeout, allow_errors=True, shutdown_kernel="immediate")
        client.errors = self.errors = {}
        self.client = client
        try:
            quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}  # TensorFlow's C++ logs, for one
            client.start_new_kernel(cwd=str(work), env=self._env(), **quiet)
            client.start_new_kernel_client()
        except Exception as e:
            self.stop()
            raise KernelFailed(f"the kernel did not start ({type(e).__name__}: {e})") from None
        for index, cell in enumerate(self.cells):
            where = f"code cell {index + 1} (`{_first_line(cell.source)}`)"
            try:
                client.execute_cell(cell, index, store_history=True)
            except CellTimeoutError:
                self.stop()
                raise KernelFailed(f"{where} did not finish within {self.timeout:g} s") from None
            except DeadKernelError:
                self.stop()
                raise KernelFailed(f"the kernel died in {where} (exit, a crash or out of memory)") from None

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
            raise KernelFailed(f"did not finish within {time_limit:g} s and the kernel was stopped") from None
        except DeadKernelError:
            self.stop()
            raise KernelFailed("ended the kernel (exit, a crash or out of memory)") from None
        if not reply_path.is_file() or reply_path.stat().st_size > MAX_REPLY:
            raise KernelFailed("the grader's agent gave no usable reply (was the kernel tampered with?)")
        try:
            return transport.loads(reply_path.read_text(encoding="utf-8"))
        except ValueError:
            raise KernelFailed("the grader's agent gave no usable reply (was the kernel tampered with?)") from None

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
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _first_line(source: str) -> str:
    line = next((x.strip() for x in source.splitlines() if x.strip()), "")
    return line if len(line) <= 40 else line[:37] + "..."
