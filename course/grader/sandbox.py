"""The sandbox every submission runs in: bubblewrap (`bwrap`) with its own PID, mount, IPC, UTS and network namespaces.

Inside, the system and Python are read-only; home, `/tmp` and the working folder are private, empty, size-capped
tmpfs thrown away with the sandbox; the course package is visible read-only without `course/references/`; the data
folder without the test labels the trained models are scored on; the environment is an allowlist (none of the
grader's variables). The one folder shared with the grader (the kernel's sockets, the agent's requests and
replies) is bound at its own path and checked for size after every step. `course.grader.launch` then drops root, caps processes, file
size and memory before the kernel starts.

Why bubblewrap: it is what Flatpak builds on, needs no daemon and no root (setuid or user namespaces), and makes
every namespace in one call; a container per submission (otter-grader, Gradescope) costs seconds per start, the
sandbox about 0.1 s.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]  # the course package
HIDDEN = ("references",)  # folders of the package a kernel never sees
TMPFS_BYTES = 512 * 2**20  # each of home, /tmp and the working folder
HOME, WORK, DATA, SITE = "/home/learner", "/submission", "/data", "/opt/course"
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/etc")


@functools.cache
def problem() -> str | None:
    """None when a sandbox can be made here, else one line naming what is missing."""
    if not sys.platform.startswith("linux"):
        return f"the sandbox needs Linux (this is {sys.platform}): run the grader in a Linux container or VM"
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    probe = subprocess.run(
        ["bwrap", *_namespaces(), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        reason = (probe.stderr.strip().splitlines() or ["no reason given"])[-1]
        return f"bubblewrap cannot create namespaces here ({reason}); allow unprivileged user namespaces or run as root"
    return None


def _namespaces() -> list[str]:
    ns = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if os.geteuid() != 0:
        ns.append("--unshare-user")
    return ns


def _python_roots() -> list[str]:
    """Folders the interpreter and its packages live in (a virtual environment and its base Python)."""
    roots = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    roots.add(os.path.realpath(os.path.dirname(sys.executable)))
    return sorted(r for r in roots if r not in ("/usr", "/") and not r.startswith("/usr/"))


def environment(*, threads: int, notebook: str, extra: dict | None = None) -> dict:
    """The whole environment of a sandboxed process: an allowlist, never the grader's variables."""
    env = {
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
        "HOME": HOME,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONPATH": SITE,
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "COURSE_DATA_DIR": DATA,
        "COURSE_OFFLINE": "1",
        "COURSE_TEST_LABELS": "withheld",
        "MPLBACKEND": "agg",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "JPY_SESSION_NAME": notebook,
        "OMP_NUM_THREADS": str(threads),
        "TF_NUM_INTRAOP_THREADS": str(threads),
        "TF_NUM_INTEROP_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
    }
    return env | (extra or {})


def command(
    argv: list[str], *, shared: Path, binds: list, env: dict, package: Path = PACKAGE, hidden: tuple = HIDDEN
) -> list[str]:
    """`argv` wrapped in bwrap: see the module's docstring for what the process sees."""
    cmd = ["bwrap", *_namespaces(), "--die-with-parent", "--new-session", "--hostname", "grader", "--clearenv"]
    for path in SYSTEM:
        if os.path.exists(path):
            cmd += ["--ro-bind", path, path]
    cmd += ["--proc", "/proc", "--dev", "/dev"]
    for folder in ("/tmp", HOME, WORK):
        cmd += _parents(folder) + ["--perms", "1777", "--size", str(TMPFS_BYTES), "--tmpfs", folder]
    mounts = [("--ro-bind", root, root) for root in _python_roots()]
    mounts.append(("--ro-bind", str(package), f"{SITE}/course"))
    mounts += [("--ro-bind", source, destination) for source, destination in binds]  # the data (withheld.binds)
    mounts.append(("--bind", str(shared), str(shared)))  # the same path inside: sockets and files named alike
    made: set[str] = set()
    for kind, source, destination in mounts:
        cmd += _parents(destination, made) + [kind, source, destination]
    installed = any(package.is_relative_to(root) for root in _python_roots())  # pip-installed: visible there too
    for folder in hidden:
        cmd += ["--perms", "0555", "--tmpfs", f"{SITE}/course/{folder}"]
        cmd += ["--perms", "0555", "--tmpfs", str(package / folder)] if installed else []
    cmd += ["--chdir", WORK]
    for name, value in env.items():
        cmd += ["--setenv", name, value]
    return [*cmd, "--", *argv]


def _parents(path: str, made: set | None = None) -> list[str]:
    """Folders above `path` made world-readable (bwrap would make them root's only, and the kernel drops root)."""
    made = set() if made is None else made
    args = []
    for parent in reversed(Path(path).parents):
        name = str(parent)
        if name == "/" or name in made or any(name == s or name.startswith(s + "/") for s in SYSTEM):
            continue
        made.add(name)
        args += ["--perms", "0755", "--dir", name]
    return args
