"""Data loaders: search order, hash checks, downloads (from local file:// URLs) and the real offline data."""

import gzip
import hashlib
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from course import data
from course.__main__ import main
from course.data.download import ChecksumError

SHARED = Path(os.environ["COURSE_DATA_DIR"]) if os.environ.get("COURSE_DATA_DIR") else None
needs_data = pytest.mark.skipif(SHARED is None or not SHARED.is_dir(), reason="COURSE_DATA_DIR is not set")


def write_idx(path: Path, array: np.ndarray, compress=True):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    raw = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(raw) if compress else raw)


@pytest.mark.parametrize("compress", [True, False])
def test_read_idx(tmp_path, compress):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "x.gz" if compress else tmp_path / "x", images, compress)
    assert np.array_equal(data.read_idx(tmp_path / ("x.gz" if compress else "x")), images)


def test_read_idx_rejects_other_files(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x00\x00\x0d\x01" + bytes(8))
    with pytest.raises(ValueError, match="not an IDX file"):
        data.read_idx(tmp_path / "bad")


def test_checksums_cover_every_dataset():
    for name in data.DATASETS:
        assert data.files(name), name
    assert len(data.files("mnist")) == 4 and len(data.files("hymenoptera")) == 398


@needs_data
def test_package_checksums_match_the_verified_copies():
    """The course's list is the verified copies' list, less what no notebook uses (Fashion-MNIST)."""
    ours = (Path(data.__file__).parent / "SHA256SUMS").read_text().splitlines()
    verified = (SHARED / "SHA256SUMS").read_text().splitlines()
    assert ours == [line for line in verified if "/fashion-mnist/" not in line]
    assert {f.split("/")[0] + "/" for f in data.checksums()} == {d.prefix for d in data.DATASETS.values()}


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A one-file dataset 'toy' whose official home is a local folder (file:// URL)."""
    home = tmp_path / "home"
    home.mkdir()
    content = b"hello course\n"
    (home / "a.txt").write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()
    monkeypatch.setattr(data, "checksums", lambda: {"toy/a.txt": digest})
    monkeypatch.setitem(data.DATASETS, "toy", data.Dataset("toy", "a toy set", home.as_uri() + "/", "toy/"))
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    data._verified.clear()
    return tmp_path, content


def test_found_in_course_data_dir_first(fake, monkeypatch):
    tmp, content = fake
    for folder in ("shared/toy", "cache/toy"):
        (tmp / folder).mkdir(parents=True)
        (tmp / folder / "a.txt").write_bytes(content)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp / "shared"))
    assert data.path("toy/a.txt") == tmp / "shared/toy/a.txt"
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert data.path("toy/a.txt") == tmp / "cache/toy/a.txt"


def test_a_corrupt_copy_is_refused(fake, monkeypatch):
    tmp, _ = fake
    (tmp / "shared/toy").mkdir(parents=True)
    (tmp / "shared/toy/a.txt").write_bytes(b"tampered")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp / "shared"))
    with pytest.raises(ChecksumError, match="not the verified file"):
        data.path("toy/a.txt")


def test_offline_and_missing_gives_one_clear_error(fake, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(data.DataNotFound) as info:
        data.path("toy/a.txt")
    message = str(info.value)
    assert "toy/a.txt (a toy set) is missing" in message
    assert "python -m course data download" in message and "COURSE_DATA_DIR" in message


def test_download_into_the_cache_with_the_hash_checked(fake, monkeypatch):
    tmp, content = fake
    monkeypatch.setenv("COURSE_OFFLINE", "0")
    got = data.path("toy/a.txt")
    assert got == tmp / "cache/toy/a.txt" and got.read_bytes() == content


def test_a_download_with_the_wrong_hash_is_not_kept(fake, monkeypatch):
    tmp, _ = fake
    (tmp / "home/a.txt").write_bytes(b"changed upstream")
    with pytest.raises(ChecksumError, match="expected"):
        data.path("toy/a.txt", download=True)
    assert not list((tmp / "cache").rglob("*a.txt*"))


def test_unreachable_home_is_reported(fake, monkeypatch):
    monkeypatch.setitem(data.DATASETS, "toy", data.Dataset("toy", "a toy set", "file:///nowhere/at/all/", "toy/"))
    with pytest.raises(data.DataNotFound, match="downloading it from file:///nowhere/at/all/ failed"):
        data.path("toy/a.txt", download=True)


def test_zip_archives_are_extracted_and_each_file_checked(fake, monkeypatch):
    tmp, content = fake
    with zipfile.ZipFile(tmp / "toy.zip", "w") as z:
        z.writestr("toy/a.txt", content)
    monkeypatch.setitem(data.DATASETS, "toy", data.Dataset("toy", "a toy set", (tmp / "toy.zip").as_uri(), "toy/"))
    assert data.path("toy/a.txt", download=True).read_bytes() == content
    assert not (tmp / "cache/toy.zip").exists()


@needs_data
def test_mnist_from_the_idx_files():
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.shape == (60000,) and set(np.unique(y_test)) == set(range(10))
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9]


@needs_data
def test_the_other_datasets():
    assert len(data.load_shakespeare()) == 1_115_394
    months, values = data.load_sunspots()
    assert len(values) == 3235 and str(months[0]) == "1749-01" and str(months[-1]) == "2018-07"
    assert data.mobilenet_v2_weights().stat().st_size > 1_000_000
    root = data.hymenoptera_dir()
    counts = [len(list((root / part / kind).iterdir())) for part in ("train", "val") for kind in ("ants", "bees")]
    assert counts == [124, 121, 70, 83]


def test_sample_photos_ship_with_the_packages():
    assert data.load_sample_photo("china").shape == (427, 640, 3)
    assert data.load_sample_photo("camera").shape == (512, 512)
    with pytest.raises(ValueError, match="unknown photo"):
        data.load_sample_photo("mona_lisa")


@needs_data
def test_data_status_command(capsys):
    assert main(["data", "status", "mnist", "sunspots"]) == 0
    assert "mnist" in capsys.readouterr().out
    assert main(["data", "status", "imagenet"]) == 2


def test_data_status_reports_missing(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    assert main(["data", "status", "sunspots"]) == 1
    assert "MISSING" in capsys.readouterr().out
