"""The evaluator scores a trained model with the run's seed: the validation split, then the test set (its hidden case)."""

import json
import subprocess
from types import SimpleNamespace

import keras

from course.grader import evaluator, launch, submission
from course.grading import engine


def test_grade_model_passes_the_run_seed_to_the_evaluator(monkeypatch):
    commands = []

    def run(argv, **kwargs):
        commands.append(argv)
        reply = {"passed": True, "score": 1.0, "feedback": "✓", "mistake": None}
        return SimpleNamespace(stdout=("\n" + json.dumps(reply)).encode(), returncode=0)

    monkeypatch.setattr(subprocess, "run", run)
    assert evaluator.grade_model("cnn.trained_model", b"model", 1.0, sandboxed=False, seed=11)["passed"]
    evaluator.grade_model("cnn.trained_model", b"model", 1.0, sandboxed=False)
    with_seed, without = commands
    assert with_seed[with_seed.index("--seed") + 1] == "11"
    assert "--seed" not in without  # no seed: the visible case only, the validation split


def test_the_evaluator_grades_with_the_seed_it_is_given(tmp_path, monkeypatch, capsys):
    path = tmp_path / "model.keras"
    keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)]).save(path)
    seeds = []

    def grade(exercise_id, model, *, seed=None):
        seeds.append(seed)
        return engine.Result(exercise_id, False, 0.0, 1.0, "✗ below", "below 99% on the test set")

    monkeypatch.setattr(launch, "limit", lambda memory_mb: None)  # not in the test's own process
    monkeypatch.setattr(engine, "grade", grade)
    evaluator.main(["cnn.trained_model", str(path), "--seed", "5"])
    evaluator.main(["cnn.trained_model", str(path)])
    assert seeds == [5, None]
    replies = [json.loads(line) for line in capsys.readouterr().out.split("\n") if line.startswith("{")]
    assert [r["mistake"] for r in replies] == ["below 99% on the test set"] * 2


def test_a_graded_model_goes_to_the_evaluator_with_the_run_seed(tmp_path, monkeypatch):
    (tmp_path / "model.keras").write_bytes(b"saved by the kernel")
    kernel = SimpleNamespace(
        request=lambda request, limit: {"value": {"keras": "model.keras"}},
        model_path=lambda name: tmp_path / name,
        sandboxed=False,
    )
    calls = []

    def grade_model(exercise_id, model, max_score, **options):
        calls.append((exercise_id, model, options["seed"]))
        return {"passed": False, "score": 0.0, "max_score": max_score, "feedback": "✗", "mistake": None}

    monkeypatch.setattr(evaluator, "grade_model", grade_model)
    submission._grade_one(kernel, "transfer.trained_model", {"kind": "value"}, 42)
    assert calls == [("transfer.trained_model", b"saved by the kernel", 42)]
