"""Measurements on the hub's machine: memory and CPU time of every process of the hub's tree, by role and learner.

A thread samples the tree every `interval` seconds with psutil. Each process is the hub, the proxy, a learner's
server or a learner's kernel (its helpers count with whoever started them); the learner is read from the
`JUPYTERHUB_USER` the hub gives each server and its kernels inherit. The driver (this process) is measured too.
A child the hub has forked but not yet turned into a server shares the hub's memory and is counted for no one.
CPU time is what each process had used when last seen: up to one interval of a process's last work can be missed.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

import psutil


@dataclass
class Sample:
    t: float  # seconds since the rehearsal's start
    load1: float  # the machine's 1-minute load average
    available_mb: float  # memory the machine still has available
    rss_mb: dict[str, float]  # resident memory by owner: a learner's name, "hub", "proxy" or "driver"
    kernel_mb: dict[str, float]  # resident memory of each learner's kernel(s) alone


@dataclass
class Usage:
    samples: list[Sample] = field(default_factory=list)
    cpu: dict[tuple[int, float], tuple[str, bool, float]] = field(default_factory=dict)  # -> (owner, kernel?, s)
    cpu_at_start: dict[str, float] = field(default_factory=dict)  # owner -> CPU seconds before the learners came

    def cpu_seconds(self, kernels_only: bool = False) -> dict[str, float]:
        """CPU seconds used by each owner during the rehearsal (or by each learner's kernels alone)."""
        totals: dict[str, float] = {}
        for owner, kernel, seconds in self.cpu.values():
            if kernel or not kernels_only:
                totals[owner] = totals.get(owner, 0.0) + seconds
        return {owner: s - self.cpu_at_start.get(owner, 0.0) for owner, s in totals.items()}

    def peak_mb(self, kernels_only: bool = False) -> dict[str, float]:
        """Each owner's highest resident memory in one sample (or that of each learner's kernels alone)."""
        peaks: dict[str, float] = {}
        for s in self.samples:
            for owner, mb in (s.kernel_mb if kernels_only else s.rss_mb).items():
                peaks[owner] = max(peaks.get(owner, 0.0), mb)
        return peaks


def owner(process: psutil.Process, hub_pid: int) -> str:
    """Whose a process of the hub's tree is: a learner's name, "hub", "proxy" or "forking" (counted for no one)."""
    if process.pid == hub_pid:
        return "hub"
    if any("configurable-http-proxy" in part for part in process.cmdline()[:3]):
        return "proxy"
    return process.environ().get("JUPYTERHUB_USER") or "forking"  # the hub's fork, before it becomes a server


class Monitor:
    """Samples the hub's tree (`hub.remember()`) and the driver in a thread, until `stop()`."""

    def __init__(self, hub, t0: float, interval: float = 1.0):
        self.hub, self.t0, self.interval = hub, t0, interval
        self.usage = Usage()
        self.driver = psutil.Process()
        self._owners: dict[tuple[int, float], tuple[str, bool]] = {}  # -> (owner, kernel?)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rehearsal-monitor", daemon=True)

    def start(self) -> Monitor:
        self.sample()
        self.usage.cpu_at_start = self.usage.cpu_seconds()  # the hub's and proxy's start-up are not the day's load
        self._thread.start()
        return self

    def stop(self) -> Usage:
        self._stop.set()
        self._thread.join(timeout=10 * self.interval + 10)
        self.sample()
        return self.usage

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        rss: dict[str, float] = {}
        kernels: dict[str, float] = {}
        for p in [*self.hub.remember(), self.driver]:
            try:
                with p.oneshot():
                    key = (p.pid, p.create_time())
                    if key in self._owners:  # decided once: an exiting process shows an empty command line
                        who, kernel = self._owners[key]
                    else:
                        who = "driver" if p is self.driver else owner(p, self.hub.process.pid)
                        kernel = any("ipykernel" in part for part in p.cmdline()[:3])
                        if who != "forking":  # a child not yet exec'ed will become a server
                            self._owners[key] = (who, kernel)
                    times, mb = p.cpu_times(), p.memory_info().rss / 2**20
                    rss[who] = rss.get(who, 0.0) + mb
                    if kernel:
                        kernels[who] = kernels.get(who, 0.0) + mb
                    self.usage.cpu[key] = (who, kernel, times.user + times.system)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
        available = psutil.virtual_memory().available / 2**20
        self.usage.samples.append(Sample(time.monotonic() - self.t0, os.getloadavg()[0], available, rss, kernels))
