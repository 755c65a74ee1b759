"""The folder a kernel shares with the grader (its sockets, the agent's requests, replies and model files).

The kernel writes there, so the grader reads only plain files, never through a link, never from a FIFO, and checks
how much the kernel left.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def size(folder: Path) -> int:
    """Bytes of the plain files under `folder` (links and FIFOs not followed)."""
    return sum(f.lstat().st_size for f in folder.rglob("*") if stat.S_ISREG(f.lstat().st_mode))


def read_plain_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file the kernel wrote: never through a link, never a FIFO, at most `limit` bytes."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            raise ValueError(f"{path.name} is not a plain file within {limit} bytes")
        with os.fdopen(os.dup(fd), "rb") as f:
            return f.read(limit + 1)[:limit]
    finally:
        os.close(fd)
