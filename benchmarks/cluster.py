"""The cluster path against the local pool: 20 submissions of notebook 01 graded with `--workers 2`, then through a
local Dask scheduler with two single-threaded workers (`dask scheduler` / `dask worker`, 127.0.0.1).

    python benchmarks/cluster.py [N]     # N submissions (default 20); prints wall times, CPU and the load

and records them in docs/results.json ("grading_cpu": CPU-seconds per submission; "cluster": the comparison), from which
`python -m course docs` draws docs/grading.md's table of workers per class.

Budget: the cluster run within 1.5x the local one. Also measured: the CPU time of both runs (the cluster's: the
grader, the scheduler, the workers and their kernels while it ran), whose difference per submission is the cluster
path's overhead; an empty task's round trip through the scheduler; a worker's first check
(course.grader.cluster.readiness); the CPU-seconds per submission of notebooks 01 and 02 graded locally.
"""

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from dask_cluster import cluster, environment  # noqa: E402
from submissions import WRONG_STEP, filled, write  # noqa: E402

from course.instructor import results  # noqa: E402


def load() -> float:
    """The 1-minute load average: the machine is shared, so every figure is printed and stored beside it."""
    return round(os.getloadavg()[0], 1)


class CpuMeter:
    """CPU seconds of process trees, sampled: each process's last reading, kept after it ends. (Resource usage of
    waited-for children misses the kernels: the sandbox's processes are not all reaped through the grader.)"""

    def __init__(self, pids):
        self.pids, self.last, self.done = list(pids), {}, threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _read(self) -> None:
        for pid in self.pids:
            try:
                root = psutil.Process(pid)
                tree = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            for process in tree:
                try:
                    t = process.cpu_times()
                    self.last[process.pid, process.create_time()] = t.user + t.system
                except psutil.NoSuchProcess:
                    pass

    def _sample(self) -> None:
        while not self.done.wait(0.2):
            self._read()

    def __enter__(self):
        self._read()
        self.start = sum(self.last.values())
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._read()
        self.done.set()
        self.thread.join()
        self.seconds = sum(self.last.values()) - self.start


def grade(submissions: Path, out: Path, *extra: str, cluster_pids=()) -> tuple[float, float]:
    """Wall and CPU seconds of one `python -m course grade` (with the cluster's processes, if any, while it ran)."""
    argv = [sys.executable, "-m", "course", "grade", str(submissions), "--out", str(out), "--seed", "1", "--force"]
    start = time.perf_counter()
    process = subprocess.Popen(
        [*argv, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment(), cwd=ROOT
    )
    with CpuMeter([process.pid, *cluster_pids]) as meter:
        _, err = process.communicate()
    assert process.returncode == 0, err.decode()[-2000:]
    return time.perf_counter() - start, meter.seconds


def a_class(folder: Path, notebook: str, n: int) -> Path:
    for i in range(n):
        wrong = {"step": WRONG_STEP} if i % 2 and notebook.startswith("01") else {}
        write(folder, f"learner{i:02d}", notebook, filled(notebook, wrong))
    return folder


def measured(**figures) -> dict:
    return figures | {"date": time.strftime("%Y-%m-%d"), "machine": results.this_machine()}


def main(n: int) -> None:
    from distributed import Client

    from course.grader.cluster import readiness
    from course.grader.run import fingerprint

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ones = a_class(tmp / "01", "01_perceptron.ipynb", n)
        local_load = load()
        wall, cpu = grade(ones, tmp / "local", "--workers", "2")
        print(f"local, --workers 2: {n} x 01 in {wall:.1f} s, {cpu:.1f} CPU-s; load {local_load:.1f}", flush=True)
        local = {"cpu_seconds": round(cpu / n, 2), "submissions": n, "seconds": round(wall, 1), "load": local_load}
        results.record("grading_cpu", "01_perceptron", measured(**local))
        with cluster(tmp / "cluster") as running:
            address = running.scheduler()
            running.worker("w1")
            running.worker("w2")
            running.wait_for({"w1", "w2"})
            with Client(address, set_as_default=False) as client:
                start = time.perf_counter()
                client.run(readiness, fingerprint(), True)
                check = time.perf_counter() - start
                executor, trips = client.get_executor(pure=False), []
                for _ in range(21):
                    start = time.perf_counter()
                    executor.submit(len, b"x").result()
                    trips.append(time.perf_counter() - start)
            trip = sorted(trips)[10]
            print(f"first check of both workers: {check:.1f} s; empty task: {trip * 1000:.0f} ms", flush=True)
            cluster_load = load()
            pids = [p.pid for p in running.processes.values()]
            cluster_wall, cluster_cpu = grade(ones, tmp / "cluster-out", "--scheduler", address, cluster_pids=pids)
        # The overhead in CPU: wall times move with the shared machine's load, CPU time much less.
        overhead = (cluster_cpu - cpu) / n
        print(
            f"Dask, two 1-thread workers: {n} x 01 in {cluster_wall:.1f} s ({cluster_wall / wall:.2f}x local), "
            f"{cluster_cpu:.1f} CPU-s ({overhead:+.2f} CPU-s per submission); load {cluster_load:.1f}",
            flush=True,
        )
        figures = {"submissions": n, "local_seconds": round(wall, 1), "local_load": local_load}
        figures |= {"seconds": round(cluster_wall, 1), "load": cluster_load, "ratio": round(cluster_wall / wall, 2)}
        figures |= {"first_check_seconds": round(check, 1), "round_trip_ms": round(trip * 1000, 1)}
        figures |= {"local_cpu_seconds": round(cpu, 1), "cpu_seconds": round(cluster_cpu, 1)}
        figures |= {"overhead_cpu_seconds_per_submission": round(overhead, 2)}
        results.record("cluster", "01_perceptron", measured(**figures))

        twos = a_class(tmp / "02", "02_backprop.ipynb", 2)
        local_load = load()
        wall, cpu = grade(twos, tmp / "local-02", "--workers", "2")
        print(f"local, --workers 2: 2 x 02 in {wall:.1f} s, {cpu:.1f} CPU-s; load {local_load:.1f}", flush=True)
        figures = {"cpu_seconds": round(cpu / 2, 1), "submissions": 2, "seconds": round(wall, 1), "load": local_load}
        results.record("grading_cpu", "02_backprop", measured(**figures))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
