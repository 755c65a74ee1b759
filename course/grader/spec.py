"""How a submission's kernel is started: its kernelspec and the environment it gets, with or without the sandbox."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from course.grader import sandbox, withheld

MEMORY_MB = 4096  # address space of one kernel; TensorFlow and notebook 04 fit in 3 GiB
NPROC = 512  # processes and threads of one kernel's own user
FSIZE_MB = 256  # the largest file a kernel may write


def kernelspec(
    *, sandboxed: bool, threads: int, notebook: str, root: Path, shared: Path, references: str, uid: int
) -> dict:
    """argv and env of the kernel: `course.grader.launch` under limits, in the sandbox unless `sandboxed` is False."""
    launch = [sys.executable, "-m", "course.grader.launch", "--memory-mb", str(MEMORY_MB)]
    extra = {"COURSE_REFERENCE_SOCKET": references}
    if not sandboxed:
        return {"argv": [*launch, "-f", "{connection_file}"], "env": extra}
    launch += ["--nproc", str(NPROC), "--fsize-mb", str(FSIZE_MB), "--uid", str(uid), "-f", "{connection_file}"]
    env = sandbox.environment(threads=threads, notebook=notebook, extra=extra)
    binds = withheld.binds(root, sandbox.DATA, photos=notebook.startswith("05"))
    return {"argv": sandbox.command(launch, shared=shared, binds=binds, env=env), "env": {}}


def environment(*, sandboxed: bool, notebook: str, threads: int = 1) -> dict:
    """The environment the kernel's process is started with (in the sandbox, bwrap replaces it by the allowlist)."""
    if sandboxed:
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="agg", JPY_SESSION_NAME=notebook)
    for name in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):  # its share of the CPUs
        env[name] = str(threads)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    if env.get("COURSE_DATA_DIR"):
        env["COURSE_DATA_DIR"] = os.path.abspath(env["COURSE_DATA_DIR"])
    return env
