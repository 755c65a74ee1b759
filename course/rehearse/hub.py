"""The embedded hub: a real JupyterHub on 127.0.0.1 with its proxy, started for one rehearsal and stopped by PID.

The proxy is the npm `configurable-http-proxy`, JupyterHub's default and the one Zero to JupyterHub and The Littlest
JupyterHub run, so the rehearsal measures the proxy a workshop will meet; the pure-Python port on PyPI is a different
program (another event loop, other timeouts) whose figures would say little about a real hub. `.ci/run` installs it.

The hub reads its configuration from a JSON file (data, not code): DummyAuthenticator (any name logs in),
SimpleLocalProcessSpawner (each learner's server runs as this user, with a home of its own under the rehearsal's
folder), the course importable and `COURSE_DATA_DIR` passed to every server, and one service token with the admin
scopes the driver uses to create users, tokens and servers.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests

START_TIMEOUT = 300  # seconds a server may take to start: Zero to JupyterHub's default, not the hub's 60
ADMIN_SCOPES = ["admin:users", "admin:servers", "tokens", "access:servers", "list:users", "read:users"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proxy_command() -> str:
    """The npm proxy's executable, or an error saying how to install it."""
    found = shutil.which("configurable-http-proxy")
    if found is None:
        raise RuntimeError("the embedded hub needs the proxy: `npm install -g configurable-http-proxy` (node >= 18)")
    return found


def course_root() -> Path:
    """The folder that holds the `course` package the learners' kernels should import."""
    import course

    return Path(course.__file__).resolve().parent.parent


def hub_config(state: Path, ports: dict[str, int], token: str) -> dict:
    """The hub's configuration as plain data (written to a JSON file that JupyterHub loads)."""
    environment = {"PYTHONPATH": str(course_root())}
    if os.environ.get("COURSE_DATA_DIR"):
        environment["COURSE_DATA_DIR"] = os.environ["COURSE_DATA_DIR"]
    return {
        "JupyterHub": {
            "bind_url": f"http://127.0.0.1:{ports['public']}",
            "hub_bind_url": f"http://127.0.0.1:{ports['hub']}",
            "authenticator_class": "dummy",
            "spawner_class": "simple",
            "db_url": f"sqlite:///{state / 'jupyterhub.sqlite'}",
            "cookie_secret_file": str(state / "jupyterhub_cookie_secret"),
            "pid_file": str(state / "jupyterhub.pid"),
            "services": [{"name": "rehearsal", "api_token": token}],
            "load_roles": [{"name": "rehearsal", "scopes": ADMIN_SCOPES, "services": ["rehearsal"]}],
            "cleanup_servers": True,
            "cleanup_proxy": True,
        },
        "Authenticator": {"allow_all": True},
        "ConfigurableHTTPProxy": {
            "api_url": f"http://127.0.0.1:{ports['proxy_api']}",
            "command": [proxy_command()],
            "pid_file": str(state / "proxy.pid"),
        },
        "Spawner": {
            "cmd": [sys.executable, "-m", "jupyterhub.singleuser"],
            "args": ["--allow-root"] if os.geteuid() == 0 else [],  # a container's root, as in CI
            "environment": environment,
            "start_timeout": START_TIMEOUT,
            "http_timeout": START_TIMEOUT,
        },
        "SimpleLocalProcessSpawner": {"home_dir_template": str(state / "home" / "{username}")},
    }


class EmbeddedHub:
    """A JupyterHub and its proxy on 127.0.0.1; `stop()` ends them and every process they started, by PID."""

    def __init__(self, folder: Path, ready_timeout: float = 60.0):
        self.state = Path(folder).resolve() / "hub"
        self.state.mkdir(parents=True, exist_ok=True)
        self.ports = {name: free_port() for name in ("public", "hub", "proxy_api")}
        self.url = f"http://127.0.0.1:{self.ports['public']}"
        self.token = secrets.token_hex(32)
        self.ready_timeout = ready_timeout
        self.process: subprocess.Popen | None = None
        self.seen: dict[int, float] = {}  # pid -> create_time of every process of the hub's tree ever seen

    def start(self) -> EmbeddedHub:
        config = self.state / "rehearsal_hub.json"
        config.write_text(json.dumps(hub_config(self.state, self.ports, self.token), indent=1))
        self.log = open(self.state / "jupyterhub.log", "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=self.state,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(course_root())},
        )
        self.remember()
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited ({self.process.returncode}); see {self.state / 'jupyterhub.log'}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).ok:
                    self.remember()
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"the hub did not answer in {self.ready_timeout:.0f} s; see {self.state / 'jupyterhub.log'}")

    def tree(self) -> list[psutil.Process]:
        """The hub's process and its descendants now (proxy, learners' servers, their kernels)."""
        if self.process is None:
            return []
        try:
            hub = psutil.Process(self.process.pid)
            return [hub, *hub.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def remember(self) -> list[psutil.Process]:
        """Note every process of the tree, so that `stop` can end them even after the hub is gone."""
        processes = self.tree()
        for p in processes:
            try:
                self.seen.setdefault(p.pid, p.create_time())
            except psutil.NoSuchProcess:
                pass
        return processes

    def alive(self) -> list[int]:
        """PIDs of processes this hub started that are still running (the same PID and start time as seen)."""
        left = []
        for pid, created in self.seen.items():
            try:
                p = psutil.Process(pid)
                if p.create_time() == created and p.status() != psutil.STATUS_ZOMBIE:
                    left.append(pid)
            except psutil.NoSuchProcess:
                pass
        return left

    def stop(self, grace: float = 15.0) -> list[int]:
        """Stop the hub (it stops the servers and the proxy), then any process left, by PID; return those killed."""
        if self.process is None:
            return []
        self.remember()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        killed = []
        for sig in (signal.SIGTERM, signal.SIGKILL):
            left = self.alive()
            for pid in left:
                try:
                    os.kill(pid, sig)
                    killed.append(pid)
                except ProcessLookupError:
                    pass
            if left:
                psutil.wait_procs([p for p in map(_process, left) if p], timeout=5)
        self.log.close()
        return sorted(set(killed))


def _process(pid: int) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None
