"""Fetch a file from its official home with a progress bar, and check its SHA-256 before keeping it."""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from pathlib import Path


class ChecksumError(Exception):
    """A file's SHA-256 is not the one the course expects."""


def sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def fetch(
    url: str,
    target: Path,
    expected_sha256: str | None,
    *,
    size: int | None = None,
    progress: bool = True,
    timeout: float = 30,
) -> Path:
    """Download `url` to `target` atomically; raise ChecksumError if its hash (or size) is wrong."""
    from tqdm.auto import tqdm

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, os.fdopen(fd, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=target.name, disable=not progress) as bar:
                while block := response.read(1 << 16):
                    out.write(block)
                    bar.update(len(block))
        if expected_sha256 is not None and (got := sha256(Path(partial))) != expected_sha256:
            raise ChecksumError(
                f"{url} has SHA-256 {got}, expected {expected_sha256}: the download is corrupt or changed."
            )
        if size is not None and (got := os.path.getsize(partial)) != size:
            raise ChecksumError(f"{url} has {got} bytes, expected {size}: the download is corrupt or changed.")
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return target
