"""Help on demand: two hints for every function exercise, the reference's source as the solution, both recorded."""

import importlib
import pkgutil

import pytest

import course
import course.hints
from course.grading import help, progress

EXERCISES = course.exercises()  # every exercise, the trained models too


@pytest.fixture(autouse=True)
def own_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS", str(tmp_path / "progress.json"))


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_exercise_has_two_hints(exercise_id):
    hints = help.hints_of(exercise_id)
    assert len(hints) == help.LEVELS and all(len(h) > 20 for h in hints) and hints[0] != hints[1]


def test_hints_come_in_levels_and_are_recorded(capsys):
    def step(z):
        raise NotImplementedError()

    course.hint(step)
    first = capsys.readouterr().out
    assert first.startswith("Hint 1 of 2 for perceptron.step:") and "course.hint(step, 2)" in first
    course.hint(step, 2)
    assert "course.solution(step)" in capsys.readouterr().out
    assert progress.load()["perceptron.step"]["hints"] == 2
    course.hint(step, 1)  # reading an earlier hint again keeps the highest level
    assert progress.load()["perceptron.step"]["hints"] == 2


def test_solution_prints_the_reference_and_is_recorded(capsys):
    course.solution("perceptron.accuracy")
    out = capsys.readouterr().out
    assert "def accuracy(" in out and "a copy earns no points" in out
    assert progress.load()["perceptron.accuracy"]["solution"] is True
    assert "solution" in str(course.progress())


def test_a_second_failed_check_points_to_the_hints(capsys):
    def step(z):
        return z

    course.check(step)
    assert "Stuck?" not in capsys.readouterr().out
    course.check(step)
    assert "Stuck? course.hint(step) gives a hint" in capsys.readouterr().out


def test_help_never_raises(capsys):
    course.hint("perceptron.no_such_exercise")
    course.solution(42)
    course.hint("cnn.trained_model", 7)
    out = capsys.readouterr().out
    assert out.count("✗") == 2 and "Hint 2 of 2 for cnn.trained_model" in out


HINT_TOPICS = [m.name for m in pkgutil.iter_modules(course.hints.__path__)]


@pytest.mark.parametrize("topic", HINT_TOPICS)
def test_every_hint_names_an_exercise(topic):
    names = {e.split(".")[1] for e in EXERCISES if e.startswith(f"{topic}.")}
    if not names:
        pytest.skip(f"no {topic} exercises registered yet (their notebook has not landed)")
    hints = importlib.import_module(f"course.hints.{topic}").HINTS
    assert set(hints) <= names, f"hints for no exercise: {sorted(set(hints) - names)}"
