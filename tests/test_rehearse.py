"""`python -m course rehearse`: simulated learners through a real JupyterHub on 127.0.0.1, and what it reports."""

import csv

import psutil
import pytest
from conftest import ROOT

from course.grading.cells import is_check_cell
from course.rehearse.answers import skipping_every_exercise, solved
from course.rehearse.learner import PHASES, Timing
from course.rehearse.report import Rehearsal, Targets, phase_stats, verdict


def alive(pid: int, started: float) -> bool:
    try:
        p = psutil.Process(pid)
        return p.create_time() == started and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory):
    from course.rehearse.run import rehearse

    return rehearse(2, "01_perceptron", tmp_path_factory.mktemp("rehearsal"), progress=False)


def test_two_learners_run_notebook_01_through_the_embedded_hub_without_a_failure(rehearsal):
    assert [t for t in rehearsal.timings if not t.ok] == []
    cells = [
        c for c in skipping_every_exercise(ROOT / "notebooks" / "01_perceptron.ipynb").cells if c.cell_type == "code"
    ]
    for learner in ("rehearsal-01", "rehearsal-02"):
        mine = [t for t in rehearsal.timings if t.learner == learner]
        assert {t.phase for t in mine} == set(PHASES)
        assert sorted(t.cell for t in mine if t.phase in ("cell", "check")) == list(range(1, len(cells) + 1))
        assert sum(t.phase == "check" for t in mine) == sum(is_check_cell(c.source) for c in cells) == 5
    assert all(ok for ok, _ in verdict(rehearsal)[2:])  # no failed step, both learners to the end


def test_the_hub_machine_is_measured_per_learner_and_for_the_rehearsal_itself(rehearsal):
    peaks, cpu = rehearsal.usage.peak_mb(), rehearsal.usage.cpu_seconds()
    kernel_peaks, kernel_cpu = (
        rehearsal.usage.peak_mb(kernels_only=True),
        rehearsal.usage.cpu_seconds(kernels_only=True),
    )
    for learner in rehearsal.learners:
        assert peaks[learner] > kernel_peaks[learner] > 100  # a server, and a kernel that imported the course and numpy
        assert cpu[learner] > kernel_cpu[learner] > 0.5
    assert {"hub", "proxy", "driver"} <= set(peaks)
    assert all(s.load1 >= 0 and s.available_mb > 0 for s in rehearsal.usage.samples)


def test_every_process_the_rehearsal_started_is_stopped(rehearsal):
    names = {pid: started for pid, started in rehearsal.processes.items()}
    assert len(names) >= 6  # the hub, its proxy, two servers, two kernels
    assert [pid for pid, started in names.items() if alive(pid, started)] == []


def test_the_report_the_csv_and_the_timeline_are_written(rehearsal, tmp_path):
    from course.rehearse.report import write

    write(rehearsal, tmp_path)
    rows = list(csv.DictReader(open(tmp_path / "timings.csv")))
    assert len(rows) == len(rehearsal.timings)
    assert set(rows[0]) == {"learner", "phase", "cell", "start", "seconds", "ok", "reason"}
    report = (tmp_path / "report.md").read_text()
    assert "✓ 0 failed step(s)" in report and "| rehearsal-02 |" in report and "| proxy |" in report
    assert (tmp_path / "timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def timings(spawns, checks, failed=()):
    rows = [Timing("a", "spawn", None, 0.0, s, True) for s in spawns]
    rows += [Timing("a", "check", i, 1.0, s, True) for i, s in enumerate(checks)]
    rows += [Timing("a", "cell", 9, 2.0, 0.1, False, reason) for reason in failed]
    return rows


def test_phase_statistics_are_percentiles_of_the_successful_steps():
    stats = phase_stats(timings(spawns=[1.0, 2.0, 3.0, 4.0, 100.0], checks=[0.5], failed=["NameError: x"]))
    assert stats["spawn"] == (5, 3.0, pytest.approx(80.8), 100.0)
    assert "cell" not in stats


def test_the_verdict_fails_a_slow_spawn_a_slow_check_and_a_failed_cell():
    def judged(rows):
        return [ok for ok, _ in verdict(Rehearsal("01", ["a"], "hub", 1.0, rows, None, (0, 0, 0), Targets(30, 2)))]

    finished = [Timing("a", "shutdown", None, 3.0, 0.1, True)]
    assert judged(timings([10.0], [0.5]) + finished) == [True, True, True, True]
    assert judged(timings([40.0], [0.5]) + finished)[0] is False
    assert judged(timings([10.0], [3.0]) + finished)[1] is False
    assert judged(timings([10.0], [0.5], failed=["ZeroDivisionError"]))[2:] == [False, False]


def test_the_learner_who_did_every_exercise_runs_the_solution_notebook_without_its_outputs():
    nb = solved(ROOT / "notebooks" / "01_perceptron.ipynb")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert sum(is_check_cell(c.source) for c in code) == 5
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert not any("raise NotImplementedError" in c.source for c in code)
    assert sum("### BEGIN SOLUTION" in c.source for c in code) >= 5
