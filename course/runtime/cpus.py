"""How many CPU cores this process may really use, and TensorFlow's thread pools sized to match.

`os.cpu_count()` counts the host's cores, not what a container's CPU quota (cgroup `cpu.max`) or
the process's affinity allows; TensorFlow sizes its thread pools from the host count, so on a
JupyterHub pod with a 2-CPU limit on a 64-core node it would start dozens of busy threads that
the quota then throttles. `import course` caps them through environment variables
(`limit_threads`); `use_cpus(n)` sets them explicitly before the first TensorFlow operation.

TensorFlow's oneDNN kernels are on by default only on CPUs with AVX-512-class features; on the
AVX2 CPUs of most laptops and of this course's 2-core test machine they are off, and convolution
training runs about half as fast (one epoch of the LeNet-style network of notebook 04 on 10,000
images: 10.7 s without, 5.6 s with, measured here). `import course` turns them on (`use_onednn`).
"""

from __future__ import annotations

import os
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")


def _own_paths(proc_cgroup: Path) -> tuple[str, str]:
    """This process's cgroup v2 path and v1 `cpu` controller path, from /proc/self/cgroup ("/" when unknown)."""
    v2 = v1 = "/"
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        return v2, v1
    for line in lines:
        hierarchy, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        if hierarchy == "0" and controllers == "":
            v2 = path or "/"
        elif "cpu" in controllers.split(","):
            v1 = path or "/"
    return v2, v1


def _along(root: Path, path: str):
    """`root/path`, then each parent folder up to `root`: a quota set on any of them binds the process."""
    folder = root / path.strip("/")
    while True:
        yield folder
        if folder == root or root not in folder.parents:
            return
        folder = folder.parent


def _v2_quota(folder: Path) -> float | None:
    quota, period = (folder / "cpu.max").read_text().split()[:2]
    return None if quota == "max" else int(quota) / int(period)


def _v1_quota(folder: Path) -> float | None:
    quota = int((folder / "cpu.cfs_quota_us").read_text())
    period = int((folder / "cpu.cfs_period_us").read_text())
    return None if quota <= 0 else quota / period


def cgroup_quota(root: Path = CGROUP, proc_cgroup: Path = Path("/proc/self/cgroup")) -> float | None:
    """The CPU quota in cores, or None when unlimited: the smallest cgroup v2 `cpu.max` (or v1 `cpu.cfs_quota_us`)
    on the path from this process's own cgroup up to the root, as a systemd unit (The Littlest JupyterHub's
    `jupyter-<user>.service`) or a container nests it; a quota on the root alone is read too."""
    v2, v1 = _own_paths(proc_cgroup)
    quotas = []
    for candidates, read in (
        (_along(root, v2), _v2_quota),
        ([*_along(root / "cpu", v1), *_along(root / "cpu,cpuacct", v1)], _v1_quota),
    ):
        for folder in candidates:
            try:
                quotas.append(read(folder))
            except (OSError, ValueError, IndexError):
                continue
    quotas = [q for q in quotas if q is not None]
    return min(quotas) if quotas else None


def available(root: Path = CGROUP) -> int:
    """Cores this process can use: the smallest of the affinity mask, the cgroup quota and os.cpu_count()."""
    counts = [os.cpu_count() or 1]
    if hasattr(os, "sched_getaffinity"):
        counts.append(len(os.sched_getaffinity(0)))
    quota = cgroup_quota(root)
    if quota is not None:
        counts.append(max(1, int(quota + 0.5)))
    return max(1, min(counts))


def limit_threads(environ=os.environ) -> int | None:
    """When fewer cores are available than os.cpu_count() says, cap TensorFlow's and OpenMP's threads to them.

    `import course` calls this: TensorFlow reads TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS
    when it runs its first operation, so it works even when keras was imported first. Values
    already set are kept; returns the cap, or None where nothing needed capping (a laptop).
    """
    n = available()
    if n >= (os.cpu_count() or 1):
        return None
    for name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"):
        environ.setdefault(name, str(n))
    return n


def use_onednn(environ=os.environ) -> bool:
    """Ask TensorFlow for its oneDNN kernels unless TF_ENABLE_ONEDNN_OPTS is already set; True when set here.

    TensorFlow reads the variable when it loads, so `import course` must come before
    `import tensorflow` (every notebook's Setup imports course first); `TF_ENABLE_ONEDNN_OPTS=0`
    in the environment keeps the old kernels.
    """
    if "TF_ENABLE_ONEDNN_OPTS" in environ:
        return False
    environ["TF_ENABLE_ONEDNN_OPTS"] = "1"
    return True


def use_cpus(n: int | None = None) -> int:
    """Size TensorFlow's thread pools to `n` cores (default: `available()`); returns n.

    n threads to split each operation and n to run independent operations: TensorFlow's own
    choice on a laptop, where n is the core count, but bounded by a container's CPU quota, where
    TensorFlow would count the node's cores. Must run before TensorFlow executes its first
    operation; later it changes nothing and says so.
    """
    n = n or available()
    os.environ.setdefault("OMP_NUM_THREADS", str(n))
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(n)
        tf.config.threading.set_inter_op_parallelism_threads(n)
    except RuntimeError:  # TensorFlow's runtime already started with its own pools
        print("course.use_cpus(): TensorFlow has already started; call it in Setup before any TensorFlow code.")
    return n
