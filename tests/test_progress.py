"""Progress across notebooks: record, show, survive a corrupted file and two kernels writing at once."""

import json
import subprocess
import sys

import pytest

import course
from course.grading import progress
from course.grading.engine import Result


@pytest.fixture
def progress_file(tmp_path, monkeypatch):
    file = tmp_path / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS", str(file))
    monkeypatch.setattr(progress, "_warned", set())
    return file


def row(table, exercise):
    topic, name = exercise.split(".")
    return next(r for r in table.rows if r[0].endswith(topic) and r[1] == name)


def test_record_keeps_the_latest_result_and_counts_tries(progress_file):
    progress.record(Result("perceptron.step", False, 0.0, 1.0, "✗"))
    assert row(course.progress(), "perceptron.step") == ("01 perceptron", "step", "tried", 1, "")
    progress.record(Result("perceptron.step", True, 1.0, 1.0, "✓"))
    table = course.progress()
    assert row(table, "perceptron.step")[2:] == ("passed", 2, "")
    assert row(table, "perceptron.accuracy")[2:] == ("not started", 0, "")
    assert table.totals() == {"passed": 1, "tried": 0, "not started": len(course.exercises()) - 1}
    assert f"1 of {len(course.exercises())} exercises passed" in str(table) and "<table>" in table._repr_html_()


def test_check_records_and_unknown_ids_are_ignored(progress_file):
    course.check(lambda x: 0, "perceptron.step")
    course.check(lambda x: 0, "perceptron.no_such_exercise")
    entries = json.loads(progress_file.read_text())["exercises"]
    assert list(entries) == ["perceptron.step"] and entries["perceptron.step"]["passed"] is False


def test_the_cli_prints_the_table_and_the_file(progress_file, capsys):
    from course.__main__ import main

    progress.record(Result("cnn.dropout", True, 1.0, 1.0, "✓"))
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "04 cnn" in out and "passed" in out and str(progress_file) in out


def test_a_corrupted_file_starts_afresh_and_says_so_once(progress_file, capsys):
    progress_file.write_text("{not json")
    assert course.progress().totals()["passed"] == 0
    progress_file.write_text('{"exercises": [1, 2]}')
    progress.record(Result("perceptron.step", True, 1.0, 1.0, "✓"))
    assert capsys.readouterr().out.count("unreadable; starting afresh") == 1
    assert row(course.progress(), "perceptron.step")[2] == "passed"
    assert progress_file.with_name("progress.json.corrupt").exists()


def test_check_works_when_the_progress_file_cannot_be_written(tmp_path, monkeypatch, capsys):
    (tmp_path / "a_file").write_text("")
    monkeypatch.setenv("COURSE_PROGRESS", str(tmp_path / "a_file" / "progress.json"))
    result = course.check(lambda x: 0, "perceptron.step")
    assert not result.passed and "perceptron.step" in capsys.readouterr().out


def test_two_processes_writing_at_once_lose_nothing(progress_file):
    script = (
        "import sys; from course.grading import progress; from course.grading.engine import Result\n"
        "for i in range(25):\n"
        "    progress.record(Result('perceptron.step', False, 0.0, 1.0, ''))\n"
        "    progress.record(Result(sys.argv[1], True, 1.0, 1.0, ''))\n"
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", script, exercise])
        for exercise in ("perceptron.accuracy", "backprop.relu")
    ]
    assert [w.wait() for w in writers] == [0, 0]
    entries = progress.load()
    assert entries["perceptron.step"]["tries"] == 50
    assert entries["perceptron.accuracy"]["tries"] == entries["backprop.relu"]["tries"] == 25
    assert not list(progress_file.parent.glob("*.tmp"))
