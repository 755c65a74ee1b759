"""Start a submission's IPython kernel under limits: `python -m course.grader.launch [LIMITS] -f CONNECTION_FILE`.

The grader starts every kernel through this module, inside the sandbox (course.grader.sandbox). Before any
submitted code runs it: copies the connection file where the kernel's own user can read it, drops root to a user
of its own (`--uid`), caps memory, processes, file size and core dumps (limits bind the kernel and everything it
starts), and makes `course.reference(...)` return the grader's stand-in (course.grader.standin).
"""

from __future__ import annotations

import os
import resource
import shutil
import sys

LIMITS = ("--memory-mb", "--nproc", "--fsize-mb", "--uid")


def limit(memory_mb: int, nproc: int = 0, fsize_mb: int = 0) -> None:
    """Cap the address space (an out-of-memory submission dies alone), processes, file size; no core dumps."""
    memory = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if nproc:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    if fsize_mb:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize_mb * 2**20, fsize_mb * 2**20))


def drop_root(uid: int) -> None:
    """As root: become `uid`, a user of the sandbox's own (root ignores the process limit and reads every file)."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def readable_copy(connection_file: str, uid: int) -> str:
    """The kernel's connection file, copied where `uid` can read it (the grader wrote it for itself)."""
    readable = f"/tmp/kernel-{os.getpid()}.json"
    shutil.copyfile(connection_file, readable)
    os.chown(readable, uid, uid)
    os.chmod(readable, 0o600)
    return readable


def main(argv: list[str]) -> None:
    values = {name: int(argv[argv.index(name) + 1]) for name in LIMITS if name in argv}
    rest = [a for i, a in enumerate(argv) if a not in LIMITS and (i == 0 or argv[i - 1] not in LIMITS)]
    if values.get("--uid") and os.geteuid() == 0:
        f = rest.index("-f") + 1
        rest[f] = readable_copy(rest[f], values["--uid"])
        drop_root(values["--uid"])
    limit(values.get("--memory-mb", 4096), values.get("--nproc", 0), values.get("--fsize-mb", 0))
    if os.environ.get("COURSE_REFERENCE_SOCKET"):
        from course.grader import standin
        from course.grading import engine

        engine.REFERENCE_STAND_IN = standin.stand_in
    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv=rest)


if __name__ == "__main__":
    main(sys.argv[1:])
