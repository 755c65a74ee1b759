"""Offline-first data: find each file in COURSE_DATA_DIR, then the user cache, then download it.

Every file is checked against the SHA-256 in `course/data/SHA256SUMS` (the hashes of the course's
verified copies) before it is used, except the official MobileNetV2 weights file, whose hash is not published and
differs from the verified copy's: a download of it is accepted by its exact size. Set COURSE_OFFLINE=1 to forbid downloads.
"""

from __future__ import annotations

import gzip
import os
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from course.data.download import ChecksumError, fetch, sha256

IDX = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
MOBILENET = "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5"
# The verified copy of these weights is not byte-identical to the official file, whose hash is
# not published; a download of it is checked by its size instead.
OFFICIAL_SIZE = {MOBILENET: 2_019_640}


# What the grader's sandbox withholds: the test labels the trained models are scored on (loaders give None instead).
TEST_LABELS = ("mnist/t10k-labels-idx1-ubyte.gz", "hymenoptera_data/val/")
TEST_PHOTOS = "withheld/hymenoptera_test_x.npy"  # the test photos' pixels, which the grader hands out without labels


def labels_withheld() -> bool:
    """Whether this process runs in the grader's sandbox, where the test labels are not there to read."""
    return os.environ.get("COURSE_TEST_LABELS") == "withheld"


def withheld(name: str) -> bool:
    return labels_withheld() and name.startswith(TEST_LABELS)


class DataNotFound(FileNotFoundError):
    """A data file is neither on this machine nor downloadable now."""


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    home: str  # a folder URL (ends in /), a file URL, or a .zip holding the files
    prefix: str  # folder of the files inside the data directory


DATASETS = {
    d.name: d
    for d in (
        Dataset(
            "mnist",
            "MNIST handwritten digits (IDX files)",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "mnist/",
        ),
        Dataset(
            "mobilenet_v2",
            "MobileNetV2 0.35 ImageNet weights, no top",
            "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/",
            "mobilenet_v2/",
        ),
        Dataset(
            "hymenoptera",
            "ants vs bees photos",
            "https://download.pytorch.org/tutorial/hymenoptera_data.zip",
            "hymenoptera_data/",
        ),
        Dataset(
            "shakespeare",
            "tiny Shakespeare text",
            "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
            "text/",
        ),
        Dataset(
            "sunspots",
            "monthly sunspot numbers 1749-2018",
            "https://storage.googleapis.com/tensorflow-1-public/course4/Sunspots.csv",
            "timeseries/",
        ),
    )
}


@cache
def checksums() -> dict[str, str]:
    """Relative path -> SHA-256 of every verified file."""
    lines = (Path(__file__).parent / "SHA256SUMS").read_text().splitlines()
    return {name.removeprefix("./"): digest for digest, name in (line.split(maxsplit=1) for line in lines if line)}


def files(dataset: str) -> list[str]:
    prefix = DATASETS[dataset].prefix
    return sorted(f for f in checksums() if f.startswith(prefix))


def data_dir() -> Path | None:
    return Path(os.environ["COURSE_DATA_DIR"]).expanduser().resolve() if os.environ.get("COURSE_DATA_DIR") else None


def cache_dir() -> Path:
    if os.environ.get("COURSE_CACHE_DIR"):
        return Path(os.environ["COURSE_CACHE_DIR"]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "course-data"


_verified: dict[tuple, bool] = {}


def is_verified(path: Path, name: str) -> bool:
    """Whether the file at `path` is the course's file `name` (hash checked once per version of the file)."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _verified:
        _verified[key] = stat.st_size == OFFICIAL_SIZE.get(name) or sha256(path) == checksums()[name]
    return _verified[key]


def path(name: str, *, download: bool | None = None) -> Path:
    """The local path of data file `name` (e.g. 'mnist/t10k-labels-idx1-ubyte.gz'), downloading it if needed."""
    if name not in checksums():
        raise KeyError(f"{name!r} is not a file of the course's data")
    places = [d for d in (data_dir(), cache_dir()) if d is not None]
    for folder in places:
        candidate = folder / name
        if candidate.is_file():
            if not is_verified(candidate, name):
                raise ChecksumError(
                    f"{candidate} is not the verified file (its SHA-256 differs): delete or replace it."
                )
            return candidate
    dataset = next(d for d in DATASETS.values() if name.startswith(d.prefix))
    if download is None:
        download = os.environ.get("COURSE_OFFLINE", "") in ("", "0")
    reason = "downloads are off (COURSE_OFFLINE is set)"
    if download:
        try:
            _download(dataset)
            return path(name, download=False)
        except OSError as e:  # no network, HTTP error, disk full
            reason = f"downloading it from {dataset.home} failed ({e})"
    looked = ", ".join(str(p) for p in places) + ("" if data_dir() else " (COURSE_DATA_DIR is not set)")
    raise DataNotFound(
        f"The course's file {name} ({dataset.description}) is missing. Looked in {looked}; {reason}. "
        "Fix: run `python -m course data download` while online, or set COURSE_DATA_DIR to a folder "
        "that holds the course's data (such as a copy handed out at the workshop)."
    )


def _download(dataset: Dataset) -> None:
    """Fetch a dataset's files into the cache, hash-checked."""
    target = cache_dir()
    if dataset.home.endswith(".zip"):
        archive = fetch(dataset.home, target / f"{dataset.name}.zip", None)
        with zipfile.ZipFile(archive) as z:
            z.extractall(target)
        archive.unlink()
        bad = [f for f in files(dataset.name) if not (target / f).is_file() or not is_verified(target / f, f)]
        if bad:
            raise ChecksumError(f"{len(bad)} files of {dataset.home} are missing or differ, e.g. {bad[0]}")
        return
    for name in files(dataset.name):
        url = dataset.home + Path(name).name if dataset.home.endswith("/") else dataset.home
        known = name in OFFICIAL_SIZE
        fetch(url, target / name, None if known else checksums()[name], size=OFFICIAL_SIZE.get(name))


def read_idx(file: Path) -> np.ndarray:
    """Parse an IDX file (gzipped or not): the format of MNIST."""
    opener = gzip.open if str(file).endswith(".gz") else open
    with opener(file, "rb") as f:
        raw = f.read()
    zero, dtype_code, ndim = raw[0] * 256 + raw[1], raw[2], raw[3]
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{file} is not an IDX file of unsigned bytes")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _load_idx_set(dataset: str, test: bool = True):
    names = [f"{DATASETS[dataset].prefix}{f}" for f in IDX]
    read = [True, True, test, test]
    x_train, y_train, x_test, y_test = (
        read_idx(path(name)) if wanted and not withheld(name) else None
        for name, wanted in zip(names, read, strict=True)
    )
    return (x_train, y_train), (x_test, y_test)


def load_mnist(*, test: bool = True):
    """MNIST as `(x_train, y_train), (x_test, y_test)`: uint8 images (n, 28, 28) and labels, as Keras gives them.

    In the grader's sandbox `y_test` is None: the grader keeps the labels it scores trained models on. With
    `test=False` the test files are not read at all and both test arrays are None.
    """
    return _load_idx_set("mnist", test)


def mobilenet_v2_weights() -> Path:
    """Path of the MobileNetV2 (alpha 0.35, 224x224, no top) ImageNet weights for `keras.applications`."""
    return path(MOBILENET)


def hymenoptera_dir() -> Path:
    """Folder holding `train/{ants,bees}` and `val/{ants,bees}` photos (every file checked)."""
    paths = [path(f) for f in files("hymenoptera") if not withheld(f)]
    return paths[0].parents[2]


def load_shakespeare() -> str:
    """The tiny-Shakespeare corpus, 1,115,394 characters."""
    return path("text/tinyshakespeare.txt").read_text(encoding="utf-8")


def load_sunspots():
    """Monthly mean total sunspot numbers: `(months, values)` as datetime64[M] and float arrays."""
    rows = path("timeseries/Sunspots.csv").read_text().splitlines()[1:]
    fields = [row.split(",") for row in rows if row]
    months = np.array([f[1][:7] for f in fields], dtype="datetime64[M]")
    return months, np.array([float(f[2]) for f in fields])


SAMPLE_PHOTOS = ("china", "flower", "astronaut", "camera", "coffee", "chelsea", "coins")


def load_sample_photo(name: str) -> np.ndarray:
    """A real photo shipped with scikit-learn (china, flower) or scikit-image (astronaut, camera, ...)."""
    if name in ("china", "flower"):
        from sklearn.datasets import load_sample_image

        return load_sample_image(f"{name}.jpg")
    if name in SAMPLE_PHOTOS:
        import skimage.data

        return getattr(skimage.data, name)()
    raise ValueError(f"unknown photo {name!r}; choose one of {', '.join(SAMPLE_PHOTOS)}")
