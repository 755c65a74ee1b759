"""The cluster path against the local pool: 20 submissions of notebook 01 graded with `--workers 2`, then through a
local Dask scheduler with two single-threaded workers (`dask scheduler` / `dask worker`, 127.0.0.1).

    python benchmarks/cluster.py [N]     # N submissions (default 20); prints wall times, CPU and the load

and records them in docs/results.json ("grading": CPU-seconds per submission; "cluster": the comparison), from which
`python -m course docs` draws docs/grading.md's table of workers per class.

Budget: the cluster run within 1.5x the local one. Also measured: the CPU time of both runs (the cluster's: the
grader, the scheduler, the workers and their kernels while it ran), whose difference per submission is the cluster
path's overhead; an empty task's round trip through the scheduler; a worker's first check
(course.grader.cluster.readiness); the CPU-seconds per submission of notebooks 01 and 02 graded locally.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from dask_cluster import cluster, environment  # noqa: E402
from submissions import WRONG_STEP, filled, write  # noqa: E402

from course.instructor import results  # noqa: E402


def load() -> float:
    """The 1-minute load average: the machine is shared, so every figure is printed and stored beside it."""
    return round(os.getloadavg()[0], 1)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tree_cpu(pids) -> float:
    """CPU seconds used so far by these processes and all their descendants, living or reaped."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            for process in [root, *root.children(recursive=True)]:
                t = process.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return total


def grade(submissions: Path, out: Path, *extra: str) -> tuple[float, float]:
    """Wall and CPU seconds (this command and every process it waited for) of one `python -m course grade`."""
    argv = [sys.executable, "-m", "course", "grade", str(submissions), "--out", str(out), "--seed", "1", "--force"]
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run([*argv, *extra], check=True, capture_output=True, env=environment(), cwd=ROOT)
    return time.perf_counter() - start, children_cpu() - cpu


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
        results.record("grading", "01_perceptron", measured(**local))
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
            before = tree_cpu(pids)
            cluster_wall, grader_cpu = grade(ones, tmp / "cluster-out", "--scheduler", address)
            cluster_cpu = grader_cpu + tree_cpu(pids) - before
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
        results.record("grading", "02_backprop", measured(**figures))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
