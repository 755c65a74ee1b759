"""Start an IPython kernel under limits: `python -m course.grader.launch --memory-mb N -f CONNECTION_FILE`.

The grader starts every submission's kernel through this module (behind `unshare -rn` where the OS allows
it, so the kernel has no network). Limits set here bind the kernel and everything it starts.
"""

from __future__ import annotations

import resource
import sys


def limit(memory_mb: int) -> None:
    """Cap the address space (an out-of-memory submission dies alone) and forbid core dumps."""
    memory = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str]) -> None:
    memory_mb = int(argv[argv.index("--memory-mb") + 1])
    rest = [a for i, a in enumerate(argv) if a != "--memory-mb" and (i == 0 or argv[i - 1] != "--memory-mb")]
    limit(memory_mb)
    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv=rest)


if __name__ == "__main__":
    main(sys.argv[1:])
