"""Grading on a Dask cluster: a real scheduler and worker processes on 127.0.0.1, started with the `dask` commands;
every output file compared with a local run of the same class and seed."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from distributed import Client

sys.path.insert(0, str(Path(__file__).parent))
from dask_cluster import ROOT, cluster, environment  # noqa: E402
from submissions import WRONG_ACCURACY, WRONG_STEP, filled, write  # noqa: E402

NB = "01_perceptron.ipynb"
SEED = "7"


def small_class(folder: Path) -> Path:
    write(folder, "ada", NB, filled(NB))
    write(folder, "ben", NB, filled(NB, {"step": WRONG_STEP, "accuracy": WRONG_ACCURACY}))
    write(folder, "cal", NB, nbformat.read(ROOT / "notebooks" / NB, as_version=4))
    write(folder, "dee", NB, filled(NB, {"step": 'step = course.reference("perceptron.step")'}, ("import course",)))
    return folder


def grade(submissions: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """`python -m course grade` as a grader would run it."""
    argv = [sys.executable, "-m", "course", "grade", str(submissions), "--out", str(out), "--seed", SEED, *extra]
    return subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=environment())


def outputs(out: Path) -> dict[str, bytes]:
    files = [out / "grades.csv", out / "summary.md", *sorted((out / "feedback").glob("*.md"))]
    return {str(f.relative_to(out)): f.read_bytes() for f in files}


@pytest.fixture(scope="module")
def graded_here(tmp_path_factory):
    """The small class graded on this machine (the local pool, two at a time): what a cluster must reproduce."""
    folder = tmp_path_factory.mktemp("class")
    submissions = small_class(folder / "in")
    done = grade(submissions, folder / "local", "--workers", "2")
    assert done.returncode == 0, done.stderr
    return submissions, folder / "local"


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    with cluster(tmp_path_factory.mktemp("cluster")) as running:
        running.scheduler()
        running.worker("w1")
        running.worker("w2")
        running.wait_for({"w1", "w2"})
        yield running


def test_a_cluster_grades_as_this_machine_does_and_resumes_from_stored_rows(graded_here, two_workers, tmp_path):
    submissions, local = graded_here
    done = grade(submissions, tmp_path / "out", "--scheduler", two_workers.address)
    assert done.returncode == 0, done.stderr
    assert "graded 4 notebook(s)" in done.stdout
    assert outputs(tmp_path / "out") == outputs(local)
    bar = done.stderr.replace("\r", "\n").splitlines()
    assert any("grading: 100%" in line and "4/4 [" in line for line in bar)  # finished submissions, and the ETA:
    assert any("1/4 [" in line and "<" in line for line in bar)  # [elapsed<remaining]

    # An interrupted run: the rows of ben and cal stored, the others not. The cluster grades only those two, and
    # the outputs are the local run's again; the stored rows are the same wherever they were graded.
    resumed = tmp_path / "resumed"
    shutil.copytree(local, resumed)
    cache = json.loads((resumed / ".grades-cache.json").read_text())
    for learner in ("ada", "dee"):
        del cache[f"{learner}/{NB}"]
    (resumed / ".grades-cache.json").write_text(json.dumps(cache))
    (resumed / "grades.csv").unlink()
    done = grade(submissions, resumed, "--scheduler", two_workers.address)
    assert done.returncode == 0, done.stderr
    assert "graded 2 notebook(s)" in done.stdout and "2 unchanged since the last run" in done.stdout
    assert outputs(resumed) == outputs(local)


def test_a_worker_killed_while_it_grades_costs_nothing(graded_here, two_workers, tmp_path):
    submissions, local = graded_here
    argv = [sys.executable, "-m", "course", "grade", str(submissions), "--out", str(tmp_path / "out")]
    argv += ["--seed", SEED, "--scheduler", two_workers.address]
    grader = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment())
    try:
        with Client(two_workers.address, set_as_default=False) as client:
            names = {address: w["name"] for address, w in client.scheduler_info()["workers"].items()}
            busy = []
            while not busy:  # the first worker seen with a submission in hand
                assert grader.poll() is None, grader.communicate()
                busy = [names[address] for address, keys in client.processing().items() if keys]
                time.sleep(0.1)
            time.sleep(1.0)  # the worker has begun: its checks, the sandbox or the kernel
            killed = busy[0]
            assert client.processing()[next(a for a, n in names.items() if n == killed)]  # still grading
            two_workers.kill(killed)
        stdout, stderr = grader.communicate()
    finally:
        if grader.poll() is None:
            grader.kill()
            grader.wait()
    assert grader.returncode == 0, stderr
    assert "graded 4 notebook(s)" in stdout
    assert outputs(tmp_path / "out") == outputs(local)  # every row there, once, and no "not final" notebook


def test_a_worker_that_cannot_grade_fails_its_first_task_with_one_line(graded_here, tmp_path):
    submissions, _ = graded_here
    empty = tmp_path / "no-data"
    empty.mkdir()
    with cluster(tmp_path / "cluster") as running:
        address = running.scheduler()
        argv = [sys.executable, "-m", "course", "grade", str(submissions), "--out", str(tmp_path / "out")]
        argv += ["--seed", SEED, "--scheduler", address]
        grader = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment())
        try:
            # No worker yet: the grader connects, and its bar shows once the tasks are queued. Then a worker
            # without the data joins: no check before the tasks saw it, so its first task finds it out.
            seen = ""
            while "grading:" not in seen:
                character = grader.stderr.read(1)
                assert character, seen + grader.communicate()[1]
                seen += character
            running.worker("bare", COURSE_DATA_DIR=str(empty), COURSE_CACHE_DIR=str(empty))
            stdout, stderr = grader.communicate()
            stderr = seen + stderr
        finally:
            if grader.poll() is None:
                grader.kill()
                grader.wait()
        assert grader.returncode == 2
        last = stderr.replace("\r", "\n").strip().splitlines()[-1]
        assert last.startswith("course grade: error: worker tcp://127.0.0.1:") and "cannot grade" in last
        assert "the course's data is not complete at COURSE_DATA_DIR" in last and str(empty) in last
        assert not (tmp_path / "out" / "grades.csv").exists()  # no grades rather than wrong ones

        # Run again with the worker there: the check before any task says the same. Then the same for a worker
        # without bubblewrap, and one with another version of the course.
        others = [("bare", {}, "COURSE_DATA_DIR")]
        others.append(("no-bwrap", {"PATH": str(Path(sys.executable).parent)}, "bubblewrap is not installed"))
        other = tmp_path / "other-version"  # this package with one more module: another version of the course
        shutil.copytree(ROOT / "course", other / "course", ignore=shutil.ignore_patterns("__pycache__"))
        (other / "course" / "another_version.py").write_text('"""A module the grader\'s course does not have."""\n')
        others.append(("other-course", {"PYTHONPATH": str(other)}, "course package"))
        for name, env, expected in others:
            if name != "bare":
                running.worker(name, **env)
            running.wait_for({name})
            done = grade(submissions, tmp_path / "out", "--scheduler", address)
            assert done.returncode == 2 and done.stderr.count("\n") == 1 and "grading:" not in done.stderr
            assert "cannot grade: " in done.stderr and expected in done.stderr, done.stderr
            running.kill(name)


def test_the_docs_count_cores_from_cpu_seconds_per_submission():
    from course.instructor.results import grading_workers

    measured = {
        "notebooks": {"01_perceptron": {"cpu_seconds": 4}, "04_cnn": {"cpu_seconds": 236}},
        "grading_cpu": {"01_perceptron": {"cpu_seconds": 6.5, "submissions": 20, "load": 3.25}},
    }
    rows = grading_workers(measured).splitlines()
    assert rows[2] == "| 01_perceptron | 6.5 | graded: 20 submissions, load average 3.2 | 1 |"
    assert rows[3] == "| 04_cnn | 236 | the notebook's own run (a lower bound) | 20 |"  # 300 x 236 / 3600 = 19.7
