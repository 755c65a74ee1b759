"""A Dask cluster on 127.0.0.1 for tests and benchmarks: `dask scheduler` and `dask worker` processes, stopped by
the PIDs started here."""

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from distributed import Client

ROOT = Path(__file__).resolve().parents[1]
DASK = str(Path(sys.executable).with_name("dask"))


def environment(**changes) -> dict:
    return os.environ | {"PYTHONPATH": str(ROOT)} | changes


class Cluster:
    """`dask scheduler` and `dask worker` processes, each the leader of its own process group (a worker's nanny,
    worker process and the kernels it starts are stopped together, by the PID this class started)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.file = folder / "scheduler.json"
        self.processes: dict[str, subprocess.Popen] = {}

    def _start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "w")
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.processes[name] = process
        return process

    def scheduler(self) -> str:
        argv = [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
        process = self._start("scheduler", [*argv, "--scheduler-file", str(self.file)], environment())
        while not self.file.is_file():
            assert process.poll() is None, (self.folder / "scheduler.log").read_text()
            time.sleep(0.2)
        return self.address

    @property
    def address(self) -> str:
        return json.loads(self.file.read_text())["address"]

    def worker(self, name: str, **env) -> None:
        argv = [DASK, "worker", "--scheduler-file", str(self.file), "--nthreads", "1", "--no-dashboard"]
        argv += ["--host", "127.0.0.1", "--name", name, "--local-directory", str(self.folder / name)]
        self._start(name, argv, environment(**env))

    def wait_for(self, names: set[str]) -> None:
        with Client(self.address, set_as_default=False) as client:
            while {w["name"] for w in client.scheduler_info()["workers"].values()} != names:
                for name in names:
                    assert self.processes[name].poll() is None, (self.folder / f"{name}.log").read_text()
                time.sleep(0.2)

    def kill(self, name: str) -> None:
        """SIGKILL for a worker's whole process group: no goodbye to the scheduler, as when a node fails."""
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextmanager
def cluster(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    running = Cluster(folder)
    try:
        yield running
    finally:
        running.stop()
