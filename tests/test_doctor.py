"""course doctor: each line is a ✓ or a ✗ that says what to do."""

import hashlib

from course import data
from course.instructor import doctor


def test_versions_compare_as_numbers_and_an_old_one_fails():
    assert doctor.check_version("keras", "3.15.1", "3.3").ok
    old = doctor.check_version("keras", "3.2.0", "3.3")
    assert not old.ok and "older" in old.text and "pip install" in str(old) and str(old).startswith("✗")
    assert not doctor.check_version("tensorflow", None, "2.16").ok


def test_minimums_come_from_pyproject():
    needed = doctor.minimums()
    assert needed["python"] == "3.11" and needed["tensorflow"] == "2.16" and needed["jupyterlab"] == "4.2"


def test_versions_lists_python_and_the_four_libraries():
    lines = doctor.versions()
    assert [line.text.split()[0] for line in lines] == ["Python", "tensorflow", "keras", "ipywidgets", "jupyterlab"]


def _one_file_dataset(tmp_path, monkeypatch, content: bytes):
    monkeypatch.setattr(data, "checksums", lambda: {"timeseries/Sunspots.csv": hashlib.sha256(b"month,n").hexdigest()})
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    if content is not None:
        (tmp_path / "data" / "timeseries").mkdir(parents=True)
        (tmp_path / "data" / "timeseries" / "Sunspots.csv").write_bytes(content)


def test_a_missing_dataset_is_a_cross_with_the_fetch_command(tmp_path, monkeypatch):
    _one_file_dataset(tmp_path, monkeypatch, None)
    line = doctor.check_dataset("sunspots")
    assert not line.ok and "missing" in line.text and "python -m course data download sunspots" in line.text


def test_a_found_dataset_says_where(tmp_path, monkeypatch):
    _one_file_dataset(tmp_path, monkeypatch, b"month,n")
    line = doctor.check_dataset("sunspots")
    assert line.ok and str(tmp_path / "data" / "timeseries") in line.text


def test_a_damaged_dataset_is_a_cross(tmp_path, monkeypatch):
    _one_file_dataset(tmp_path, monkeypatch, b"damaged")
    line = doctor.check_dataset("sunspots")
    assert not line.ok and "differs" in line.text and "data download sunspots" in line.text


def test_exit_status_is_1_when_any_line_fails(monkeypatch):
    printed = []
    monkeypatch.setattr(doctor, "kernel_checks", lambda timeout: [doctor.Line(True, "a Jupyter kernel starts")])
    monkeypatch.setattr(doctor, "check_dataset", lambda name: doctor.Line(True, f"data {name}"))
    assert doctor.run(printed.append) == 0 and printed[-1] == "The course is ready to run here."
    monkeypatch.setattr(doctor, "check_dataset", lambda name: doctor.Line(name != "mnist", f"data {name}"))
    printed.clear()
    assert doctor.run(printed.append) == 1 and "✗ data mnist" in printed


def test_the_prediction_scales_with_the_benchmark():
    low, high = doctor.predict(0.05)
    assert 0 < low < high and doctor.predict(0.1) == (2 * low, 2 * high)
