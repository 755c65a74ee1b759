"""The data a sandboxed kernel sees: the course's data folder without the test labels trained models are scored on.

Every entry of the data folder is bound read-only into the sandbox except those in `data.TEST_LABELS`; the test
photos' pixels (whose labels are their folder names) are handed out as one unlabelled array instead.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from course import data


def _entries(folder: Path, relative: str = ""):
    for entry in sorted(folder.iterdir()):
        name = f"{relative}{entry.name}"
        if any(name == w.rstrip("/") for w in data.TEST_LABELS):
            continue
        if entry.is_dir() and any(w.startswith(name + "/") for w in data.TEST_LABELS):
            yield from _entries(entry, name + "/")
        else:
            yield entry, name


@functools.cache
def _test_photos(stage: Path) -> Path | None:
    """The test photos as one array of pixels in `stage`, or None where the photos are not on this machine."""
    from course.data import photos

    target = stage / data.TEST_PHOTOS
    try:
        x = np.stack([photos.read_photo(p) for p, _ in photos.photo_files("test")])
    except (OSError, data.DataNotFound, ValueError):
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    np.save(target, x, allow_pickle=False)
    return target


def binds(stage: Path, destination: str, *, photos: bool) -> list[tuple[str, str]]:
    """(source, destination) pairs to bind read-only; `photos`: also the unlabelled test photos (notebook 05)."""
    source = data.data_dir() or data.cache_dir()
    if not source.is_dir():
        return []
    pairs = [(str(entry), f"{destination}/{name}") for entry, name in _entries(source)]
    staged = _test_photos(stage) if photos else None
    if staged is not None:
        pairs.append((str(staged), f"{destination}/{data.TEST_PHOTOS}"))
    return pairs
